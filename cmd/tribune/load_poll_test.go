package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestLoadPollKinds: the vote scenario with a ranking poll and a points
// poll: every ballot is accepted and every client ends with the server's
// state, results included.
func TestLoadPollKinds(t *testing.T) {
	for _, kind := range []string{"ranking", "points"} {
		t.Run(kind, func(t *testing.T) {
			base := startServe(t, "-tick", "20ms")
			var out, log bytes.Buffer
			err := run(context.Background(), []string{"load", "-url", base, "-poll", kind, "-participants", "150", "-window", "1s", "-settle", "20s"},
				func(string) string { return "" }, &out, &log)
			t.Logf("%s\n%s", log.String(), out.String())
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"scenario vote (" + kind + " poll)", "converged:    150 of 150", "(150 acked, 0 refused)"} {
				if !strings.Contains(out.String(), want) {
					t.Fatalf("no %q in:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestLoadRefusesUnknownPollKind(t *testing.T) {
	var out, log bytes.Buffer
	err := run(context.Background(), []string{"load", "-poll", "rating"}, func(string) string { return "" }, &out, &log)
	if err == nil || !strings.Contains(log.String()+err.Error(), "single, ranking or points") {
		t.Fatalf("got %v, %s", err, log.String())
	}
}
