package apitest

// Benchmarks of the org map requests through the real HTTP handler, on a
// generated large account on SQLite: 5,000 stakeholders in a reporting tree
// seven or eight levels deep, 20,000 influence edges, 400 relationships. They
// run only with -bench, for example:
//
//	go test ./graph/ -run '^$' -bench '^Benchmark(OrgMap|Insights|InfluencePath|DecisionMakerPaths)' -benchmem
//
// Each reports stmts/op, the SQL statements one request runs. Generating the
// account takes a few seconds per benchmark, outside the timing. Those named
// AfterChanges change the map before each request, so that none is answered
// from what the server kept of the previous ones.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// largeAccount is the generated account the benchmarks and the statement test read.
var largeAccount = orgmap.GenerateOptions{Name: "Large Robotics", Stakeholders: 5000, InfluenceEdges: 20000, Relationships: 400, Seed: 1}

// benchServer is the handler over a SQLite file holding the large account.
type benchServer struct {
	url     string
	stmts   atomic.Int64
	client  *ent.Client // uncounted, for picking IDs
	account int
	dbCPU   func() time.Duration // the database server's CPU time, when it can be read; else nil
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{client: s.Client}
	if bs.account, err = orgmap.Generate(ctx, s.Client, largeAccount); err != nil {
		b.Fatal(err)
	}
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &bs.stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, testSettings()))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	bs.url = srv.URL + "/query"
	return bs
}

// run posts the query b.N times and reports the statements per request.
// The server keeps the map, and answers from the map alone, between them.
func (bs *benchServer) run(b *testing.B, query string, vars map[string]any) {
	bs.runChanging(b, query, vars, nil)
}

// runAfterChanges is run with a stakeholder's title changed before each
// request, outside the timing: every request reads and writes the map anew.
func (bs *benchServer) runAfterChanges(b *testing.B, query string, vars map[string]any) {
	ctx := context.Background()
	someone := bs.client.Stakeholder.Query().FirstIDX(ctx)
	n := 0
	bs.runChanging(b, query, vars, func() {
		n++
		bs.client.Stakeholder.UpdateOneID(someone).SetTitle(fmt.Sprint("Title ", n)).ExecX(ctx)
	})
}

