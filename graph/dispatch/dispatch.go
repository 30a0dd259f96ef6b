// Package dispatch sends the webhook events of the outbox to the endpoints
// that subscribed to them: it fans each event out to a delivery per endpoint,
// then POSTs the due deliveries, signed, retrying with a growing delay. Many
// servers on one PostgreSQL share the work: each delivery is claimed with
// FOR UPDATE SKIP LOCKED for as long as it is being sent, and one server at a
// time fans out (an advisory lock), so that a record's events keep their order.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
	"github.com/accountplan/accountplan/ent/webhookendpoint"
	"github.com/accountplan/accountplan/ent/webhookevent"
	"github.com/accountplan/accountplan/graph/webhook"
)

// Settings tune the dispatcher; zero values take the defaults.
type Settings struct {
	// Poll is how often it looks for work when no commit of this process woke it (default 1 s).
	Poll time.Duration
	// Timeout bounds one attempt, from connecting to the answer's status (default 10 s).
	Timeout time.Duration
	// RetryBase is the delay after the first failed attempt; each next one doubles, up to RetryMax (defaults 5 s, 1 h).
	RetryBase, RetryMax time.Duration
	// RetryFor is how long a delivery is retried before it is FAILED; an
	// endpoint whose deliveries failed that long without a success is disabled (default 72 h).
	RetryFor time.Duration
	// AllowPrivate lets it connect to private and loopback addresses.
	AllowPrivate bool
	// Batch is how many deliveries one step claims, and Workers how many it sends at once (defaults 100, 16).
	Batch, Workers int
	// Log gets a line per endpoint disabled and per failed step; nil is slog.Default().
	Log *slog.Logger
}

// withDefaults fills in the defaults.
func (s Settings) withDefaults() Settings {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.Poll, time.Second)
	def(&s.Timeout, 10*time.Second)
	def(&s.RetryBase, 5*time.Second)
	def(&s.RetryMax, time.Hour)
	def(&s.RetryFor, 72*time.Hour)
	if s.Batch <= 0 {
		s.Batch = 100
	}
	if s.Workers <= 0 {
		s.Workers = 16
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	return s
}

// Delay is the wait after the n-th failed attempt (n ≥ 1): RetryBase doubled n-1 times, at most RetryMax.
func (s Settings) Delay(n int) time.Duration {
	d := s.RetryBase
	for range n - 1 {
		if d *= 2; d >= s.RetryMax {
			return s.RetryMax
		}
	}
	return min(d, s.RetryMax)
}

// Dispatcher sends the outbox's events.
type Dispatcher struct {
	client   *ent.Client
	s        Settings
	http     *http.Client
	postgres bool
}

