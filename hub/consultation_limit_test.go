package hub

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestReplaysLimited: traces and "follow my input" replay step meetings'
// logs under their consultation's lock, so a flood of them is cut past a
// burst with rate_limited (and Retry-After), naming the op, before any
// replay; the organiser's acts are not counted.
func TestReplaysLimited(t *testing.T) {
	t.Parallel()
	th := startHubOn(t, filepath.Join(t.TempDir(), "tribune.db"), testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Flooded"}`)
	var s stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 1"}, &s)
	limited, served := 0, 0
	start := time.Now()
	for range replayBurst + 40 {
		status, _ := a.call("GET", "/api/consultations/"+cr.ID+"/trace?code="+s.Code+"&question=1", "", nil)
		switch status {
		case http.StatusTooManyRequests:
			limited++
		default:
			served++
		}
	}
	// At most the burst and what the rate refilled meanwhile.
	most := replayBurst + int(time.Since(start).Seconds()*replayRate) + 1
	if limited == 0 || served > most {
		t.Fatalf("%d traces served, %d limited: want at most %d served, the rest limited", served, limited, most)
	}
	a.refused(http.StatusTooManyRequests, "rate_limited", "consultation.mine", "POST", "/api/consultations/"+cr.ID+"/mine", "", `{"tokens":{}}`)
	// The organiser still acts.
	a.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 2"}, &s)
}
