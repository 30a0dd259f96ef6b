package live

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/predicate"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// scanPage is how many changes one read of a stream's backlog takes.
const scanPage = 100

// AccountChanged streams the changes committed under an account after the
// cursor (or the stream's Last-Event-ID, or else from now on), one at a time,
// read as the viewer in ctx, so the privacy rules apply as to
// Account.activity. The stream ends with ctx.
func (h *Hub) AccountChanged(ctx context.Context, accountID int, after *entgql.Cursor[int]) (<-chan *ent.ChangeEdge, error) {
	if err := h.visible(ctx, accountID); err != nil {
		return ended[*ent.ChangeEdge](ctx, err)
	}
	from, err := h.start(ctx, after)
	if err != nil {
		return ended[*ent.ChangeEdge](ctx, err)
	}
	l := &listener{account: accountID, signal: make(chan struct{}, 1), cursor: from}
	if err := h.listen(ctx, l); err != nil {
		return ended[*ent.ChangeEdge](ctx, err)
	}
	out := make(chan *ent.ChangeEdge)
	go func() {
		defer close(out)
		defer h.leave(l)
		sent := map[int]time.Time{} // recent IDs sent, so a late one is not sent twice
		send := func(c *ent.Change) bool {
			if _, ok := sent[c.ID]; ok {
				return true
			}
			sent[c.ID] = time.Now()
			edge := &ent.ChangeEdge{Node: c, Cursor: entgql.Cursor[int]{ID: c.ID}}
			EventIDs(ctx).push(CursorText(edge.Cursor))
			select {
			case out <- edge:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			for { // the backlog: every change after the cursor
				cursor := l.scanned()
				page, err := h.client.Change.Query().Where(accountIs(accountID), change.IDGT(cursor)).
					Order(ent.Asc(change.FieldID)).Limit(scanPage).All(ctx)
				if err != nil {
					return
				}
				for _, c := range page {
					if !send(c) {
						return
					}
					l.setCursor(c.ID)
				}
				if len(page) < scanPage {
					break
				}
			}
			if late := l.take(); len(late) > 0 { // committed after a newer change was read
				page, err := h.client.Change.Query().Where(change.AccountID(accountID), change.IDIn(late...)).
					Order(ent.Asc(change.FieldID)).All(ctx)
				if err != nil {
					return
				}
				for _, c := range page {
					if !send(c) {
						return
					}
				}
			}
			for id, at := range sent {
				if time.Since(at) > 2*h.settle {
					delete(sent, id)
				}
			}
			select {
			case <-l.signal:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// OrgMapChanged streams the account's org map, read with loader as the
// viewer in ctx: at once unless its version is sinceVersion (or the stream's
// Last-Event-ID), then each time the version moves. The stream ends with ctx.
func (h *Hub) OrgMapChanged(ctx context.Context, loader orgmap.Loader, accountID int, sinceVersion *int) (<-chan *orgmap.Map, error) {
	current, err := loader.Version(ctx, accountID)
	if err != nil {
		return ended[*orgmap.Map](ctx, err)
	}
	sent := -1
	if sinceVersion != nil {
		sent = *sinceVersion
	} else if v, err := strconv.Atoi(lastEventID(ctx)); err == nil {
		sent = v
	}
	l := &listener{account: accountID, unscoped: true, signal: make(chan struct{}, 1)}
	if err := h.listen(ctx, l); err != nil {
		return ended[*orgmap.Map](ctx, err)
	}
	out := make(chan *orgmap.Map)
	go func() {
		defer close(out)
		defer h.leave(l)
		for {
			if current != sent {
				m, err := loader.OrgMap(ctx, accountID)
				if err != nil {
					return
				}
				sent = m.Account.MapVersion
				EventIDs(ctx).push(strconv.Itoa(sent))
				select {
				case out <- m:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-l.signal:
			case <-ctx.Done():
				return
			}
			l.take()
			if current, err = loader.Version(ctx, accountID); err != nil {
				return // the account is gone
			}
		}
	}()
	return out, nil
}

// ended answers a stream that could not begin: with the error, or, when the
// client has gone already, with a stream that has ended, for nobody to read.
func ended[T any](ctx context.Context, err error) (<-chan T, error) {
	if ctx.Err() != nil {
		ch := make(chan T)
		close(ch)
		return ch, nil
	}
	return nil, err
}

// accountIs is change.AccountID without the index on account_id (a unary
// plus hides a column from SQLite's planner): a stream's reads then walk the
// IDs after its cursor, a few recent rows, not the account's whole history,
// which SQLite would otherwise read and sort for every event. PostgreSQL
// chooses the primary key by itself.
func accountIs(id int) predicate.Change {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString("+" + s.C(change.FieldAccountID) + " = ").Arg(id)
		}))
	}
}

// visible refuses an account the viewer cannot read, as a query would.
func (h *Hub) visible(ctx context.Context, accountID int) error {
	ok, err := h.client.Account.Query().Where(account.ID(accountID)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: accountID}
	}
	return nil
}

// start is the change ID a stream begins after: the cursor's, the
// Last-Event-ID's, or the newest change's.
func (h *Hub) start(ctx context.Context, after *entgql.Cursor[int]) (int, error) {
	if after != nil {
		return after.ID, nil
	}
	if id := lastEventID(ctx); id != "" {
		var c entgql.Cursor[int]
		if err := c.UnmarshalGQL(id); err != nil {
			return 0, &clienterr.InputError{Field: "Last-Event-ID", Message: "the Last-Event-ID header is not a cursor this stream sent"}
		}
		return c.ID, nil
	}
	return newestChange(ctx, h.client)
}

// CursorText is a cursor as GraphQL writes it, without the quotes.
func CursorText(c entgql.Cursor[int]) string {
	var b bytes.Buffer
	c.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

type eventIDsKey struct{}
type lastEventIDKey struct{}

// Events carries, from a stream's producer to the transport that writes its
// events, the SSE id of each event in the order the events are sent.
type Events struct {
	mu  sync.Mutex
	ids []string
}

// WithEvents gives a stream's context the event IDs its transport reads,
// and the Last-Event-ID the client sent ("" for none).
func WithEvents(ctx context.Context, lastEventID string) (context.Context, *Events) {
	e := &Events{}
	ctx = context.WithValue(ctx, eventIDsKey{}, e)
	return context.WithValue(ctx, lastEventIDKey{}, lastEventID), e
}

// EventIDs is the stream's event IDs; a context without them gets a sink.
func EventIDs(ctx context.Context) *Events {
	if e, ok := ctx.Value(eventIDsKey{}).(*Events); ok {
		return e
	}
	return nil
}

func (e *Events) push(id string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	e.ids = append(e.ids, id)
	e.mu.Unlock()
}

// Next is the ID of the next event written, "" when it has none (an error).
func (e *Events) Next() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.ids) == 0 {
		return ""
	}
	id := e.ids[0]
	e.ids = e.ids[1:]
	return id
}

func lastEventID(ctx context.Context) string {
	id, _ := ctx.Value(lastEventIDKey{}).(string)
	return id
}
