package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// chainHash is SHA-256(prev || json): the hash of an event whose
// predecessor's hash is prev.
func chainHash(prev [32]byte, json []byte) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	h.Write(json)
	return [32]byte(h.Sum(nil))
}

// ChainError is where a log fails verification.
type ChainError struct {
	Seq    uint64 // the first event that is wrong or missing
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("store: chain broken at event %d: %s", e.Seq, e.Reason)
}

// VerifyChain checks a room's whole log, as Load returns it: the rows are
// numbered 1..n without gaps, each row's JSON carries its own seq, each
// row's Prev is the Hash of the row before (32 zero bytes for the first),
// and each Hash is SHA-256(Prev || JSON), recomputed from the stored JSON.
// It returns nil for an intact log (or an empty one), or a *ChainError
// naming the first bad seq. It reads only JSON, Seq, Prev and Hash, not the
// decoded Event.
//
// TestVerifyChain guards it: a flipped byte, a missing row, a forged hash.
func VerifyChain(rows []Stored) error {
	return verifyLinks(len(rows), func(i int) link {
		r := &rows[i]
		return link{r.Seq, r.JSON, r.Prev, r.Hash}
	})
}

// link is what a chain's verification reads of one row.
type link struct {
	seq              uint64
	json, prev, hash []byte
}

// verifyLinks checks n rows, row(i) the i-th, as VerifyChain documents:
// meetings' logs and consultations' are chained the same way.
func verifyLinks(n int, row func(int) link) error {
	var prev [32]byte
	for i := range n {
		r := row(i)
		want := uint64(i) + 1
		if r.seq != want {
			return &ChainError{Seq: want, Reason: fmt.Sprintf("missing: the next row is event %d", r.seq)}
		}
		if !bytes.Equal(r.prev, prev[:]) {
			return &ChainError{Seq: r.seq, Reason: "prev is not the hash of the event before"}
		}
		if h := chainHash(prev, r.json); !bytes.Equal(r.hash, h[:]) {
			return &ChainError{Seq: r.seq, Reason: "hash does not match the event's JSON"}
		}
		var head struct {
			Seq uint64 `json:"seq"`
		}
		if err := json.Unmarshal(r.json, &head); err != nil {
			return &ChainError{Seq: r.seq, Reason: "json does not decode: " + err.Error()}
		}
		if head.Seq != r.seq {
			return &ChainError{Seq: r.seq, Reason: fmt.Sprintf("json says event %d", head.Seq)}
		}
		prev = [32]byte(r.hash)
	}
	return nil
}
