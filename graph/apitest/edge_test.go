package apitest

// The edge's shares: a slow or greedy client holds only its own share of the
// server, never the slots every client needs; and no answer is larger than
// the response limit.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// slowBody is a connection sending a request whose body trickles in.
type slowBody struct {
	conn net.Conn
	read *bufio.Reader
}

// startSlowBody opens a connection from the address from (empty: any) and
// sends a POST's headers, announcing 100 bytes of body, and one byte of it.
// It waits for the server's first answer: 100 Continue, which the server
// sends when the handler starts reading the body, or a refusal.
func startSlowBody(t *testing.T, endpoint, auth, from string) (*slowBody, *http.Response) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	d := net.Dialer{}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	conn, err := d.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// However slow the machine, a server that never answers fails the test rather than hanging it.
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	header := "POST " + u.Path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n"
	if auth != "" {
		header += "Authorization: " + auth + "\r\n"
	}
	if _, err := conn.Write([]byte(header + "\r\n")); err != nil {
		t.Fatal(err)
	}
	s := &slowBody{conn: conn, read: bufio.NewReader(conn)}
	resp := s.response(t)
	if resp.StatusCode == http.StatusContinue {
		if _, err := conn.Write([]byte("{")); err != nil {
			t.Fatal(err)
		}
	}
	return s, resp
}

// response reads the next answer on the connection.
func (s *slowBody) response(t *testing.T) *http.Response {
	t.Helper()
	resp, err := http.ReadResponse(s.read, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// reading opens n slow bodies and checks that the server is reading each.
func reading(t *testing.T, endpoint, auth string, n int) {
	t.Helper()
	for i := range n {
		if _, resp := startSlowBody(t, endpoint, auth, ""); resp.StatusCode != http.StatusContinue {
			t.Fatalf("slow body %d: %d, want the server to read it", i+1, resp.StatusCode)
		}
	}
}

// decodeReply is the first error of an answer read from a connection.
func decodeReply(t *testing.T, resp *http.Response) (code, message string) {
	t.Helper()
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) == 0 {
		t.Fatalf("answer %d without an error (%v)", resp.StatusCode, err)
	}
	code, _ = out.Errors[0].Extensions["code"].(string)
	return code, out.Errors[0].Message
}

// Many bodies trickling in from one client, more than the server runs at
// once, leave every slot to the requests whose body has arrived.
func TestEdgeSlowBodiesTakeNoSlot(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.MaxInFlight = new(4)
	l.Limits.MaxInFlightPerClient = new(0) // only the slots are under test here
	l.Limits.BodyTimeout = new(time.Hour)  // the slow bodies are read for as long as the test runs
	eachDatabaseWith(t, l, func(t *testing.T, e *env) {
		attacker := "Bearer " + newToken(t, e, newUser(t, e, "attacker"), user.RoleVIEWER, false)
		analyst := "Bearer " + newToken(t, e, newUser(t, e, "analyst"), user.RoleVIEWER, false)
		reading(t, e.url, attacker, 12)
		for i := range 10 {
			if r := e.send("application/json", analyst, gqlBody(`{ accounts(first: 1) { totalCount } }`, nil)); r.status != http.StatusOK || r.code() != "" {
				t.Fatalf("the analyst's request %d: %d %s", i+1, r.status, r.body)
			}
		}
	})
}

// A body slower than the body deadline is refused with 408, and the
// connection is closed.
func TestEdgeBodyDeadline(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.BodyTimeout = new(200 * time.Millisecond)
	e := newEnv(t, sqliteDatabase(t), l)
	s, resp := startSlowBody(t, e.url, "", "")
	if resp.StatusCode != http.StatusContinue {
		t.Fatalf("first answer %d, want 100 Continue", resp.StatusCode)
	}
	resp = s.response(t)
	if code, message := decodeReply(t, resp); resp.StatusCode != http.StatusRequestTimeout || code != "BAD_REQUEST" || !strings.Contains(message, "within 200ms") {
		t.Errorf("a body slower than the deadline: %d %s %q", resp.StatusCode, code, message)
	}
	if !resp.Close {
		t.Error("the connection is kept open after a body that never arrived")
	}
	if r := e.send("application/json", "", gqlBody(`{ __typename }`, nil)); r.status != http.StatusOK || r.code() != "" {
		t.Errorf("a body sent at once: %d %s", r.status, r.body)
	}
}

// A client holding as many requests as one client may gets 429 for the next,
// and only that client.
func TestEdgeCapPerClient(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.MaxInFlightPerClient = new(2)
	l.Limits.BodyTimeout = new(time.Hour)
	e := newEnv(t, sqliteDatabase(t), l)
	greedy := "Bearer " + newToken(t, e, newUser(t, e, "greedy"), user.RoleVIEWER, false)
	other := "Bearer " + newToken(t, e, newUser(t, e, "other"), user.RoleVIEWER, false)
	reading(t, e.url, greedy, 2)
	query := gqlBody(`{ __typename }`, nil)
	r := e.send("application/json", greedy, query)
	if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "2 requests open") {
		t.Errorf("the greedy client's third request: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	for _, auth := range []string{other, ""} {
		if r := e.send("application/json", auth, query); r.status != http.StatusOK || r.code() != "" {
			t.Errorf("client %q: %d %s", auth, r.status, r.body)
		}
	}
}

// A made-up token is refused before its body is read, so it holds nothing
// while the body trickles in, however many there are.
func TestEdgeMadeUpTokensHoldNothing(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.BodyTimeout = new(time.Hour)
	e := newEnv(t, sqliteDatabase(t), l)
	for i := range 2 * httpedge.DefaultMaxInFlight {
		_, resp := startSlowBody(t, e.url, fmt.Sprintf("Bearer made-up-%d", i), "")
		if code, _ := decodeReply(t, resp); resp.StatusCode != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
			t.Fatalf("made-up token %d: %d %s, want 401 before the body is read", i+1, resp.StatusCode, code)
		}
	}
	if r := e.send("application/json", "", gqlBody(`{ __typename }`, nil)); r.status != http.StatusOK || r.code() != "" {
		t.Errorf("a request without a token: %d %s", r.status, r.body)
	}
}

