package dispatch_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
	"github.com/accountplan/accountplan/graph/dispatch"
	"github.com/accountplan/accountplan/graph/webhook"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// verify checks a webhook as the Standard Webhooks reference libraries do:
// the HMAC-SHA256, keyed with the secret's base64-decoded bytes, of
// "id.timestamp.body", among the header's space-separated "v1,<base64>"
// signatures, and a timestamp within five minutes.
func verify(secret string, h http.Header, body []byte) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("timestamp %q too old or new", ts)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Split(h.Get("webhook-signature"), " ") {
		version, value, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(value)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid signature in %q", h.Get("webhook-signature"))
}

// message is a webhook the receiver accepted.
type message struct {
	ID      string
	Type    string
	Subject string
}

// receiver is a webhook receiver on loopback that verifies every signature;
// while down it answers 503.
type receiver struct {
	*httptest.Server
	secret   string
	down     atomic.Bool
	mu       sync.Mutex
	accepted []message
	refused  int
	bad      []error
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.down.Load() {
			r.refused++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if err := verify(r.secret, req.Header, body); err != nil {
			r.bad = append(r.bad, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m struct {
			Type string
			Data struct{ ID string }
		}
		if err := json.Unmarshal(body, &m); err != nil {
			r.bad = append(r.bad, err)
		}
		r.accepted = append(r.accepted, message{ID: req.Header.Get("webhook-id"), Type: m.Type, Subject: m.Data.ID})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 {
		panic(fmt.Sprint("bad webhooks: ", r.bad))
	}
	return slices.Clone(r.accepted)
}

// subscribe makes an admin and an endpoint for the receiver, returning the admin's context.
func subscribe(t *testing.T, c *ent.Client, r *receiver, types ...string) (context.Context, int) {
	t.Helper()
	id := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SetRole(user.RoleADMIN).SaveX(context.Background()).ID
	as := viewer.NewContext(context.Background(), viewer.Viewer{UserID: id, Role: viewer.RoleAdmin})
	url := r.URL + "/hooks"
	created, err := webhook.CreateEndpoint(as, c, webhook.EndpointInput{URL: &url, EventTypes: types}, true)
	if err != nil {
		t.Fatal(err)
	}
	r.secret = created.Secret
	return as, created.Endpoint.ID
}

// inTx runs writes in one transaction, as a GraphQL request does, and commits.
func inTx(t *testing.T, c *ent.Client, as context.Context, write func(ctx context.Context, tx *ent.Tx)) {
	t.Helper()
	tx, err := c.Tx(as)
	if err != nil {
		t.Fatal(err)
	}
	write(ent.NewTxContext(as, tx), tx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// drain steps the dispatcher until it finds nothing to do.
func drain(t *testing.T, d *dispatch.Dispatcher) {
	t.Helper()
	for range 1000 {
		n, err := d.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the dispatcher never ran out of work")
}

var fast = dispatch.Settings{AllowPrivate: true, RetryBase: time.Millisecond, RetryMax: 4 * time.Millisecond, Timeout: 5 * time.Second}

// TestDeliversSignedEventsInOrder: every event reaches the endpoint signed,
// with its webhook-id, in order per record, and the log says how it went.
func TestDeliversSignedEventsInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, endpoint := subscribe(t, c, r, "stakeholder.updated", outbox.SupportChanged)
		for _, title := range []string{"VP", "SVP", "CEO"} {
			inTx(t, c, as, func(ctx context.Context, tx *ent.Tx) {
				tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle(title).ExecX(ctx)
			})
		}
		c.Product.UpdateOneID(tree.Product).SetName("not subscribed").ExecX(as)
		inTx(t, c, as, func(ctx context.Context, tx *ent.Tx) {
			tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetSupport(stakeholder.SupportSUPPORTER).ExecX(ctx)
		})
		drain(t, dispatch.New(c, fast))

		got := r.got()
		var types []string
		for _, m := range got {
			types = append(types, m.Type)
			if m.Subject != strconv.Itoa(tree.Stakeholder) {
				t.Errorf("webhook about %s, want the stakeholder %d", m.Subject, tree.Stakeholder)
			}
		}
		want := []string{"stakeholder.updated", "stakeholder.updated", "stakeholder.updated", "stakeholder.updated", outbox.SupportChanged}
		if !slices.Equal(types, want) {
			t.Errorf("received %v, want %v", types, want)
		}
		ids := map[string]bool{}
		for _, m := range got {
			ids[m.ID] = true
		}
		if len(ids) != len(got) {
			t.Errorf("webhook-ids repeat: %v", got)
		}
		log := c.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(endpoint)).AllX(as)
		for _, d := range log {
			if d.Status != webhookdelivery.StatusDELIVERED || d.LastStatusCode == nil || *d.LastStatusCode != 204 || d.Attempts != 1 {
				t.Errorf("delivery %d: %s, status code %v, %d attempts; want DELIVERED, 204, 1", d.ID, d.Status, d.LastStatusCode, d.Attempts)
			}
		}
		if len(log) != len(want) {
			t.Errorf("%d deliveries in the log, want %d", len(log), len(want))
		}
	})
}

// TestReceiverDownThenUp: while the receiver is down the deliveries are
// retried and a record's later events wait; once it is up every event
// arrives, in order per record.
func TestReceiverDownThenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, "*")
		r.down.Store(true)
		d := dispatch.New(c, fast)
		for i := range 3 {
			inTx(t, c, as, func(ctx context.Context, tx *ent.Tx) {
				tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle(fmt.Sprint("title ", i)).ExecX(ctx)
				tx.Stakeholder.UpdateOneID(tree.Other).SetTitle(fmt.Sprint("title ", i)).ExecX(ctx)
			})
			for range 3 {
				time.Sleep(5 * time.Millisecond)
				if _, err := d.Step(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
		}
		r.mu.Lock()
		refused := r.refused
		r.mu.Unlock()
		if refused < 6 || len(r.got()) != 0 {
			t.Fatalf("while down: %d refused, %d accepted; want retries and nothing accepted", refused, len(r.got()))
		}
		// One attempt per record at a time: the later events waited.
		if tried := c.WebhookDelivery.Query().Where(webhookdelivery.AttemptsGT(0)).CountX(as); tried != 2 {
			t.Errorf("%d deliveries tried while down, want 2: the first of each record", tried)
		}
		r.down.Store(false)
		time.Sleep(5 * time.Millisecond)
		drain(t, d)
		perRecord := map[string][]string{}
		for _, m := range r.got() {
			perRecord[m.Subject] = append(perRecord[m.Subject], m.ID)
		}
		for _, s := range []int{tree.Stakeholder, tree.Other} {
			ids := perRecord[strconv.Itoa(s)]
			if len(ids) != 3 || !slices.IsSortedFunc(ids, func(a, b string) int { return cmpID(a) - cmpID(b) }) {
				t.Errorf("record %d received %v: want its 3 events in order", s, ids)
			}
		}
	})
}

