package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// wait bounds how long a test waits for an event; events come far sooner
// (the browser test measures it), this only keeps a broken test from hanging.
const wait = 10 * time.Second

// sseEvent is one Server-Sent Event of a stream.
type sseEvent struct {
	Event, ID string
	Data      map[string]any
}

// sseStream is an open event stream, read by a goroutine as it arrives.
type sseStream struct {
	t      *testing.T
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// subscribe posts a subscription asking for an event stream.
func (e *env) subscribe(query string, vars map[string]any, header ...string) (*sseStream, *http.Response) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		e.t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		defer resp.Body.Close()
		return nil, resp
	}
	s := &sseStream{t: e.t, resp: resp, events: make(chan sseEvent, 100), cancel: cancel}
	e.t.Cleanup(s.close)
	go s.read()
	return s, resp
}

func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Event != "" {
				s.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "event: "):
			ev.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
		}
	}
}

func (s *sseStream) close() {
	s.cancel()
	_ = s.resp.Body.Close()
}

// next is the stream's next event; the test fails when none comes.
func (s *sseStream) next() sseEvent {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(wait):
		s.t.Fatal("no event arrived")
	}
	return sseEvent{}
}

// quiet checks that no event is waiting.
func (s *sseStream) quiet() {
	s.t.Helper()
	select {
	case ev := <-s.events:
		s.t.Fatalf("unexpected event %+v", ev)
	case <-time.After(300 * time.Millisecond):
	}
}

const accountChanged = `subscription($id: ID!, $after: Cursor) {
  accountChanged(accountID: $id, after: $after) { cursor node { operation subjectType subjectID fields { field new } } }
}`

// otherServer is a second server on the same database, as behind a load
// balancer: its changes reach this server's streams only through the history.
func otherServer(t *testing.T, e *env) *env {
	srv := httptest.NewServer(httpedge.NewHandler(e.driver, testSettings()))
	t.Cleanup(srv.Close)
	other := *e
	other.url = srv.URL + "/query"
	return &other
}

