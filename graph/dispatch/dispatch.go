// Package dispatch sends the webhook events of the outbox to the endpoints
// that subscribed to them: it fans each event out to a delivery per endpoint,
// then POSTs the due deliveries, signed, retrying with a growing delay. Many
// servers on one PostgreSQL share the work: each delivery is claimed with
// FOR UPDATE SKIP LOCKED for as long as it is being sent, and one server at a
// time fans out (an advisory lock), so that a record's events keep their order.
package dispatch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
	"github.com/accountplan/accountplan/ent/webhookdeliveryattempt"
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
	// Retain is how long delivered and failed deliveries, their attempts and
	// their events are kept before Clean deletes them; 0 keeps everything.
	Retain time.Duration
	// CleanEvery is how often Run cleans, and CleanBatch how many rows of a kind one clean-up transaction deletes (defaults 1 min, 1000).
	CleanEvery time.Duration
	CleanBatch int
	// Metrics counts deliveries and times attempts; nil counts nothing.
	Metrics *Metrics
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
	def(&s.CleanEvery, time.Minute)
	if s.CleanBatch <= 0 {
		s.CleanBatch = 1000
	}
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
				return fmt.Errorf("%w: %s", errPrivate, address)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: s.Workers, ResponseHeaderTimeout: s.Timeout, TLSHandshakeTimeout: s.Timeout}
	s.Metrics.bind(client)
	return &Dispatcher{
		client: client,
		s:      s,
		http: &http.Client{Transport: transport, Timeout: s.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		postgres: client.Dialect() == "postgres",
	}
}

// errPrivate refuses a connection to a private or loopback address.
var errPrivate = errors.New("refused to connect to a private or loopback address")

