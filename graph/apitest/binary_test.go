package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestBinary builds the real server, starts it as the README says (with the
// demo data, on a SQLite file), runs every GraphQL example of the README
// against it, then sends SIGTERM while a request is in flight: that request
// must still be answered and the process must exit cleanly.
func TestBinary(t *testing.T) {
	bin, dir := buildServer(t)
	cmd := exec.Command(bin, "-demo", "-addr", "127.0.0.1:0")
	cmd.Dir = dir
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := listeningAddress(t, stderr)
	base := "http://" + addr

	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}

	t.Run("README examples", func(t *testing.T) {
		readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllSubmatch(readme, -1)
		if len(blocks) < 6 {
			t.Fatalf("the README has %d GraphQL examples, want at least 6", len(blocks))
		}
		for i, b := range blocks {
			body, _ := json.Marshal(map[string]string{"query": string(b[1])})
			resp, err := http.Post(base+"/query", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) || !bytes.HasPrefix(out, []byte(`{"data":{`)) {
				t.Errorf("README example %d: %d %s", i+1, resp.StatusCode, out)
			}
		}
	})

	// Start a request and send only half of its body, so that it is in flight.
	body := `{"query":"{ accounts(first: 1) { totalCount } }"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server has read the request head: the connection is active
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // shutdown has begun and waits for the request
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"totalCount":12`) {
		t.Fatalf("in-flight request: %d %s", resp.StatusCode, answer)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the server did not exit cleanly: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop after SIGTERM")
	}
}

