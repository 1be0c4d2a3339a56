package hub

import (
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/room"
)

// TestCommandErrorsCarryID: whatever is wrong with a command's frame, the
// error names the command whenever its id can be read, so that the client
// knows which one failed; text that is not what was typed is refused with
// the text codes, never stored altered.
func TestCommandErrorsCarryID(t *testing.T) {
	t.Parallel()
	th, cr, _, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	ask := func(id, text string) []byte {
		return []byte(`{"t":"cmd","id":"` + id + `","cmd":{"op":"question.ask","text":"` + text + `"}}`)
	}
	for _, c := range []struct {
		name  string
		frame []byte
		id    string
		code  string
	}{
		{"invalid UTF-8 in the text", ask("u1", "caf\xe9 au lait?"), "u1", "invalid_utf8"},
		{"invalid UTF-8 in a name", []byte("{\"t\":\"cmd\",\"id\":\"u2\",\"cmd\":{\"op\":\"question.ask\",\"te\xffxt\":\"hi\"}}"), "u2", "invalid_utf8"},
		{"invalid UTF-8 before the id", []byte("{\"cmd\":{\"op\":\"question.ask\",\"text\":\"\xff\"},\"t\":\"cmd\",\"id\":\"u3\"}"), "u3", "invalid_utf8"},
		{"lone high surrogate", ask("s1", `A question \ud800 here?`), "s1", "invalid_utf8"},
		{"lone low surrogate", ask("s2", `A question \uDC00 here?`), "s2", "invalid_utf8"},
		{"surrogates the wrong way round", ask("s3", `A question \udc4d\ud83d here?`), "s3", "invalid_utf8"},
		{"high surrogate then another escape", ask("s4", `A question \ud83d\u0041 here?`), "s4", "invalid_utf8"},
		{"high surrogate at the end", ask("s5", `A question here \ud83d`), "s5", "invalid_utf8"},
		{"line separator", ask("l1", `A question\u2028on two lines?`), "l1", "control_char"},
		{"paragraph separator", ask("l2", "A question\u2029on two lines?"), "l2", "control_char"},
		{"truncated after the id", []byte(`{"t":"cmd","id":"m1","cmd":{"op":`), "m1", "bad_message"},
		{"unknown field", []byte(`{"t":"cmd","id":"m2","cmd":{"op":"question.ask","text":"hi"},"admin":true}`), "m2", "bad_message"},
		{"trailing data", append(ask("m3", "A fair question, twice"), `{"t":"ping"}`...), "m3", "bad_message"},
		{"id too long, the rest fine", ask(strings.Repeat("i", maxCmdID+1), "A fair question"), "", "bad_message"},
		{"id that is not valid UTF-8", ask("\xff1", "A fair question"), "", "invalid_utf8"},
		{"id with a lone surrogate", ask(`\ud800x`, "A fair question"), "", "invalid_utf8"},
		{"id too long", ask(strings.Repeat("i", maxCmdID+1), "caf\xe9"), "", "invalid_utf8"},
		{"id of another type", []byte("{\"t\":\"cmd\",\"id\":7,\"cmd\":{\"op\":\"question.ask\",\"text\":\"\xff\"}}"), "", "invalid_utf8"},
		{"not a command", []byte("{\"t\":\"ping\",\"id\":\"n1\",\"x\":\"\xff\"}"), "", "invalid_utf8"},
	} {
		p.sendRaw(c.frame)
		var code, msg string
		if c.id != "" {
			r := p.await(c.id)
			code, msg = r.Code, r.Message
		} else {
			e := p.lastError()
			code, msg = e.Code, e.Message
		}
		if code != c.code {
			t.Errorf("%s: error %q (%s), want %q", c.name, code, msg, c.code)
		}
	}
	unchanged(t, th, cr.Code, seq)

	// Valid escapes are text like any other.
	for id, text := range map[string]string{
		"ok1": `A thumbs up \ud83d\udc4d for this?`,
		"ok2": `What does \\ud800 mean in JSON?`, // an escaped backslash, then letters
		"ok3": `Why \\\ud83d\udc4d after a backslash?`,
	} {
		p.sendRaw(ask(id, text))
		if r := p.await(id); r.Code != "" || r.Seq == 0 {
			t.Errorf("%s %s: %+v, want an ack", id, text, r)
		}
	}
	p.waitFor(func() bool { return len(p.view.Questions) >= 4 })
	want := map[string]bool{"A thumbs up 👍 for this?": true, `What does \ud800 mean in JSON?`: true, `Why \👍 after a backslash?`: true}
	p.mu.Lock()
	for _, q := range p.view.Questions {
		delete(want, q.Text)
	}
	p.mu.Unlock()
	if len(want) > 0 {
		t.Errorf("questions not stored as sent: %v", want)
	}
	p.must(room.Command{Op: room.OpAsk, Text: "Still served?"})
}

