package hub

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/coder/websocket"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/tribune-hub/tribune/room"
)

// The moderation team (room/team.go) as the hub serves it. The organiser's
// key, made at the room's creation, is kept hashed beside the room record
// (store.RoomRecord.KeyHash) and acts as moderatorID. Each seat's key is
// made here when the organiser adds the seat (team.add): the hub puts its
// SHA-256 in the command, so it is in the room's log, and answers the key
// in the ack, once. A session whose key is a seat's acts as
// room.SeatActor(seat).
//
// The hashes live in the log rather than in a table of the store because
// the log is what every node replays: after a restart, and on an edge
// that holds a replica and no store, the seats and their revocations come
// back together, in order, with nothing to keep in step. A seat's key is
// 256 bits made by HMAC: its hash tells nothing of it, and the log that
// holds the hash is the moderators' download only (never the report or
// open data, which are built from views).
//
// Revocation (team.revoke) takes effect everywhere the event is applied:
// the room refuses the seat's commands from that event on; each node's
// fan-out closes the seat's sessions when it applies it (fanout.revoke)
// and refuses the seat's key from then on (seatKeys); and a session
// checked just before it but welcomed after is closed at its welcome
// (fanout.welcome asks room.Acts).

// seatKey is the key of the seat a team.add creates. It is derived from
// the hub's secret, the room and the command's id, so that a command
// retried with the same id (PROTOCOL.md) is acknowledged with the same
// key as the event it was deduplicated to: a random key would come back
// different from the hash the log kept. A command id used again later for
// another seat gives the same key, and the room refuses that seat
// (ErrAlready: the hash is taken).
func (s signer) seatKey(code, cmdID string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("tribune team link\x00" + code + "\x00" + cmdID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// moderatorActor returns who a moderator key acts as: the organiser, or a
// seat of the team not revoked. Every seat's hash is compared, in
// constant time, whatever matched before. A revoked seat's key is
// ErrBadKey, saying so.
//
// The seats are the fan-out's, which applies the log a tick after the
// sequencer acknowledged it (and, on an edge, after Redis brought it): a
// link opened at once after the organiser got it may not be there yet.
// So a key that matches no seat is checked once more after this node has
// applied every event the log held when it was asked (caughtUp): a link
// works as soon as its team.add was acknowledged, on any node, and a
// wrong key costs one read of the log's head and a tick or so.
func (h *Hub) moderatorActor(ctx context.Context, key string, hr *hubRoom) (room.Actor, error) {
	if checkKey(key, hr.keyHash) {
		return room.Actor{ID: moderatorID, Role: room.Moderator}, nil
	}
	if key == "" {
		return room.Actor{}, ErrBadKey
	}
	sum := hashKey(key)
	found := matchSeat(sum, *hr.fan.seats.Load())
	if found.ID == 0 {
		keys, err := h.caughtUp(ctx, hr)
		if err != nil {
			return room.Actor{}, err
		}
		found = matchSeat(sum, keys)
	}
	switch {
	case found.ID == 0:
		return room.Actor{}, ErrBadKey
	case found.Revoked:
		return room.Actor{}, fmt.Errorf("%w: this moderator link was revoked", ErrBadKey)
	}
	return room.Actor{ID: room.SeatActor(found.ID), Role: room.Moderator}, nil
}

// matchSeat returns the seat whose key hashes to sum, or the zero
// SeatKey. Every hash is compared, in constant time.
func matchSeat(sum []byte, keys []room.SeatKey) room.SeatKey {
	var found room.SeatKey
	for _, k := range keys {
		if subtle.ConstantTimeCompare(sum, k.KeyHash) == 1 {
			found = k
		}
	}
	return found
}

// caughtUp waits until the fan-out's replica has applied every event the
// log holds now, and returns the seats' keys then. Each look waits for
// the fan-out's next tick; ctx bounds the wait (a hello's timeout, a
// request's context).
func (h *Hub) caughtUp(ctx context.Context, hr *hubRoom) ([]room.SeatKey, error) {
	head, _, err := h.store.Head(ctx, hr.code)
	if err != nil {
		return nil, err
	}
	for {
		var (
			seq  uint64
			keys []room.SeatKey
		)
		if err := hr.fan.inspect(ctx, func(r *room.Room) { seq, keys = r.Seq(), r.SeatKeys() }); err != nil {
			return nil, err
		}
		if seq >= head {
			return keys, nil
		}
	}
}

// prepareTeamAdd makes the key of the seat cmd adds, puts its hash in cmd
// and returns the key, for the ack. Only the organiser's team.add gets
// here with a key: a seat's is refused by the room, and the hash a client
// sent is never kept.
func (h *Hub) prepareTeamAdd(hr *hubRoom, cmd *room.Command, cmdID string) string {
	key := h.signer.seatKey(hr.code, cmdID)
	cmd.KeyHash = hex.EncodeToString(hashKey(key))
	return key
}

// statusRevoked closes the sessions of a revoked seat: policy (1008), as a
// wrong key. The client reconnects, and its hello is refused with bad_key.
const statusRevoked = websocket.StatusPolicyViolation

// seatKeys keeps f.seats in step with the replica after events that
// touched the team. Owned by run.
func (f *fanout) seatKeys() {
	keys := f.replica.SeatKeys()
	f.seats.Store(&keys)
}

// revoke closes every session of seat here. Owned by run.
func (f *fanout) revoke(seat room.SeatID) {
	id := room.SeatActor(seat)
	for s := range f.roles[roleIndex(room.Moderator)].sessions {
		if s.actor.ID == id {
			s.close(statusRevoked, "moderator link revoked")
		}
	}
}

// maxLinkQRBody bounds the body of POST /api/rooms/{code}/link-qr.
const maxLinkQRBody = 1 << 10

// linkQR serves POST /api/rooms/{code}/link-qr: the QR code (SVG) of a
// seat's moderator link, /m/CODE#key=KEY, for the organiser to show once.
// The organiser's key comes in the X-Tribune-Key header and the seat's in
// the body, {"key"}, never in an address that a log could keep; the
// server made that key, so it learns nothing. Only a key of a seat of
// this room that is not revoked is drawn: this is no QR service for any
// text. The query's base chooses the address as GET /qr does.
func (h *Hub) linkQR(w http.ResponseWriter, r *http.Request) {
	hr, err := h.room(r.Context(), normalizeCode(r.PathValue("code")))
	if err != nil {
		h.httpError(w, err)
		return
	}
	if !checkKey(r.Header.Get(keyHeader), hr.keyHash) {
		writeError(w, http.StatusForbidden, "bad_key", "link-qr: the organiser's key is needed in the "+keyHeader+" header")
		return
	}
	var body struct {
		Key string `json:"key"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxLinkQRBody)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad_message", "link-qr: the body must be {\"key\": the link's key}")
		return
	}
	if a, err := h.moderatorActor(r.Context(), body.Key, hr); err != nil || a.ID == moderatorID {
		writeError(w, http.StatusBadRequest, "bad_key", "link-qr: not the key of a moderator link of this meeting")
		return
	}
	q, err := qrcode.New(h.qrBase(r)+"/m/"+hr.code+"#key="+body.Key, qrcode.Medium)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "qr code")
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, qrSVG(q.Bitmap()))
}
