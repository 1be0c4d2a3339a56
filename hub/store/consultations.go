package store

import "github.com/tribune-hub/tribune/room/consultation"

// ConsultationRow is an event of a consultation's log as the store holds
// it: the same hash chain as a meeting's (Stored), over the consultation
// event's canonical JSON.
type ConsultationRow struct {
	Seq   uint64
	JSON  []byte // the event's encoding, what Hash covers
	Prev  []byte // Hash of event Seq-1; 32 zero bytes for Seq 1
	Hash  []byte // SHA-256(Prev || JSON)
	Event consultation.Event
}
