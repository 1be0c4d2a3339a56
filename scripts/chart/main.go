// Command chart draws the figures of BENCHMARKS.md as SVG line charts, so
// that the bench scripts can redraw them from the numbers they print.
//
// Usage:
//
//	go run ./scripts/chart -title T -x "participants" -y "p99 (ms)" [-target 250] [-bars] <data.tsv >chart.svg
//
// Each input line is "series<TAB>x<TAB>y"; lines starting with # are
// ignored. With -bars, x is a label and each series is a bar beside the
// others'; otherwise x is a number and each series a line through its
// points, in x order. -target draws a dashed line at that y.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

type point struct {
	x     float64
	label string
	y     float64
}

type series struct {
	name   string
	points []point
}

// Chart geometry, in SVG units.
const (
	width, height = 720, 400
	left, right   = 70, 170
	top, bottom   = 40, 50
)

// Colours that keep a 3:1 contrast on white and differ for common colour
// blindness (Okabe-Ito).
var colours = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

func run(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	title := fs.String("title", "", "chart title")
	xlabel := fs.String("x", "", "x axis label")
	ylabel := fs.String("y", "", "y axis label")
	target := fs.Float64("target", math.NaN(), "draw a dashed target line at this y")
	bars := fs.Bool("bars", false, "x values are labels: draw grouped bars")
	if err := fs.Parse(args); err != nil {
		return err
	}
	all, err := read(in, *bars)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("no data")
	}
	return draw(out, all, *title, *xlabel, *ylabel, *target, *bars)
}

func read(in io.Reader, bars bool) ([]*series, error) {
	var all []*series
	byName := map[string]*series{}
	sc := bufio.NewScanner(in)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want series<TAB>x<TAB>y, got %q", n, line)
		}
		y, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: y: %w", n, err)
		}
		p := point{label: f[1], y: y}
		if !bars {
			if p.x, err = strconv.ParseFloat(f[1], 64); err != nil {
				return nil, fmt.Errorf("line %d: x: %w", n, err)
			}
		}
		s := byName[f[0]]
		if s == nil {
			s = &series{name: f[0]}
			byName[f[0]] = s
			all = append(all, s)
		}
		s.points = append(s.points, p)
	}
	return all, sc.Err()
}

func draw(w io.Writer, all []*series, title, xlabel, ylabel string, target float64, bars bool) error {
	ymax := 0.0
	xmin, xmax := math.Inf(1), math.Inf(-1)
	var labels []string
	for _, s := range all {
		if !bars {
			slices.SortStableFunc(s.points, func(a, b point) int { return cmp.Compare(a.x, b.x) })
		}
		for _, p := range s.points {
			ymax = max(ymax, p.y)
			xmin, xmax = min(xmin, p.x), max(xmax, p.x)
			if !slices.Contains(labels, p.label) {
				labels = append(labels, p.label)
			}
		}
	}
	if !math.IsNaN(target) {
		ymax = max(ymax, target)
	}
	ymax = niceCeil(ymax)
	if xmax == xmin {
		xmin, xmax = xmin-1, xmax+1
	}
	if !bars {
		xmin = min(xmin, 0)
	}
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	sy := func(y float64) float64 { return top + ph - y/ymax*ph }
	sx := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*pw }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="t">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title id="t">%s</title>`+"\n", html.EscapeString(title))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	b.WriteString(`<g font-family="sans-serif" font-size="12" fill="#222">` + "\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	for i := 0; i <= 5; i++ {
		y := ymax * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, left+pw, sy(y), sy(y))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, sy(y)+4, num(y))
	}
	fmt.Fprintf(&b, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", top+ph/2, html.EscapeString(ylabel))
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", left+pw/2, height-10, html.EscapeString(xlabel))
	if bars {
		group := pw / float64(len(labels))
		bw := group * 0.8 / float64(len(all))
		for li, l := range labels {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", left+group*(float64(li)+.5), top+ph+18, html.EscapeString(l))
		}
		for si, s := range all {
			for _, p := range s.points {
				li := slices.Index(labels, p.label)
				x := left + group*float64(li) + group*0.1 + bw*float64(si)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`+"\n",
					x, sy(p.y), bw, top+ph-sy(p.y), colours[si%len(colours)], html.EscapeString(s.name), html.EscapeString(p.label), num(p.y))
				// The value over its bar: a bar a hundredth of the tallest
				// is a line, and its figure is what the reader wants.
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x+bw/2, sy(p.y)-4, num(p.y))
			}
		}
	} else {
		for _, l := range labels {
			x, _ := strconv.ParseFloat(l, 64)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", sx(x), top+ph+18, html.EscapeString(l))
		}
		for si, s := range all {
			c := colours[si%len(colours)]
			var pts []string
			for _, p := range s.points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", sx(p.x), sy(p.y)))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`+"\n", c, strings.Join(pts, " "))
			for _, p := range s.points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s at %s: %s</title></circle>`+"\n", sx(p.x), sy(p.y), c, html.EscapeString(s.name), p.label, num(p.y))
			}
		}
	}
	if !math.IsNaN(target) {
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#B00" stroke-dasharray="6 4"/>`+"\n", left, left+pw, sy(target), sy(target))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#B00">target %s</text>`+"\n", left+pw+6, sy(target)+4, num(target))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%.1f" stroke="#222"/><line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#222"/>`+"\n", left, left, top, top+ph, left, left+pw, top+ph, top+ph)
	for si, s := range all {
		y := top + 10 + 20*si
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="14" height="14" fill="%s"/><text x="%.1f" y="%d">%s</text>`+"\n", left+pw+20, y, colours[si%len(colours)], left+pw+40, y+12, html.EscapeString(s.name))
	}
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
