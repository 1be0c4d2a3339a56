package hub

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Setting up for a room full of phones. A page opened at
// http://localhost:8080 builds its join link and QR code from that host,
// which no phone can reach. GET /api/addresses lets such a page warn, and
// offer the addresses of this machine that phones on the same network can
// use; GET /qr/{code}.svg?base=ADDR then draws the QR code of one of them.

// addressesInfo is the answer of GET /api/addresses.
type addressesInfo struct {
	// PublicURL is -public-url; when set, links use it and Addresses is
	// empty.
	PublicURL string `json:"publicURL"`
	// Addresses are base URLs ("http://192.168.1.20:8080") of this machine
	// that this server answers on, IPv4 first.
	Addresses []string `json:"addresses"`
}

// addresses answers GET /api/addresses. It is safe to tell: it answers
// only a request that came in through loopback, from someone at this
// machine, who can list its interfaces anyway and whose page already
// reached the server. Anyone else (another machine, or a request relayed
// by a proxy) is refused, so the server never tells the world the private
// addresses it sits on.
func (h *Hub) addresses(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeError(w, http.StatusForbidden, "forbidden", "the machine's addresses are told only to a page opened on the machine itself")
		return
	}
	info := addressesInfo{PublicURL: h.cfg.PublicURL, Addresses: []string{}}
	if info.PublicURL == "" {
		info.Addresses = reachableBases(r.Context(), scheme(r), localPort(r))
	}
	writeJSON(w, http.StatusOK, info)
}

// qrBase is the base URL the QR code of r draws: the one asked for with
// ?base= when it is one of this machine's reachable addresses and r came
// through loopback (see addresses), else h.base(r).
func (h *Hub) qrBase(r *http.Request) string {
	want := r.URL.Query().Get("base")
	if want == "" || h.cfg.PublicURL != "" || !fromLoopback(r) {
		return h.base(r)
	}
	if slices.Contains(reachableBases(r.Context(), scheme(r), localPort(r)), want) {
		return want
	}
	return h.base(r)
}

// fromLoopback reports whether r came straight from this machine: a
// loopback peer, a loopback Host, and no proxy's forwarding header (a
// proxy on the same machine relays other people's requests).
func fromLoopback(r *http.Request) bool {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !peer.Addr().Unmap().IsLoopback() {
		return false
	}
	for _, h := range proxyHeaders {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// proxyHeaders are what a proxy on this machine adds: a request that
// carries any came from further away than it seems (a proxy that sends
// only X-Forwarded-Host or -Proto included).
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip"}

// scheme is r's: https when it came over TLS.
func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// localPort is the port r came in on: the server's.
func localPort(r *http.Request) int {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			return int(ap.Port())
		}
	}
	return 0
}

// dialCheck bounds the check that the server answers on an address: the
// address is this machine's own, so a connection is made or refused at
// once.
const dialCheck = 300 * time.Millisecond

// reachableBases lists this machine's non-loopback unicast addresses (not
// link-local: a phone would need the interface's zone) as base URLs with
// scheme and port, IPv4 first, keeping only those this server answers on: a
// server listening on 127.0.0.1 alone answers on none.
func reachableBases(ctx context.Context, scheme string, port int) []string {
	out := []string{}
	if port == 0 {
		return out
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return out
	}
	var addrs []netip.Addr
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		as, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range as {
			p, err := netip.ParsePrefix(a.String())
			if err != nil {
				continue
			}
			ip := p.Addr().Unmap()
			if ip.IsLoopback() || ip.IsLinkLocalUnicast() || !ip.IsGlobalUnicast() {
				continue
			}
			addrs = append(addrs, ip)
		}
	}
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		if a.Is4() != b.Is4() {
			if a.Is4() {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	addrs = slices.Compact(addrs)
	var d net.Dialer
	for _, ip := range addrs {
		hostPort := netip.AddrPortFrom(ip, uint16(port)).String()
		dctx, cancel := context.WithTimeout(ctx, dialCheck)
		c, err := d.DialContext(dctx, "tcp", hostPort)
		cancel()
		if err != nil {
			continue
		}
		c.Close()
		out = append(out, scheme+"://"+hostPort)
	}
	return out
}
