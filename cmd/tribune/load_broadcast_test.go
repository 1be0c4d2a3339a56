package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHS256 checks the connection tokens against vectors computed apart:
// jwt.io's example, and one from Python's hmac and hashlib with the claims
// the generator sends.
func TestHS256(t *testing.T) {
	for _, c := range []struct {
		secret string
		claims any
		want   string
	}{
		{"your-256-bit-secret", struct {
			Sub  string `json:"sub"`
			Name string `json:"name"`
			Iat  int64  `json:"iat"`
		}{"1234567890", "John Doe", 1516239022},
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
		{"load-secret", connectionClaims{Sub: "sub-7", Exp: 2000000000},
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdWItNyIsImV4cCI6MjAwMDAwMDAwMH0.W0ssDXdcHOvsYFGKqwLVgYH0hK6RizEMXkDed3NoRDg"},
	} {
		got, err := hs256([]byte(c.secret), c.claims)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("hs256(%q, %+v)\n got %s\nwant %s", c.secret, c.claims, got, c.want)
		}
	}
}

func TestStampText(t *testing.T) {
	for _, c := range []struct {
		seq  uint64
		sent int64
	}{{1, 0}, {42, 1234567890123}, {999999, 600e9}} {
		text := stampText(c.seq, c.sent)
		if len(text) != broadcastTextLen {
			t.Errorf("stampText(%d, %d) is %d bytes, want %d", c.seq, c.sent, len(text), broadcastTextLen)
		}
		seq, sent, ok := parseStamp([]byte(strings.TrimPrefix(text, stampPrefix)))
		if !ok || seq != c.seq || sent != c.sent {
			t.Errorf("parseStamp(%q) = %d, %d, %v", text, seq, sent, ok)
		}
	}
	for _, bad := range []string{"", "12", "12 ", "12 x ", "0 5 ", "x 5 "} {
		if _, _, ok := parseStamp([]byte(bad)); ok {
			t.Errorf("parseStamp(%q) accepted", bad)
		}
	}
}

// TestLoadBroadcast: a short broadcast against a real server reaches every
// subscriber with every announcement, once.
func TestLoadBroadcast(t *testing.T) {
	// WebSocket participants, then readers of the Server-Sent Events feed.
	for _, target := range []string{"tribune", "tribune-sse"} {
		t.Run(target, func(t *testing.T) {
			base := startServe(t, "-tick", "20ms")
			var out, log bytes.Buffer
			profile := filepath.Join(t.TempDir(), "broadcast.pprof")
			err := run(context.Background(), []string{"load", "-url", base, "-scenario", "broadcast", "-target", target, "-participants", "20", "-rate", "20", "-duration", "1s", "-settle", "10s", "-cpuprofile", profile},
				func(string) string { return "" }, &out, &log)
			t.Logf("%s\n%s", log.String(), out.String())
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"target=" + target + " ", "published=20 refused=0 expected=400 received=400 lost=0", "disconnects=0"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("no %q in the report", want)
				}
			}
			if st, err := os.Stat(profile); err != nil || st.Size() == 0 {
				t.Errorf("-cpuprofile wrote nothing: %v", err)
			}
		})
	}
}