// New makes a dispatcher over the client's database.
func New(client *ent.Client, s Settings) *Dispatcher {
	s = s.withDefaults()
	dialer := &net.Dialer{Timeout: s.Timeout}
	if !s.AllowPrivate {
		// The address connected to, after any DNS answer: a name that
		// resolved to a public address when the endpoint was made may not
		// lead to a private one now.
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || webhook.Private(ap.Addr()) {
				return fmt.Errorf("refused to connect to %s: a private or loopback address", address)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: s.Workers, ResponseHeaderTimeout: s.Timeout, TLSHandshakeTimeout: s.Timeout}
	return &Dispatcher{
		client: client,
		s:      s,
		http: &http.Client{Transport: transport, Timeout: s.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		postgres: client.Dialect() == "postgres",
	}
}

// Run dispatches until ctx is done: at once after a commit of this process
// with events, else every Poll.
func (d *Dispatcher) Run(ctx context.Context) {
	for {
		n, err := d.Step(ctx)
		if err != nil && ctx.Err() == nil {
			d.s.Log.Warn("webhooks: dispatching failed; trying again", "error", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-outbox.Committed():
		case <-time.After(d.s.Poll):
		}
	}
}

// Step fans out the new events and sends one batch of due deliveries; it
// says how many events and deliveries it handled.
func (d *Dispatcher) Step(ctx context.Context) (int, error) {
	fanned, err := d.FanOut(ctx, time.Now())
	if err != nil {
		return fanned, err
	}
	sent, err := d.Deliver(ctx, time.Now())
	return fanned + sent, err
}

// fanOutLock is the PostgreSQL advisory lock one server at a time fans out under.
const fanOutLock = 0x77656268 // "webh"

// FanOut turns a batch of new events into deliveries, one per endpoint that
// subscribed, with the org map's events they cause, in one transaction.
func (d *Dispatcher) FanOut(ctx context.Context, now time.Time) (int, error) {
	tx, err := d.client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if d.postgres {
		rows, err := tx.QueryContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", fanOutLock)
		if err != nil {
			return 0, err
		}
		var locked bool
		for rows.Next() {
			err = rows.Scan(&locked)
		}
		if err = errors.Join(err, rows.Close()); err != nil || !locked {
			return 0, err
		}
	}
	events, err := tx.WebhookEvent.Query().Where(webhookevent.FannedOut(false)).Order(ent.Asc(webhookevent.FieldID)).Limit(d.s.Batch).All(ctx)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	endpoints, err := tx.WebhookEndpoint.Query().Where(webhookendpoint.Enabled(true)).All(ctx)
	if err != nil {
		return 0, err
	}
	var derived []*ent.WebhookEvent
	if wantMapEvents(endpoints) {
		if derived, err = d.mapEvents(ctx, tx.Client(), events, now); err != nil {
			return 0, err
		}
	}
	var deliveries []*ent.WebhookDeliveryCreate
	for _, e := range append(events, derived...) {
		for _, ep := range endpoints {
			if subscribed(ep, e) {
				deliveries = append(deliveries, tx.WebhookDelivery.Create().
					SetEndpointID(ep.ID).SetEventID(e.ID).SetEventType(e.Type).SetSubjectType(e.SubjectType).
					SetSubjectID(e.SubjectID).SetPayload(e.Payload).SetNextAttemptAt(now))
			}
		}
	}
	for start := 0; start < len(deliveries); start += 1000 {
		if err := tx.WebhookDelivery.CreateBulk(deliveries[start:min(start+1000, len(deliveries))]...).Exec(ctx); err != nil {
			return 0, err
		}
	}
	ids := make([]int, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	if err := tx.WebhookEvent.Update().Where(webhookevent.IDIn(ids...)).SetFannedOut(true).Exec(ctx); err != nil {
		return 0, err
	}
	return len(events), tx.Commit()
}

// mapEvents writes the org map's events of the accounts whose maps the events touched.
func (d *Dispatcher) mapEvents(ctx context.Context, client *ent.Client, events []*ent.WebhookEvent, now time.Time) ([]*ent.WebhookEvent, error) {
	seen := map[int]bool{}
	var derived []outbox.Event
	for _, e := range events {
		if e.AccountID == nil || seen[*e.AccountID] || !webhook.MapTypes[e.SubjectType] {
			continue
		}
		seen[*e.AccountID] = true
		found, err := webhook.MapEvents(ctx, d.client, client, *e.AccountID, now)
		if err != nil {
			return nil, err
		}
		derived = append(derived, found...)
	}
	if len(derived) == 0 {
		return nil, nil
	}
	rows := make([]*ent.WebhookEventCreate, len(derived))
	for i, e := range derived {
		body, err := e.Body()
		if err != nil {
			return nil, err
		}
		rows[i] = client.WebhookEvent.Create().SetAt(e.At).SetType(e.Type).SetSubjectType(e.SubjectType).
			SetSubjectID(e.SubjectID).SetNillableAccountID(e.AccountID).SetPayload(string(body)).SetFannedOut(true)
	}
	return client.WebhookEvent.CreateBulk(rows...).Save(ctx)
}

// wantMapEvents is whether an endpoint takes the org map's events, which
// cost a map read per account changed.
func wantMapEvents(endpoints []*ent.WebhookEndpoint) bool {
	for _, ep := range endpoints {
		for _, t := range ep.EventTypes {
			if t == "*" || t == outbox.HealthGradeChanged || t == outbox.SingleThreaded || t == outbox.LostSupportivePath {
				return true
			}
		}
	}
	return false
}

// subscribed is whether an endpoint takes an event.
func subscribed(ep *ent.WebhookEndpoint, e *ent.WebhookEvent) bool {
	if ep.AccountID != nil && (e.AccountID == nil || *e.AccountID != *ep.AccountID) {
		return false
	}
	for _, t := range ep.EventTypes {
		if t == "*" || t == e.Type {
			return true
		}
	}
	return false
}

// Deliver sends a batch of due deliveries whose records have no earlier event
// still pending for their endpoint, and records how each went. On PostgreSQL
// the batch stays locked (SKIP LOCKED for the others) until it is recorded.
func (d *Dispatcher) Deliver(ctx context.Context, now time.Time) (int, error) {
	client := d.client
	var tx *ent.Tx
	if d.postgres {
		var err error
		if tx, err = d.client.Tx(ctx); err != nil {
			return 0, err
		}
		defer tx.Rollback()
		client = tx.Client()
	}
	ids, err := d.claim(ctx, client, now)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	due, err := client.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).WithEndpoint().
		Order(ent.Asc(webhookdelivery.FieldEventID), ent.Asc(webhookdelivery.FieldID)).All(ctx)
	if err != nil {
		return 0, err
	}
	// One delivery per record and endpoint at a time: a record's later event waits.
	var batch []*ent.WebhookDelivery
	first := map[[2]int]bool{}
	for _, dl := range due {
		key := [2]int{dl.EndpointID, dl.SubjectID}
		if !first[key] {
			first[key] = true
			batch = append(batch, dl)
		}
	}
	results := make([]result, len(batch))
	var wg sync.WaitGroup
	slots := make(chan struct{}, d.s.Workers)
	for i, dl := range batch {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			results[i] = d.send(ctx, dl)
		}()
	}
	wg.Wait()
	for i, dl := range batch {
		if err := d.record(ctx, client, dl, results[i]); err != nil {
			return 0, err
		}
	}
	if tx != nil {
		return len(batch), tx.Commit()
	}
	return len(batch), nil
}

// claim finds the due deliveries whose endpoint is enabled and has no earlier
// event of the same record pending; on PostgreSQL it locks them, skipping the
// rows other servers hold.
func (d *Dispatcher) claim(ctx context.Context, client *ent.Client, now time.Time) ([]int, error) {
	t := entsql.Table(webhookdelivery.Table).As("d")
	endpoints := entsql.Table(webhookendpoint.Table)
	q := entsql.Dialect(client.Dialect()).Select(t.C(webhookdelivery.FieldID)).From(t).Where(entsql.And(
		entsql.EQ(t.C(webhookdelivery.FieldStatus), webhookdelivery.StatusPENDING),
		entsql.LTE(t.C(webhookdelivery.FieldNextAttemptAt), now),
		entsql.In(t.C(webhookdelivery.FieldEndpointID), entsql.Select(endpoints.C(webhookendpoint.FieldID)).From(endpoints).Where(entsql.EQ(endpoints.C(webhookendpoint.FieldEnabled), true))),
	)).OrderBy(t.C(webhookdelivery.FieldEventID), t.C(webhookdelivery.FieldID)).Limit(d.s.Batch)
	noEarlierPending(q)
	if d.postgres {
		q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked), entsql.WithLockTables("d"))
	}
	query, args := q.Query()
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// noEarlierPending keeps the deliveries whose endpoint has no earlier event of the same record still pending.
func noEarlierPending(s *entsql.Selector) {
	p := entsql.Table(webhookdelivery.Table).As("earlier")
	s.Where(entsql.NotExists(entsql.Select(p.C(webhookdelivery.FieldID)).From(p).Where(entsql.And(
		entsql.ColumnsEQ(p.C(webhookdelivery.FieldEndpointID), s.C(webhookdelivery.FieldEndpointID)),
		entsql.ColumnsEQ(p.C(webhookdelivery.FieldSubjectID), s.C(webhookdelivery.FieldSubjectID)),
		entsql.EQ(p.C(webhookdelivery.FieldStatus), webhookdelivery.StatusPENDING),
		entsql.ColumnsLT(p.C(webhookdelivery.FieldEventID), s.C(webhookdelivery.FieldEventID)),
	))))
}

// result is how one attempt went.
type result struct {
	at     time.Time
	status int // 0: no answer
	err    string
}

func (r result) ok() bool { return r.status >= 200 && r.status < 300 }

// send POSTs a delivery's event to its endpoint with the Standard Webhooks headers.
func (d *Dispatcher) send(ctx context.Context, dl *ent.WebhookDelivery) result {
	at := time.Now()
	id := webhook.MessageID(dl.EventID)
	body := []byte(dl.Payload)
	signature, err := webhook.Sign(dl.Edges.Endpoint.Secret, id, at, body)
	if err != nil {
		return result{at: at, err: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Edges.Endpoint.URL, strings.NewReader(dl.Payload))
	if err != nil {
		return result{at: at, err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "accountplan-webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", signature)
	resp, err := d.http.Do(req)
	if err != nil {
		return result{at: at, err: err.Error()}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r := result{at: at, status: resp.StatusCode}
	if !r.ok() {
		r.err = "HTTP " + resp.Status
	}
	return r
}

// record writes how an attempt went: delivered, retried later, or failed for
// good; and the endpoint's failing streak, which disables it when too long.
func (d *Dispatcher) record(ctx context.Context, client *ent.Client, dl *ent.WebhookDelivery, r result) error {
	u := client.WebhookDelivery.UpdateOneID(dl.ID).AddAttempts(1).SetLastAttemptAt(r.at).SetLastError(r.err)
	if r.status != 0 {
		u.SetLastStatusCode(r.status)
	} else {
		u.ClearLastStatusCode()
	}
	ep := dl.Edges.Endpoint
	if r.ok() {
		if err := u.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(r.at).ClearNextAttemptAt().Exec(ctx); err != nil {
			return err
		}
		if ep.FailingSince != nil {
			return client.WebhookEndpoint.UpdateOneID(ep.ID).ClearFailingSince().Exec(ctx)
		}
		return nil
	}
	next := r.at.Add(d.s.Delay(dl.Attempts + 1))
	gaveUp := next.Sub(dl.CreatedAt) > d.s.RetryFor
	if gaveUp {
		u.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
	} else {
		u.SetNextAttemptAt(next)
	}
	if err := u.Exec(ctx); err != nil {
		return err
	}
	switch {
	case ep.FailingSince == nil:
		return client.WebhookEndpoint.UpdateOneID(ep.ID).SetFailingSince(r.at).Exec(ctx)
	case ep.Enabled && (gaveUp || r.at.Sub(*ep.FailingSince) > d.s.RetryFor):
		// A delivery failed for the whole retry period with no success since.
		reason := fmt.Sprintf("disabled by the server: every delivery failed since %s (last: %s)", ep.FailingSince.UTC().Format(time.RFC3339), r.err)
		d.s.Log.Warn("webhooks: endpoint disabled", "endpoint", ep.ID, "reason", reason)
		return client.WebhookEndpoint.UpdateOneID(ep.ID).SetEnabled(false).SetDisabledReason(reason).Exec(ctx)
	}
	return nil
}
