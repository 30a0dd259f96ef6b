package httpedge

import (
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/accountplan/accountplan/graph/orgmap"
)

// metrics are the server's Prometheus metrics, in a registry of their own so
// that two handlers (tests) never share counts.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	refusals   *prometheus.CounterVec
	errors     *prometheus.CounterVec
	statements prometheus.Counter
	names      operationNames
}

func newMetrics(db *sql.DB, maps *orgmap.Cache, streams *holdings, more ...prometheus.Collector) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accountplan_requests_total",
			Help: "HTTP requests answered, refusals included, by route, GraphQL operation name and type, HTTP status and the first error's extensions.code.",
		}, []string{"route", "operation", "type", "status", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "accountplan_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer being written, by route, GraphQL operation name and type.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15},
		}, []string{"route", "operation", "type"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "accountplan_requests_in_flight",
			Help: "Requests being served now, refusals included.",
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accountplan_refusals_total",
			Help: "Requests the edge refused before running them, by reason: rate_limit, client_in_flight, address_in_flight (429), server_in_flight (503), body_too_large (413), body_timeout (408), unauthenticated (401), client_streams (429) and server_streams (503) for subscriptions' event streams.",
		}, []string{"reason"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accountplan_graphql_errors_total",
			Help: "Errors answered, by extensions.code.",
		}, []string{"code"}),
		statements: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "accountplan_sql_statements_total",
			Help: "SQL statements run for requests.",
		}),
		names: operationNames{seen: map[string]bool{}},
	}
	open := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "accountplan_streams_open",
		Help: "Subscriptions' event streams open now (see -max-streams).",
	}, func() float64 { return float64(streams.count()) })
	m.registry.MustRegister(m.requests, m.duration, m.inFlight, m.refusals, m.errors, m.statements, open,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(db, "accountplan"))
	}
	if maps != nil {
		m.registry.MustRegister(mapCacheCollector{maps})
	}
	m.registry.MustRegister(more...)
	return m
}

// observe counts one answered request.
func (m *metrics) observe(route string, ops []operation, status int, errCodes []string, refused string, statements int64, took time.Duration) {
	name, kind := "", ""
	switch len(ops) {
	case 0:
	case 1:
		name, kind = m.names.label(ops[0].name), ops[0].kind
	default:
		name, kind = "batch", "batch"
	}
	code := ""
	if len(errCodes) > 0 {
		code = errCodes[0]
	}
	m.requests.WithLabelValues(route, name, kind, strconv.Itoa(status), code).Inc()
	m.duration.WithLabelValues(route, name, kind).Observe(took.Seconds())
	if refused != "" {
		m.refusals.WithLabelValues(refused).Inc()
	}
	for _, c := range errCodes {
		m.errors.WithLabelValues(c).Inc()
	}
	if statements > 0 {
		m.statements.Add(float64(statements))
	}
}

// maxOperationLabels bounds the operation names the metrics tell apart, since
// clients choose them: later names are counted as "other".
const maxOperationLabels = 200

// operationNames are the operation names the metrics have seen.
type operationNames struct {
	mu   sync.Mutex
	seen map[string]bool
}

// label is an operation's name as a label value: anonymous for none, other
// once maxOperationLabels names are taken.
func (n *operationNames) label(name string) string {
	if name == "" {
		return "anonymous"
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen[name] {
		return name
	}
	if len(n.seen) >= maxOperationLabels {
		return "other"
	}
	n.seen[name] = true
	return name
}

// handler serves the metrics, to a bearer of token only when one is set.
func (m *metrics) handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	want := sha256.Sum256([]byte("Bearer " + token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "send the metrics token as Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// mapCacheCollector reports the org-map cache's lookups and holdings.
type mapCacheCollector struct{ cache *orgmap.Cache }

var (
	mapLookupsDesc = prometheus.NewDesc("accountplan_orgmap_cache_lookups_total",
		"Org-map cache lookups, by what was looked up (map, answer) and result (hit, miss).", []string{"kind", "result"}, nil)
	mapBytesDesc = prometheus.NewDesc("accountplan_orgmap_cache_bytes",
		"Bytes, roughly, the org maps and answers kept take.", nil, nil)
	mapBudgetDesc = prometheus.NewDesc("accountplan_orgmap_cache_budget_bytes",
		"Bytes the org-map cache may take (-map-cache-mb).", nil, nil)
	mapAccountsDesc = prometheus.NewDesc("accountplan_orgmap_cache_accounts",
		"Accounts with an org map or answers kept.", nil, nil)
)

func (mapCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- mapLookupsDesc
	ch <- mapBytesDesc
	ch <- mapBudgetDesc
	ch <- mapAccountsDesc
}

func (c mapCacheCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.cache.Stats()
	ch <- prometheus.MustNewConstMetric(mapLookupsDesc, prometheus.CounterValue, float64(s.MapHits), "map", "hit")
	ch <- prometheus.MustNewConstMetric(mapLookupsDesc, prometheus.CounterValue, float64(s.MapMisses), "map", "miss")
	ch <- prometheus.MustNewConstMetric(mapLookupsDesc, prometheus.CounterValue, float64(s.AnswerHits), "answer", "hit")
	ch <- prometheus.MustNewConstMetric(mapLookupsDesc, prometheus.CounterValue, float64(s.AnswerMisses), "answer", "miss")
	ch <- prometheus.MustNewConstMetric(mapBytesDesc, prometheus.GaugeValue, float64(s.Bytes))
	ch <- prometheus.MustNewConstMetric(mapBudgetDesc, prometheus.GaugeValue, float64(s.Budget))
	ch <- prometheus.MustNewConstMetric(mapAccountsDesc, prometheus.GaugeValue, float64(s.Accounts))
}
