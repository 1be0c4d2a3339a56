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
		// From the unload until the log is gone the code is marked: a
		// session arriving meanwhile is told no_room, as after, instead of
		// loading again the meeting being deleted (TestRetentionNoReload).
		if !h.unload(code, true) {
			h.logger.Info("retention: meeting kept while in use", "room", code)
			continue
		}
		if h.beforeDelete != nil {
			h.beforeDelete(code)
		}
		err := h.cfg.Store.DeleteRoom(ctx, code)
		h.doneDeleting(code)
		if err != nil {
			return deleted, err
		}
		h.archives.forget(code)
		deleted = append(deleted, code)
		h.logger.Info("retention: meeting deleted", "room", code, "retention", h.cfg.Retention.String())
	}
	return deleted, nil
}

// A room nobody is connected to is unloaded after idleRoom (Config.Idle):
// a server that runs for months holds the meetings in use, not every
// meeting it ever served. The next session loads it again from the log,
// as after a restart (retried commands are still recognised: the log keeps
// their ids). So does every node of a cluster: an edge lets go of a room
// none of its sessions has been in for that long, and a primary of a room
// no edge holds any more either (seam.Room.Held). TestConformance's
// idle scenario and TestEdgeLetsGo guard it.
const idleRoom = 10 * time.Minute

func (h *Hub) idleLoop(ctx context.Context, after time.Duration) {
	defer h.wg.Done()
	t := time.NewTicker(after / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.unloadIdle(after)
		}
	}
}

// unloadIdle unloads the rooms nobody has been connected to for longer
// than after, and returns their codes.
func (h *Hub) unloadIdle(after time.Duration) []string {
	h.mu.Lock()
	var idle []string
	for code, hr := range h.rooms {
		if hr.sessions == 0 && !hr.idleSince.IsZero() && time.Since(hr.idleSince) > after {
			idle = append(idle, code)
		}
	}
	h.mu.Unlock()
	var done []string
	for _, code := range idle {
		if h.unload(code, false) { // checks again: someone may have come in
			done = append(done, code)
		}
	}
	if len(done) > 0 {
		h.logger.Debug("idle rooms unloaded", "rooms", len(done))
	}
	return done
}
