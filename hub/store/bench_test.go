package store

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// BenchmarkAppend appends one event at a time to one room: every Append is
// a transaction of its own, so this measures one commit (and its fsync).
func BenchmarkAppend(b *testing.B) {
	s := openStore(b, filepath.Join(b.TempDir(), "bench.db"), Config{Logger: quiet})
	ctx := context.Background()
	mustCreate(b, s, "BENCH0")
	seq := uint64(2)
	for b.Loop() {
		if err := s.Append(ctx, "BENCH0", records(seq, seq)); err != nil {
			b.Fatal(err)
		}
		seq++
	}
	report(b, s)
}

// BenchmarkAppendParallel appends one event at a time from many goroutines,
// each its own room (as many sequencers would): the committer groups them.
func BenchmarkAppendParallel(b *testing.B) {
	s := openStore(b, filepath.Join(b.TempDir(), "bench.db"), Config{Logger: quiet})
	ctx := context.Background()
	var rooms atomic.Int64
	b.SetParallelism(32) // 32 x GOMAXPROCS concurrent sequencers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		code := fmt.Sprintf("P%05d", rooms.Add(1))
		mustCreate(b, s, code)
		for seq := uint64(2); pb.Next(); seq++ {
			if err := s.Append(ctx, code, records(seq, seq)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	report(b, s)
}

var quiet = slog.New(slog.DiscardHandler)

func report(b *testing.B, s *Store) {
	st := s.Stats()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if st.Commits > 0 {
		b.ReportMetric(float64(st.Events)/float64(st.Commits), "events/commit")
	}
}
