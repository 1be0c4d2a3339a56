package hub

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// clientCodes are the client's own error codes (clientjs/tribune.js, ui.js):
// a command that could not be sent, or an HTTP request that failed. They
// have texts but the hub never sends them.
var clientCodes = []string{"closed", "offline", "network", "other"}

// TestErrorCodesListed: every code the hub sends (errorCodes, with the
// internal fallback) is documented in PROTOCOL.md and has a text in both
// languages of clientjs/i18n.js, and neither lists a code the hub never
// sends.
func TestErrorCodesListed(t *testing.T) {
	t.Parallel()
	sent := protocolCodes()
	if !slices.Contains(sent, codeInternal) || !slices.Contains(sent, "bad_hello") {
		t.Fatalf("protocolCodes misses the fallback or the hello codes: %v", sent)
	}

	doc, err := os.ReadFile("../PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "\n### Error codes\n")
	if !ok {
		t.Fatal(`PROTOCOL.md has no "### Error codes" section`)
	}
	table, _, _ = strings.Cut(table, "\n#")
	var documented []string
	for _, line := range strings.Split(table, "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 2 {
			for _, m := range regexp.MustCompile("`([a-z0-9_]+)`").FindAllStringSubmatch(cells[1], -1) {
				documented = append(documented, m[1])
			}
		}
	}
	compare(t, "PROTOCOL.md, Error codes", sent, documented)

	js, err := os.ReadFile("../clientjs/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	en, fr, ok := strings.Cut(string(js), "\n  fr: {\n")
	if !ok {
		t.Fatal("clientjs/i18n.js: no fr dictionary")
	}
	texts := regexp.MustCompile(`(?m)^\s*'err\.([a-z0-9_]+)':`)
	for lang, src := range map[string]string{"en": en, "fr": fr} {
		var keys []string
		for _, m := range texts.FindAllStringSubmatch(src, -1) {
			if !slices.Contains(clientCodes, m[1]) {
				keys = append(keys, m[1])
			}
		}
		compare(t, "clientjs/i18n.js, "+lang, sent, keys)
	}
}

// compare reports the codes of sent missing from listed, and those listed
// that are never sent.
func compare(t *testing.T, where string, sent, listed []string) {
	t.Helper()
	for _, c := range sent {
		if !slices.Contains(listed, c) {
			t.Errorf("%s: %s is sent but not listed", where, c)
		}
	}
	for _, c := range listed {
		if !slices.Contains(sent, c) {
			t.Errorf("%s: %s is listed but never sent", where, c)
		}
	}
}
