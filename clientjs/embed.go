// Package clientjs holds Tribune's browser side: the client library
// (protocol.js, tribune.js), the pages (home, participant, moderator
// dashboard, big screen, report) and their shared assets, embedded into the
// binary so that a venue with no internet still has everything.
//
// The files are plain ES modules, HTML and CSS, with no build step. The
// server serves FS at /assets/ and the pages at /, /j/{code}, /m/{code},
// /s/{code}, /r/{code}, /about, and a consultation's at /c/{id},
// /c/{id}/trace and /c/{id}/organise. Pages reference assets by absolute path
// (/assets/style.css) and load no inline script or style, so they work under
// a Content-Security-Policy of script-src 'self'; style-src 'self'.
//
// The JavaScript tests live in test/ (node --test clientjs/) and are not
// embedded.
package clientjs

import (
	"embed"
	"io/fs"
)

//go:embed *.html *.js *.css *.svg
var files embed.FS

// FS holds the pages and assets, at the root: "participant.html",
// "tribune.js", "style.css"...
var FS fs.FS = files

// Pages are the HTML pages the server maps to paths.
var Pages = []string{"home.html", "participant.html", "moderator.html", "screen.html", "report.html", "about.html",
	"consultation.html", "trace.html", "organise.html"}
