package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// letsEncrypt is the default ACME directory.
const letsEncrypt = "https://acme-v02.api.letsencrypt.org/directory"

// tlsFlags are serve's HTTPS flags: certificate files, or certificates
// obtained through ACME for a domain name; and a plain HTTP listener that
// answers ACME's http-01 challenges and redirects everything else to HTTPS.
type tlsFlags struct {
	cert, key  string
	domains    string // comma-separated
	email      string
	directory  string
	cache      string // default: "acme" next to -db
	acmeRoots  string // PEM file of the CAs the ACME server's own certificate is checked against
	httpAddr   string
	publicPort string // the HTTPS port redirects send to; set by setup
}

func (t *tlsFlags) declare(fs flagSet) {
	fs.str(&t.cert, "tls-cert", "", "serve HTTPS with this certificate file (PEM, the chain after the certificate; re-read when it changes)")
	fs.str(&t.key, "tls-key", "", "the private key file of -tls-cert (PEM)")
	fs.str(&t.domains, "acme-domain", "", "serve HTTPS with certificates obtained through ACME (Let's Encrypt) for this domain name, or several, comma-separated; -addr must then be reachable on port 443 (or -http-addr on 80)")
	fs.str(&t.email, "acme-email", "", "the e-mail address the ACME server may write to about the certificates (optional)")
	fs.str(&t.directory, "acme-dir", letsEncrypt, "the ACME server's directory URL")
	fs.str(&t.cache, "acme-cache", "", "directory keeping the ACME account and certificates (default: acme, next to -db)")
	fs.str(&t.acmeRoots, "acme-ca", "", "PEM file of the CA certificates to trust for the ACME server's HTTPS (default: the system's; for a private ACME server)")
	fs.str(&t.httpAddr, "http-addr", "", "with HTTPS, also listen for plain HTTP here (e.g. :80): ACME http-01 challenges, and a redirect to HTTPS for the rest (default: no HTTP listener)")
}

// setup checks the flags and returns the TLS configuration of the -addr
// listener (nil: plain HTTP) and the handler of the -http-addr one. db is
// the -db file, next to which the ACME cache goes; addr is the -addr
// listener's address, whose port the redirects name.
func (t *tlsFlags) setup(db string, addr net.Addr) (*tls.Config, http.Handler, error) {
	files := t.cert != "" || t.key != ""
	switch {
	case files && (t.cert == "" || t.key == ""):
		return nil, nil, errors.New("-tls-cert and -tls-key go together")
	case files && t.domains != "":
		return nil, nil, errors.New("-tls-cert and -acme-domain: one or the other")
	case !files && t.domains == "":
		if t.httpAddr != "" {
			return nil, nil, errors.New("-http-addr redirects to HTTPS: it needs -tls-cert or -acme-domain")
		}
		return nil, nil, nil
	}
	if _, port, err := net.SplitHostPort(addr.String()); err == nil {
		t.publicPort = port
	}
	// HTTP/1.1 only: WebSocket upgrades need it, and a browser offered
	// HTTP/2 may try its WebSocket over HTTP/2 too.
	if files {
		c, err := loadCertFiles(t.cert, t.key)
		if err != nil {
			return nil, nil, err
		}
		cfg := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}, GetCertificate: c.get}
		return cfg, http.HandlerFunc(t.redirect), nil
	}

	var domains []string
	for _, d := range strings.Split(t.domains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	cache := t.cache
	if cache == "" {
		cache = filepath.Join(filepath.Dir(db), "acme")
	}
	var client *http.Client // nil: http.DefaultClient
	if t.acmeRoots != "" {
		pem, err := os.ReadFile(t.acmeRoots)
		if err != nil {
			return nil, nil, fmt.Errorf("-acme-ca: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("-acme-ca: no certificate in %s", t.acmeRoots)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		client = &http.Client{Transport: tr}
	}
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(cache),
		HostPolicy: autocert.HostWhitelist(domains...),
		Email:      t.email,
		Client:     &acme.Client{DirectoryURL: t.directory, HTTPClient: client},
	}
	cfg := m.TLSConfig()
	cfg.MinVersion = tls.VersionTLS12
	cfg.NextProtos = []string{"http/1.1", acme.ALPNProto} // ALPNProto: tls-alpn-01 challenges
	return cfg, m.HTTPHandler(http.HandlerFunc(t.redirect)), nil
}

// redirect sends a plain HTTP request to the same address over HTTPS, on
// the -addr port.
func (t *tlsFlags) redirect(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" {
		http.Error(w, "use https://", http.StatusBadRequest)
		return
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if t.publicPort != "" && t.publicPort != "443" {
		host += ":" + t.publicPort
	}
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
}

// hsts tells browsers to come back over HTTPS only, for a year: a meeting
// link typed or scanned without https:// then never goes out in clear.
func hsts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// certFiles serves a certificate from files, read again when either
// changes (a renewal by certbot or the like), so that no restart drops the
// meetings' connections. A file that fails to load keeps the previous
// certificate.
type certFiles struct {
	cert, key string

	mu      sync.Mutex // guards the fields below
	c       *tls.Certificate
	modTime time.Time // the later of the two files' when c was loaded
}

func loadCertFiles(cert, key string) (*certFiles, error) {
	c := &certFiles{cert: cert, key: key}
	if _, err := c.get(nil); err != nil {
		return nil, err
	}
	return c, nil
}

// get is tls.Config.GetCertificate.
func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	var mod time.Time
	for _, f := range []string{c.cert, c.key} {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(mod) {
			mod = fi.ModTime()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c != nil && !mod.After(c.modTime) {
		return c.c, nil
	}
	kp, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		if c.c != nil {
			return c.c, nil
		}
		return nil, fmt.Errorf("-tls-cert, -tls-key: %w", err)
	}
	c.c, c.modTime = &kp, mod
	return c.c, nil
}

// errorLog is http.Server's ErrorLog: net/http's own lines, as warnings,
// without the peer's address it puts in some ("TLS handshake error from
// 192.0.2.1:4321"): Tribune logs no addresses (DESIGN.md, "Operations").
func errorLog(logger *slog.Logger) *log.Logger {
	return log.New(addrFree{logger}, "", 0)
}

type addrFree struct{ l *slog.Logger }

var peerAddr = regexp.MustCompile(`\bfrom \S+:\d+`)

func (a addrFree) Write(p []byte) (int, error) {
	msg := peerAddr.ReplaceAll(bytes.TrimRight(p, "\n"), []byte("from a client"))
	a.l.Warn(string(msg))
	return len(p), nil
}
