// Package live tells screens what changed. Every server on a database writes
// the change history in the transactions of its changes, so the history is
// the one event source all servers share: a Hub polls it for rows newer than
// the last it saw (every Interval while anyone listens, and at once when this
// server commits), and hands each listener the changes of its account.
//
// Polling rather than PostgreSQL's LISTEN/NOTIFY: it works alike on SQLite
// and PostgreSQL, needs no connection held outside the pool, and an idle
// server runs no SQL for it. Change IDs are handed out when rows are written
// but become visible when their transactions commit, which on PostgreSQL need
// not be in the same order; an ID skipped over is looked for again until it
// appears or Settle has passed, so a late commit still reaches its listeners.
package live

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
)

// Defaults of a Hub.
const (
	DefaultInterval = 250 * time.Millisecond
	DefaultSettle   = time.Minute // longer than any transaction: the request timeout and its retries
	pollRows        = 1000        // rows one poll reads; more wait for the next
	maxGap          = 1000        // IDs skipped at once that are looked for again
)

// Hub follows the change history for its listeners. The zero value is not
// usable; make one with NewHub.
type Hub struct {
	client   *ent.Client
	interval time.Duration
	settle   time.Duration
	wake     chan struct{}

	mu        sync.Mutex
	listeners map[*listener]struct{}
	stop      context.CancelFunc // the poller's, while anyone listens
}

// poller is what one run of the poller has seen.
type poller struct {
	last    int               // the newest change ID seen
	missing map[int]time.Time // IDs below last not seen yet, and since when
}

// NewHub follows the history through client; interval 0 is DefaultInterval.
func NewHub(client *ent.Client, interval time.Duration) *Hub {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return &Hub{client: client, interval: interval, settle: DefaultSettle, wake: make(chan struct{}, 1), listeners: map[*listener]struct{}{}}
}

// Wake makes the poller look at once: this server has just committed a change.
func (h *Hub) Wake() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// listener is one stream's interest: the changes of one account.
type listener struct {
	account  int
	unscoped bool          // also changes of no account (users), which can move a map
	signal   chan struct{} // something arrived; holds one signal at most
	mu       sync.Mutex
	late     []int // IDs announced below the listener's cursor: committed late
	cursor   int   // the newest ID the listener has read by scanning
}

// note hands an announced change to the listener.
func (l *listener) note(id int) {
	l.mu.Lock()
	if id <= l.cursor {
		l.late = append(l.late, id)
	}
	l.mu.Unlock()
	select {
	case l.signal <- struct{}{}:
	default:
	}
}

// take returns the late IDs noted since the last call.
func (l *listener) take() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	late := l.late
	l.late = nil
	return late
}

func (l *listener) setCursor(id int) {
	l.mu.Lock()
	l.cursor = max(l.cursor, id)
	l.mu.Unlock()
}

// listen registers a listener, starting the poller if it is the first.
func (h *Hub) listen(ctx context.Context, l *listener) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop == nil {
		newest, err := newestChange(ctx, h.client)
		if err != nil {
			return err
		}
		pollCtx, stop := context.WithCancel(context.Background())
		h.stop = stop
		go h.run(pollCtx, &poller{last: newest, missing: map[int]time.Time{}})
	}
	h.listeners[l] = struct{}{}
	return nil
}

// leave removes a listener, stopping the poller after the last.
func (h *Hub) leave(l *listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.listeners, l)
	if len(h.listeners) == 0 && h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// Listening is how many streams are open on this server.
func (h *Hub) Listening() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.listeners)
}

func (h *Hub) run(ctx context.Context, p *poller) {
	tick := time.NewTicker(h.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-h.wake:
		}
		if err := h.poll(ctx, p, time.Now()); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "live updates: reading the change history failed", "error", err)
		}
	}
}

// poll reads the changes committed since the last poll, and those skipped
// over before, and announces them to their listeners.
func (h *Hub) poll(ctx context.Context, p *poller, now time.Time) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow) // which rows exist is the server's business; listeners read them as themselves
	rows, err := h.client.Change.Query().Where(change.IDGT(p.last)).Order(ent.Asc(change.FieldID)).Limit(pollRows).
		Select(change.FieldID, change.FieldAccountID).All(ctx)
	if err != nil {
		return err
	}
	for _, c := range rows {
		for id := p.last + 1; id < c.ID && len(p.missing) < maxGap; id++ {
			p.missing[id] = now
		}
		p.last = c.ID
	}
	if len(p.missing) > 0 {
		late, err := h.client.Change.Query().Where(change.IDIn(slices.Collect(maps.Keys(p.missing))...)).
			Select(change.FieldID, change.FieldAccountID).All(ctx)
		if err != nil {
			return err
		}
		for _, c := range late {
			delete(p.missing, c.ID)
		}
		rows = append(rows, late...)
	}
	maps.DeleteFunc(p.missing, func(_ int, since time.Time) bool { return now.Sub(since) > h.settle })
	if len(rows) > 0 {
		h.announce(rows)
	}
	return nil
}

func (h *Hub) announce(rows []*ent.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for l := range h.listeners {
		for _, c := range rows {
			if (c.AccountID != nil && *c.AccountID == l.account) || (c.AccountID == nil && l.unscoped) {
				l.note(c.ID)
			}
		}
	}
}

// newestChange is the ID of the newest change committed, 0 when none is.
func newestChange(ctx context.Context, client *ent.Client) (int, error) {
	ids, err := client.Change.Query().Order(ent.Desc(change.FieldID)).Limit(1).IDs(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

func (l *listener) scanned() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cursor
}
