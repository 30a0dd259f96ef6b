package apitest

// Clients see what they spend: the rate limit's state in the RateLimit-*
// headers, and an operation's cost in extensions.cost when they ask.

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
)

// The three headers on every answer, success or refusal, follow the bucket:
// Remaining goes down by one a request, Reset up by the time one request
// takes to refill; a rate limit that is off sends none.
func TestSpendRateLimitHeaders(t *testing.T) {
	l := testSettings()
	l.Limits.RatePerSecond = new(0.001) // one request back every 1,000 s: nothing refills during the test
	l.Limits.Burst = new(3)
	e := newEnv(t, sqliteDatabase(t), l)
	auth := "Bearer " + newToken(t, e, newUser(t, e, "spender"), user.RoleVIEWER, false)
	query := gqlBody(`{ __typename }`, nil)
	for i, want := range []struct{ status, remaining, reset int }{
		{http.StatusOK, 2, 1000},
		{http.StatusOK, 1, 2000},
		{http.StatusOK, 0, 3000},
		{http.StatusTooManyRequests, 0, 3000},
	} {
		r := e.send("application/json", auth, query)
		remaining, errR := strconv.Atoi(r.header.Get("RateLimit-Remaining"))
		reset, errReset := strconv.Atoi(r.header.Get("RateLimit-Reset"))
		// What refilled between the requests takes at most a second off the reset.
		if r.status != want.status || r.header.Get("RateLimit-Limit") != "3" || errR != nil || remaining != want.remaining ||
			errReset != nil || reset > want.reset || reset <= want.reset-1000 {
			t.Errorf("request %d: %d RateLimit-Limit %q Remaining %q Reset %q, want %d, 3, %d and %d", i+1, r.status,
				r.header.Get("RateLimit-Limit"), r.header.Get("RateLimit-Remaining"), r.header.Get("RateLimit-Reset"), want.status, want.remaining, want.reset)
		}
	}
	if r := e.send("application/json", auth, query); r.header.Get("Retry-After") == "" {
		t.Errorf("a refusal lost its Retry-After: %v", r.header)
	}

	off := newEnv(t, sqliteDatabase(t), testSettings())
	r := off.send("application/json", "", query)
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if v := r.header.Get(h); r.status != http.StatusOK || v != "" {
			t.Errorf("rate limit off: %d %s %q", r.status, h, v)
		}
	}
}
