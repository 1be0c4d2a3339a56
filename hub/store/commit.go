package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A request is one write (or ordered read) for the committer: an Append, a
// CreateRoom, a DeleteRoom, a Head. The committer runs exec inside the batch's
// transaction, in a savepoint of its own, so a failing request leaves the
// others of its batch untouched.
type request struct {
	ctx  context.Context // the caller's: a request whose ctx is done before the committer reaches it is skipped
	n    int             // events carried, counted against MaxBatch
	exec func(b *batch) error
	done chan error // buffered: the committer never waits for the caller
}

// submit hands a request to the committer and waits until its batch has
// committed (or failed), ctx is done, or the store is closed.
//
// If ctx is done before the request was handed over, nothing is written.
// If it is done after, the error says the request is not acknowledged, but
// the request may still commit: the committer skips a request whose ctx is
// done only if it has not started writing it. Head, which is ordered after
// every request submitted before it, tells what happened.
func (s *Store) submit(ctx context.Context, n int, exec func(*batch) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: not written: %w", err)
	}
	if s.readOnly {
		return ErrReadOnly
	}
	r := &request{ctx: ctx, n: n, exec: exec, done: make(chan error, 1)}

	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.mu.RUnlock()
		return fmt.Errorf("store: not written: %w", ctx.Err())
	}
	s.mu.RUnlock()

	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("store: not acknowledged, may still commit: %w", ctx.Err())
	}
}

// run is the committer: the only goroutine that writes. It exits once Close
// has closed reqs and every request sent before that is answered.
func (s *Store) run() {
	defer close(s.done)
	var batch []*request
	for {
		r, ok := <-s.reqs
		if !ok {
			return
		}
		batch = s.gather(append(batch[:0], r), r.n)
		s.commit(batch)
		clear(batch) // let the requests be collected
	}
}

// gather adds to batch the requests that are waiting (and, with MaxDelay,
// those that arrive within it) until the batch holds MaxBatch events.
func (s *Store) gather(batch []*request, n int) []*request {
	var timeout <-chan time.Time
	if s.maxDelay > 0 {
		t := time.NewTimer(s.maxDelay)
		defer t.Stop()
		timeout = t.C
	}
	for n < s.maxBatch {
		select {
		case r, ok := <-s.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			n += r.n
			continue
		default:
		}
		if timeout == nil {
			return batch
		}
		select {
		case r, ok := <-s.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			n += r.n
		case <-timeout:
			return batch
		}
	}
	return batch
}

// tip is a room's last committed event: the next one must be seq+1 and
// carry hash as its prev. A room with no events has seq 0 and a zero hash.
type tip struct {
	seq  uint64
	hash [32]byte
}

// batch is one transaction of the committer.
type batch struct {
	s      *Store
	tx     *sql.Tx
	ins    *sql.Stmt       // s.insEvent bound to tx
	staged map[string]tip  // tips moved by the requests of this batch that succeeded
	events uint64          // events written by those requests
	wrote  bool            // whether any request wrote anything
	ctx    context.Context // the batch's own: callers' contexts do not cancel a shared transaction
}

// commit writes reqs in one transaction, then answers each of them. A
// request that fails (ErrGap, ErrNotFound...) is rolled back to its
// savepoint and gets its error; the others still commit. If the
// transaction itself fails, every request gets that error.
func (s *Store) commit(reqs []*request) {
	ctx := context.Background()
	errs := make([]error, len(reqs))
	b := &batch{s: s, staged: make(map[string]tip), ctx: ctx}

	fail := func(err error) {
		// The connection's state is unknown: forget the cached tips so that
		// they are read back from what really committed.
		clear(s.tips)
		for _, r := range reqs {
			r.done <- err
		}
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		s.logger.Error("commit failed", "stage", "begin", "requests", len(reqs), "err", err)
		fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	b.tx = tx
	b.ins = tx.StmtContext(ctx, s.insEvent)
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			errs[i] = fmt.Errorf("store: not written: %w", err)
			continue
		}
		var fatal error
		errs[i], fatal = b.do(r)
		if fatal != nil {
			tx.Rollback()
			s.logger.Error("commit failed", "stage", "savepoint", "requests", len(reqs), "err", fatal)
			fail(fmt.Errorf("store: write: %w", fatal))
			return
		}
	}
	if !b.wrote {
		// Nothing to make durable (reads, or only failed requests).
		tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		s.logger.Error("commit failed", "stage", "commit", "requests", len(reqs), "err", err)
		fail(fmt.Errorf("store: commit: %w", err))
		return
	} else {
		s.commits.Add(1)
		s.events.Add(b.events)
	}
	for code, t := range b.staged {
		s.tips[code] = t
	}
	for i, r := range reqs {
		r.done <- errs[i]
	}
}