// Run dispatches until ctx is done: at once after a commit of this process
// with events, else every Poll; and cleans every CleanEvery.
func (d *Dispatcher) Run(ctx context.Context) {
	var cleaned time.Time
	for {
		if now := time.Now(); now.Sub(cleaned) >= d.s.CleanEvery {
			cleaned = now
			if _, err := d.Clean(ctx, now); err != nil && ctx.Err() == nil {
				d.s.Log.Warn("webhooks: deleting old deliveries failed; trying again later", "error", err)
			}
		}
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
					SetSubjectID(e.SubjectID).SetPayload(e.Payload).SetNextAttemptAt(now).SetEventAt(e.At))
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
	attempts := make([]*ent.WebhookDeliveryAttemptCreate, len(batch))
	disabled := 0
	for i, dl := range batch {
		off, err := d.record(ctx, client, dl, results[i])
		if err != nil {
			return 0, err
		}
		if off {
			disabled++
		}
		attempts[i] = results[i].attempt(client, dl)
	}
	if err := client.WebhookDeliveryAttempt.CreateBulk(attempts...).Exec(ctx); err != nil {
		return 0, err
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	for i, dl := range batch {
		d.s.Metrics.observe(dl, results[i], d.outcome(dl, results[i]))
	}
	d.s.Metrics.disabledEndpoints(disabled)
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
	at      time.Time
	took    time.Duration
	status  int // 0: no answer
	kind    webhookdeliveryattempt.ErrorKind
	err     string
	excerpt string
}

func (r result) ok() bool { return r.status >= 200 && r.status < 300 }

// attempt is the row of the delivery's attempt log that says how it went.
func (r result) attempt(client *ent.Client, dl *ent.WebhookDelivery) *ent.WebhookDeliveryAttemptCreate {
	c := client.WebhookDeliveryAttempt.Create().SetDeliveryID(dl.ID).SetNumber(dl.Attempts + 1).
		SetStartedAt(r.at).SetDurationMs(float64(r.took.Microseconds()) / 1000).
		SetError(r.err).SetResponseExcerpt(r.excerpt)
	if r.status != 0 {
		c.SetStatusCode(r.status)
	}
	if r.kind != "" {
		c.SetErrorKind(r.kind)
	}
	return c
}

// excerptBytes bounds the start of a refusal's body kept in the attempt log.
const excerptBytes = 256

// send POSTs a delivery's event to its endpoint with the Standard Webhooks headers.
func (d *Dispatcher) send(ctx context.Context, dl *ent.WebhookDelivery) result {
	at := time.Now()
	failed := func(err error) result {
		kind, msg := classify(err)
		return result{at: at, took: time.Since(at), kind: kind, err: msg}
	}
	id := webhook.MessageID(dl.EventID)
	body := []byte(dl.Payload)
	signature, err := webhook.Sign(dl.Edges.Endpoint.Secret, id, at, body)
	if err != nil {
		return failed(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Edges.Endpoint.URL, strings.NewReader(dl.Payload))
	if err != nil {
		return failed(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "accountplan-webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", signature)
	resp, err := d.http.Do(req)
	if err != nil {
		return failed(err)
	}
	defer resp.Body.Close()
	r := result{at: at, status: resp.StatusCode}
	start, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r.took = time.Since(at)
	if !r.ok() {
		r.kind, r.err = webhookdeliveryattempt.ErrorKindHTTP_STATUS, "HTTP "+resp.Status
		r.excerpt = strings.ToValidUTF8(string(start), "")
	}
	return r
}

// classify names the kind of a failed attempt, and says what went wrong
// without the URL, which may carry a credential.
func classify(err error) (webhookdeliveryattempt.ErrorKind, string) {
	var u *url.Error
	if errors.As(err, &u) {
		err = u.Err
	}
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var headerErr tls.RecordHeaderError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, errPrivate):
		return webhookdeliveryattempt.ErrorKindPRIVATE_ADDRESS, err.Error()
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return webhookdeliveryattempt.ErrorKindTIMEOUT, err.Error()
	case errors.As(err, &certErr) || errors.As(err, &headerErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname):
		return webhookdeliveryattempt.ErrorKindTLS, err.Error()
	case errors.As(err, &dns) || errors.As(err, &op) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return webhookdeliveryattempt.ErrorKindCONNECTION, err.Error()
	}
	return webhookdeliveryattempt.ErrorKindOTHER, err.Error()
}

// outcome is what an attempt made of its delivery, for the metrics.
func (d *Dispatcher) outcome(dl *ent.WebhookDelivery, r result) string {
	switch {
	case r.ok():
		return "delivered"
	case d.gaveUp(dl, r):
		return "failed"
	}
	return "retry"
}

// gaveUp is whether a failed attempt was the delivery's last: its next would come after RetryFor.
func (d *Dispatcher) gaveUp(dl *ent.WebhookDelivery, r result) bool {
	return r.at.Add(d.s.Delay(dl.Attempts+1)).Sub(dl.CreatedAt) > d.s.RetryFor
}

// record writes how an attempt went: delivered, retried later, or failed for
// good; and the endpoint's failing streak, which disables it when too long.
// It says whether it disabled the endpoint.
func (d *Dispatcher) record(ctx context.Context, client *ent.Client, dl *ent.WebhookDelivery, r result) (bool, error) {
	u := client.WebhookDelivery.UpdateOneID(dl.ID).AddAttempts(1).SetLastAttemptAt(r.at).SetLastError(r.err)
	if r.status != 0 {
		u.SetLastStatusCode(r.status)
	} else {
		u.ClearLastStatusCode()
	}
	ep := dl.Edges.Endpoint
	if r.ok() {
		if err := u.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(r.at).ClearNextAttemptAt().Exec(ctx); err != nil {
			return false, err
		}
		if ep.FailingSince != nil {
			ep.FailingSince = nil // the batch's other deliveries to it see the success
			return false, client.WebhookEndpoint.UpdateOneID(ep.ID).ClearFailingSince().Exec(ctx)
		}
		return false, nil
	}
	gaveUp := d.gaveUp(dl, r)
	if gaveUp {
		u.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
	} else {
		u.SetNextAttemptAt(r.at.Add(d.s.Delay(dl.Attempts + 1)))
	}
	if err := u.Exec(ctx); err != nil {
		return false, err
	}
	switch {
	case ep.FailingSince == nil:
		ep.FailingSince = &r.at
		return false, client.WebhookEndpoint.UpdateOneID(ep.ID).SetFailingSince(r.at).Exec(ctx)
	case ep.Enabled && (gaveUp || r.at.Sub(*ep.FailingSince) > d.s.RetryFor):
		// A delivery failed for the whole retry period with no success since.
		reason := fmt.Sprintf("disabled by the server: every delivery failed since %s (last: %s)", ep.FailingSince.UTC().Format(time.RFC3339), r.err)
		d.s.Log.Warn("webhooks: endpoint disabled", "endpoint", ep.ID, "reason", reason)
		ep.Enabled = false // disabled once, whatever else of the batch goes to it
		return true, client.WebhookEndpoint.UpdateOneID(ep.ID).SetEnabled(false).SetDisabledReason(reason).Exec(ctx)
	}
	return false, nil
}
