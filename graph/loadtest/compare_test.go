package main

import (
	"net"
	"os"
	"strings"
	"testing"
)

func TestRowsCompareWhatBothServersAnswerAlike(t *testing.T) {
	ours := `{"data":{"accounts":{"edges":[
		{"cursor":"c1","node":{"id":"QWNjb3VudDox","name":"A","plans":{"totalCount":2,"edges":[{"node":{"id":"x","metric":"","periodStart":"2026-01-01T00:00:00Z","rank":3}}]}}},
		{"cursor":"c2","node":{"id":"QWNjb3VudDoy","name":"B","plans":{"totalCount":0,"edges":[]}}}]}}}`
	// PostGraphile: nodes instead of edges, another order, bigints as strings, NULL as null, offsets in times.
	theirs := `{"data":{"accounts":{"nodes":[
		{"id":"WyJhY2NvdW50cyIsMl0=","name":"B","plans":{"totalCount":"0","nodes":[]}},
		{"id":"WyJhY2NvdW50cyIsMV0=","name":"A","plans":{"totalCount":2,"nodes":[{"id":"y","metric":null,"periodStart":"2026-01-01T01:00:00+01:00","rank":"3"}]}}]}}}`
	a, err := rows([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rows([]byte(theirs))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(a, b); d != "" {
		t.Fatalf("same rows reported as different:\n%s", d)
	}
	if len(a) != 7 {
		t.Errorf("%d values, want 7: %q", len(a), a)
	}

	other := strings.Replace(theirs, `"rank":"3"`, `"rank":"4"`, 1)
	c, err := rows([]byte(other))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(a, c); d != "- .accounts.plans.rank=3\n+ .accounts.plans.rank=4" {
		t.Errorf("diff of a changed number:\n%s", d)
	}
}

func TestRowsRefuseAnAnswerWithErrors(t *testing.T) {
	for _, answer := range []string{
		`{"data":{"accounts":null},"errors":[{"message":"An error occurred"}]}`,
		`{"errors":[{"message":"Field \"status\" is not defined"}]}`,
	} {
		if _, err := rows([]byte(answer)); err == nil {
			t.Errorf("no error for %s", answer)
		}
	}
}

func TestTicksReadThisProcess(t *testing.T) {
	// burn a little CPU so that at least one tick is counted
	x := 0
	for i := range 200_000_000 {
		x += i
	}
	if ticks(os.Getpid()) <= 0 || x == 0 {
		t.Error("no CPU read for this process")
	}
	if rss, hwm := memory(os.Getpid()); rss <= 0 || hwm < rss {
		t.Errorf("memory %v MB, peak %v MB", rss, hwm)
	}
}

func TestListenerFindsTheProcessOnAPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pid, err := listener("http://" + ln.Addr().String() + "/query")
	if err != nil || pid != os.Getpid() {
		t.Errorf("listener: %d, %v; want %d", pid, err, os.Getpid())
	}
}

func TestParseServersLabelsURLs(t *testing.T) {
	got, err := parseServers("pg=http://127.0.0.1:8091/query, http://127.0.0.1:8092/query")
	if err != nil || len(got) != 2 || got[0] != [2]string{"pg", "http://127.0.0.1:8091/query"} || got[1][0] != "ours" {
		t.Errorf("parseServers: %q, %v", got, err)
	}
}

func TestRatioPairsRoundsOfTheSameTurn(t *testing.T) {
	ours := []measure{{rps: 20, cpu: 10}, {rps: 30, cpu: 6}}
	theirs := []measure{{rps: 10, cpu: 20}, {rps: 60, cpu: 12}}
	if got := ratio(ours, theirs, func(m measure) float64 { return m.rps }); got != "0.50–2.00×" {
		t.Errorf("rps ratio %s", got)
	}
	if got := ratio(ours, theirs, func(m measure) float64 { return m.cpu }); got != "0.50×" {
		t.Errorf("CPU ratio %s", got)
	}
}