// do runs one request in a savepoint. err is the request's own failure,
// after which the batch goes on; fatal means the transaction is unusable.
func (b *batch) do(r *request) (err, fatal error) {
	if _, err := b.tx.ExecContext(b.ctx, "SAVEPOINT req"); err != nil {
		return nil, err
	}
	if err := r.exec(b); err != nil {
		if _, rerr := b.tx.ExecContext(b.ctx, "ROLLBACK TO req"); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		if _, rerr := b.tx.ExecContext(b.ctx, "RELEASE req"); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return err, nil
	}
	if _, err := b.tx.ExecContext(b.ctx, "RELEASE req"); err != nil {
		return nil, err
	}
	return nil, nil
}

// tip returns the room's last event as this transaction sees it, loading it
// from the db (and caching it) the first time the room is written to since
// Open. ErrNotFound if there is no such room.
func (b *batch) tip(code string) (tip, error) {
	if t, ok := b.staged[code]; ok {
		return t, nil
	}
	if t, ok := b.s.tips[code]; ok {
		return t, nil
	}
	var exists bool
	if err := b.tx.QueryRowContext(b.ctx, `SELECT EXISTS (SELECT 1 FROM rooms WHERE code = ?)`, code).Scan(&exists); err != nil {
		return tip{}, fmt.Errorf("store: room %s: %w", code, err)
	}
	if !exists {
		return tip{}, fmt.Errorf("%w: room %s", ErrNotFound, code)
	}
	var (
		t    tip
		hash []byte
	)
	err := b.tx.QueryRowContext(b.ctx, `SELECT seq, hash FROM events WHERE room = ? ORDER BY seq DESC LIMIT 1`, code).Scan(&t.seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A room with no event yet: the first one is seq 1 after a zero hash.
	case err != nil:
		return tip{}, fmt.Errorf("store: room %s: last event: %w", code, err)
	case len(hash) != len(t.hash):
		return tip{}, fmt.Errorf("store: room %s event %d: stored hash is %d bytes", code, t.seq, len(hash))
	default:
		t.hash = [32]byte(hash)
	}
	// Nothing of this room is staged, so what the transaction sees is what
	// is committed.
	b.s.tips[code] = t
	return t, nil
}

// insert writes evs, which must follow the room's tip, and stages the new
// tip.
func (b *batch) insert(code string, evs []encoded) error {
	t, err := b.tip(code)
	if err != nil {
		return err
	}
	if first := evs[0].seq; first != t.seq+1 {
		return fmt.Errorf("%w: room %s: got seq %d, want %d", ErrGap, code, first, t.seq+1)
	}
	prev := t.hash
	for _, e := range evs {
		h := chainHash(prev, e.json)
		if _, err := b.ins.ExecContext(b.ctx, code, e.seq, e.at, e.op, e.role, e.cmdID, e.json, prev[:], h[:]); err != nil {
			return fmt.Errorf("store: room %s: insert event %d: %w", code, e.seq, err)
		}
		prev = h
	}
	b.staged[code] = tip{seq: evs[len(evs)-1].seq, hash: prev}
	b.events += uint64(len(evs))
	b.wrote = true
	return nil
}
