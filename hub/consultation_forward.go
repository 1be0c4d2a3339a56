package hub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tribune-hub/tribune/hub/seam"
)

// Consultations are sequenced where the store is (consultation.go). A
// node without it passes their requests on through its backend
// (seam.Backend.Forward; an edge, to its primary through Redis), and the
// node with it answers them with the same handlers, as if they had come
// there (hubNode.Serve). The links it writes name the address the client
// used on the first node.

// forwardedHeaders are what the consultation handlers read of a request,
// and all that is passed on: nothing of the client's address.
var forwardedHeaders = []string{"Authorization", "Content-Type", "Accept", "Accept-Language"}

// forward passes r on through the backend and writes its answer; op names
// the request in an error.
func (h *Hub) forward(w http.ResponseWriter, r *http.Request, op string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err != nil {
		h.consultationError(w, op, fmt.Errorf("%w: %v", ErrBadMessage, err))
		return
	}
	if len(body) > maxCreateBody {
		h.consultationError(w, op, errTooLarge)
		return
	}
	c := seam.Call{Method: r.Method, Target: r.URL.RequestURI(), Base: h.base(r), Body: body}
	for _, k := range forwardedHeaders {
		if v := r.Header.Get(k); v != "" {
			if c.Header == nil {
				c.Header = make(map[string]string, len(forwardedHeaders))
			}
			c.Header[k] = v
		}
	}
	ans, err := h.backend.Forward(r.Context(), c)
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	for k, v := range ans.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(ans.Status)
	w.Write(ans.Body)
}

// serveForwarded answers c, which another node passed on, with the
// consultation API's own handlers.
func (h *Hub) serveForwarded(ctx context.Context, c seam.Call) seam.Answer {
	rec := &answerWriter{header: make(http.Header)}
	r, err := http.NewRequestWithContext(context.WithValue(ctx, baseKey{}, c.Base), c.Method, c.Target, bytes.NewReader(c.Body))
	if err == nil && strings.HasPrefix(r.URL.Path, "/api/consultations") {
		for k, v := range c.Header {
			r.Header.Set(k, v)
		}
		h.consultMux.ServeHTTP(rec, r)
	} else {
		writeError(rec, http.StatusBadRequest, "bad_request", "not a request of the consultation API: "+c.Method+" "+c.Target)
	}
	ans := seam.Answer{Status: rec.status, Body: rec.body.Bytes()}
	if ans.Status == 0 {
		ans.Status = http.StatusOK
	}
	if len(rec.header) > 0 {
		ans.Header = make(map[string]string, len(rec.header))
		for k := range rec.header {
			ans.Header[k] = rec.header.Get(k)
		}
	}
	return ans
}

// baseKey is the context key of the links' base a forwarding node gave
// (Hub.base).
type baseKey struct{}

// answerWriter gathers a handler's response for a seam.Answer.
type answerWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answerWriter) Header() http.Header { return a.header }

func (a *answerWriter) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *answerWriter) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(b)
}
