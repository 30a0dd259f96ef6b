// Command devissuer serves a test OpenID Connect issuer on loopback (package
// oidctest), to try company sign-in without an identity provider:
//
//	go run ./graph/httpedge/oidctest/devissuer -addr 127.0.0.1:8081
//	curl 'http://127.0.0.1:8081/token?email=ada@example.com'
package main

import (
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/accountplan/accountplan/graph/httpedge/oidctest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address: loopback only, for it signs a token for anyone who asks")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		slog.Error("devissuer listens on a loopback address only, such as 127.0.0.1:8081", "addr", *addr)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		slog.Error("could not start", "error", err)
		os.Exit(1)
	}
	iss, err := oidctest.New("http://" + ln.Addr().String())
	if err != nil {
		slog.Error("could not start", "error", err)
		os.Exit(1)
	}
	slog.Info("test issuer: start the server with -oidc-issuer "+iss.URL+" -oidc-audience accountplan-ui, and get a token from "+iss.URL+"/token?email=you@example.com", "issuer", iss.URL)
	srv := &http.Server{Handler: iss.Handler(), ReadHeaderTimeout: 5 * time.Second}
	if err := srv.Serve(ln); err != nil {
		slog.Error("stopped", "error", err)
		os.Exit(1)
	}
}
