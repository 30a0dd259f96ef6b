package procs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// threads is what the governor under test set GOMAXPROCS to, without setting it.
type threads struct{ single atomic.Bool }

func (s *threads) governor() *Governor {
	return newGovernor(40*time.Millisecond, func() { s.single.Store(true) }, func() { s.single.Store(false) })
}

// eventually waits for the governor to have set one thread (want) or every one.
func (s *threads) eventually(t *testing.T, want bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.single.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: single thread is %v, want %v", what, !want, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestOneThreadWhileOneRequest: one request at a time runs on one thread;
// a second request in flight brings every thread back at once, for as long
// as the server stays busy; when Run returns, every thread is in use.
func TestOneThreadWhileOneRequest(t *testing.T) {
	var s threads
	g := s.governor()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { g.Run(ctx); close(done) }()

	release := make(chan struct{})
	blocking := g.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	quick := g.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	serve := func(h http.Handler) {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/query", nil))
	}

	if s.single.Load() {
		t.Fatal("one thread before any quiet time")
	}
	for range 20 {
		serve(quick)
	}
	s.eventually(t, true, "requests one at a time")

	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { serve(blocking) })
	}
	s.eventually(t, false, "two requests in flight")
	time.Sleep(200 * time.Millisecond) // five quiet times: the server is still busy
	if s.single.Load() {
		t.Fatal("one thread while two requests are in flight")
	}
	close(release)
	wg.Wait()
	s.eventually(t, true, "quiet again")

	cancel()
	<-done
	if s.single.Load() {
		t.Error("one thread left in use after Run returned")
	}
}

// TestRequestsBackToBack: on one thread a request that never waits runs to
// its end before the next is read, so two are never in flight; a request from
// another connection that starts as the last one ends had waited for it, and
// brings every thread back. Requests on one connection, or further apart, do not.
func TestRequestsBackToBack(t *testing.T) {
	var s threads
	g := s.governor()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go g.Run(ctx)
	quick := g.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	serve := func(from string) {
		r := httptest.NewRequest(http.MethodPost, "/query", nil)
		r.RemoteAddr = from
		quick.ServeHTTP(httptest.NewRecorder(), r)
	}
	stays := func(what string) {
		t.Helper()
		time.Sleep(100 * time.Millisecond) // ten of the governor's looks
		if !s.single.Load() {
			t.Fatalf("%s brought every thread back", what)
		}
	}

	s.eventually(t, true, "no requests")
	for range 100 {
		serve("192.0.2.1:1000")
	}
	stays("requests back to back on one connection")
	for range 3 {
		serve("192.0.2.1:1000")
		time.Sleep(2 * backToBack)
		serve("192.0.2.2:2000")
	}
	stays("requests from two connections, apart")
	// Again until it is seen: a busy machine may part any two requests.
	for deadline := time.Now().Add(5 * time.Second); s.single.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("requests from two connections back to back: still one thread")
		}
		serve("192.0.2.1:1000")
		serve("192.0.2.2:2000")
	}
}

// TestNothingToGovern: GOMAXPROCS set by whoever runs the server wins, and a
// nil governor passes requests on untouched.
func TestNothingToGovern(t *testing.T) {
	t.Setenv("GOMAXPROCS", "2")
	g := New()
	if g != nil {
		t.Fatal("a governor although GOMAXPROCS is set in the environment")
	}
	if got := g.Wrap(handler{}); got != http.Handler(handler{}) {
		t.Fatalf("a nil governor wrapped the handler: %T", got)
	}
	g.Run(context.Background()) // returns at once
}

type handler struct{}

func (handler) ServeHTTP(http.ResponseWriter, *http.Request) {}