func cmpID(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "msg_")); return n }

// TestRolledBackEventNeverSent: only committed changes are reported.
func TestRolledBackEventNeverSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, "*")
		tx, err := c.Tx(as)
		if err != nil {
			t.Fatal(err)
		}
		tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("never").ExecX(ent.NewTxContext(as, tx))
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		inTx(t, c, as, func(ctx context.Context, tx *ent.Tx) {
			tx.Stakeholder.UpdateOneID(tree.Other).SetTitle("kept").ExecX(ctx)
		})
		drain(t, dispatch.New(c, fast))
		if got := r.got(); len(got) != 1 || got[0].Subject != strconv.Itoa(tree.Other) {
			t.Errorf("received %v, want the committed change alone", got)
		}
	})
}

// TestFailingEndpointDisabled: deliveries that fail for the whole retry
// period are FAILED, and the endpoint is disabled with the reason.
func TestFailingEndpointDisabled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		r.down.Store(true)
		tree := storetest.NewTree(t, c, "a")
		as, endpoint := subscribe(t, c, r, "*")
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("VP").ExecX(as)
		s := fast
		s.RetryFor = 300 * time.Millisecond // the first attempt comes well within it, even on a loaded machine
		d := dispatch.New(c, s)
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := d.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !c.WebhookEndpoint.GetX(as, endpoint).Enabled {
				break
			}
		}
		ep := c.WebhookEndpoint.GetX(as, endpoint)
		if ep.Enabled || !strings.Contains(ep.DisabledReason, "503") {
			t.Errorf("endpoint enabled %v, reason %q; want disabled, naming the 503", ep.Enabled, ep.DisabledReason)
		}
		dl := c.WebhookDelivery.Query().OnlyX(as)
		if dl.Status != webhookdelivery.StatusFAILED || dl.LastStatusCode == nil || *dl.LastStatusCode != 503 {
			t.Errorf("delivery %s with %v, want FAILED with 503", dl.Status, dl.LastStatusCode)
		}
		// An admin enables it and redelivers: the receiver, up again, gets it.
		r.down.Store(false)
		if _, err := webhook.EnableEndpoint(as, c, endpoint); err != nil {
			t.Fatal(err)
		}
		if _, err := webhook.Redeliver(as, c, dl.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		drain(t, d)
		if got := r.got(); len(got) != 1 || got[0].ID != webhook.MessageID(dl.EventID) {
			t.Errorf("after redelivery received %v, want the event once, with its webhook-id", got)
		}
	})
}

