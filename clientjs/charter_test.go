package clientjs

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// The pages hold the default charter's text; the room knows how many
// rules it has, so that a refusal may cite one. The two must agree, in
// both languages.
func TestDefaultCharter(t *testing.T) {
	b, err := fs.ReadFile(FS, "i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	m := regexp.MustCompile(`export const defaultRules = (\d+);`).FindStringSubmatch(src)
	if m == nil {
		t.Fatal("i18n.js declares no defaultRules")
	}
	if n, _ := strconv.Atoi(m[1]); n != room.DefaultRules {
		t.Fatalf("i18n.js has %d default rules, room.DefaultRules is %d", n, room.DefaultRules)
	}
	for i := 1; i <= room.DefaultRules+1; i++ {
		key := fmt.Sprintf("'charter.rule%d':", i)
		want := 2 // English and French
		if i > room.DefaultRules {
			want = 0
		}
		if got := strings.Count(src, key); got != want {
			t.Errorf("%s appears %d times in i18n.js, want %d", key, got, want)
		}
	}
}
