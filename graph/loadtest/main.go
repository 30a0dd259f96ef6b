// Command loadtest fills a database with the screens' data and sends the
// screens' requests to a running server, one client and then sixteen at once,
// printing requests per second, p50 and p99:
//
//	go run ./graph/loadtest -generate -db bench.db -accounts 1000
//	go run . -db bench.db -rate-limit 0 -map-cache-mb 0 -max-in-flight-per-client 0 -max-in-flight-per-address 0 &
//	go run ./graph/loadtest -n 500
//
// -screen picks one of nested, counts, relay (all by default); -query sends
// another document instead; -duration runs for a time instead of -n requests.
// TOKEN, when set, is sent as the bearer token.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/benchdata"
)

func main() {
	var (
		url       = flag.String("url", "http://127.0.0.1:8080/query", "the server's GraphQL endpoint")
		screen    = flag.String("screen", "", "nested, counts or relay; empty sends each in turn")
		query     = flag.String("query", "", "a GraphQL document to send instead of a screen's")
		conns     = flag.String("c", "1,16", "comma-separated numbers of clients sending at once, one round each")
		n         = flag.Int("n", 200, "requests per round")
		duration  = flag.Duration("duration", 0, "length of each round, instead of -n requests")
		generate  = flag.Bool("generate", false, "fill the database named by -db with the screens' data and exit")
		db        = flag.String("db", "bench.db", "with -generate: a SQLite file path or postgres:// URL")
		accounts  = flag.Int("accounts", benchdata.Issue.Accounts, "with -generate: accounts to write")
		people    = flag.Int("stakeholders", benchdata.Issue.Stakeholders, "with -generate: stakeholders per account")
		influence = flag.Int("edges", benchdata.Issue.InfluenceEdges, "with -generate: influence edges per account")
		compare   = flag.String("compare", "", "PostGraphile's GraphQL endpoint: compare it with -url (a comma-separated label=URL list) in interleaved rounds")
		rounds    = flag.Int("rounds", 3, "with -compare: rounds per shape, number of clients and server")
		only      = flag.String("shapes", "", "comma-separated shapes of shapes.go to send (with -compare, empty sends all; without, it replaces -screen)")
		pids      = flag.String("pids", "", "with -compare: label=PID,... of servers to read CPU and memory of; others are found by their port")
		warmup    = flag.Duration("warmup", 2*time.Second, "with -compare: time each server answers each shape before the rounds")
		pgDB      = flag.String("pg-db", "accountplan_bench", "with -compare: the database whose PostgreSQL backends' CPU counts; empty for none")
	)
	flag.Parse()
	if *generate {
		size := benchdata.Size{Accounts: *accounts, Stakeholders: *people, InfluenceEdges: *influence, Seed: 1}
		if err := fill(*db, size); err != nil {
			fail(err)
		}
		return
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	if *compare != "" {
		c := &comparison{pgDB: *pgDB, rounds: *rounds, n: *n, dur: *duration, warmup: *warmup}
		if err := c.setUp(*url, *compare, *pids, os.Getenv("TOKEN"), client); err != nil {
			fail(err)
		}
		picked, conns, err := c.pick(*only, *conns)
		if err != nil {
			fail(err)
		}
		if err := c.run(picked, conns); err != nil {
			fail(err)
		}
		return
	}
	l := &loader{url: *url, token: os.Getenv("TOKEN"), client: client}
	screens := benchdata.Screens
	switch {
	case *query != "":
		screens = []benchdata.Screen{{Name: "query", Query: *query}}
	case *only != "":
		picked, _, err := (&comparison{}).pick(*only, "1")
		if err != nil {
			fail(err)
		}
		screens = nil
		for _, s := range picked {
			screens = append(screens, benchdata.Screen{Name: s.Name, Query: s.Ours, ByAccount: s.ByAccount})
		}
	case *screen != "":
		i := slices.IndexFunc(screens, func(s benchdata.Screen) bool { return s.Name == *screen })
		if i < 0 {
			fail(fmt.Errorf("no screen %q: nested, counts or relay", *screen))
		}
		screens = screens[i : i+1]
	}
	fmt.Printf("%-8s %4s %8s %9s %9s %9s %9s\n", "screen", "c", "requests", "rps", "p50 ms", "p99 ms", "KB/resp")
	for _, s := range screens {
		body, err := l.body(s)
		if err != nil {
			fail(err)
		}
		for _, f := range strings.Split(*conns, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 1 {
				fail(fmt.Errorf("-c: %q is not a number of clients", f))
			}
			r, err := l.round(body, c, *n, *duration)
			if err != nil {
				fail(err)
			}
			fmt.Printf("%-8s %4d %8d %9.1f %9.2f %9.2f %9.1f\n", s.Name, c, len(r.took), r.rps(), r.quantile(0.50), r.quantile(0.99), float64(r.bytes)/float64(len(r.took))/1024)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

// fill migrates the database and writes the screens' data into it.
func fill(db string, size benchdata.Size) error {
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	ids, err := benchdata.Generate(ctx, s.Client, size)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d accounts into %s in %s\n", len(ids), db, time.Since(start).Round(time.Millisecond))
	return nil
}

type loader struct {
	url, token string
	client     *http.Client
}

// body is the request a screen sends, with the first account's ID where it takes one.
func (l *loader) body(s benchdata.Screen) ([]byte, error) {
	vars := map[string]any{}
	if s.ByAccount {
		var r struct {
			Data struct {
				Accounts struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		out, err := l.post(mustJSON(map[string]any{"query": benchdata.FirstAccount}))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(out, &r); err != nil || len(r.Data.Accounts.Edges) == 0 {
			return nil, fmt.Errorf("no account to ask for (%v): %.300s", err, out)
		}
		vars["id"] = r.Data.Accounts.Edges[0].Node.ID
	}
	return mustJSON(map[string]any{"query": s.Query, "variables": vars}), nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// post sends one request and returns the answer, an error for any but a 200 without errors.
func (l *loader) post(body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if l.token != "" {
		req.Header.Set("Authorization", "Bearer "+l.token)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err == nil {
		err = refused(resp.StatusCode, out)
	}
	return out, err
}

// refused is the error of an answer that is not a 200 without errors.
func refused(status int, answer []byte) error {
	if status != http.StatusOK || bytes.HasPrefix(answer, []byte(`{"errors"`)) {
		return fmt.Errorf("status %d: %.300s", status, answer)
	}
	return nil
}

type result struct {
	took    []time.Duration
	elapsed time.Duration
	bytes   int64
}

func (r result) rps() float64 { return float64(len(r.took)) / r.elapsed.Seconds() }

// quantile is the latency below which the fraction q of the requests finished, in milliseconds.
func (r result) quantile(q float64) float64 {
	slices.Sort(r.took)
	return float64(r.took[min(len(r.took)-1, int(q*float64(len(r.took))))]) / float64(time.Millisecond)
}

// round sends n requests, or for the duration when it is set, from c clients
// at once, each on its own connection (see wire), after one to warm up.
func (l *loader) round(body []byte, c, n int, duration time.Duration) (result, error) {
	if _, err := l.post(body); err != nil {
		return result{}, err
	}
	var (
		mu       sync.Mutex
		r        result
		firstErr error
		left     atomic.Int64
		wg       sync.WaitGroup
	)
	left.Store(int64(n))
	start := time.Now()
	for range c {
		wg.Go(func() {
			send := func() ([]byte, error) { return l.post(body) }
			if w := newWire(l.url, l.token, body); w != nil {
				defer w.close()
				send = w.post
			}
			for {
				if duration > 0 && time.Since(start) >= duration || duration == 0 && left.Add(-1) < 0 {
					return
				}
				t := time.Now()
				out, err := send()
				took := time.Since(t)
				mu.Lock()
				r.took, r.bytes = append(r.took, took), r.bytes+int64(len(out))
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r, firstErr
}
