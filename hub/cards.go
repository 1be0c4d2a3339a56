package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tribune-hub/tribune/room"
)

// Voting cards (room/voters.go) as the hub serves them. The organiser
// asks for N cards (POST /api/rooms/{code}/cards, the organiser's key in
// X-Tribune-Key); the hub draws N random secrets, logs cards.issue with
// their SHA-256 hashes only, and answers the links, once: it keeps no
// secret. The dashboard then asks for the printable PDF of those links
// (POST /api/rooms/{code}/cards.pdf, the secrets in the body, never in an
// address), which the hub draws only for secrets whose hash this meeting
// issued: it is no QR service for any text.
//
// A card's link is the participant page's, /j/CODE#card=SECRET: the
// secret is in the fragment, which browsers never send, so that no access
// log holds it. The page says hello with the card; the hub hashes it,
// asks the room's replica which card that is, and the session acts as
// room.CardActor(n). Every session of one card, on any device, is that
// one participant: its join is counted once by presence, and it holds one
// ballot per poll. The welcome's token names the card's participant id,
// so that a reload comes back as the card without the link. A card is
// let in past the newcomer limit (joins.go): the organiser issued it.

// ErrBadCard refuses a hello with a card this meeting did not issue.
var ErrBadCard = errors.New("hub: this voting card is not one of this meeting's")

// cardSecretBytes is the size of a card's secret: 128 random bits.
const cardSecretBytes = 16

// newCardSecret returns a card's secret, URL-safe.
func newCardSecret() string {
	b := make([]byte, cardSecretBytes)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// cardHash is what the log keeps of a card: hex SHA-256 of its secret.
func cardHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// cardActor returns the participant a card's secret names in hr, asking
// the fan-out's replica at its next tick.
func (h *Hub) cardActor(ctx context.Context, hr *hubRoom, secret string) (string, error) {
	if len(secret) > 64 {
		return "", ErrBadCard
	}
	hash, n := cardHash(secret), 0
	if err := hr.fan.inspect(ctx, func(r *room.Room) { n = r.Card(hash) }); err != nil {
		return "", err
	}
	if n == 0 {
		return "", ErrBadCard
	}
	return room.CardActor(n), nil
}

// maxCardsBody bounds the bodies of the card endpoints: up to
// MaxCardsPerIssue secrets.
const maxCardsBody = 64 << 10

// cardsIssued is the answer of POST /api/rooms/{code}/cards.
type cardsIssued struct {
	Seq   uint64   `json:"seq"`
	Links []string `json:"links"`
	// Cards are the secrets, in the order of Links, for cards.pdf.
	Cards []string `json:"cards"`
}

// organiser checks the organiser's key on a card request and returns the
// room, or answers the error.
func (h *Hub) organiser(w http.ResponseWriter, r *http.Request, what string) *hubRoom {
	hr, err := h.room(r.Context(), normalizeCode(r.PathValue("code")))
	if err != nil {
		h.httpError(w, err)
		return nil
	}
	if !checkKey(r.Header.Get(keyHeader), hr.keyHash) {
		writeError(w, http.StatusForbidden, "bad_key", what+": the organiser's key is needed in the "+keyHeader+" header")
		return nil
	}
	return hr
}

// issueCards serves POST /api/rooms/{code}/cards, body {"count": N}.
func (h *Hub) issueCards(w http.ResponseWriter, r *http.Request) {
	hr := h.organiser(w, r, string(room.OpCardsIssue))
	if hr == nil {
		return
	}
	var body struct {
		Count int `json:"count"`
	}
	if err := decodeStrictBody(r.Body, &body); err != nil || body.Count < 1 || body.Count > room.MaxCardsPerIssue {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("%s: the body must be {\"count\": 1 to %d}", room.OpCardsIssue, room.MaxCardsPerIssue))
		return
	}
	out := cardsIssued{Links: make([]string, body.Count), Cards: make([]string, body.Count)}
	hashes := make([]string, body.Count)
	base := h.qrBase(r) + "/j/" + hr.code + "#card="
	for i := range hashes {
		out.Cards[i] = newCardSecret()
		hashes[i] = cardHash(out.Cards[i])
		out.Links[i] = base + out.Cards[i]
	}
	seq, err := h.submitRoom(r.Context(), hr.code, room.Actor{ID: moderatorID, Role: room.Moderator}, room.Command{Op: room.OpCardsIssue, Cards: hashes})
	if err != nil {
		code, retry := errorCode(err)
		status := http.StatusBadRequest
		if retry {
			status = http.StatusServiceUnavailable
		}
		writeError(w, status, code, err.Error())
		return
	}
	out.Seq = seq
	writeJSON(w, http.StatusOK, out)
}

// cardsPDF serves POST /api/rooms/{code}/cards.pdf, body {"cards":
// [secrets]}: the printable cards, one QR code each.
func (h *Hub) cardsPDF(w http.ResponseWriter, r *http.Request) {
	hr := h.organiser(w, r, "cards.pdf")
	if hr == nil {
		return
	}
	var body struct {
		Cards []string `json:"cards"`
	}
	if err := decodeStrictBody(r.Body, &body); err != nil || len(body.Cards) < 1 || len(body.Cards) > room.MaxCardsPerIssue {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("cards.pdf: the body must be {\"cards\": 1 to %d card secrets}", room.MaxCardsPerIssue))
		return
	}
	missing := 0
	err := hr.fan.inspect(r.Context(), func(rm *room.Room) {
		for _, c := range body.Cards {
			if len(c) > 64 || rm.Card(cardHash(c)) == 0 {
				missing++
			}
		}
	})
	if err != nil {
		return // the client went away
	}
	if missing > 0 {
		writeError(w, http.StatusBadRequest, "bad_card", fmt.Sprintf("cards.pdf: %d of the cards are not this meeting's", missing))
		return
	}
	base := h.qrBase(r) + "/j/" + hr.code
	pdf, err := cardsDocument(base, body.Cards)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cards.pdf: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="cards-`+hr.code+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pdf)
}

// decodeStrictBody decodes a small JSON request body, refusing unknown
// fields.
func decodeStrictBody(r io.Reader, v any) error {
	d := json.NewDecoder(io.LimitReader(r, maxCardsBody))
	d.DisallowUnknownFields()
	return d.Decode(v)
}