// server is the server binary, built once for the tests that run it.
var server struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// buildServer builds the server binary once per run and returns its path and
// a fresh directory to run it in, where it keeps its database.
func buildServer(t *testing.T) (bin, dir string) {
	t.Helper()
	server.once.Do(func() {
		server.dir, server.err = os.MkdirTemp("", "accountplan-server-")
		if server.err != nil {
			return
		}
		server.bin = filepath.Join(server.dir, "accountplan")
		// Without DWARF, which only debuggers read, the link takes half the time.
		if out, err := exec.Command("go", "build", "-ldflags=-w", "-o", server.bin, "github.com/accountplan/accountplan").CombinedOutput(); err != nil {
			server.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if server.err != nil {
		t.Fatal(server.err)
	}
	return server.bin, t.TempDir()
}

// removeServer removes the binary that buildServer built, if it did.
func removeServer() {
	if server.dir != "" {
		os.RemoveAll(server.dir)
	}
}

// TestBinarySecureByDefault: without a token the server serves loopback only
// (and says what to do), -create-admin prints the first admin's token, and
// from then on every address works and every request needs a token.
func TestBinarySecureByDefault(t *testing.T) {
	t.Parallel()
	bin, dir := buildServer(t)
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		return cmd
	}
	out, err := run("-addr", "0.0.0.0:0").CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("-create-admin")) {
		t.Fatalf("serving every address without a token: err %v, output %s", err, out)
	}
	out, err = run("-create-admin", "ada@example.com").Output()
	token := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(token, "ap_") {
		t.Fatalf("-create-admin: err %v, output %q", err, out)
	}

	cmd := run("-addr", "0.0.0.0:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	_, port, _ := net.SplitHostPort(listeningAddress(t, stderr))
	ask := func(header string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+port+"/query", strings.NewReader(`{"query":"{ me { email role } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := ask(""); status != http.StatusUnauthorized || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Errorf("no token: %d %s", status, body)
	}
	if status, body := ask("Bearer " + token); status != http.StatusOK || body != `{"data":{"me":{"email":"ada@example.com","role":"ADMIN"}}}` {
		t.Errorf("the admin's token: %d %s", status, body)
	}
}

// TestBinaryRefusesBadSettings: every environment variable that does not
// parse stops the server before it opens the database, naming the variable.
func TestBinaryRefusesBadSettings(t *testing.T) {
	t.Parallel()
	bin, dir := buildServer(t)
	for _, bad := range []string{"DEMO=maybe", "INTROSPECTION=on", "GRAPHIQL=yes", "MAX_COST=lots", "RATE_LIMIT=fast", "REQUEST_TIMEOUT=15", "MAP_CACHE_MB=1.5", "MAX_BODY_BYTES=1MB"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a server that accepted it would serve on
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), bad)
		out, err := cmd.CombinedOutput()
		name, _, _ := strings.Cut(bad, "=")
		if err == nil || !strings.Contains(string(out), name) {
			t.Errorf("%s: err %v, output %s", bad, err, out)
		}
		if _, err := os.Stat(filepath.Join(cmd.Dir, "accountplan.db")); err == nil {
			t.Errorf("%s: the server opened its database before refusing", bad)
		}
	}
}

// TestBinaryStartUpErrors: a server that cannot start says why, naming the
// address, path or setting and the cause, says "could not start" rather than
// "stopped", and touches no database it was not given.
func TestBinaryStartUpErrors(t *testing.T) {
	t.Parallel()
	bin, dir := buildServer(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-addr", taken.Addr().String(), "-db", filepath.Join(empty, "new.db")}, []string{taken.Addr().String(), "address already in use"}},
		{[]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(empty, "no", "such", "dir", "plans.db")}, []string{filepath.Join(empty, "no", "such", "dir"), "does not exist"}},
		{[]string{"-addr", "127.0.0.1:0", "-db", "mysql://root@127.0.0.1/test"}, []string{"mysql:// databases are not supported"}},
		{[]string{"-addr", "127.0.0.1:0", "-db", empty}, []string{empty, "is a directory"}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, c.args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err == nil || !bytes.Contains(out, []byte("could not start")) || bytes.Contains(out, []byte("server stopped")) {
			t.Errorf("%v: err %v, output %s", c.args, err, out)
		}
		for _, w := range c.want {
			if !bytes.Contains(out, []byte(w)) {
				t.Errorf("%v: the output does not say %q: %s", c.args, w, out)
			}
		}
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("a server that could not start left files behind: %v", entries)
	}
}

// listeningAddress reads the server's log until it says where it listens.
func listeningAddress(t *testing.T, log io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving GraphiQL at http://([^/]+)/`)
		sc := bufio.NewScanner(log)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, log)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case addr := <-found:
		return addr
	case <-ctx.Done():
		t.Fatal("the server did not start listening")
		return ""
	}
}

// TestBinaryKeepsMonitorAwake: the server starts itself again, in the same
// process, with GODEBUG asking for the scheduler trace that keeps the
// runtime's monitor thread awake (procs.KeepMonitorAwake), keeping what
// GODEBUG set; it then serves and stops on SIGTERM as ever, on either
// database. With -sysmon-awake=false it does not.
func TestBinaryKeepsMonitorAwake(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the server starts itself again on Linux only")
	}
	t.Parallel()
	bin, dir := buildServer(t)
	pg := storetest.PostgresDatabase(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-db", pg}, "GODEBUG=madvdontneed=1,schedtrace=2147483647"},
		{[]string{"-db", pg, "-sysmon-awake=false"}, "GODEBUG=madvdontneed=1"},
		{[]string{"-db", filepath.Join(t.TempDir(), "plans.db")}, "GODEBUG=madvdontneed=1,schedtrace=2147483647"},
	} {
		cmd := exec.Command(bin, append(c.args, "-addr", "127.0.0.1:0")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GODEBUG=madvdontneed=1")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		addr := listeningAddress(t, stderr)
		environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if got := godebugOf(environ); got != c.want {
			t.Errorf("%v: the serving process has %q, want %q", c.args, got, c.want)
		}
		if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%v: /readyz: %v %v", c.args, resp, err)
		} else {
			resp.Body.Close()
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v: the server did not exit cleanly: %v", c.args, err)
		}
	}
}

// godebugOf is the GODEBUG entry of a process's environment as /proc gives it.
func godebugOf(environ []byte) string {
	for kv := range bytes.SplitSeq(environ, []byte{0}) {
		if bytes.HasPrefix(kv, []byte("GODEBUG=")) {
			return string(kv)
		}
	}
	return ""
}
