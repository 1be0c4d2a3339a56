package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/acme"
)

// pebbleBinary is the Pebble ACME test server scripts/test.sh installs:
// $TRIBUNE_PEBBLE, pebble in PATH, or the test script's tool cache.
func pebbleBinary() string {
	if p := os.Getenv("TRIBUNE_PEBBLE"); p != "" {
		return p
	}
	if p, err := exec.LookPath("pebble"); err == nil {
		return p
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	p := filepath.Join(cache, "tribune", "tools", "pebble")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// freePort is a TCP port that was free on 127.0.0.1 a moment ago: Pebble
// takes its addresses from a file, not from a listener we could hand it.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestServeACME: with -acme-domain, serve obtains its certificate from a
// real ACME server, Pebble, on loopback: Pebble resolves the domain with a
// DNS server of this test (every name is 127.0.0.1), validates the
// challenge against serve's own listeners, and issues; the first TLS
// handshake for the domain then presents a certificate that chains to
// Pebble's root, and the certificate is cached next to the database.
func TestServeACME(t *testing.T) {
	t.Parallel()
	pebble := pebbleBinary()
	if pebble == "" {
		t.Skip("no pebble (scripts/test.sh installs it: GOBIN=~/.cache/tribune/tools go install github.com/letsencrypt/pebble/v2/cmd/pebble@v2.10.3)")
	}
	const domain = "meeting.tribune.test"
	dir := t.TempDir()

	// Pebble's own HTTPS certificate, and the file serve trusts it with.
	ca := newTestCA(t)
	pebbleCert, pebbleKey := ca.issue(t, t.TempDir(), 1)
	caFile := filepath.Join(dir, "pebble-ca.pem")
	if err := os.WriteFile(caFile, ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	acmePort, mgmtPort := freePort(t), freePort(t)
	directory := fmt.Sprintf("https://127.0.0.1:%d/dir", acmePort)

	s := startLines(t, func(string) string { return "" }, "-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-db", filepath.Join(dir, "t.db"), "-acme-domain", domain, "-acme-email", "ops@tribune.test",
		"-acme-dir", directory, "-acme-ca", caFile)
	_, tlsPort, _ := net.SplitHostPort(s.addr)
	_, httpPort, _ := net.SplitHostPort(s.httpAddr)

	dns := serveDNS(t)
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":           fmt.Sprintf("127.0.0.1:%d", acmePort),
		"managementListenAddress": fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":             pebbleCert, "privateKey": pebbleKey,
		"httpPort": atoi(t, httpPort), "tlsPort": atoi(t, tlsPort),
		"ocspResponderURL": "", "externalAccountBindingRequired": false,
		"retryAfter":   map[string]int{"authz": 1, "order": 1},
		"keyAlgorithm": "ecdsa",
		"profiles":     map[string]any{"default": map[string]any{"description": "test", "validityPeriod": 7776000}},
	}}
	b, _ := json.Marshal(config)
	configFile := filepath.Join(dir, "pebble.json")
	if err := os.WriteFile(configFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, pebble, "-config", configFile, "-dnsserver", dns)
	// No random sleep before validating, no nonce refused on purpose:
	// the test is about issuance, not about retries.
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })

	pebbleClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool}}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := pebbleClient.Get(directory)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pebble did not answer at %s: %v\n%s", directory, err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The first handshake for the domain waits for the issuance.
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{ServerName: domain, RootCAs: pebbleRoots(t, pebbleClient, mgmtPort)},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, s.addr)
		},
	}}
	resp, err := client.Get("https://" + domain + "/healthz")
	if err != nil {
		for end := time.Now().Add(5 * time.Second); !strings.Contains(s.stderr.String(), "authZ") && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond) // serve logs the handshake's error after the client has seen it fail
		}
		t.Fatalf("GET /healthz for %s: %v\nserve: %s\nwhy Pebble refused: %s", domain, err, s.stderr, orderErrors(filepath.Join(dir, "acme"), directory, pebbleClient, logs.String()))
	}
	resp.Body.Close()
	leaf := resp.TLS.PeerCertificates[0]
	if resp.StatusCode != 200 || len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != domain {
		t.Fatalf("%d, certificate for %v", resp.StatusCode, leaf.DNSNames)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS")
	}
	if _, err := os.Stat(filepath.Join(dir, "acme", domain)); err != nil {
		t.Errorf("the certificate is not cached next to the database: %v", err)
	}
}

// orderErrors are the errors of the orders Pebble's logs say failed, as
// Pebble tells them to the account serve made: autocert's own error only
// says that no challenge succeeded.
func orderErrors(cache, directory string, hc *http.Client, logs string) string {
	b, err := os.ReadFile(filepath.Join(cache, "acme_account+key"))
	if err != nil {
		return err.Error()
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return "no account key"
	}
	key, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil {
		return err.Error()
	}
	c := &acme.Client{Key: key, DirectoryURL: directory, HTTPClient: hc}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.GetReg(ctx, ""); err != nil {
		return err.Error()
	}
	var out strings.Builder
	for _, m := range regexp.MustCompile(`order (\S+) set INVALID`).FindAllStringSubmatch(logs, -1) {
		o, err := c.GetOrder(ctx, strings.TrimSuffix(directory, "/dir")+"/my-order/"+m[1])
		if err != nil {
			fmt.Fprintf(&out, "order %s: %v\n", m[1], err)
			continue
		}
		fmt.Fprintf(&out, "order %s: %v\n", m[1], o.Error)
	}
	return out.String()
}

func atoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pebbleRoots is the root Pebble issues under, from its management
// interface: made afresh each time Pebble starts.
func pebbleRoots(t *testing.T, c *http.Client, mgmtPort int) *x509.CertPool {
	t.Helper()
	resp, err := c.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", mgmtPort))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("pebble's root: %d %s", resp.StatusCode, b)
	}
	return pool
}

// serveDNS answers DNS queries over TCP (the transport Pebble uses with
// -dnsserver) on loopback until the test ends: every name has the address
// 127.0.0.1 and no other record, so that Pebble's validation of any domain
// reaches serve's listeners. It returns its address.
func serveDNS(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return // closed
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				for {
					var n uint16
					if binary.Read(c, binary.BigEndian, &n) != nil {
						return
					}
					q := make([]byte, n)
					if _, err := io.ReadFull(c, q); err != nil {
						return
					}
					resp := dnsAnswer(q)
					if resp == nil {
						return
					}
					c.Write(binary.BigEndian.AppendUint16(nil, uint16(len(resp))))
					c.Write(resp)
				}
			}()
		}
	}()
	return l.Addr().String()
}

// dnsAnswer is the response to a one-question query: an A record of
// 127.0.0.1 for a question of type A, no record for any other type.
func dnsAnswer(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 {
		end += int(q[end]) + 1
	}
	end += 5 // the root label's 0, the type and the class
	if end > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end-4:])
	resp := append([]byte(nil), q[:end]...)
	// QR and AA set, RD copied, no error; one question, no additional.
	binary.BigEndian.PutUint16(resp[2:], 0x8400|binary.BigEndian.Uint16(q[2:])&0x0100)
	binary.BigEndian.PutUint16(resp[6:], 0)
	binary.BigEndian.PutUint16(resp[8:], 0)
	binary.BigEndian.PutUint16(resp[10:], 0)
	if qtype == 1 {
		binary.BigEndian.PutUint16(resp[6:], 1)
		resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	}
	return resp
}
