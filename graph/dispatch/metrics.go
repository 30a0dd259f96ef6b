package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
)

// Metrics are the dispatcher's Prometheus metrics; the HTTP edge serves them
// at /metrics beside its own. A nil *Metrics counts nothing.
type Metrics struct {
	deliveries *prometheus.CounterVec
	attempt    prometheus.Histogram
	latency    prometheus.Histogram
	disabled   prometheus.Counter
	backlog    *prometheus.Desc

	mu     sync.Mutex
	client *ent.Client
}

// NewMetrics makes the dispatcher's metrics; New binds them to its database for the backlog.
func NewMetrics() *Metrics {
	buckets := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600}
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accountplan_webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome: delivered (2xx), retry (failed, tried again later), failed (failed for the whole retry period).",
		}, []string{"outcome"}),
		attempt: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "accountplan_webhook_attempt_duration_seconds",
			Help:    "Time one webhook delivery attempt took, from connecting to the end of the answer or the failure.",
			Buckets: buckets[:13],
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "accountplan_webhook_delivery_latency_seconds",
			Help:    "Time from the commit of an event to its delivery's accepted answer, retries included.",
			Buckets: buckets,
		}),
		disabled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "accountplan_webhook_endpoints_disabled_total",
			Help: "Webhook endpoints this server disabled because their deliveries kept failing.",
		}),
		backlog: prometheus.NewDesc("accountplan_webhook_backlog",
			"Webhook deliveries pending in the database (every server's), at the time of the scrape.", nil, nil),
	}
	for _, outcome := range []string{"delivered", "retry", "failed"} {
		m.deliveries.WithLabelValues(outcome) // shown at 0 before the first attempt
	}
	return m
}

// Describe sends the metrics' descriptions.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.deliveries.Describe(ch)
	m.attempt.Describe(ch)
	m.latency.Describe(ch)
	m.disabled.Describe(ch)
	ch <- m.backlog
}

// Collect sends the metrics, counting the pending deliveries now.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.deliveries.Collect(ch)
	m.attempt.Collect(ch)
	m.latency.Collect(ch)
	m.disabled.Collect(ch)
	m.mu.Lock()
	client := m.client
	m.mu.Unlock()
	if client == nil {
		return
	}
	// A scrape must not hang on a busy database; a missing gauge says it could not count.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).Count(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(m.backlog, prometheus.GaugeValue, float64(n))
}

// bind lets the backlog be counted in the client's database.
func (m *Metrics) bind(client *ent.Client) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.client = client
	m.mu.Unlock()
}

// observe counts one attempt once its outcome is committed.
func (m *Metrics) observe(dl *ent.WebhookDelivery, r result, outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(outcome).Inc()
	m.attempt.Observe(r.took.Seconds())
	if r.ok() && dl.EventAt != nil {
		m.latency.Observe(r.at.Add(r.took).Sub(*dl.EventAt).Seconds())
	}
}

// disabledEndpoints counts endpoints disabled.
func (m *Metrics) disabledEndpoints(n int) {
	if m != nil && n > 0 {
		m.disabled.Add(float64(n))
	}
}
