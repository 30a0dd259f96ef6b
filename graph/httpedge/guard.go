package httpedge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// admit refuses a client's requests beyond its rate (429), and beyond what
// one client, or one address when that cap is on, may have open at once
// (429), before anything else is done for them; the rest hold their share
// until their answer is written. So a slow or greedy client waits on itself.
func admit(next http.Handler, l limits, streams *holdings) http.Handler {
	var rate *rateLimiter
	if l.ratePerSecond > 0 {
		rate = &rateLimiter{rate: l.ratePerSecond, burst: float64(max(l.burst, 1)), buckets: map[[32]byte]bucket{}}
	}
	held := newHoldings("requests", l.maxInFlightPerClient, l.maxInFlightPerAddress, 0)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := responseMedia(r)
		client, address := clientKey(r), remoteHost(r)
		if rate != nil {
			wait, state, ok := rate.allow(client, time.Now())
			state.write(w.Header())
			if !ok {
				seconds := int(math.Ceil(wait.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(seconds))
				noteRefusal(w, refusedRate)
				writeRequestError(w, media, http.StatusTooManyRequests, fmt.Sprintf("too many requests from this client: retry after %d s", seconds))
				return
			}
		}
		pool := held
		if isStream(r) {
			pool = streams
		}
		if reason, problem := pool.take(client, address); problem != "" {
			noteRefusal(w, reason)
			w.Header().Set("Retry-After", "1")
			status := http.StatusTooManyRequests
			if reason == refusedStreams {
				status = http.StatusServiceUnavailable
			}
			writeRequestError(w, media, status, problem+": retry after 1 s, when one of them has finished")
			return
		}
		defer pool.give(client, address)
		next.ServeHTTP(w, r)
	})
}

// ready reads a signed-in request's whole body under the body deadline (408)
// and size limit (413); only then does the request take a slot of the cap on
// requests at once (503) and the request timeout, which cancels its database
// work. A body that trickles in thus holds its own client's share, never a slot.
func ready(next http.Handler, l limits, slots, running slots) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := responseMedia(r)
		noteClient(r.Context())
		body, status, problem := readBody(w, r, l.maxBodyBytes, l.bodyTimeout)
		if problem != "" {
			switch status {
			case http.StatusRequestEntityTooLarge:
				noteRefusal(w, refusedBodyLarge)
			case http.StatusRequestTimeout:
				noteRefusal(w, refusedBodySlow)
			}
			// The rest of the body, if any, is never read: the connection cannot carry another request.
			w.Header().Set("Connection", "close")
			writeRequestError(w, media, status, problem)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if isStream(r) {
			// A stream waits for changes far longer than any request runs: it holds
			// no slot and has no deadline, and -max-streams bounds how many there are.
			next.ServeHTTP(w, r)
			return
		}
		if !slots.take() {
			refuseBusy(w, media)
			return
		}
		defer slots.give()
		if l.timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), l.timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		if !running.wait(r.Context()) {
			refuseBusy(w, media)
			return
		}
		defer running.give()
		next.ServeHTTP(w, r)
	})
}

// slots are the cap on requests at once, over all clients: a request takes
// one to sign in and gives it back, and takes one again once its body is in.
// nil is no cap.
type slots chan struct{}

func newSlots(n int) slots {
	if n <= 0 {
		return nil
	}
	return make(slots, n)
}

// take takes a slot if one is free.
func (s slots) take() bool {
	if s == nil {
		return true
	}
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

// wait takes a slot once one is free; false when ctx ends first.
func (s slots) wait(ctx context.Context) bool {
	if s == nil {
		return true
	}
	select {
	case s <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s slots) give() {
	if s != nil {
		<-s
	}
}

// refuseBusy answers a request that found no free slot.
func refuseBusy(w http.ResponseWriter, media string) {
	noteRefusal(w, refusedBusy)
	w.Header().Set("Retry-After", "1")
	writeRequestError(w, media, http.StatusServiceUnavailable, "the server is running as many requests as it takes at once: retry after 1 s")
}

// responseMedia is the media type of the request's answers, application/json
// when its Accept header allows none, for refusals made before the transport.
func responseMedia(r *http.Request) string {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		return mediaJSON
	}
	return media
}

// readBody reads the whole request body, refusing one larger than limit
// (413) or still arriving after timeout (408); 0 turns either off.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, timeout time.Duration) ([]byte, int, string) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, http.StatusOK, "" // a GET: the server is already reading ahead, under its own deadlines
	}
	tooLarge := fmt.Sprintf("the request body is larger than %d bytes", limit)
	if limit > 0 && r.ContentLength > limit {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	if timeout > 0 {
		rc := http.NewResponseController(w)
		// Where the connection cannot take a deadline, the server's read timeout still bounds the read.
		if rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
			// A deadline left in place would cancel the request when it passed during execution.
			defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
		}
	}
	reader := r.Body
	if limit > 0 {
		reader = http.MaxBytesReader(w, r.Body, limit)
	}
	body, err := io.ReadAll(reader)
	var over *http.MaxBytesError
	switch {
	case err == nil:
		return body, http.StatusOK, ""
	case errors.As(err, &over):
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, http.StatusRequestTimeout, fmt.Sprintf("the request body did not arrive within %s: send the whole request at once", timeout)
	}
	return nil, http.StatusBadRequest, "the request body could not be read"
}