// With the address cap on, one address holding as many requests as it may
// gets 429 for the next, whatever its token, and other addresses are served.
func TestEdgeCapPerAddress(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.MaxInFlightPerAddress = 3
	l.Limits.BodyTimeout = new(time.Hour)
	e := newEnv(t, sqliteDatabase(t), l)
	tokens := make([]string, 5)
	for i := range tokens {
		tokens[i] = "Bearer " + newToken(t, e, newUser(t, e, fmt.Sprintf("user%d", i)), user.RoleVIEWER, false)
	}
	for _, token := range tokens[:3] {
		reading(t, e.url, token, 1)
	}
	r := e.send("application/json", tokens[3], gqlBody(`{ __typename }`, nil))
	if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || !strings.Contains(string(r.body), "this address already has 3 requests open") {
		t.Errorf("a fourth token from the address: %d %s", r.status, r.body)
	}
	analyst := tokens[4]
	// Every 127.x.y.z address is the loopback interface: 127.0.0.2 is another client.
	s, resp := startSlowBody(t, e.url, analyst, "127.0.0.2")
	if resp.StatusCode != http.StatusContinue {
		t.Fatalf("another address: %d", resp.StatusCode)
	}
	body := gqlBody(`{ __typename }`, nil)
	if _, err := s.conn.Write([]byte(body[1:] + strings.Repeat(" ", 100-len(body)))); err != nil {
		t.Fatal(err)
	}
	if resp := s.response(t); resp.StatusCode != http.StatusOK {
		t.Errorf("the analyst from another address: %d", resp.StatusCode)
	}
}

// A query whose answer is over the response limit gets QUERY_TOO_COMPLEX
// instead; a mutation's answer is sent whatever its size, as its changes are made.
func TestEdgeResponseSize(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.MaxResponseBytes = new(300)
	eachDatabaseWith(t, l, func(t *testing.T, e *env) {
		if d := e.must(`{ __typename }`, nil); d["__typename"] != "Query" {
			t.Errorf("a small answer: %v", d)
		}
		r := e.do(`{ __schema { types { name } } }`, nil)
		errCheck(t, r)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX" ||
			!strings.Contains(r.Errors[0].Message, "larger than 300 bytes") || r.Data != nil {
			t.Errorf("an answer over the limit: %+v %v", r.Errors, r.Data)
		}
		name, industry := strings.Repeat("n", 200), strings.Repeat("i", 100)
		d := e.must(`mutation($name: String!, $industry: String) { createAccount(input: {name: $name, industry: $industry}) { name industry } }`,
			map[string]any{"name": name, "industry": industry})
		if get(d, "createAccount", "name") != name || get(d, "createAccount", "industry") != industry {
			t.Errorf("a mutation's answer over the limit: %v", d)
		}
		if n := e.client.Account.Query().CountX(context.Background()); n != 1 {
			t.Errorf("%d accounts after the mutation, want 1", n)
		}
	})
}
