package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBinaryKillLosesNoAcknowledgedEvent: the server is killed (SIGKILL)
// while clients write; after a restart the receiver gets the webhook of
// every write the server acknowledged, on either database.
func TestBinaryKillLosesNoAcknowledgedEvent(t *testing.T) {
	t.Parallel()
	bin, dir := buildServer(t)
	for name, database := range map[string]func(*testing.T) string{
		"sqlite":   func(*testing.T) string { return filepath.Join(t.TempDir(), "kill.db") },
		"postgres": postgresDatabase,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			killUnderWrites(t, bin, dir, database(t))
		})
	}
}

// killUnderWrites runs the server on db, kills it under four writers, and
// waits for the webhook of every acknowledged write after a restart.
func killUnderWrites(t *testing.T, bin, dir, db string) {
	var mu sync.Mutex
	received := map[string]bool{}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Data struct {
				Fields []struct {
					Field string
					New   json.RawMessage
				}
			}
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		for _, f := range body.Data.Fields {
			if f.Field == "title" {
				var title string
				_ = json.Unmarshal(f.New, &title)
				received[title] = true
			}
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	start := func() (*exec.Cmd, string) {
		cmd := exec.Command(bin, "-demo", "-addr", "127.0.0.1:0", "-db", db, "-webhooks-allow-private", "-rate-limit", "0")
		cmd.Dir = dir
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, "http://" + listeningAddress(t, stderr) + "/query"
	}
	post := func(url, query string, vars map[string]any) (map[string]any, bool) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, false
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		var r struct {
			Data   map[string]any
			Errors []any
		}
		return r.Data, json.Unmarshal(out, &r) == nil && resp.StatusCode == http.StatusOK && len(r.Errors) == 0 && r.Data != nil
	}

	cmd, url := start()
	defer func() { _ = cmd.Process.Kill() }()
	if _, ok := post(url, `mutation($u: String!) { createWebhookEndpoint(input: {url: $u, eventTypes: ["stakeholder.updated"]}) { secret } }`, map[string]any{"u": receiver.URL}); !ok {
		t.Fatal("could not create the endpoint")
	}
	data, ok := post(url, `{ stakeholders(first: 4) { edges { node { id } } } }`, nil)
	if !ok {
		t.Fatal("could not read stakeholders")
	}
	var acknowledged sync.Map
	var writers sync.WaitGroup
	for w, edge := range data["stakeholders"].(map[string]any)["edges"].([]any) {
		id := edge.(map[string]any)["node"].(map[string]any)["id"]
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				title := fmt.Sprintf("w%d-%d", w, i)
				if _, ok := post(url, `mutation($id: ID!, $t: String!) { updateStakeholder(id: $id, input: {title: $t}) { id } }`, map[string]any{"id": id, "t": title}); !ok {
					return // the server is gone
				}
				acknowledged.Store(title, true)
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	writers.Wait()

	cmd, _ = start()
	var missing []string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		missing = missing[:0]
		mu.Lock()
		acknowledged.Range(func(k, _ any) bool {
			if !received[k.(string)] {
				missing = append(missing, k.(string))
			}
			return true
		})
		mu.Unlock()
		if len(missing) == 0 {
			break
		}
	}
	n := 0
	acknowledged.Range(func(any, any) bool { n++; return true })
	if n == 0 || len(missing) > 0 {
		t.Errorf("%d writes acknowledged; no webhook for %d of them after the restart: %v", n, len(missing), missing)
	}
	t.Logf("%d writes acknowledged before SIGKILL, every one delivered", n)
}