// holdings count the requests (or the event streams) each client and each
// remote address have open, from before their body is read until their
// answer is written.
type holdings struct {
	what                  string // "requests" or "event streams", for the refusals
	perClient, perAddress int    // 0: no cap
	total                 int    // over all clients; 0: no cap
	mu                    sync.Mutex
	open                  int
	clients               map[[32]byte]int
	addresses             map[string]int
}

// newStreams are the shares of subscriptions' event streams: a stream lasts
// as long as its screen is open, so it holds a share of its own kind.
func newStreams(l limits) *holdings {
	return newHoldings("event streams", l.maxStreamsPerClient, l.maxInFlightPerAddress, l.maxStreams)
}

// count is how many are open now.
func (h *holdings) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open
}

func newHoldings(what string, perClient, perAddress, total int) *holdings {
	return &holdings{what: what, perClient: perClient, perAddress: perAddress, total: total, clients: map[[32]byte]int{}, addresses: map[string]int{}}
}

// take counts a request in, or says which cap it would pass, and how.
func (h *holdings) take(client [32]byte, address string) (reason, problem string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perClient > 0 && h.clients[client] >= h.perClient {
		reason := refusedClientOpen
		if h.total > 0 {
			reason = refusedClientStreams
		}
		return reason, fmt.Sprintf("this client already has %d %s open, as many as one client may", h.perClient, h.what)
	}
	if h.perAddress > 0 && h.addresses[address] >= h.perAddress {
		return refusedAddressOpen, fmt.Sprintf("this address already has %d %s open, as many as one address may", h.perAddress, h.what)
	}
	if h.total > 0 && h.open >= h.total {
		return refusedStreams, fmt.Sprintf("the server has %d %s open, as many as it takes", h.total, h.what)
	}
	h.open++
	h.clients[client]++
	h.addresses[address]++
	return "", ""
}

// give counts a request out, forgetting clients and addresses with none left.
func (h *holdings) give(client [32]byte, address string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open--
	if h.clients[client]--; h.clients[client] <= 0 {
		delete(h.clients, client)
	}
	if h.addresses[address]--; h.addresses[address] <= 0 {
		delete(h.addresses, address)
	}
}

// clientKey names the client of a request: its Authorization header, so that
// clients behind one address are told apart, or else its address. Only a hash
// of the header is kept, so the limiter never holds a credential.
func clientKey(r *http.Request) [32]byte {
	if auth := r.Header.Get("Authorization"); auth != "" {
		return sha256.Sum256([]byte("authorization\x00" + auth))
	}
	return sha256.Sum256([]byte("address\x00" + remoteHost(r)))
}

// remoteHost is the address a request came from, without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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

// allow takes a token from the client's bucket, or says how long until one
// is there; either way it gives the bucket's state after the request.
func (l *rateLimiter) allow(key [32]byte, now time.Time) (time.Duration, rateState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = bucket{tokens: l.burst, at: now}
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	var wait time.Duration
	if b.tokens < 1 {
		wait = time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	} else {
		b.tokens--
	}
	l.buckets[key] = b
	state := rateState{
		limit:     int(l.burst),
		remaining: int(math.Floor(b.tokens)),
		reset:     int(math.Ceil((l.burst - b.tokens) / l.rate)),
	}
	return wait, state, wait == 0
}

// rateState is a client's bucket as the response headers tell it.
type rateState struct {
	limit     int // requests the bucket holds when full (the burst)
	remaining int // whole requests left in it now
	reset     int // seconds until it is full again
}

// write sets the three headers of draft-ietf-httpapi-ratelimit-headers up to
// its version 06, before they merged into RateLimit and RateLimit-Policy:
// clients and proxies read this form today.
func (s rateState) write(h http.Header) {
	h.Set("RateLimit-Limit", strconv.Itoa(s.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(s.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(s.reset))
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
