// Package procs runs the server's Go code on one thread while it answers one
// request at a time, and on every thread GOMAXPROCS gives as soon as it
// answers more. With one request in flight a second thread has nothing to do,
// yet the runtime wakes one each time a goroutine becomes ready (the
// request's own, back from the network or the database) and puts it back to
// sleep when it finds no work (golang/go#13527): on a small machine those
// wake-ups cost a fifth of such a request's CPU.
package procs

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

// Quiet is how long at most one request must have been in flight before the
// Go code goes back to one thread.
const Quiet = time.Second

// backToBack is how soon after one request ends another, from another
// connection, must start to have waited for it: on one thread a request that
// never waits on the network (SQLite's statements are calls into C) runs to
// its end before the next one is even read, so that two are never in flight.
const backToBack = 200 * time.Microsecond

// Governor counts the requests in flight and sets GOMAXPROCS by them.
type Governor struct {
	inFlight atomic.Int32
	epoch    time.Time
	lastEnd  atomic.Int64           // when the last request ended, since epoch
	lastConn atomic.Pointer[string] // the remote address of its connection
	busy     chan struct{}          // tells Run that more than one request was in flight since it last looked
	quiet    time.Duration
	one, all func() // set GOMAXPROCS to 1, and back to the runtime's default
}

// New is a Governor, or nil where there is nothing to govern: GOMAXPROCS is
// set in the environment, and so chosen by whoever runs the server, or the
// runtime's default is a single thread already.
func New() *Governor {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	return newGovernor(Quiet, func() { runtime.GOMAXPROCS(1) }, runtime.SetDefaultGOMAXPROCS)
}

func newGovernor(quiet time.Duration, one, all func()) *Governor {
	return &Governor{busy: make(chan struct{}, 1), quiet: quiet, one: one, all: all, epoch: time.Now()}
}

// Wrap counts next's requests in flight; a nil Governor returns next.
func (g *Governor) Wrap(next http.Handler) http.Handler {
	if g == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.inFlight.Add(1) > 1 || g.waited(r) {
			select {
			case g.busy <- struct{}{}:
			default: // Run has yet to hear of the last time
			}
		}
		defer func() {
			g.lastEnd.Store(int64(time.Since(g.epoch)))
			g.lastConn.Store(&r.RemoteAddr)
			g.inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

// waited tells a request that starts back to back with the last one, from
// another connection: it was most likely there before the last one ended.
func (g *Governor) waited(r *http.Request) bool {
	last := g.lastConn.Load()
	return last != nil && *last != r.RemoteAddr && time.Since(g.epoch)-time.Duration(g.lastEnd.Load()) < backToBack
}

// Run sets GOMAXPROCS until ctx is done: to every thread as soon as more than
// one request is in flight, to one after Quiet with at most one. It leaves
// every thread in use when it returns; a nil Governor returns at once.
func (g *Governor) Run(ctx context.Context) {
	if g == nil {
		return
	}
	single := false
	defer func() {
		if single {
			g.all()
		}
	}()
	quietSince := time.Now()
	tick := time.NewTicker(g.quiet / 4)
	defer tick.Stop()
	for {
		busy := false
		select {
		case <-ctx.Done():
			return
		case <-g.busy:
			busy = true
		case <-tick.C:
		}
		if busy || len(g.busy) > 0 || g.inFlight.Load() > 1 {
			quietSince = time.Now()
			if single {
				g.all()
				single = false
			}
			continue
		}
		if !single && time.Since(quietSince) >= g.quiet {
			g.one()
			single = true
		}
	}
}
