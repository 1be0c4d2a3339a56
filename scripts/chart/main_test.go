package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	in := "# series x y\none node\t1000\t120\none node\t5000\t180\ncluster\t5000\t150\ncluster\t1000\t90\n"
	var out strings.Builder
	if err := run([]string{"-title", "p99 <to every screen>", "-x", "participants", "-y", "ms", "-target", "250"}, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	svg := out.String()
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	for _, want := range []string{"p99 &lt;to every screen&gt;", "one node", "cluster", "target 250", "<polyline", "cluster at 1000: 90"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if got := strings.Count(svg, "<circle"); got != 4 {
		t.Errorf("%d points drawn, want 4", got)
	}
}

func TestBarsAndErrors(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-bars"}, strings.NewReader("tribune\t1,000 subs\t300\ncentrifugo\t1,000 subs\t200\n"), &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "<rect x="); got != 2+2 { // two bars, two legend keys
		t.Errorf("%d rects, want 4", got)
	}
	for _, bad := range []string{"", "a\tb\n", "a\tx\t1\n", "a\t1\ty\n"} {
		if err := run(nil, strings.NewReader(bad), new(strings.Builder)); err == nil {
			t.Errorf("input %q: no error", bad)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.3: 0.5, 1: 1, 1.1: 2, 3: 5, 7: 10, 120: 200, 450: 500} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}
