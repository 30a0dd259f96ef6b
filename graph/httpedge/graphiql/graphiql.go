// Package graphiql serves the GraphiQL IDE from assets embedded in the binary,
// so it works on machines without internet access (gqlgen's playground loads
// its scripts from a CDN and stays blank offline).
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// The vendored files come from npm; assets/README.md says how to refresh them.
// README.md itself is left out: it is for people reading the source.
//
//go:embed index.html init.js assets/*.js assets/*.css assets/LICENSE.*
var files embed.FS

var page = template.Must(template.ParseFS(files, "index.html"))

// assetPrefix is where the page's scripts, styles and licenses are served.
const assetPrefix = "/graphiql/"

// csp keeps the page to its own origin. GraphiQL needs more than
// default-src 'self' in two places:
//   - style-src 'unsafe-inline': its dialogs (through react-remove-scroll)
//     insert <style> elements whose text is computed at run time, so no hash
//     can allow them; without it the settings dialog is blocked;
//   - font-src and img-src data: its stylesheet inlines its fonts and a few
//     images as data: URLs (and the page's empty icon is data: too).
//
// Scripts stay strictly 'self': the init code is a file, not inline, and the
// bundle uses neither eval nor new Function.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
	// URL is where the page refers to it: relative, so the page also works
	// behind a proxy that mounts the API under a path prefix, with the content
	// hash in the query so a new version is never taken from a stale cache.
	URL string
	// SRI is the Subresource Integrity value: the browser refuses the file
	// if its bytes differ from the ones embedded here.
	SRI string
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	version := hex.EncodeToString(sum[:8])
	sri := sha512.Sum384(body)
	return &asset{
		body:        body,
		contentType: contentType(name),
		etag:        `"` + version + `"`,
		URL:         strings.TrimPrefix(assetPrefix, "/") + name + "?v=" + version,
		SRI:         "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	return "text/plain; charset=utf-8" // the LICENSE files
}

// Handler serves GraphiQL at / for the GraphQL endpoint at the given path, its
// assets under /graphiql/, and 404 for every other path, since it is mounted
// at the root of the mux and receives everything nothing else matched.
func Handler(endpoint string) http.Handler {
	assets := map[string]*asset{}
	add := func(name string) {
		body, err := files.ReadFile(name)
		if err != nil {
			panic(err) // cannot happen: the names come from the embedded files
		}
		assets[path.Base(name)] = newAsset(path.Base(name), body)
	}
	add("init.js")
	vendored, _ := fs.Glob(files, "assets/*")
	for _, name := range vendored {
		add(name)
	}

	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]any{
		"Endpoint": endpoint,
		"CSS":      assets["graphiql.min.css"],
		"Scripts": []*asset{
			// GraphiQL's UMD build reads window.React and window.ReactDOM
			// and defines window.GraphiQL, which init.js renders.
			assets["react.production.min.js"],
			assets["react-dom.production.min.js"],
			assets["graphiql.min.js"],
			assets["init.js"],
		},
	})
	if err != nil {
		panic(err) // cannot happen: the template and its data are fixed
	}
	index := newAsset("index.html", buf.Bytes())

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, cache := index, "no-cache" // the page names the current asset versions: revalidate it every time
		if r.URL.Path != "/" {
			a, cache = assets[strings.TrimPrefix(r.URL.Path, assetPrefix)], "public, max-age=86400"
			if a == nil || !strings.HasPrefix(r.URL.Path, assetPrefix) {
				http.NotFound(w, r)
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if a == index {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Referrer-Policy", "no-referrer")
		}
		w.Header().Set("Cache-Control", cache)
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("ETag", a.etag)
		// ServeContent answers HEAD, If-None-Match and Range requests.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
}
