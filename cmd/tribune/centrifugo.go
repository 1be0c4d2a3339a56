package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// The broadcast scenario against Centrifugo (v6), for comparison: the same
// subscribers and timestamped texts over its JSON client protocol, on a
// WebSocket at /connection/websocket. What the generator speaks of it:
//
//   - Frames carry one or more JSON objects separated by newlines, both
//     ways. A command has an "id" and one request ({"connect": ..},
//     {"subscribe": ..}, {"publish": ..}); its reply has the same "id" and
//     either the result under the same name or "error" {code, message}.
//   - A push has no "id": {"push": {"channel", "pub": {"data", "info"}}}.
//   - The server's ping is an empty object, {}; a client told "pong": true
//     in its connect result answers {} in turn, or is disconnected.
//
// The server needs a config such as scripts/bench-broadcast.sh writes:
// client.token.hmac_secret_key (the connection tokens), and, for the
// channel, allow_subscribe_for_client and allow_publish_for_subscriber
// under channel.without_namespace (client-side publish).

// centrifugoTarget is a Centrifugo server: every connection subscribes to
// one channel, the publisher's connections publish into it.
type centrifugoTarget struct {
	br      *broadcastRun
	url     string // ws://host:port/connection/websocket
	secret  []byte
	channel string
}

// hs256 returns a JWT of claims signed with HMAC-SHA256 and secret, as
// RFC 7519 has it: base64url without padding of the header, of the claims
// and of the signature of the first two joined by a dot.
func hs256(secret []byte, claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(mac.Sum(nil)), nil
}

// connectionClaims are the claims of a Centrifugo connection token: the
// user and the expiry, in Unix seconds.
type connectionClaims struct {
	Sub string `json:"sub"`
	Exp int64  `json:"exp"`
}

// dial connects as user and subscribes to the channel, waiting for each
// reply; what arrives after is left to the caller's reader.
func (t *centrifugoTarget) dial(ctx context.Context, user string) (*websocket.Conn, error) {
	u, err := url.Parse(t.url)
	if err != nil {
		return nil, err
	}
	// The origin a browser on the server's own host would send:
	// client.allowed_origins must list it.
	origin := "http://" + u.Host
	c, _, err := websocket.Dial(ctx, t.url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 24)
	token, err := hs256(t.secret, connectionClaims{Sub: user, Exp: time.Now().Add(time.Hour).Unix()})
	if err != nil {
		c.CloseNow()
		return nil, err
	}
	steps := []any{
		map[string]any{"id": 1, "connect": map[string]any{"token": token, "name": "tribune-load"}},
		map[string]any{"id": 2, "subscribe": map[string]any{"channel": t.channel}},
	}
	var buf bytes.Buffer
	for i, cmd := range steps {
		b, _ := json.Marshal(cmd)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			c.CloseNow()
			return nil, err
		}
		if err := awaitReply(ctx, c, &buf, uint32(i+1)); err != nil {
			c.CloseNow()
			return nil, err
		}
	}
	return c, nil
}

// awaitReply reads until the reply to command id, answering pings.
func awaitReply(ctx context.Context, c *websocket.Conn, buf *bytes.Buffer, id uint32) error {
	for {
		b, err := readInto(ctx, c, buf)
		if err != nil {
			return err
		}
		for line := range bytes.Lines(b) {
			line = bytes.TrimSpace(line)
			if isPing(line) {
				c.Write(ctx, websocket.MessageText, []byte("{}"))
				continue
			}
			var r struct {
				ID    uint32 `json:"id"`
				Error *struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(line, &r) != nil || r.ID != id {
				continue
			}
			if r.Error != nil {
				return fmt.Errorf("centrifugo: %s (code %d)", r.Error.Message, r.Error.Code)
			}
			return nil
		}
	}
}

// isPing reports whether line is the server's ping, an empty object.
func isPing(line []byte) bool { return bytes.Equal(line, []byte("{}")) }

func (t *centrifugoTarget) subscriber(ctx context.Context, i int) (func(), error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := t.dial(dctx, "sub-"+strconv.Itoa(i))
	if err != nil {
		return nil, err
	}
	go t.read(ctx, c)
	return func() { c.Close(websocket.StatusNormalClosure, "") }, nil
}

// read is a subscriber's reader: every push of a publication carries one
// text, found by scanning for its stamp rather than decoding the push.
func (t *centrifugoTarget) read(ctx context.Context, c *websocket.Conn) {
	br := t.br
	var seen seenSet
	var buf bytes.Buffer
	for {
		b, err := readInto(ctx, c, &buf)
		if err != nil {
			br.disconnected(ctx, err)
			return
		}
		now := br.now()
		br.res.msgs.Add(1)
		br.res.bytes.Add(int64(len(b)))
		for line := range bytes.Lines(b) {
			line = bytes.TrimSpace(line)
			if isPing(line) {
				// Pong from the reader: coder/websocket allows one writer
				// alongside, and a subscriber writes nothing else.
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				c.Write(wctx, websocket.MessageText, []byte("{}"))
				cancel()
				continue
			}
			if !bytes.HasPrefix(line, []byte(`{"push":`)) {
				continue
			}
			i := bytes.Index(line, []byte(stampPrefix))
			if i < 0 {
				continue
			}
			if seq, sent, ok := parseStamp(line[i+len(stampPrefix):]); ok {
				br.deliver(&seen, stamp{seq, sent}, now)
			} else {
				br.res.errs.Add(1)
			}
		}
	}
}

// centrifugoPublisher publishes into the channel it is subscribed to.
type centrifugoPublisher struct {
	t *centrifugoTarget
	c *websocket.Conn
}

func (t *centrifugoTarget) publisher(ctx context.Context, i int) (broadcastPublisher, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := t.dial(dctx, "chair-"+strconv.Itoa(i))
	if err != nil {
		return nil, err
	}
	p := &centrifugoPublisher{t: t, c: c}
	go p.read(ctx)
	return p, nil
}

// read counts the replies to publications (ids above the two of dial) and
// answers pings; its own subscription's pushes are not counted.
func (p *centrifugoPublisher) read(ctx context.Context) {
	br := p.t.br
	var buf bytes.Buffer
	for {
		b, err := readInto(ctx, p.c, &buf)
		if err != nil {
			br.disconnected(ctx, err)
			return
		}
		for line := range bytes.Lines(b) {
			line = bytes.TrimSpace(line)
			if isPing(line) {
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				p.c.Write(wctx, websocket.MessageText, []byte("{}"))
				cancel()
				continue
			}
			if !bytes.HasPrefix(line, []byte(`{"id":`)) {
				continue
			}
			if bytes.Contains(line, []byte(`"error":`)) {
				if br.res.refused.Add(1) <= 3 {
					fmt.Fprintf(br.log, "load: publication refused: %s\n", line)
				}
			} else {
				br.res.accepted.Add(1)
			}
		}
	}
}

func (p *centrifugoPublisher) publish(ctx context.Context, seq uint64, text string) error {
	if seq > 1<<32-3 {
		return errors.New("centrifugo: too many publications for 32-bit command ids")
	}
	b, err := json.Marshal(map[string]any{
		"id":      seq + 2, // 1 and 2 are dial's
		"publish": map[string]any{"channel": p.t.channel, "data": map[string]string{"text": text}},
	})
	if err != nil {
		return err
	}
	return p.c.Write(ctx, websocket.MessageText, b)
}

func (p *centrifugoPublisher) conn() *websocket.Conn { return p.c }
