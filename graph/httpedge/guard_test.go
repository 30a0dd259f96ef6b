package httpedge

import (
	"testing"
	"time"
)

// The bucket's state after each request, on a clock the test moves: limit is
// the burst, remaining the whole tokens left, reset the seconds until full.
func TestRateStateFollowsTheBucket(t *testing.T) {
	l := &rateLimiter{rate: 2, burst: 4, buckets: map[[32]byte]bucket{}}
	start := time.Unix(1_000_000, 0)
	var key [32]byte
	for i, want := range []struct {
		after     time.Duration
		ok        bool
		remaining int
		reset     int
	}{
		{0, true, 3, 1}, // 3 tokens: 1 missing refills in 0.5 s, rounded up
		{0, true, 2, 1},
		{0, true, 1, 2},
		{0, true, 0, 2},
		{0, false, 0, 2},                     // refused: nothing taken
		{750 * time.Millisecond, true, 0, 2}, // 1.5 tokens back, one taken: 0.5 left, 3.5 missing refill in 1.75 s
		{4 * time.Second, true, 3, 1},        // full again before this one
		{4*time.Second + 1, true, 2, 1},      // a nanosecond later: 2 tokens, 2 missing
		{10 * time.Second, true, 3, 1},       // refilled to full meanwhile
		{10*time.Second + 250*time.Millisecond, true, 2, 1},
	} {
		wait, state, ok := l.allow(key, start.Add(want.after))
		if ok != want.ok || state.limit != 4 || state.remaining != want.remaining || state.reset != want.reset {
			t.Errorf("request %d at +%s: ok %v %+v, want ok %v remaining %d reset %d", i+1, want.after, ok, state, want.ok, want.remaining, want.reset)
		}
		if ok != (wait == 0) {
			t.Errorf("request %d: ok %v but wait %s", i+1, ok, wait)
		}
	}
}
