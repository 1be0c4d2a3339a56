package hub

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
)

// allInterfaces makes a test server listen on every interface, as
// `tribune -addr :8080` does, instead of loopback alone.
func allInterfaces(t testing.TB) func(net.Listener) net.Listener {
	return func(ln net.Listener) net.Listener {
		ln.Close()
		all, err := net.Listen("tcp", ":0")
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
}

// fetchFrom fetches u with extra headers and returns the status and body.
func fetchFrom(t *testing.T, u string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func addressesOf(t *testing.T, base string) addressesInfo {
	t.Helper()
	status, b := fetchFrom(t, base+"/api/addresses", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/addresses from loopback: %d %s", status, b)
	}
	var info addressesInfo
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	return info
}

// TestAddresses: a page opened through loopback learns the machine's
// addresses that phones can reach, never a loopback one; a request from
// anywhere else, or relayed by a proxy, is refused; a server listening on
// loopback alone offers none; with -public-url, that is the answer. The QR
// code may be drawn for one of the addresses, and for no other.
func TestAddresses(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, t.TempDir()+"/tribune.db", testTick, nil, allInterfaces(t))
	_, port, err := net.SplitHostPort(th.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	loop := "http://127.0.0.1:" + port
	cr := createRoom(t, loop, `{"title":"Addresses"}`)

	info := addressesOf(t, loop)
	if info.PublicURL != "" {
		t.Errorf("publicURL %q", info.PublicURL)
	}
	for _, a := range info.Addresses {
		u, err := url.Parse(a)
		if err != nil || u.Scheme != "http" || u.Port() != port || u.Path != "" {
			t.Errorf("address %q: not http://HOST:%s", a, port)
			continue
		}
		ip, err := netip.ParseAddr(u.Hostname())
		if err != nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
			t.Errorf("address %q is not one a phone can reach", a)
		}
		// The server answers there.
		if status, _ := fetchFrom(t, a+"/readyz", nil); status != http.StatusOK {
			t.Errorf("%s/readyz: %d", a, status)
		}
	}
	if v6, _ := fetchFrom(t, "http://[::1]:"+port+"/api/addresses", nil); v6 != http.StatusOK {
		t.Errorf("from ::1: %d", v6)
	}

	// Relayed by a proxy on this machine: someone else's request.
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip"} {
		if status, _ := fetchFrom(t, loop+"/api/addresses", http.Header{h: {"203.0.113.9"}}); status != http.StatusForbidden {
			t.Errorf("with %s: %d, want 403", h, status)
		}
	}
	// Through a name that is not the machine's own.
	req, _ := http.NewRequest("GET", loop+"/api/addresses", nil)
	req.Host = "meeting.example"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("Host meeting.example: %v %v, want 403", resp, err)
	} else {
		resp.Body.Close()
	}

	qr := func(base, query string) string {
		status, b := fetchFrom(t, base+"/qr/"+cr.Code+".svg"+query, nil)
		if status != http.StatusOK {
			t.Fatalf("qr %s%s: %d", base, query, status)
		}
		return string(b)
	}
	plain := qr(loop, "")
	if got := qr(loop, "?base="+url.QueryEscape("http://evil.example")); got != plain {
		t.Error("a QR code drawn for an address that is not the machine's")
	}
	if len(info.Addresses) == 0 {
		t.Log("this machine has no address but loopback: nothing more to check")
		return
	}
	lan := info.Addresses[0]
	// From another machine (here: through the network address, so the
	// peer is not loopback): refused, and no QR code for another address.
	if status, _ := fetchFrom(t, lan+"/api/addresses", nil); status != http.StatusForbidden {
		t.Errorf("from %s: %d, want 403", lan, status)
	}
	if got := qr(lan, "?base="+url.QueryEscape(loop)); got != qr(lan, "") {
		t.Error("a QR code for another base, asked from the network")
	}
	// The QR code drawn for the address is the one a page opened there gets.
	if got := qr(loop, "?base="+url.QueryEscape(lan)); got != qr(lan, "") || got == plain {
		t.Error("the QR code for the network address differs from the one served there")
	}
}

// TestAddressesLoopbackOnly: a server listening on loopback alone cannot be
// reached by phones, so it offers no address; with -public-url, links use
// that and the page needs none.
func TestAddressesLoopbackOnly(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, t.TempDir()+"/tribune.db", testTick, nil, nil)
	if info := addressesOf(t, th.url); info.PublicURL != "" || len(info.Addresses) != 0 {
		t.Errorf("loopback only: %+v, want no address", info)
	}
	pub := startHubWith(t, t.TempDir()+"/tribune.db", testTick, func(h *Hub) { h.cfg.PublicURL = "https://meeting.example" }, allInterfaces(t))
	_, port, _ := net.SplitHostPort(pub.srv.Listener.Addr().String())
	if info := addressesOf(t, "http://127.0.0.1:"+port); info.PublicURL != "https://meeting.example" || len(info.Addresses) != 0 {
		t.Errorf("with a public URL: %+v", info)
	}
}

// TestQRReport: the QR code of the report, which the big screen shows once
// the meeting has ended, is the one of the report's address.
func TestQRReport(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, t.TempDir()+"/tribune.db", testTick, nil, nil)
	cr := createRoom(t, th.url, `{"title":"Report QR"}`)
	_, join := fetchFrom(t, th.url+"/qr/"+cr.Code+".svg", nil)
	status, report := fetchFrom(t, th.url+"/qr/"+cr.Code+".svg?for=report", nil)
	if status != http.StatusOK || string(report) == string(join) {
		t.Errorf("the report's QR code: %d, the same as the join code's: %v", status, string(report) == string(join))
	}
	if _, again := fetchFrom(t, th.url+"/qr/"+cr.Code+".svg?for=report", nil); string(again) != string(report) {
		t.Error("the report's QR code changes")
	}
}
