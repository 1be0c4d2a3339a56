package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// remoteStore is an edge's view of the primary's log: every read is an RPC
// to the primary, answered from SQLite. Creating a room is one too, so that
// an edge behind a load balancer serves the whole HTTP API.
type remoteStore struct{ e *Edge }

// Head asks the primary for the head of a room's log, which keys the
// archive cache on an edge as on the primary.
func (r remoteStore) Head(ctx context.Context, code string) (uint64, []byte, error) {
	resp, err := r.call(ctx, rpcReq{Op: rpcHead, Code: code})
	if err != nil {
		return 0, nil, err
	}
	if len(resp.Hash) != 32 {
		return 0, nil, fmt.Errorf("%w: a head without its hash", ErrUpstream)
	}
	return resp.Seq, resp.Hash, nil
}

// Events returns up to limit (at most maxRPCRows) events after after.
func (r remoteStore) Events(ctx context.Context, code string, after uint64, limit int) ([]store.Stored, error) {
	resp, err := r.call(ctx, rpcReq{Op: rpcEvents, Code: code, After: after, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]store.Stored, len(resp.Rows))
	for i, w := range resp.Rows {
		out[i] = store.Stored{Seq: w.Seq, JSON: w.JSON, CmdID: w.CmdID, Prev: w.Prev, Hash: w.Hash}
		if err := json.Unmarshal(w.JSON, &out[i].Event); err != nil {
			return nil, fmt.Errorf("room %s: %w", code, &store.ChainError{Seq: w.Seq, Reason: "json does not decode: " + err.Error()})
		}
	}
	return out, nil
}

// Load reads the whole log, a page at a time.
func (r remoteStore) Load(ctx context.Context, code string) ([]store.Stored, error) {
	var (
		all   []store.Stored
		after uint64
	)
	for {
		rows, err := r.Events(ctx, code, after, maxRPCRows)
		if err != nil {
			return nil, err
		}
		all = append(all, rows...)
		if len(rows) > 0 {
			after = rows[len(rows)-1].Seq
		}
		if len(rows) < maxRPCRows {
			return all, nil
		}
	}
}

func (r remoteStore) Room(ctx context.Context, code string) (store.RoomRecord, error) {
	resp, err := r.call(ctx, rpcReq{Op: rpcRoom, Code: code})
	if err != nil {
		return store.RoomRecord{}, err
	}
	if resp.Rec == nil {
		return store.RoomRecord{}, fmt.Errorf("%w: no record in the answer", ErrUpstream)
	}
	return *resp.Rec, nil
}

func (r remoteStore) CreateRoom(ctx context.Context, rec store.RoomRecord, first room.Event) error {
	_, err := r.call(ctx, rpcReq{Op: rpcCreate, Code: rec.Code, Rec: &rec, First: &first})
	return err
}

// call makes the RPC and maps the primary's refusal back to the store's
// sentinels.
func (r remoteStore) call(ctx context.Context, req rpcReq) (rpcResp, error) {
	resp, err := r.e.call(ctx, req)
	if err != nil {
		return resp, err
	}
	switch resp.Err {
	case "":
		return resp, nil
	case "not_found":
		return resp, fmt.Errorf("%w (%s)", store.ErrNotFound, resp.Msg)
	case "exists":
		return resp, fmt.Errorf("%w (%s)", store.ErrExists, resp.Msg)
	}
	return resp, fmt.Errorf("%w: primary: %s", ErrUpstream, resp.Msg)
}

// storeErr maps a remote read's error as the hub's own backend does a
// local one.
func storeErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return seam.ErrNoRoom
	}
	return fmt.Errorf("load room: %w", err)
}
