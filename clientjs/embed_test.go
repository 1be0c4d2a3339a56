package clientjs

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestEmbedded checks that every page is embedded, and that every asset a
// page or module references (by /assets/NAME or by a relative import) is
// embedded too, so the binary never serves a page that cannot load.
func TestEmbedded(t *testing.T) {
	refs := regexp.MustCompile(`(?:src|href)="/assets/([^"]+)"|from '\./([^']+)'|import\('\./([^']+)'\)`)
	seen := map[string]bool{}
	queue := append([]string(nil), Pages...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("%s is not embedded: %v", name, err)
			continue
		}
		for _, m := range refs.FindAllStringSubmatch(string(b), -1) {
			for _, ref := range m[1:] {
				if ref != "" {
					queue = append(queue, ref)
				}
			}
		}
	}
	for _, must := range []string{"protocol.js", "tribune.js", "i18n.js", "dom.js", "ui.js", "style.css", "icon.svg"} {
		if !seen[must] {
			t.Errorf("%s is embedded but no page reaches it", must)
		}
	}
}

// TestNoInlineScript checks the pages against the Content-Security-Policy
// they are served with: no inline script, event handler or style attribute.
func TestNoInlineScript(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(?:\s+type="module")?>|\son[a-z]+\s*=|\sstyle\s*=|<style`)
	for _, name := range Pages {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if m := inline.FindString(string(b)); m != "" {
			t.Errorf("%s has inline script or style: %q", name, m)
		}
		if !strings.Contains(string(b), `<script type="module" src="/assets/`) {
			t.Errorf("%s loads no module from /assets/", name)
		}
	}
}

// TestNoTestsEmbedded checks that the JavaScript tests stay out of the binary.
func TestNoTestsEmbedded(t *testing.T) {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.Contains(e.Name(), ".test.") {
			t.Errorf("%s should not be embedded", e.Name())
		}
	}
}
