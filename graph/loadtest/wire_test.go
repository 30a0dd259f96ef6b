package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWire sends through a wire to net/http servers that answer the ways a
// GraphQL server does: with a length, chunked, closing, refusing.
func TestWire(t *testing.T) {
	var conns atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/query", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			r.Header.Get("Authorization") != "Bearer tok" || string(body) != `{"query":"{a}"}` {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"data":{"a":1}}`))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":`))
		w.(http.Flusher).Flush()
		w.Write([]byte(strings.Repeat("x", 5000)))
		w.(http.Flusher).Flush()
		w.Write([]byte(`}`))
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.Write([]byte(`{"data":{}}`))
	})
	mux.HandleFunc("/errors", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"errors":[{"message":"no"}]}`))
	})
	mux.HandleFunc("/refused", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	post := func(path string, times int) (string, error) {
		t.Helper()
		w := newWire(srv.URL+path, "tok", []byte(`{"query":"{a}"}`))
		if w == nil {
			t.Fatalf("no wire for %s", srv.URL+path)
		}
		defer w.close()
		var out []byte
		var err error
		for range times {
			if out, err = w.post(); err != nil {
				break
			}
		}
		return string(out), err
	}
	conns.Store(0)
	if out, err := post("/query", 3); err != nil || out != `{"data":{"a":1}}` {
		t.Errorf("three posts: %q, %v", out, err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("three posts opened %d connections, want one kept alive", n)
	}
	if out, err := post("/chunked", 2); err != nil || out != `{"data":`+strings.Repeat("x", 5000)+`}` {
		t.Errorf("chunked: %.40q…, %v", out, err)
	}
	conns.Store(0)
	if out, err := post("/close", 2); err != nil || out != `{"data":{}}` {
		t.Errorf("Connection: close: %q, %v", out, err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("two posts to a server that closes opened %d connections, want 2", n)
	}
	// A kept connection the server closes while idle is dialled again.
	w := newWire(srv.URL+"/query", "tok", []byte(`{"query":"{a}"}`))
	defer w.close()
	if _, err := w.post(); err != nil {
		t.Fatal(err)
	}
	srv.CloseClientConnections()
	if out, err := w.post(); err != nil || out == nil {
		t.Errorf("after the server closed the kept connection: %q, %v", out, err)
	}
	for _, path := range []string{"/errors", "/refused"} {
		if _, err := post(path, 1); err == nil {
			t.Errorf("%s: no error", path)
		}
	}
	if w := newWire("https://example.com/query", "", nil); w != nil {
		t.Error("a wire for https: the round must use net/http there")
	}
}

// TestReadAnswer reads the forms of a response net/http's server does not write.
func TestReadAnswer(t *testing.T) {
	cases := []struct {
		name, raw, body string
		status          int
		keep, fails     bool
	}{
		{"length", "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", "ok", 200, true, false},
		{"chunk extension and trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n", "abcde", 200, true, false},
		{"to the end", "HTTP/1.0 200 OK\r\n\r\nall of it", "all of it", 200, false, false},
		{"HTTP/1.0 with a length", "HTTP/1.0 500 Oops\r\nContent-Length: 1\r\n\r\nx", "x", 500, false, false},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", "", 0, false, true},
		{"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "", 0, false, true},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", "", 0, false, true},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n", "", 0, false, true},
	}
	for _, c := range cases {
		status, body, keep, err := readAnswer(bufio.NewReader(strings.NewReader(c.raw)))
		if (err != nil) != c.fails {
			t.Errorf("%s: error %v", c.name, err)
			continue
		}
		if !c.fails && (status != c.status || string(body) != c.body || keep != c.keep) {
			t.Errorf("%s: %d %q keep=%v, want %d %q keep=%v", c.name, status, body, keep, c.status, c.body, c.keep)
		}
	}
}
