package dispatch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
	"github.com/accountplan/accountplan/ent/webhookdeliveryattempt"
	"github.com/accountplan/accountplan/ent/webhookevent"
	"github.com/accountplan/accountplan/graph/dispatch"
	"github.com/accountplan/accountplan/graph/webhook"
)

// TestAttemptLog: a receiver that refuses twice, then accepts, leaves three
// attempts in order, with their status codes, a short excerpt of the
// refusals' body and no secret.
func TestAttemptLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if calls.Add(1) <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("busy " + strings.Repeat("x", 1000)))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(srv.Close)
		r := &receiver{Server: srv}
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, "*")
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("VP").ExecX(as)
		d := dispatch.New(c, fast)
		for deadline := time.Now().Add(20 * time.Second); calls.Load() < 3 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := d.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		dl := c.WebhookDelivery.Query().OnlyX(as)
		attempts := dl.QueryAttemptLog().Order(ent.Asc(webhookdeliveryattempt.FieldNumber)).AllX(as)
		if dl.Status != webhookdelivery.StatusDELIVERED || dl.Attempts != 3 || len(attempts) != 3 {
			t.Fatalf("delivery %s after %d attempts, %d in the log; want DELIVERED, 3, 3", dl.Status, dl.Attempts, len(attempts))
		}
		wantCodes := []int{503, 503, 204}
		for i, a := range attempts {
			if a.Number != i+1 || a.StatusCode == nil || *a.StatusCode != wantCodes[i] || a.DurationMs < 0 {
				t.Errorf("attempt %d: number %d, status %v, %v ms; want %d, %d", i+1, a.Number, a.StatusCode, a.DurationMs, i+1, wantCodes[i])
			}
			if i > 0 && a.StartedAt.Before(attempts[i-1].StartedAt) {
				t.Errorf("attempt %d started before attempt %d", i+1, i)
			}
			refused := i < 2
			if refused != (a.ErrorKind != nil && *a.ErrorKind == webhookdeliveryattempt.ErrorKindHTTP_STATUS) {
				t.Errorf("attempt %d: error kind %v", i+1, a.ErrorKind)
			}
			if refused && (!strings.HasPrefix(a.ResponseExcerpt, "busy x") || len(a.ResponseExcerpt) > 256) {
				t.Errorf("attempt %d: excerpt %q (%d bytes), want the body's start, at most 256 bytes", i+1, a.ResponseExcerpt, len(a.ResponseExcerpt))
			}
			if !refused && (a.ResponseExcerpt != "" || a.Error != "") {
				t.Errorf("accepted attempt keeps %q, %q", a.ResponseExcerpt, a.Error)
			}
			secret := strings.TrimPrefix(r.secret, webhook.SecretPrefix)
			if strings.Contains(a.Error+a.ResponseExcerpt, secret) {
				t.Error("the attempt log holds the secret")
			}
		}
	})
}

// TestAttemptErrorKinds: an attempt with no answer says what kind of
// failure it was, without the URL.
func TestAttemptErrorKinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, endpoint := subscribe(t, c, r, "*")
		url := r.URL + "/hooks?token=credential"
		c.WebhookEndpoint.UpdateOneID(endpoint).SetURL(url).ExecX(as)
		r.Close() // nothing listens there now
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("VP").ExecX(as)
		if _, err := dispatch.New(c, fast).Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		a := c.WebhookDeliveryAttempt.Query().OnlyX(as)
		if a.ErrorKind == nil || *a.ErrorKind != webhookdeliveryattempt.ErrorKindCONNECTION || a.StatusCode != nil || a.Error == "" {
			t.Errorf("attempt to a closed port: kind %v, status %v, error %q; want CONNECTION, none, a message", a.ErrorKind, a.StatusCode, a.Error)
		}
		if strings.Contains(a.Error, "credential") {
			t.Errorf("the error shows the URL: %q", a.Error)
		}
	})
}

// TestRetention: Clean deletes the deliveries (with their attempts) and
// events older than Retain that are done with, in batches, and keeps a
// pending delivery's event and an event not yet fanned out; two servers
// cleaning at once delete the same rows once, without error.
func TestRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		r := newReceiver(t)
		tree := storetest.NewTree(t, c, "a")
		as, _ := subscribe(t, c, r, "*")
		down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
		t.Cleanup(down.Close)
		downURL := down.URL
		if _, err := webhook.CreateEndpoint(as, c, webhook.EndpointInput{URL: &downURL, EventTypes: []string{"product.updated"}}, true); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"VP", "SVP", "CEO"} {
			c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle(title).ExecX(as)
		}
		c.Product.UpdateOneID(tree.Product).SetName("pending at one endpoint").ExecX(as)
		s := fast
		s.RetryBase, s.RetryMax = time.Hour, time.Hour // the refused delivery stays pending
		s.Retain, s.CleanBatch = 720*time.Hour, 2
		d := dispatch.New(c, s)
		drain(t, d)
		c.Stakeholder.UpdateOneID(tree.Other).SetTitle("not fanned out").ExecX(as)

		count := func() [3]int {
			return [3]int{c.WebhookEvent.Query().CountX(as), c.WebhookDelivery.Query().CountX(as), c.WebhookDeliveryAttempt.Query().CountX(as)}
		}
		before := count()
		if before != [3]int{5, 5, 5} {
			t.Fatalf("events, deliveries, attempts: %v, want 5 of each", before)
		}
		if n, err := d.Clean(context.Background(), time.Now()); n != 0 || err != nil {
			t.Fatalf("cleaning what is new deleted %d (%v)", n, err)
		}
		later := time.Now().Add(s.Retain + time.Minute)
		var wg sync.WaitGroup
		cleaners := []*dispatch.Dispatcher{d}
		if c.Dialect() == "postgres" { // SQLite has one server
			cleaners = append(cleaners, dispatch.New(c, s))
		}
		for _, cleaner := range cleaners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := cleaner.Clean(context.Background(), later); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := d.Clean(context.Background(), later); err != nil { // what a locked-out cleaner left
			t.Fatal(err)
		}
		if got := count(); got != [3]int{2, 1, 1} {
			t.Errorf("events, deliveries, attempts left: %v, want 2, 1, 1: the pending delivery, its attempt, its event and the event not fanned out", got)
		}
		left := c.WebhookDelivery.Query().OnlyX(as)
		if left.Status != webhookdelivery.StatusPENDING || left.SubjectType != "Product" {
			t.Errorf("kept the delivery %s of a %s, want the pending one of the product", left.Status, left.SubjectType)
		}
		if n := c.WebhookEvent.Query().Where(webhookevent.FannedOut(false)).CountX(as); n != 1 {
			t.Errorf("%d events not fanned out kept, want 1", n)
		}
		if types := c.WebhookEvent.Query().Where(webhookevent.FannedOut(true)).Select(webhookevent.FieldType).StringsX(as); len(types) != 1 || types[0] != "product.updated" {
			t.Errorf("fanned-out events kept: %v, want the product's", types)
		}

		// Retain 0 keeps everything.
		s.Retain = 0
		if n, err := dispatch.New(c, s).Clean(context.Background(), later.Add(1000*time.Hour)); n != 0 || err != nil {
			t.Errorf("Retain 0 deleted %d (%v)", n, err)
		}
	})
}
