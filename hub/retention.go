package hub

import (
	"context"
	"time"
)

// Retention: a deployment that keeps meetings for a limited time (public
// bodies keep consultation records for a stated period, then delete them)
// sets Config.Retention. Once an hour the hub deletes, log and all, every
// meeting that has ended and had no event by a person for that long (a late
// answer or outcome counts, a connection coming or going does not): its report,
// exports and pages are gone with it, and its code can serve again. What
// was exported before stays what it was, and still verifies.
//
// A meeting with someone connected is kept until the next sweep after they
// leave. Retention needs the store in this process: a single node
// (Embedded), for now.
const (
	purgeFirst = time.Minute // after start, so that serving comes first
	purgeEvery = time.Hour
)

func (h *Hub) purgeLoop(ctx context.Context) {
	defer h.wg.Done()
	t := time.NewTimer(purgeFirst)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := h.purge(ctx); err != nil && ctx.Err() == nil {
			h.logger.Error("retention sweep", "err", err)
		}
		t.Reset(purgeEvery)
	}
}

// purge deletes the meetings past retention and returns their codes.
func (h *Hub) purge(ctx context.Context) ([]string, error) {
	codes, err := h.cfg.Store.Expired(ctx, h.now().Add(-h.cfg.Retention))
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, code := range codes {
		if !h.unload(code) {
			h.logger.Info("retention: meeting kept while in use", "room", code)
			continue
		}
		if err := h.cfg.Store.DeleteRoom(ctx, code); err != nil {
			return deleted, err
		}
		h.archives.forget(code)
		deleted = append(deleted, code)
		h.logger.Info("retention: meeting deleted", "room", code, "retention", h.cfg.Retention.String())
	}
	return deleted, nil
}
