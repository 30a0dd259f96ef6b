package apitest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/httpedge/oidctest"
)

// TestDevIssuer: the README's test issuer signs in the user whose address it
// is asked for, as the server's company sign-in expects, and its tokens for
// an unknown address or another audience are refused.
func TestDevIssuer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	iss, err := oidctest.New("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	idp := httptest.NewUnstartedServer(iss.Handler())
	idp.Listener.Close()
	idp.Listener = ln
	idp.Start()
	defer idp.Close()
	o, err := httpedge.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: iss.URL, Audience: "accountplan-ui"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{OIDC: o})
	ada := newUser(t, e, "ada")
	e.client.User.UpdateOneID(ada).SetRole(user.RoleADMIN).ExecX(context.Background())
	token := func(query string) string {
		resp, err := http.Get(idp.URL + "/token?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(b))
	}
	if status, body := e.rawDo(token("email=ada@example.com"), `{ me { email role } }`); status != http.StatusOK || string(body) != `{"data":{"me":{"email":"ada@example.com","role":"ADMIN"}}}` {
		t.Errorf("ada's token: %d %s", status, body)
	}
	for _, q := range []string{"email=nobody@example.com", "email=ada@example.com&aud=another-app", "email=ada@example.com&ttl=-2h"} {
		if status, body := e.rawDo(token(q), `{ me { email } }`); status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
}
