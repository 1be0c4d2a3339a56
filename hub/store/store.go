package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors returned by the store. Callers match them with errors.Is; the text
// may add detail after the sentinel.
var (
	// ErrNotFound: no room with that code.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: CreateRoom with a code that is taken.
	ErrExists = errors.New("store: already exists")
	// ErrGap: an Append whose first seq is not the room's last seq + 1, or
	// whose events are not numbered contiguously. Nothing was written.
	ErrGap = errors.New("store: event out of sequence")
	// ErrClosed: the store is closed, or closing. Nothing was written.
	ErrClosed = errors.New("store: closed")
	// ErrReadOnly: a write (or Head, which the committer answers) on a
	// store opened with ReadOnly.
	ErrReadOnly = errors.New("store: opened read-only")
)

// Config configures a Store. Zero values mean the documented defaults.
type Config struct {
	// Path is the SQLite file, created if missing. Required.
	Path string
	// Logger receives the store's own events (open, close, failed
	// commits). Defaults to discarding them.
	Logger *slog.Logger
	// MaxBatch is the most events one group commit gathers before it
	// writes. A single request larger than that is written whole, alone.
	// Defaults to 1024.
	MaxBatch int
	// MaxDelay is how long the committer may wait, after the first request
	// of a batch, for more requests to fill it. Defaults to 0: commit as
	// soon as the previous commit ended; batching then comes from the
	// requests that arrived while it was running, which costs no latency
	// when the store is idle.
	MaxDelay time.Duration
	// ReadConns is the most connections the read pool opens. Defaults to
	// max(4, GOMAXPROCS).
	ReadConns int
	// ReadOnly opens an existing store for reading only, beside a server
	// that may be writing it (tribune export): no write connection, no
	// committer, no schema change; writes fail with ErrReadOnly.
	ReadOnly bool

	// migrations replaces the package's (schema.go), for tests only.
	migrations []migration
}

// Store is the SQLite store. Its methods may be called concurrently.
type Store struct {
	logger   *slog.Logger
	maxBatch int
	maxDelay time.Duration

	readOnly bool        // Config.ReadOnly: no w, no committer
	steps    []migration // the schema's history, migrations unless a test says

	w *sql.DB // the one write connection; used only by the committer (and by Open before it starts)
	r *sql.DB // read-only pool

	insEvent *sql.Stmt // on w

	// mu guards closed and sends on reqs, so that no request is sent after
	// Close closed the channel.
	mu     sync.RWMutex
	closed bool
	reqs   chan *request
	done   chan struct{} // closed when the committer has exited

	// Owned by the committer: each room's last committed seq and hash,
	// loaded lazily from the db.
	tips map[string]tip

	commits atomic.Uint64
	events  atomic.Uint64

	secretMu sync.Mutex
	secret   []byte // guarded by secretMu; nil until the first Secret
}

// Stats counts what the store committed since Open.
type Stats struct {
	Commits uint64 // transactions committed (each is one fsync)
	Events  uint64 // events committed
}

// Stats returns the counters. Events/Commits is the mean group size.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Events: s.events.Load()}
}