func TestAccountChangedStream(t *testing.T) {
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		other := otherServer(t, e)
		s, _ := e.subscribe(accountChanged, map[string]any{"id": p.account})
		s.quiet() // nothing before the stream began

		// A change through the other server arrives by reading the history.
		other.must(`mutation($id: ID!) { updateAccount(id: $id, input: {name: "Acme Holdings"}) { id } }`, map[string]any{"id": p.account})
		first := s.next()
		node := get(first.Data, "data", "accountChanged", "node")
		if first.Event != "next" || get(node, "operation") != "UPDATE" || get(node, "subjectType") != "Account" || get(node, "fields", 0, "new") != "Acme Holdings" {
			t.Fatalf("first event: %+v", first)
		}
		if first.ID == "" || first.ID != get(first.Data, "data", "accountChanged", "cursor") {
			t.Fatalf("the event's id %q is not its cursor", first.ID)
		}

		// A change through this server arrives too; one to another account does not.
		e.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {title: "CTO"}) { id } }`, map[string]any{"id": p.manager})
		e.must(`mutation { createAccount(input: {name: "Globex"}) { id } }`, nil)
		second := s.next()
		if get(second.Data, "data", "accountChanged", "node", "subjectID") != p.manager {
			t.Fatalf("second event: %+v", second)
		}
		s.quiet()

		// Resuming after the first event's cursor sends the second again at once,
		// whether the cursor comes as after or as Last-Event-ID.
		resumed, _ := e.subscribe(accountChanged, map[string]any{"id": p.account, "after": first.ID})
		if got := resumed.next(); got.ID != second.ID {
			t.Fatalf("resumed with after: %+v, want the event %s", got, second.ID)
		}
		resumed.quiet()
		byHeader, _ := e.subscribe(accountChanged, map[string]any{"id": p.account}, "Last-Event-ID", first.ID)
		if got := byHeader.next(); got.ID != second.ID {
			t.Fatalf("resumed with Last-Event-ID: %+v, want the event %s", got, second.ID)
		}
	})
}

func TestOrgMapChangedStream(t *testing.T) {
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		const q = `subscription($id: ID!, $since: Int) { orgMapChanged(accountID: $id, sinceVersion: $since) { version health { grade } nodes { id } } }`
		s, _ := e.subscribe(q, map[string]any{"id": p.account})
		first := s.next()
		version := get(first.Data, "data", "orgMapChanged", "version")
		if version == nil || get(first.Data, "data", "orgMapChanged", "health", "grade") == nil {
			t.Fatalf("the map at once: %+v", first)
		}
		otherServer(t, e).must(`mutation($acc: ID!) { createStakeholder(input: {name: "Kim Lee", accountID: $acc}) { id } }`, map[string]any{"acc": p.account})
		second := s.next()
		if v := get(second.Data, "data", "orgMapChanged", "version"); v.(float64) <= version.(float64) || len(get(second.Data, "data", "orgMapChanged", "nodes").([]any)) != 3 {
			t.Fatalf("after a new stakeholder: %+v (was version %v)", second, version)
		}
		// A client holding the current version waits for the next one.
		current, _ := e.subscribe(q, map[string]any{"id": p.account, "since": get(second.Data, "data", "orgMapChanged", "version")})
		current.quiet()
	})
}

func TestStreamRefusals(t *testing.T) {
	settings := testSettings()
	settings.Open = false
	settings.Limits.MaxStreamsPerClient = new(2)
	eachDatabaseWith(t, settings, func(t *testing.T, e *env) {
		p := newParents(t, e)
		admin := e.as(newToken(t, e, intID(t, p.user), user.RoleADMIN, false))
		vars := map[string]any{"id": p.account}

		if _, resp := e.subscribe(accountChanged, vars); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("without a token: HTTP %d, want 401", resp.StatusCode)
		}
		// An ID that names no account the viewer can see: NOT_FOUND, then the end.
		s, _ := admin.subscribe(accountChanged, map[string]any{"id": p.stakeholder})
		refused := s.next()
		if code := get(refused.Data, "errors", 0, "extensions", "code"); code != "NOT_FOUND" || refused.ID != "" {
			t.Errorf("another type's ID: %+v", refused)
		}
		if end := s.next(); end.Event != "complete" {
			t.Errorf("after the error: %+v", end)
		}
		// Queries and mutations keep their plain JSON answers.
		if _, resp := admin.subscribe(`{ __typename }`, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a query as a stream: HTTP %d, want 400", resp.StatusCode)
		}

		// Two streams per client here; the third is refused until one closes.
		one, _ := admin.subscribe(accountChanged, vars)
		admin.subscribe(accountChanged, vars)
		if _, resp := admin.subscribe(accountChanged, vars); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a third stream: HTTP %d, want 429 with Retry-After", resp.StatusCode)
		}
		if r := admin.do(`{ __typename }`, nil); r.Status != http.StatusOK {
			t.Errorf("streams hold no request share: HTTP %d", r.Status)
		}
		one.close()
		deadline := time.Now().Add(wait)
		for {
			again, resp := admin.subscribe(accountChanged, vars)
			if again != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no stream after one closed: HTTP %d", resp.StatusCode)
			}
			time.Sleep(20 * time.Millisecond) // the server notices the closed stream on its next read
		}
	})
}

func TestStreamsEndOnShutdown(t *testing.T) {
	stop := make(chan struct{})
	settings := testSettings()
	settings.StopStreams = stop
	e := newEnv(t, sqliteDatabase(t), settings)
	p := newParents(t, e)
	s, _ := e.subscribe(accountChanged, map[string]any{"id": p.account})
	s.quiet()
	close(stop)
	if end := s.next(); end.Event != "complete" {
		t.Fatalf("on shutdown: %+v, want the complete event", end)
	}
	if _, open := <-s.events; open {
		t.Fatal("the stream stayed open after the server began shutting down")
	}
}

// TestLocalChangeWakesStreams: a change through this server reaches its
// streams without waiting for the next reading of the history (here an hour
// away), which only changes made through other servers need.
func TestLocalChangeWakesStreams(t *testing.T) {
	settings := testSettings()
	settings.GraphQL.LivePoll = time.Hour
	eachDatabaseWith(t, settings, func(t *testing.T, e *env) {
		p := newParents(t, e)
		s, _ := e.subscribe(accountChanged, map[string]any{"id": p.account})
		s.quiet()
		otherServer(t, e).must(`mutation($id: ID!) { updateAccount(id: $id, input: {name: "Acme Holdings"}) { id } }`, map[string]any{"id": p.account})
		s.quiet() // another server's change waits for the next reading
		e.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {title: "CTO"}) { id } }`, map[string]any{"id": p.manager})
		// The wake-up reads both: the history, not the mutation, is the source.
		if first, second := s.next(), s.next(); get(first.Data, "data", "accountChanged", "node", "subjectType") != "Account" ||
			get(second.Data, "data", "accountChanged", "node", "subjectID") != p.manager {
			t.Fatalf("after a local change: %+v then %+v", first, second)
		}
	})
}
