package hub

import (
	"bytes"
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// cardsDocument is the printable PDF of voting cards: A4 pages of twelve
// cards, each framed by a cutting line, with the QR code of its link
// (base + "#card=" + secret), a title in English and French and the link
// written out for whoever cannot scan. It is a minimal PDF 1.4 of our own:
// the two standard fonts every reader has (Helvetica, Courier: nothing
// embedded), and each QR code a 1-bit grey image drawn one module per
// pixel and scaled, so that it stays sharp at any zoom and printer.
func cardsDocument(base string, secrets []string) ([]byte, error) {
	const (
		pageW, pageH = 595.0, 842.0 // A4, in points
		margin       = 28.0
		cols, rows   = 3, 4
		perPage      = cols * rows
		qrSize       = 118.0
	)
	cellW, cellH := (pageW-2*margin)/cols, (pageH-2*margin)/rows
	var objs [][]byte // objs[i] is object i+1
	add := func(b []byte) int { objs = append(objs, b); return len(objs) }
	reserve := func() int { return add(nil) }

	catalog, pages := reserve(), reserve()
	helv := add([]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
	mono := add([]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"))
	objs[catalog-1] = fmt.Appendf(nil, "<< /Type /Catalog /Pages %d 0 R >>", pages)

	var kids []string
	for start := 0; start < len(secrets); start += perPage {
		batch := secrets[start:min(start+perPage, len(secrets))]
		var content bytes.Buffer
		var xobjs []string
		for i, secret := range batch {
			link := base + "#card=" + secret
			q, err := qrcode.New(link, qrcode.Medium)
			if err != nil {
				return nil, err
			}
			img := add(qrImage(q.Bitmap()))
			name := fmt.Sprintf("Q%d", i)
			xobjs = append(xobjs, fmt.Sprintf("/%s %d 0 R", name, img))
			x := margin + float64(i%cols)*cellW
			y := pageH - margin - float64(i/cols+1)*cellH
			cx := x + cellW/2
			fmt.Fprintf(&content, "q 0.6 G 0.5 w [4 3] 0 d %.2f %.2f %.2f %.2f re S Q\n", x+2, y+2, cellW-4, cellH-4)
			textAt(&content, helv, 11, cx, y+cellH-22, "Carte de vote - Voting card", true)
			fmt.Fprintf(&content, "q %.2f 0 0 %.2f %.2f %.2f cm /%s Do Q\n", qrSize, qrSize, cx-qrSize/2, y+cellH-30-qrSize, name)
			textAt(&content, helv, 7.5, cx, y+34, "Scannez pour voter. Une voix par question.", true)
			textAt(&content, helv, 7.5, cx, y+25, "Scan to vote. One vote per question.", true)
			textAt(&content, mono, 5.2, x+8, y+15, pdfASCII(base), false)
			textAt(&content, mono, 5.2, x+8, y+9, "#card="+secret, false)
		}
		stream := add(pdfStream(nil, content.Bytes()))
		page := add(fmt.Appendf(nil, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F%d %d 0 R /F%d %d 0 R >> /XObject << %s >> >> /Contents %d 0 R >>",
			pages, pageW, pageH, helv, helv, mono, mono, strings.Join(xobjs, " "), stream))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[pages-1] = fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n", i+1)
		out.Write(o)
		out.WriteString("\nendobj\n")
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, xref)
	return out.Bytes(), nil
}

// textAt writes one line of text at (x, y) in font size, centred on x
// when centre is set (by the font's widths: Helvetica's are approximated
// by its average, 0.5 em; Courier's are 0.6 em).
func textAt(b *bytes.Buffer, font int, size, x, y float64, s string, centre bool) {
	if centre {
		x -= float64(len(s)) * size * 0.5 / 2
	}
	fmt.Fprintf(b, "BT /F%d %g Tf %.2f %.2f Td (%s) Tj ET\n", font, size, x, y, pdfEscape(s))
}

// pdfEscape escapes a PDF literal string.
func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(pdfASCII(s))
}

// pdfASCII keeps printable ASCII, the rest as '?': the standard fonts
// are not embedded, and addresses are ASCII.
func pdfASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// qrImage is a QR bitmap (true: dark, quiet zone included) as a 1-bit
// DeviceGray image XObject: 0 is black, 1 white, rows padded to a byte.
func qrImage(bits [][]bool) []byte {
	n := len(bits)
	stride := (n + 7) / 8
	data := make([]byte, stride*n)
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				data[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
		for x := n; x < stride*8; x++ {
			data[y*stride+x/8] |= 0x80 >> (x % 8)
		}
	}
	dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false", n, n)
	return pdfStream([]byte(dict), data)
}

// pdfStream is a stream object with extra dictionary entries.
func pdfStream(dict, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", dict, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	return b.Bytes()
}
