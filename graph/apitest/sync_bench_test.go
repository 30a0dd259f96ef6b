package apitest

// Benchmarks of a CRM import through the real HTTP handler on SQLite:
// stakeholders and influence edges upserted in calls of CHUNK rows, first
// into an empty database and then replayed unchanged. The sizes come from
// the environment so that the default run is quick; the figure:
//
//	UPSERT_BENCH_STAKEHOLDERS=10000 UPSERT_BENCH_EDGES=20000 \
//	  go test ./graph/apitest -run '^$' -bench '^BenchmarkUpsert' -benchmem -benchtime 1x
//
// Each reports rows/s, stmts/call (the SQL statements of one call) and,
// with -benchmem, the memory the server and the client allocate.

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// envSize is the environment variable's number, or the default.
func envSize(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// importServer is the handler over a fresh SQLite file.
type importServer struct {
	url   string
	stmts atomic.Int64
	calls int64
}

func newImportServer(b *testing.B) *importServer {
	b.Helper()
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "import.db"))
	if err != nil {
		b.Fatal(err)
	}
	is := &importServer{}
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &is.stmts}
	settings := testSettings()
	settings.Log = slog.New(slog.DiscardHandler)
	settings.Limits.Timeout = new(10 * time.Minute) // a whole call of the largest size on a slow machine
	settings.Limits.MaxBodyBytes = new(int64(64 << 20))
	srv := httptest.NewServer(httpedge.NewHandler(counted, settings))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	is.url = srv.URL + "/query"
	return is
}

// upsert sends the rows in calls of chunk rows and returns the outcomes counted.
func (is *importServer) upsert(b *testing.B, query, field string, rows []map[string]any, chunk int) map[string]int {
	b.Helper()
	got := map[string]int{}
	for part := range slices.Chunk(rows, chunk) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"rows": part, "mode": "ATOMIC"}})
		resp, err := http.Post(is.url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var r result
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || len(r.Errors) > 0 {
			b.Fatalf("%v %+v", err, r.Errors)
		}
		for _, o := range []string{"created", "updated", "unchanged"} {
			n, _ := get(r.Data, field, o).(float64)
			got[o] += int(n)
		}
		is.calls++
	}
	return got
}

const upsertStakeholderCounts = `mutation($rows: [StakeholderUpsertInput!]!, $mode: UpsertMode!) {
	upsertStakeholders(input: $rows, mode: $mode) { created updated unchanged } }`

const upsertEdgeCounts = `mutation($rows: [InfluenceEdgeUpsertInput!]!, $mode: UpsertMode!) {
	upsertInfluenceEdges(input: $rows, mode: $mode) { created updated unchanged } }`

// importRows are the account's stakeholders, managers first so that every
// call names managers already written or in the call, and the edges.
func importRows(people, edges int) ([]map[string]any, []map[string]any) {
	org := orgRows("big", people, 7)
	level := func(r map[string]any) int {
		switch r["reportsToExternalID"] {
		case nil:
			return 0
		case "big-p0":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(org, func(a, b map[string]any) int { return level(a) - level(b) })
	return org, edgeRows("big", people, min(edges, 3*people))
}

// run imports the rows into a new database (first) or replays them into one
// already holding them (replay), and reports the figures.
func runImport(b *testing.B, replay bool) {
	people := envSize("UPSERT_BENCH_STAKEHOLDERS", 1000)
	edges := envSize("UPSERT_BENCH_EDGES", 2*people)
	chunk := envSize("UPSERT_BENCH_CHUNK", 1000)
	org, links := importRows(people, edges)
	var is *importServer
	var elapsed time.Duration
	var stmts int64
	var calls int64
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		if is == nil || !replay {
			is = newImportServer(b)
			is.upsert(b, upsertAccounts, "upsertAccounts", []map[string]any{{"externalID": "big", "name": "Big Co"}}, 1)
			if replay {
				is.upsert(b, upsertStakeholderCounts, "upsertStakeholders", org, chunk)
				is.upsert(b, upsertEdgeCounts, "upsertInfluenceEdges", links, chunk)
			}
		}
		beforeStmts, beforeCalls := is.stmts.Load(), is.calls
		b.StartTimer()
		start := time.Now()
		s := is.upsert(b, upsertStakeholderCounts, "upsertStakeholders", org, chunk)
		e := is.upsert(b, upsertEdgeCounts, "upsertInfluenceEdges", links, chunk)
		elapsed += time.Since(start)
		b.StopTimer()
		stmts += is.stmts.Load() - beforeStmts
		calls += is.calls - beforeCalls
		want := "created"
		if replay {
			want = "unchanged"
		}
		if s[want] != len(org) || e[want] != len(links) {
			b.Fatalf("stakeholders %v, edges %v: want all %s", s, e, want)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(org)+len(links))*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(stmts)/float64(calls), "stmts/call")
	b.ReportMetric(float64(len(org)+len(links)), "rows")
}

func BenchmarkUpsertFirstImport(b *testing.B) { runImport(b, false) }

func BenchmarkUpsertReplay(b *testing.B) { runImport(b, true) }
