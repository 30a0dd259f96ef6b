package graphiql

import (
	"crypto/sha512"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPage(t *testing.T) {
	res := get(t, Handler("/query"), http.MethodGet, "/")
	page := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for name, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": csp,
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-cache",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, want := range []string{
		"<title>Account planning API — GraphiQL</title>",
		`data-endpoint="/query"`,
		"react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css", "init.js",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Everything the page loads comes from its own origin.
	if u := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`).FindString(page); u != "" {
		t.Errorf("page points off-origin: %s", u)
	}
	if strings.Contains(page, "<script>") {
		t.Error("page has an inline script, which the CSP would block")
	}

	head := get(t, Handler("/query"), http.MethodHead, "/")
	if head.StatusCode != http.StatusOK || body(t, head) != "" {
		t.Errorf("HEAD: status %d", head.StatusCode)
	}
	if res := get(t, Handler("/query"), http.MethodPost, "/"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", res.StatusCode)
	}
}

// TestSubresourceIntegrity checks that every script and stylesheet in the
// page carries an integrity hash matching the bytes actually served, with the
// right content type, so a browser loads each of them.
func TestSubresourceIntegrity(t *testing.T) {
	h := Handler("/query")
	page := body(t, get(t, h, http.MethodGet, "/"))
	refs := regexp.MustCompile(`<(?:script src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) != 5 {
		t.Fatalf("found %d assets with integrity in the page, want 5:\n%s", len(refs), page)
	}
	for _, ref := range refs {
		url, integrity := "/"+html.UnescapeString(ref[1]), html.UnescapeString(ref[2])
		res := get(t, h, http.MethodGet, url)
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", url, res.StatusCode)
			continue
		}
		sum := sha512.Sum384([]byte(b))
		if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); integrity != want {
			t.Errorf("%s: integrity %s, served bytes hash to %s", url, integrity, want)
		}
		want := "text/javascript; charset=utf-8"
		if strings.Contains(url, ".css") {
			want = "text/css; charset=utf-8"
		}
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", url, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=86400" {
			t.Errorf("%s: Cache-Control %q", url, got)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", url, got)
		}
	}
}

func TestLicenses(t *testing.T) {
	for _, name := range []string{"LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"} {
		res := get(t, Handler("/query"), http.MethodGet, "/graphiql/"+name)
		if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "MIT License") {
			t.Errorf("%s: status %d, body %.40q", name, res.StatusCode, b)
		}
		if got := res.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, got)
		}
	}
}

func TestNotFound(t *testing.T) {
	for _, target := range []string{
		"/favicon.ico", "/index.html", "/graphiql", "/graphiql/", "/graphiql/nope.js",
		"/init.js", "/graphiql/../init.js", "/graphiql/README.md", "/assets/graphiql.min.js",
	} {
		if res := get(t, Handler("/query"), http.MethodGet, target); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
		}
	}
}

func TestConditionalGet(t *testing.T) {
	h := Handler("/query")
	res := get(t, h, http.MethodGet, "/graphiql/graphiql.min.js")
	req := httptest.NewRequest(http.MethodGet, "/graphiql/graphiql.min.js", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}
}
