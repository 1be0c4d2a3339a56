package hub

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Behind a reverse proxy that terminates TLS, a request reaches the hub as
// http:// from the proxy's address, with the Host the proxy chose. The
// links, the QR codes and the WebSocket Origin check must use the address
// people typed instead, which only the proxy knows and tells in headers. A
// header anyone can send is believed only from a proxy the operator named.

// TrustProxies returns next behind proxies: for a request whose peer
// (RemoteAddr) is in one of the trusted prefixes, the scheme and host the
// proxy forwarded replace the request's own. They are read from
// X-Forwarded-Proto and X-Forwarded-Host when the request has either, else
// from RFC 7239 Forwarded (proto=, host=); of a list, the last element is
// the one the nearest proxy, the trusted one, added. X-Forwarded-* come
// first because the common proxies (nginx as configured in
// deploy/nginx.conf, Caddy, Traefik) set them, replacing what a client
// sent, while most pass a client's own Forwarded header through untouched. The forwarded host
// becomes r.Host, which the links use and the WebSocket Origin must then
// match (ws.go). From any other peer the headers are ignored: a client
// could claim any host.
//
// The client's address (Forwarded for=, X-Forwarded-For) is never read:
// the hub neither logs nor stores addresses (DESIGN.md, "People and
// trust"). With no trusted prefix, TrustProxies returns next itself.
// TestTrustProxies guards this.
func TrustProxies(trusted []netip.Prefix, next http.Handler) http.Handler {
	if len(trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil || !inPrefixes(trusted, peer.Addr().Unmap()) {
			next.ServeHTTP(w, r)
			return
		}
		proto, host := forwarded(r.Header)
		if proto == "" && host == "" {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		if host != "" {
			r2.Host = host
		}
		if proto != "" {
			r2 = r2.WithContext(context.WithValue(r2.Context(), protoKey{}, proto))
		}
		next.ServeHTTP(w, r2)
	})
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// protoKey is the context key of the scheme a trusted proxy forwarded.
type protoKey struct{}

// requestScheme is the scheme the person used: the one a trusted proxy
// forwarded (TrustProxies), else https when r came over TLS.
func requestScheme(r *http.Request) string {
	if p, ok := r.Context().Value(protoKey{}).(string); ok {
		return p
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// forwarded reads the scheme and host a proxy forwarded in h, each "" when
// absent or not valid.
func forwarded(h http.Header) (proto, host string) {
	proto = lastValue(h, "X-Forwarded-Proto")
	host = lastValue(h, "X-Forwarded-Host")
	if fw := h.Values("Forwarded"); len(fw) > 0 && proto == "" && host == "" {
		elems := strings.Split(fw[len(fw)-1], ",")
		for _, pair := range strings.Split(elems[len(elems)-1], ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
			v = strings.Trim(v, `"`)
			switch strings.ToLower(k) {
			case "proto":
				proto = v
			case "host":
				host = v
			}
		}
	}
	proto = strings.ToLower(proto)
	if proto != "http" && proto != "https" {
		proto = ""
	}
	if !validHost(host) {
		host = ""
	}
	return proto, host
}

// lastValue is the last element of header k's comma-separated values.
func lastValue(h http.Header, k string) string {
	vs := h.Values(k)
	if len(vs) == 0 {
		return ""
	}
	elems := strings.Split(vs[len(vs)-1], ",")
	return strings.TrimSpace(elems[len(elems)-1])
}

// validHost reports whether s is a host or host:port and nothing more, fit
// to start a link with.
func validHost(s string) bool {
	if s == "" || strings.ContainsAny(s, "/\\@?# \t") {
		return false
	}
	u, err := url.Parse("http://" + s)
	return err == nil && u.Host == s && u.Hostname() != ""
}