func (bs *benchServer) runChanging(b *testing.B, query string, vars map[string]any, change func()) {
	b.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	post := func() {
		resp, err := http.Post(bs.url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
			b.Fatalf("status %d: %.500s", resp.StatusCode, out)
		}
	}
	post() // warm the query cache and the database pages
	dbCPU := func() time.Duration { return 0 }
	if bs.dbCPU != nil {
		dbCPU = bs.dbCPU
	}
	statements, cpu, pgCPU := int64(0), time.Duration(0), time.Duration(0)
	b.ReportAllocs()
	if change == nil {
		// Measured over the whole loop: stopping the timer reads the memory
		// statistics, which stops the world, twice per request.
		before, cpuBefore, dbBefore := bs.stmts.Load(), processCPU(), dbCPU()
		for b.Loop() {
			post()
		}
		statements, cpu, pgCPU = bs.stmts.Load()-before, processCPU()-cpuBefore, dbCPU()-dbBefore
	}
	for change != nil && b.Loop() {
		b.StopTimer()
		change()
		dbBefore := dbCPU()
		before, cpuBefore := bs.stmts.Load(), processCPU()
		b.StartTimer()
		post()
		statements += bs.stmts.Load() - before
		cpu += processCPU() - cpuBefore
		b.StopTimer()
		pgCPU += dbCPU() - dbBefore
		b.StartTimer()
	}
	b.ReportMetric(float64(statements)/float64(b.N), "stmts/op")
	// CPU time is steadier than wall time on a busy machine; it counts this process: server, client and SQLite, not PostgreSQL.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	if bs.dbCPU != nil {
		b.ReportMetric(float64(pgCPU.Microseconds())/1000/float64(b.N), "pg-cpu-ms/op")
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// orgMapScreen is what a chart screen asks for: every node with its record
// and our relationships, every edge, and the grade.
const orgMapScreen = `query($id: ID!) { orgMap(accountID: $id) {
	roots { id }
	nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceScore influenceRank
		stakeholder { name title rank influence politicalStatus support buyingRole coverage }
		relationships { currentLevel desiredLevel user { name } } }
	edges { kind fromID toID strength influenceEdgeID }
	health { grade reasons } } }`

func BenchmarkOrgMapHTTP(b *testing.B) {
	bs := newBenchServer(b)
	bs.run(b, orgMapScreen, map[string]any{"id": gid(bs.account)})
}

func BenchmarkOrgMapHTTPAfterChanges(b *testing.B) {
	bs := newBenchServer(b)
	bs.runAfterChanges(b, orgMapScreen, map[string]any{"id": gid(bs.account)})
}

// orgMapChart asks for what orgMapScreen shows, in columns: every node's
// attributes and facts, every edge, our relationships on the contacts.
const orgMapChart = `query($id: ID!) { orgMap(accountID: $id) {
	roots { id }
	nodeColumns { ids managerIDs depths directReportCounts indirectReportCounts keyPlayers influenceScores influenceRanks
		names titles ranks influences politicalStatuses supports buyingRoles coverages }
	edgeColumns { kinds fromIDs toIDs strengths influenceEdgeIDs }
	singleThreading { contacts { id relationships { currentLevel desiredLevel user { name } } } }
	health { grade reasons } } }`

func BenchmarkOrgMapChartHTTP(b *testing.B) {
	bs := newBenchServer(b)
	bs.run(b, orgMapChart, map[string]any{"id": gid(bs.account)})
}

func BenchmarkOrgMapChartHTTPAfterChanges(b *testing.B) {
	bs := newBenchServer(b)
	bs.runAfterChanges(b, orgMapChart, map[string]any{"id": gid(bs.account)})
}

// insightsScreen asks for every insight list, with names.
const insightsScreen = `query($id: ID!) { orgMap(accountID: $id) {
	hiddenInfluencers { node { stakeholder { name } } reason }
	keyPlayersNotSupporting { node { stakeholder { name } } reason }
	uncoveredKeyPlayers { node { stakeholder { name } } reason }
	decisionMakersWithoutSupportivePath { node { stakeholder { name } } reason }
	singleThreading { singleThreaded reasons }
	health { grade reasons }
	influenceRanking(first: 20) { node { stakeholder { name } } reason } } }`

func BenchmarkInsights(b *testing.B) {
	bs := newBenchServer(b)
	bs.run(b, insightsScreen, map[string]any{"id": gid(bs.account)})
}

const pathQuery = `query($from: ID!, $to: ID!) { influencePath(fromID: $from, toID: $to) {
	status message warmth supportive hops { stakeholder { name title } via { kind strength } reverse warmth } } }`

// BenchmarkInfluencePath asks for the path from the last person generated,
// at the bottom of the tree, to the top.
func BenchmarkInfluencePath(b *testing.B) {
	bs := newBenchServer(b)
	ctx := context.Background()
	people := bs.client.Stakeholder.Query().Where(stakeholder.Not(stakeholder.HasReportsTo())).IDsX(ctx)
	last := bs.client.Stakeholder.Query().Order(ent.Desc(stakeholder.FieldID)).FirstIDX(ctx)
	bs.run(b, pathQuery, map[string]any{"from": gid(last), "to": gid(people[0])})
}

func BenchmarkInfluencePathAfterChanges(b *testing.B) {
	bs := newBenchServer(b)
	ctx := context.Background()
	people := bs.client.Stakeholder.Query().Where(stakeholder.Not(stakeholder.HasReportsTo())).IDsX(ctx)
	last := bs.client.Stakeholder.Query().Order(ent.Desc(stakeholder.FieldID)).FirstIDX(ctx)
	bs.runAfterChanges(b, pathQuery, map[string]any{"from": gid(last), "to": gid(people[0])})
}

func BenchmarkDecisionMakerPaths(b *testing.B) {
	bs := newBenchServer(b)
	bs.run(b, `query($id: ID!) { decisionMakerPaths(accountID: $id) { stakeholder { name }
		path { status warmth hops { stakeholder { name } via { kind } } relationship { currentLevel user { name } } } } }`,
		map[string]any{"id": gid(bs.account)})
}