func TestLoneSurrogate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`"plain"`:                    false,
		`"\ud83d\udc4d"`:             false,
		`"\uD83D\uDC4D"`:             false,
		`"\u00e9\u2028\n\\\""`:       false,
		`"\\ud800"`:                  false, // an escaped backslash, then text
		`"\\\\ud800"`:                false,
		`"\\\ud800"`:                 true, // an escaped backslash, then an escape
		`"\ud800"`:                   true,
		`"\uDBFF"`:                   true,
		`"\udc00"`:                   true,
		`"\udfff\ud800"`:             true,
		`"\ud800\ud800\udc00"`:       true,
		`"\ud800\u0041"`:             true,
		`"\ud800\n"`:                 true,
		`"\ud800`:                    true,
		`"\ud8`:                      false, // not JSON: the decoder says so
		`{"a":"\ud83d\udc4d","b":1}`: false,
		`{"a":"x","b":"\udc4d"}`:     true,
	} {
		if got := loneSurrogate([]byte(in)) >= 0; got != want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestFrameID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("i", maxCmdID)
	for in, want := range map[string]string{
		`{"t":"cmd","id":"c-1","cmd":{}}`:                  "c-1",
		`{"id":"c-2","t":"cmd"}`:                           "c-2",
		`{"t":"cmd","cmd":{"op":[1,{"x":"}"}]},"id":"c-3"`: "c-3",
		`{"t":"cmd","id":"c-4"}{"t":"cmd","id":"c-5"}`:     "c-4",
		`{"t":"cmd","id":"` + long + `"}`:                  long,
		`{"t":"cmd","id":"` + long + `i"}`:                 "",
		`{"t":"cmd","id":""}`:                              "",
		`{"t":"cmd","id":"\u00e9"}`:                        "é",
		`{"t":"cmd","id":"\ud800"}`:                        "",
		"{\"t\":\"cmd\",\"id\":\"\xff\"}":                  "",
		`{"t":"cmd","id":7}`:                               "",
		`{"t":"cmd","id":null}`:                            "",
		`{"t":"ping","id":"p-1"}`:                          "",
		`{"id":"c-6"}`:                                     "",
		`{"t":"cmd",`:                                      "",
		`[{"t":"cmd","id":"c-7"}]`:                         "",
		`"cmd"`:                                            "",
		``:                                                 "",
	} {
		if got := frameID([]byte(in)); got != want {
			t.Errorf("frameID(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestBadFramesFlood: frames the hub refuses count against the frame rate
// like any other, so that a client cannot make it answer at wire speed.
func TestBadFramesFlood(t *testing.T) {
	t.Parallel()
	th, cr, mod, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	for i := 0; i < frameBurst+floodStrikes+50; i++ {
		p.sendRaw([]byte("{\"t\":\"cmd\",\"id\":\"f\",\"cmd\":{\"op\":\"question.ask\",\"text\":\"\xff\"}}"))
	}
	if code := p.waitClosed(); code != websocket.StatusPolicyViolation {
		t.Fatalf("flood of bad frames: close %d, want 1008", code)
	}
	unchanged(t, th, cr.Code, seq)
	mod.must(room.Command{Op: room.OpAnnounce, Text: "Others are still served"})
}
