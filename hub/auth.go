package hub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Errors about who a session is.
var (
	// ErrBadToken is a participant token that is forged, expired, malformed
	// or for another room.
	ErrBadToken = errors.New("hub: invalid participant token")
	// ErrBadKey is a wrong moderator key.
	ErrBadKey = errors.New("hub: invalid moderator key")
)

// codeAlphabet has no 0/O, 1/I/L look-alikes: people type codes read from a
// screen across a room.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLen gives 31^6, about 887 million codes.
const codeLen = 6

// newCode returns a random join code.
func newCode() string {
	b := make([]byte, codeLen)
	rand.Read(b) // never fails (crypto/rand documents it panics instead)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// normalizeCode upper-cases a typed code; it returns "" for something that
// cannot be a code, so that it never reaches the store.
func normalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 4 || len(s) > 12 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return s
}

// newKey returns a moderator key: 256 random bits, URL-safe.
func newKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashKey is what the store keeps of a moderator key.
func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// checkKey compares a presented key with a stored hash in constant time.
func checkKey(key string, hash []byte) bool {
	return key != "" && subtle.ConstantTimeCompare(hashKey(key), hash) == 1
}

// tokenTTL is how long a participant token stays valid: long enough for a
// multi-day assembly and its follow-up, short enough not to be forever.
const tokenTTL = 90 * 24 * time.Hour

// signer issues and checks participant tokens: "v1.<payload>.<mac>" where
// payload is base64url("code|participant|expiry") and mac is its
// HMAC-SHA256 under the server secret.
type signer struct {
	secret []byte
}

func newParticipantID() string { return "p-" + uuid.NewString() }

func (s signer) issue(code, participant string, now time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString(
		[]byte(code + "|" + participant + "|" + strconv.FormatInt(now.Add(tokenTTL).Unix(), 10)))
	return "v1." + payload + "." + s.mac(payload)
}

func (s signer) mac(payload string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// check returns the participant id a token names for room code.
func (s signer) check(token, code string, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != "v1" || len(token) > 512 {
		return "", fmt.Errorf("%w: malformed", ErrBadToken)
	}
	if !hmac.Equal([]byte(s.mac(parts[1])), []byte(parts[2])) {
		return "", fmt.Errorf("%w: bad signature", ErrBadToken)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("%w: malformed", ErrBadToken)
	}
	f := strings.Split(string(raw), "|")
	if len(f) != 3 {
		return "", fmt.Errorf("%w: malformed", ErrBadToken)
	}
	if f[0] != code {
		return "", fmt.Errorf("%w: for another meeting", ErrBadToken)
	}
	exp, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || now.Unix() > exp {
		return "", fmt.Errorf("%w: expired", ErrBadToken)
	}
	return f[1], nil
}
