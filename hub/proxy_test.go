package hub

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	qrcode "github.com/skip2/go-qrcode"
)

// TestTrustProxies: from a trusted proxy, the forwarded scheme and host
// make the links and the QR code, and the WebSocket Origin must match the
// forwarded host (not the Host the proxy sent); from any other peer the same
// headers change nothing.
func TestTrustProxies(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	serve := func(trusted string) string {
		srv := httptest.NewServer(TrustProxies([]netip.Prefix{netip.MustParsePrefix(trusted)}, th.hub.Handler()))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	trusted := serve("127.0.0.0/8") // httptest's peers are 127.0.0.1
	untrusted := serve("10.0.0.0/8")

	xfwd := http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"meeting.example"}, "X-Forwarded-For": {"192.0.2.7"}}
	rfc := http.Header{"Forwarded": {`for=192.0.2.7;proto=https;host="meeting.example"`}}
	for _, c := range []struct {
		name   string
		base   string
		header http.Header
		want   string // the base of the links and QR code
		origin string // the Origin accepted; the other one of {want, base} is refused
	}{
		{"trusted, X-Forwarded-*", trusted, xfwd, "https://meeting.example", "https://meeting.example"},
		{"trusted, Forwarded", trusted, rfc, "https://meeting.example", "https://meeting.example"},
		{"trusted, no header", trusted, http.Header{}, trusted, trusted},
		{"trusted, a host that is not one", trusted, http.Header{"X-Forwarded-Host": {"evil.example/x"}}, trusted, trusted},
		{"untrusted, X-Forwarded-*", untrusted, xfwd, untrusted, untrusted},
		{"untrusted, Forwarded", untrusted, rfc, untrusted, untrusted},
	} {
		t.Run(c.name, func(t *testing.T) {
			cr := proxiedCreate(t, c.base, c.header)
			if want := c.want + "/j/" + cr.Code; cr.Links.Participant != want {
				t.Errorf("participant link %q, want %q", cr.Links.Participant, want)
			}
			if !strings.HasPrefix(cr.Links.Moderator, c.want+"/m/") {
				t.Errorf("moderator link %q, want it under %s", cr.Links.Moderator, c.want)
			}
			q, err := qrcode.New(c.want+"/j/"+cr.Code, qrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			if got := proxiedGet(t, c.base+"/qr/"+cr.Code+".svg", c.header); got != qrSVG(q.Bitmap()) {
				t.Errorf("the QR code does not draw %s/j/%s", c.want, cr.Code)
			}

			if status := proxiedUpgrade(t, c.base, cr.Code, c.header, c.origin); status != 0 {
				t.Errorf("Origin %s refused with %d", c.origin, status)
			}
			other := c.base
			if c.origin == c.base {
				other = "https://meeting.example"
			}
			if status := proxiedUpgrade(t, c.base, cr.Code, c.header, other); status != http.StatusForbidden {
				t.Errorf("Origin %s: %d, want 403", other, status)
			}
		})
	}
}

func proxiedCreate(t *testing.T, base string, header http.Header) createResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/rooms", strings.NewReader(`{"title":"Proxied"}`))
	req.Header = header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cr createResponse
	if err := json.NewDecoder(resp.Body).Decode(&cr); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, err)
	}
	return cr
}

func proxiedGet(t *testing.T, url string, header http.Header) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// proxiedUpgrade opens /ws/code with the headers and Origin given, and
// returns 0 if the upgrade was accepted, else the refusal's status.
func proxiedUpgrade(t *testing.T, base, code string, header http.Header, origin string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := header.Clone()
	h.Set("Origin", origin)
	c, resp, err := websocket.Dial(ctx, wsURL(base, code), &websocket.DialOptions{HTTPHeader: h})
	if err == nil {
		c.CloseNow()
		return 0
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	return resp.StatusCode
}

func TestForwarded(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		header      http.Header
		proto, host string
	}{
		{http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"a.example"}}, "https", "a.example"},
		{http.Header{"X-Forwarded-Proto": {"HTTPS"}}, "https", ""},
		{http.Header{"X-Forwarded-Host": {"spoofed.example, a.example:8443"}}, "", "a.example:8443"},
		{http.Header{"X-Forwarded-Proto": {"gopher"}, "X-Forwarded-Host": {"a b"}}, "", ""},
		{http.Header{"X-Forwarded-Host": {"user@a.example"}}, "", ""},
		{http.Header{"Forwarded": {`for=192.0.2.1;host=spoofed.example, for="[2001:db8::1]";proto=https;host="[2001:db8::2]:8443"`}}, "https", "[2001:db8::2]:8443"},
		// X-Forwarded-* win over Forwarded: the usual proxies set the
		// former and pass a client's Forwarded through.
		{http.Header{"Forwarded": {"proto=http;host=spoofed.example"}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"b.example"}}, "https", "b.example"},
		{http.Header{"Forwarded": {"proto=http;host=spoofed.example"}, "X-Forwarded-Host": {"b.example"}}, "", "b.example"},
	} {
		proto, host := forwarded(c.header)
		if proto != c.proto || host != c.host {
			t.Errorf("%v: %q %q, want %q %q", c.header, proto, host, c.proto, c.host)
		}
	}
}
