package apitest

// Benchmarks of the metrics rollups on 10,000 accounts, 120,000 revenue
// records and 200,000 opportunities in SQLite, through the HTTP handler:
//
//	go test ./graph/apitest/ -run '^$' -bench Metrics -benchtime 10x
//
// The first run generates the database (see graph/metrics/metricstest) and
// keeps it in the temporary directory for the next ones. Each reports
// stmts/op and cpu-ms/op (this process's CPU: server, client and SQLite).

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/metrics/metricstest"
)

// benchmarkMetrics posts the metrics request; wantRows, unless 0, is its row count.
func benchmarkMetrics(b *testing.B, groupBy []string, wantRows int) {
	s, err := metricstest.Open(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var stmts atomic.Int64
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, testSettings()))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	body, _ := json.Marshal(map[string]any{"query": metricsQuery, "variables": map[string]any{
		"period":  map[string]any{"start": metricstest.Start, "end": metricstest.End},
		"groupBy": groupBy,
	}})
	b.ReportAllocs()
	statements, cpu := int64(0), time.Duration(0)
	for b.Loop() {
		before, cpuBefore := stmts.Load(), processCPU()
		resp, err := http.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var r result
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || len(r.Errors) > 0 {
			b.Fatalf("%v %v", err, r.Errors)
		}
		if rows := len(get(r.Data, "metrics", "rows").([]any)); wantRows != 0 && rows != wantRows {
			b.Fatalf("%d rows, want %d", rows, wantRows)
		}
		statements += stmts.Load() - before
		cpu += processCPU() - cpuBefore
	}
	b.ReportMetric(float64(statements)/float64(b.N), "stmts/op")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkMetricsTierByQuarter is the grouped rollup of the issue: tier × quarter over 12 quarters.
func BenchmarkMetricsTierByQuarter(b *testing.B) {
	benchmarkMetrics(b, []string{"TIER", "QUARTER"}, 3*metricstest.Quarters)
}

// BenchmarkMetricsPlanned compares planned with unplanned accounts over the 12 quarters.
func BenchmarkMetricsPlanned(b *testing.B) {
	benchmarkMetrics(b, []string{"PLANNED"}, 2)
}

// BenchmarkMetricsPlanPhaseByQuarter compares the accounts before, during and after their plans with those never planned, over the 12 quarters.
func BenchmarkMetricsPlanPhaseByQuarter(b *testing.B) {
	// The plans of the data start in quarters 0, 1, 3 and 5 (n % 10 of the
	// planned accounts) and last one to six quarters: no account is before
	// its plan after quarter 4, nor after one in quarter 0, nor during one
	// in quarter 11.
	benchmarkMetrics(b, []string{"PLAN_PHASE", "QUARTER"}, 4*metricstest.Quarters-7-1-1)
}

// BenchmarkMetricsTierAtPeriodDealPlannedByYear splits the deals of each tier the accounts had then into planned and unplanned, over the 3 years.
func BenchmarkMetricsTierAtPeriodDealPlannedByYear(b *testing.B) {
	benchmarkMetrics(b, []string{"TIER_AT_PERIOD", "DEAL_PLANNED", "YEAR"}, 0)
}
