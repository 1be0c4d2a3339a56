package hub

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// getDuplicates asks for the room's likely duplicates with key.
func getDuplicates(t *testing.T, base, code, key string) (int, duplicatesResponse, apiError) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/rooms/"+code+"/duplicates", nil)
	if key != "" {
		req.Header.Set(keyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out duplicatesResponse
	var e apiError
	if resp.StatusCode == http.StatusOK {
		json.NewDecoder(resp.Body).Decode(&out)
	} else {
		json.NewDecoder(resp.Body).Decode(&e)
	}
	return resp.StatusCode, out, e
}

// likely returns the published questions suggested for pending question q.
func (d duplicatesResponse) likely(q room.QuestionID) []room.QuestionID {
	for _, g := range d.Suggestions {
		if g.Question == q {
			var ids []room.QuestionID
			for _, m := range g.Likely {
				ids = append(ids, room.QuestionID(m.ID))
			}
			return ids
		}
	}
	return nil
}

// TestDuplicates: a question waiting for moderation that asks again a
// published one, in other words, is shown to the moderator with it; one
// that asks something else is shown with nothing; the suggestion follows
// the room (a question refused after its approval is suggested no more),
// and only a moderator gets any of it.
func TestDuplicates(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Step meeting","settings":{"qaOpen":true,"preModeration":true}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	alice := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	bob := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	mod.must(room.Command{Op: room.OpStart})
	for _, text := range []string{
		"Will the budget be published as open data?",
		"Quand les marchés publics seront-ils publiés en données ouvertes ?",
		"How will citizens take part in choosing the commitments?",
	} {
		alice.must(room.Command{Op: room.OpAsk, Text: text})
	}
	for q := room.QuestionID(1); q <= 3; q++ {
		mod.must(room.Command{Op: room.OpApprove, Question: q})
	}
	bob.must(room.Command{Op: room.OpAsk, Text: "quand publierez-vous les donnees ouvertes des marches publics ?"}) // 4: asks 2 again
	bob.must(room.Command{Op: room.OpAsk, Text: "Is there a sign-language interpreter today?"})                     // 5: new

	if code, _, e := getDuplicates(t, th.url, cr.Code, ""); code != http.StatusForbidden || e.Error.Code != "bad_key" || !strings.Contains(e.Error.Message, "duplicates") {
		t.Fatalf("without the key: %d %+v", code, e)
	}
	if code, _, _ := getDuplicates(t, th.url, cr.Code, "not-the-key"); code != http.StatusForbidden {
		t.Fatalf("with a wrong key: %d", code)
	}
	code, d, _ := getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if code != http.StatusOK {
		t.Fatalf("duplicates: %d", code)
	}
	if got := d.likely(4); len(got) == 0 || got[0] != 2 {
		t.Fatalf("question 4 likely repeats %v, want 2 first (%+v)", got, d)
	}
	if got := d.likely(5); len(got) != 0 {
		t.Fatalf("question 5 asks something new, yet repeats %v", got)
	}

	// Question 2 refused after all: it is no longer a question to merge into.
	seq := mod.must(room.Command{Op: room.OpReject, Question: 2, Reason: room.OffTopic})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if d.Seq < seq {
		t.Fatalf("suggestions from seq %d, before the refusal at %d", d.Seq, seq)
	}
	if got := d.likely(4); len(got) != 0 {
		t.Fatalf("question 4 suggested as a repeat of %v after 2 was refused", got)
	}
	// The one action the dashboard offers: merge, after which the question
	// waits no more.
	mod.must(room.Command{Op: room.OpApprove, Question: 2})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likely(4); len(got) == 0 || got[0] != 2 {
		t.Fatalf("question 4 likely repeats %v once 2 is back, want 2", got)
	}
	mod.must(room.Command{Op: room.OpMerge, Question: 4, Into: 2})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likely(4); len(got) != 0 {
		t.Fatalf("a merged question is still offered: %v", got)
	}
}

// likelyIdeas returns the live ideas suggested for waiting idea x.
func (d duplicatesResponse) likelyIdeas(x room.IdeaID) []room.IdeaID {
	for _, g := range d.Ideas {
		if g.Idea == x {
			var ids []room.IdeaID
			for _, m := range g.Likely {
				ids = append(ids, m.Idea)
			}
			return ids
		}
	}
	return nil
}

// TestIdeaDuplicates: a waiting idea that repeats a live one of its board
// in other words (accents, stems, stop words) is shown with it; one that
// only shares common words with live ideas (what the dashboard's former
// shared-word match took for a duplicate) is shown with nothing; a live
// idea of another board is never suggested; the suggestions follow the
// room (a refused idea is suggested no more, a merged one waits no more).
func TestIdeaDuplicates(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Step meeting","settings":{"qaOpen":true,"preModeration":true}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	alice := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	bob := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	mod.must(room.Command{Op: room.OpStart})
	mod.must(room.Command{Op: room.OpBoardOpen, Text: "What should the plan commit to?", Step: -1})
	submit := func(c *client, title, text string) {
		t.Helper()
		c.must(room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: title, Text: text})
	}
	submit(alice, "Publier les marchés publics en données ouvertes", "") // 1
	submit(alice, "Public transport every night", "In every district.")  // 2
	submit(alice, "How will citizens choose the commitments?", "")       // 3
	for x := room.IdeaID(1); x <= 3; x++ {
		mod.must(room.Command{Op: room.OpIdeaApprove, Idea: x})
	}
	submit(bob, "Quand publierez-vous les donnees ouvertes des marches publics ?", "") // 4: repeats 1
	submit(bob, "Every public library open on Sunday", "")                             // 5: new, shares words with 2

	code, d, _ := getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if code != http.StatusOK {
		t.Fatalf("duplicates: %d", code)
	}
	if got := d.likelyIdeas(4); len(got) == 0 || got[0] != 1 {
		t.Fatalf("idea 4 likely repeats %v, want 1 first (%+v)", got, d.Ideas)
	}
	if got := d.likelyIdeas(5); len(got) != 0 {
		t.Fatalf("idea 5 is new, yet repeats %v", got)
	}
	if len(d.Suggestions) != 0 {
		t.Errorf("ideas suggested as questions: %+v", d.Suggestions)
	}

	// Idea 1 refused after all: not one to merge into any more.
	seq := mod.must(room.Command{Op: room.OpIdeaReject, Idea: 1, Reason: room.OffTopic})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if d.Seq < seq {
		t.Fatalf("suggestions from seq %d, before the refusal at %d", d.Seq, seq)
	}
	if got := d.likelyIdeas(4); len(got) != 0 {
		t.Fatalf("idea 4 suggested as a repeat of %v after 1 was refused", got)
	}
	mod.must(room.Command{Op: room.OpIdeaApprove, Idea: 1})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likelyIdeas(4); len(got) == 0 || got[0] != 1 {
		t.Fatalf("idea 4 likely repeats %v once 1 is back, want 1", got)
	}
	// The one action the dashboard offers: merge; then it waits no more.
	mod.must(room.Command{Op: room.OpIdeaMerge, Idea: 4, IdeaInto: 1})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likelyIdeas(4); len(got) != 0 {
		t.Fatalf("a merged idea is still offered: %v", got)
	}

	// A second board: the same idea again is new there.
	mod.must(room.Command{Op: room.OpBoardClose, Board: 1})
	mod.must(room.Command{Op: room.OpBoardOpen, Text: "And for the next year?", Step: -1})
	bob.must(room.Command{Op: room.OpIdeaSubmit, Board: 2, Title: "Publier les marchés publics en données ouvertes"}) // 6
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likelyIdeas(6); len(got) != 0 {
		t.Fatalf("idea 6 suggested as a repeat of %v, of another board", got)
	}
	alice.must(room.Command{Op: room.OpIdeaSubmit, Board: 2, Title: "Les marchés publics, publiés en données ouvertes"}) // 7
	mod.must(room.Command{Op: room.OpIdeaApprove, Idea: 7})
	_, d, _ = getDuplicates(t, th.url, cr.Code, cr.ModeratorKey)
	if got := d.likelyIdeas(6); len(got) != 1 || got[0] != 7 {
		t.Fatalf("idea 6 likely repeats %v, want 7 only", got)
	}
}