// TestPrivateAddressRefusedAtDelivery: without AllowPrivate the dispatcher
// never connects to loopback, whatever the endpoint says.
func TestPrivateAddressRefusedAtDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, "*")
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("VP").ExecX(as)
		s := fast
		s.AllowPrivate = false
		d := dispatch.New(c, s)
		if _, err := d.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		dl := c.WebhookDelivery.Query().OnlyX(as)
		if len(r.got()) != 0 || dl.LastStatusCode != nil || !strings.Contains(dl.LastError, "private or loopback") {
			t.Errorf("delivery to loopback: %d received, status %v, error %q; want refused", len(r.got()), dl.LastStatusCode, dl.LastError)
		}
		url := r.URL
		if _, err := webhook.CreateEndpoint(as, c, webhook.EndpointInput{URL: &url, EventTypes: []string{"*"}}, false); err == nil {
			t.Error("an endpoint on loopback was created without allowing private addresses")
		}
	})
}

// TestOrgMapEvents: a supportive decision maker turning hostile moves the
// map's grade and costs them their last supportive path.
func TestOrgMapEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, outbox.HealthGradeChanged, outbox.LostSupportivePath, outbox.SupportChanged, outbox.SingleThreaded)
		d := dispatch.New(c, fast)
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetPoliticalStatus(stakeholder.PoliticalStatusASTUTE).
			SetBuyingRole(stakeholder.BuyingRoleDECISION_MAKER).SetSupport(stakeholder.SupportSUPPORTER).ExecX(as)
		drain(t, d)
		r.mu.Lock()
		r.accepted = nil // the first look only notes the map
		r.mu.Unlock()
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetSupport(stakeholder.SupportENEMY).ExecX(as)
		drain(t, d)
		var types []string
		for _, m := range r.got() {
			types = append(types, m.Type)
		}
		slices.Sort(types)
		want := []string{outbox.HealthGradeChanged, outbox.SupportChanged, outbox.LostSupportivePath}
		slices.Sort(want)
		if !slices.Equal(types, want) {
			t.Errorf("received %v, want %v", types, want)
		}
	})
}

// TestTwoDispatchersShareTheWork: two servers on one PostgreSQL, running
// while the changes are made, deliver every event exactly once, in order per record.
func TestTwoDispatchersShareTheWork(t *testing.T) {
	target := storetest.PostgresDatabase(t)
	one, err := storetest.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	two, err := storetest.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()
	c := one.Client
	r := newReceiver(t)
	tree := storetest.NewTree(t, c, "a")
	as, _ := subscribe(t, c, r, "stakeholder.updated")
	var people []int
	for i := range 20 {
		people = append(people, c.Stakeholder.Create().SetName(fmt.Sprint("person ", i)).SetAccountID(tree.Account).SaveX(context.Background()).ID)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := fast
	s.Poll, s.Batch, s.Workers = time.Millisecond, 7, 4
	var wg sync.WaitGroup
	for _, client := range []*ent.Client{one.Client, two.Client} {
		wg.Add(1)
		go func() { defer wg.Done(); dispatch.New(client, s).Run(ctx) }()
	}
	const rounds = 10
	for i := range rounds {
		inTx(t, c, as, func(ctx context.Context, tx *ent.Tx) {
			for _, p := range people {
				tx.Stakeholder.UpdateOneID(p).SetTitle(fmt.Sprint("title ", i)).ExecX(ctx)
			}
		})
	}
	want := rounds * len(people)
	for deadline := time.Now().Add(30 * time.Second); len(r.got()) < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // a double delivery would arrive by now
	// A delivery is marked after its receiver answered: wait for the marks before stopping.
	undelivered := c.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusDELIVERED))
	for deadline := time.Now().Add(30 * time.Second); undelivered.Clone().CountX(as) > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()

	got := r.got()
	seen := map[string]int{}
	perRecord := map[string][]int{}
	for _, m := range got {
		seen[m.ID]++
		perRecord[m.Subject] = append(perRecord[m.Subject], cmpID(m.ID))
	}
	if len(got) != want || len(seen) != want {
		t.Errorf("received %d webhooks with %d webhook-ids, want %d once each", len(got), len(seen), want)
	}
	for subject, ids := range perRecord {
		if !slices.IsSorted(ids) {
			t.Errorf("record %s received its events out of order: %v", subject, ids)
		}
	}
	if n := undelivered.CountX(as); n != 0 {
		t.Errorf("%d deliveries not DELIVERED", n)
	}
}