// dsn builds the connection string for path.
//
// Durability: the write connection runs in WAL mode with synchronous=FULL,
// which fsyncs the WAL at every commit. With synchronous=NORMAL, WAL commits
// survive a process crash (kill -9: the data is in the OS page cache) but the
// last ones can be lost on power loss or a kernel crash, since the WAL is
// only synced at checkpoints. The design promises that an acknowledged event
// is never lost, so FULL it is; group commit is what makes its cost (one
// fsync per transaction, not per event) affordable.
//
// The read pool sets query_only, so that a read connection can never write,
// and busy_timeout as a backstop: in WAL mode readers do not wait for the
// writer, and only the committer writes, so it should never be needed.
func dsn(path string, write bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	if write {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_pragma", "foreign_keys(1)")
		// Take the write lock at BEGIN, not at the first write: the
		// committer is the only writer, but this keeps a lock upgrade
		// from ever failing mid-transaction.
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	// A file: URI, so that a '?' or '#' in the path is escaped rather than
	// taken for the start of the parameters.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String(), nil
}

// Open opens (creating if needed) the SQLite file at cfg.Path, creates or
// upgrades its schema (schema.go) and starts the committer. The caller
// must Close the store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, errors.New("store: no path")
	}
	s := &Store{
		logger:   cfg.Logger,
		maxBatch: cfg.MaxBatch,
		maxDelay: cfg.MaxDelay,
		tips:     make(map[string]tip),
		done:     make(chan struct{}),
		steps:    cfg.migrations,
	}
	if s.steps == nil {
		s.steps = migrations
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 1024
	}
	if s.maxDelay < 0 {
		s.maxDelay = 0
	}
	readConns := cfg.ReadConns
	if readConns <= 0 {
		readConns = max(4, runtime.GOMAXPROCS(0))
	}
	s.reqs = make(chan *request, s.maxBatch)
	if cfg.ReadOnly {
		s.readOnly = true
		if err := s.openReader(ctx, cfg.Path, readConns); err != nil {
			s.closeDBs()
			return nil, fmt.Errorf("store: open %s: %w", cfg.Path, err)
		}
		close(s.done) // no committer
		return s, nil
	}

	if err := s.open(ctx, cfg.Path, readConns); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("store: open %s: %w", cfg.Path, err)
	}
	go s.run()
	s.logger.Info("store opened", "path", cfg.Path)
	return s, nil
}

func (s *Store) open(ctx context.Context, path string, readConns int) error {
	if err := s.probe(ctx, path); err != nil {
		return err
	}
	wdsn, err := dsn(path, true)
	if err != nil {
		return err
	}
	if s.w, err = sql.Open("sqlite", wdsn); err != nil {
		return err
	}
	// One connection, kept for the life of the store: the committer is the
	// only writer, so SQLite's write lock is never contended.
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)

	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	if err := s.migrate(ctx, s.w, path, s.steps); err != nil {
		return err
	}
	s.insEvent, err = s.w.PrepareContext(ctx,
		`INSERT INTO events (room, seq, at, op, role, cmd_id, json, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}

	return s.openPool(ctx, path, readConns)
}

// probe refuses a file this binary must not write, before the writer
// opens it: opening the writer switches the file to WAL, which a newer
// Tribune's file, or another program's database, must not undergo for
// being refused. A missing or empty file is new, and passes.
func (s *Store) probe(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil
	}
	rdsn, err := dsn(path, false)
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", rdsn)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := fileVersion(ctx, db)
	if err != nil {
		return err
	}
	if v > len(s.steps) {
		return &SchemaError{File: v, Known: len(s.steps)}
	}
	return nil
}

// openPool opens the read-only pool.
func (s *Store) openPool(ctx context.Context, path string, readConns int) error {
	rdsn, err := dsn(path, false)
	if err != nil {
		return err
	}
	if s.r, err = sql.Open("sqlite", rdsn); err != nil {
		return err
	}
	s.r.SetMaxOpenConns(readConns)
	s.r.SetMaxIdleConns(readConns)
	return s.r.PingContext(ctx)
}

// openReader opens the read pool only, on a file that must already hold a
// store this program can read.
func (s *Store) openReader(ctx context.Context, path string, readConns int) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	if err := s.openPool(ctx, path, readConns); err != nil {
		return err
	}
	return checkReadable(ctx, s.r, len(s.steps))
}

// Close lets the committer write every request already accepted, stops it
// and closes the database. Calls made after Close began fail with
// ErrClosed. Close is idempotent; later calls return nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closed = true
	close(s.reqs)
	s.mu.Unlock()

	<-s.done
	err := s.closeDBs()
	s.logger.Info("store closed", "commits", s.commits.Load(), "events", s.events.Load())
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

func (s *Store) closeDBs() error {
	var errs []error
	if s.insEvent != nil {
		errs = append(errs, s.insEvent.Close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}
