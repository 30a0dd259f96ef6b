package httpedge

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// openCheckEvery is how often a server that runs open looks for the first API
// token, so that it requires sign-in within seconds of one existing.
const openCheckEvery = time.Second

// openness tells whether a server that started open still runs open: until
// tokensExist says the first API token exists, however it was made
// (createAPIToken, or -create-admin while the server runs). It never opens
// again. Without tokensExist it stays as it started.
type openness struct {
	tokensExist func(context.Context) (bool, error)
	mu          sync.Mutex
	open        bool
	checked     time.Time
}

func newOpenness(open bool, tokensExist func(context.Context) (bool, error)) func(context.Context) bool {
	o := &openness{tokensExist: tokensExist, open: open, checked: time.Now()}
	return o.isOpen
}

func (o *openness) isOpen(ctx context.Context) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.open || o.tokensExist == nil || time.Since(o.checked) < openCheckEvery {
		return o.open
	}
	o.checked = time.Now()
	exists, err := o.tokensExist(ctx)
	if err != nil {
		slog.ErrorContext(ctx, "looking for the first API token", "error", err)
		return o.open
	}
	if exists {
		o.open = false
		slog.Warn("an API token exists now, so the server no longer runs open: every request must sign in")
	}
	return o.open
}
