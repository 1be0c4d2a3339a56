package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

const secretKey = "secret"

// Secret returns the server's 32-byte secret, for signing participant
// tokens. It is made with crypto/rand the first time it is asked for and
// stored, so that tokens stay valid across restarts. Every call, from any
// process using the file, returns the same bytes. The caller must not
// modify them.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	var v []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, secretKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		v, err = s.createSecret(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("store: secret: %w", err)
	}
	if len(v) != 32 {
		return nil, fmt.Errorf("store: secret: stored secret is %d bytes, want 32", len(v))
	}
	s.secret = v
	return v, nil
}

// createSecret stores a new secret unless one is there already, and returns
// the one stored.
func (s *Store) createSecret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh) // never fails (crypto/rand since Go 1.24)
	var v []byte
	err := s.submit(ctx, 1, func(b *batch) error {
		res, err := b.tx.ExecContext(b.ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, secretKey, fresh)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			b.wrote = true
		}
		return b.tx.QueryRowContext(b.ctx, `SELECT value FROM meta WHERE key = ?`, secretKey).Scan(&v)
	})
	return v, err
}
