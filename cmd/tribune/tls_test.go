package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Tribune test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert, key, pool, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue writes a certificate for 127.0.0.1 and localhost with that serial
// number, and its key, as PEM files in dir.
func (ca *testCA) issue(t *testing.T, dir string, serial int64) (certFile, keyFile string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// syncBuffer is a bytes.Buffer safe for one writer and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a serve run by startLines.
type started struct {
	addr, httpAddr string      // the -addr and -http-addr listeners
	stderr         *syncBuffer // the logs
}

// startLines runs `tribune serve` in-process with args (and getenv) and
// returns the addresses it says it listens on; it stops when the test ends.
func startLines(t *testing.T, getenv func(string) string, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := started{stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), getenv, pw, s.stderr); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s of SIGTERM")
		}
	})
	br := bufio.NewReader(pr)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("serve: %v (logs: %s)", err, s.stderr)
		}
		if a, ok := strings.CutPrefix(line, "Tribune is listening on "); ok {
			s.addr = strings.TrimSpace(a)
		}
		if a, ok := strings.CutPrefix(line, "Redirecting HTTP on "); ok {
			s.httpAddr = strings.TrimSuffix(strings.TrimSpace(a), " to HTTPS.")
		}
		if strings.HasPrefix(line, "Open ") {
			break
		}
	}
	go io.Copy(io.Discard, br)
	return s
}

// TestServeTLSFiles: with -tls-cert and -tls-key, the server answers over
// HTTPS with HSTS, hands out https:// links, upgrades WebSockets over TLS,
// picks up a renewed certificate without a restart, redirects plain HTTP
// from -http-addr, and logs a failed handshake without the peer's address.
func TestServeTLSFiles(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	dir := t.TempDir()
	certFile, keyFile := ca.issue(t, dir, 100)
	s := startLines(t, func(string) string { return "" }, "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "t.db"),
		"-tls-cert", certFile, "-tls-key", keyFile, "-http-addr", "127.0.0.1:0")
	base := "https://" + s.addr
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool}}}

	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 100 {
		t.Fatalf("GET /healthz over TLS: %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security %q", got)
	}

	resp, err = client.Post(base+"/api/rooms", "application/json", strings.NewReader(`{"title":"Secure"}`))
	if err != nil {
		t.Fatal(err)
	}
	var cr struct {
		Code  string
		Links struct{ Participant string }
	}
	json.NewDecoder(resp.Body).Decode(&cr)
	resp.Body.Close()
	if want := base + "/j/" + cr.Code; cr.Links.Participant != want {
		t.Errorf("participant link %q, want %q", cr.Links.Participant, want)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "wss://"+s.addr+"/ws/"+cr.Code, &websocket.DialOptions{
		HTTPClient: client, HTTPHeader: http.Header{"Origin": {base}},
	})
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"t":"hello","v":%d,"role":"screen"}`, hub.ProtocolVersion)))
	if _, b, err := c.Read(ctx); err != nil || !bytes.Contains(b, []byte(`"welcome"`)) {
		t.Errorf("after hello over wss: %s %v", b, err)
	}
	c.CloseNow()

	// A renewal rewrites the files: the next handshake serves the new
	// certificate.
	ca.issue(t, dir, 101)
	later := time.Now().Add(time.Minute)
	os.Chtimes(certFile, later, later)
	conn, err := tls.Dial("tcp", s.addr, &tls.Config{RootCAs: ca.pool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if n := conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64(); n != 101 {
		t.Errorf("after renewal, certificate %d, want 101", n)
	}
	conn.Close()

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get("http://" + s.httpAddr + "/j/" + cr.Code + "?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := base + "/j/" + cr.Code + "?x=1"; resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != want {
		t.Errorf("plain HTTP: %d to %q, want 308 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}

	// Not TLS at all: net/http logs the handshake error, with the peer's
	// address, which must not reach the logs.
	raw, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	local := raw.LocalAddr().String()
	raw.Write([]byte("\x00\x01\x02 not a ClientHello\r\n\r\n"))
	io.Copy(io.Discard, raw)
	raw.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stderr.String(), "TLS handshake error") {
		if time.Now().After(deadline) {
			t.Fatalf("no handshake error logged: %s", s.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if logs := s.stderr.String(); strings.Contains(logs, local) {
		t.Errorf("the logs name the peer %s: %s", local, logs)
	}
}

// TestServeTLSFlags: flags that do not go together are refused before
// anything listens.
func TestServeTLSFlags(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.db")
	for _, args := range [][]string{
		{"-tls-cert", "c.pem"},
		{"-tls-cert", "c.pem", "-tls-key", "k.pem", "-acme-domain", "a.example"},
		{"-http-addr", "127.0.0.1:0"},
		{"-tls-cert", "missing.pem", "-tls-key", "missing.pem"},
		{"-trusted-proxies", "10.0.0.0/33"},
	} {
		err := run(context.Background(), append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db}, args...), func(string) string { return "" }, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestNotify: under systemd (NOTIFY_SOCKET set), serve says READY=1 once
// /readyz answers, and STOPPING=1 when it shuts down.
func TestNotify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	pc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	getenv := func(k string) string {
		if k == "NOTIFY_SOCKET" {
			return sock
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "t.db")}, getenv, out, io.Discard)
	}()
	read := func() string {
		pc.SetReadDeadline(time.Now().Add(20 * time.Second))
		b := make([]byte, 256)
		n, err := pc.Read(b)
		if err != nil {
			t.Fatalf("notify socket: %v", err)
		}
		return string(b[:n])
	}
	if m := read(); m != "READY=1" {
		t.Fatalf("first message %q, want READY=1", m)
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	resp, err := http.Get("http://" + strings.TrimPrefix(line, "Tribune is listening on ") + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz after READY=1: %d", resp.StatusCode)
	}
	cancel()
	if m := read(); m != "STOPPING=1" {
		t.Errorf("on shutdown %q, want STOPPING=1", m)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}
