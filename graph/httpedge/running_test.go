package httpedge

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Requests beyond MaxRunning wait their turn rather than being refused, so
// that no more than that many run at once; one whose time runs out while
// waiting gets 503 with Retry-After.
func TestRunningRequestsWaitTheirTurn(t *testing.T) {
	var now, most atomic.Int64
	release := make(chan struct{})
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
	})
	l := Limits{MaxRunning: new(2), Timeout: new(time.Hour)}.resolve()
	h := ready(next, l, newSlots(l.maxInFlight), newSlots(l.maxRunning))
	send := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, r)
		return w
	}
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Go(func() { codes[i] = send().Code })
	}
	for now.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the other four are waiting, not running
	if n := now.Load(); n != 2 {
		t.Errorf("%d requests running with MaxRunning 2", n)
	}
	close(release)
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("request %d: %d, want 200 after waiting its turn", i, code)
		}
	}
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d requests ran at once, want 2", m)
	}
}

// A request whose deadline passes while it waits for its turn is refused with
// 503 and Retry-After, and never runs.
func TestRunningWaitEndsWithTheDeadline(t *testing.T) {
	ran := make(chan struct{}, 1)
	block := make(chan struct{})
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran <- struct{}{}
		<-block
	})
	l := Limits{MaxRunning: new(1), Timeout: new(50 * time.Millisecond)}.resolve()
	h := ready(next, l, newSlots(l.maxInFlight), newSlots(l.maxRunning))
	request := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	go h.ServeHTTP(httptest.NewRecorder(), request())
	<-ran
	w := httptest.NewRecorder()
	h.ServeHTTP(w, request())
	close(block)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a request that waited past its deadline: %d Retry-After %q, want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	select {
	case <-ran:
		t.Error("the request that waited past its deadline ran")
	default:
	}
}
