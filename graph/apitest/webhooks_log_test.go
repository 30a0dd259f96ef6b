package apitest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/dispatch"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestWebhookAttemptsAndMetrics: a receiver that refuses twice, then
// accepts, shows as three attempts of one delivery, in order with their
// status codes; /metrics counts them, times them and shows the backlog.
func TestWebhookAttemptsAndMetrics(t *testing.T) {
	t.Parallel()
	for name, database := range map[string]func(*testing.T) string{"sqlite": sqliteDatabase, "postgres": postgresDatabase} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := dispatch.NewMetrics()
			e := newEnv(t, database(t), httpedge.Settings{Open: true, Metrics: true, Collectors: []prometheus.Collector{m}, GraphQL: graph.Settings{WebhooksAllowPrivate: true}})
			var calls atomic.Int32
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if calls.Add(1) <= 2 {
					http.Error(w, "try later", http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer receiver.Close()
			e.must(`mutation($u: String!) { createWebhookEndpoint(input: {url: $u, eventTypes: ["account.updated"]}) { secret } }`, map[string]any{"u": receiver.URL})
			acc := e.client.Account.Create().SetName("Boardroom").SaveX(context.Background())
			e.must(`mutation($id: ID!) { updateAccount(id: $id, input: {name: "Boardroom Ltd"}) { id } }`, map[string]any{"id": gid(acc.ID)})

			d := dispatch.New(e.client, dispatch.Settings{AllowPrivate: true, RetryBase: time.Millisecond, RetryMax: 4 * time.Millisecond, Metrics: m})
			for deadline := time.Now().Add(20 * time.Second); calls.Load() < 3 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if _, err := d.Step(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			log := e.must(`{ webhookDeliveries(first: 5) { edges { node { status attempts
				attemptLog(first: 10, orderBy: [{field: NUMBER}]) { totalCount edges { node { number statusCode errorKind responseExcerpt durationMs startedAt } } } } } } }`, nil)
			delivery := get(log, "webhookDeliveries", "edges", 0, "node")
			if get(delivery, "status") != "DELIVERED" || get(delivery, "attempts") != 3.0 || get(delivery, "attemptLog", "totalCount") != 3.0 {
				t.Fatalf("delivery log: %s", toJSON(log))
			}
			for i, want := range []struct {
				code    float64
				kind    any
				excerpt string
			}{{503, "HTTP_STATUS", "try later\n"}, {503, "HTTP_STATUS", "try later\n"}, {204, nil, ""}} {
				a := get(delivery, "attemptLog", "edges", i, "node")
				if get(a, "number") != float64(i+1) || get(a, "statusCode") != want.code || get(a, "errorKind") != want.kind || get(a, "responseExcerpt") != want.excerpt {
					t.Errorf("attempt %d: %s, want number %d, status %v, kind %v, excerpt %q", i+1, toJSON(a), i+1, want.code, want.kind, want.excerpt)
				}
			}

			got := e.scrape("")
			if got.status != 200 {
				t.Fatalf("scrape: %d %s", got.status, got.body)
			}
			body := string(got.body)
			for _, line := range []string{
				`accountplan_webhook_deliveries_total{outcome="delivered"} 1`,
				`accountplan_webhook_deliveries_total{outcome="retry"} 2`,
				`accountplan_webhook_deliveries_total{outcome="failed"} 0`,
				`accountplan_webhook_attempt_duration_seconds_count 3`,
				`accountplan_webhook_delivery_latency_seconds_count 1`,
				`accountplan_webhook_backlog 0`,
				`accountplan_webhook_endpoints_disabled_total 0`,
			} {
				if !strings.Contains(body, line+"\n") {
					t.Errorf("/metrics lacks %q", line)
				}
			}
		})
	}
}
