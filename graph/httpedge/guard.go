package httpedge

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// guard refuses a client's requests beyond its rate (429) and any request
// beyond the cap on requests at once (503), both before the body is read, and
// gives the rest the request timeout, which cancels their database work.
func guard(next http.Handler, l limits) http.Handler {
	var rate *rateLimiter
	if l.ratePerSecond > 0 {
		rate = &rateLimiter{rate: l.ratePerSecond, burst: float64(max(l.burst, 1)), buckets: map[[32]byte]bucket{}}
	}
	var slots chan struct{}
	if l.maxInFlight > 0 {
		slots = make(chan struct{}, l.maxInFlight)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media, ok := negotiate(r.Header.Get("Accept"))
		if !ok {
			media = mediaJSON
		}
		if rate != nil {
			if wait, ok := rate.allow(clientKey(r), time.Now()); !ok {
				seconds := int(math.Ceil(wait.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(seconds))
				writeRequestError(w, media, http.StatusTooManyRequests, fmt.Sprintf("too many requests from this client: retry after %d s", seconds))
				return
			}
		}
		if slots != nil {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			default:
				w.Header().Set("Retry-After", "1")
				writeRequestError(w, media, http.StatusServiceUnavailable, "the server is running as many requests as it takes at once: retry after 1 s")
				return
			}
		}
		if l.timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), l.timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// clientKey names the client of a request: its Authorization header, so that
// clients behind one address are told apart, or else its address. Only a hash
// of the header is kept, so the limiter never holds a credential.
func clientKey(r *http.Request) [32]byte {
	if auth := r.Header.Get("Authorization"); auth != "" {
		return sha256.Sum256([]byte("authorization\x00" + auth))
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return sha256.Sum256([]byte("address\x00" + host))
}

// rateLimiter is a token bucket per client: a bucket holds up to burst
// requests and refills at rate per second.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[[32]byte]bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// allow takes a token from the client's bucket, or says how long until one is there.
func (l *rateLimiter) allow(key [32]byte, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = bucket{tokens: l.burst, at: now}
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		l.buckets[key] = b
		return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens--
	l.buckets[key] = b
	return 0, true
}

// sweep forgets the buckets that have refilled, as a new bucket would be just
// as full, so the map holds only the clients of the last refill period.
func (l *rateLimiter) sweep(now time.Time) {
	refill := time.Duration(l.burst / l.rate * float64(time.Second))
	if now.Sub(l.swept) < refill {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= refill {
			delete(l.buckets, k)
		}
	}
}
