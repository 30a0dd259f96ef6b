package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// audience is the client ID the test issuer's tokens are for.
const audience = "accountplan-ui"

// rsaKeys are made once: generating RSA keys is slow on a shared machine.
var rsaKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 3)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// issuer is an OpenID Connect issuer on loopback: a discovery document and
// a key set, whose signing key a test can rotate.
type issuer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	key     jose.JSONWebKey // signs the tokens; its public half is the only key served
	fetches atomic.Int64    // requests for the key set
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	iss := &issuer{key: jose.JSONWebKey{Key: rsaKeys()[0], KeyID: "k1", Algorithm: "RS256", Use: "sig"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.srv.URL, "jwks_uri": iss.srv.URL + "/keys",
			"authorization_endpoint": iss.srv.URL + "/auth", "token_endpoint": iss.srv.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		iss.fetches.Add(1)
		iss.mu.Lock()
		defer iss.mu.Unlock()
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{iss.key.Public()}})
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

// rotate switches to another key with another kid, and serves only it.
func (iss *issuer) rotate() {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.key = jose.JSONWebKey{Key: rsaKeys()[1], KeyID: "k2", Algorithm: "RS256", Use: "sig"}
}

// claims are a valid token's claims for email, to be changed by a test.
func (iss *issuer) claims(email string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": iss.srv.URL, "aud": audience, "sub": "sub-" + email, "email": email, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
}

// sign signs claims with the issuer's current key.
func (iss *issuer) sign(t *testing.T, claims map[string]any) string {
	iss.mu.Lock()
	key := iss.key
	iss.mu.Unlock()
	return signWith(t, key, claims)
}

func signWith(t *testing.T, key jose.JSONWebKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

// eachDatabaseOIDC runs the test on both databases, each with its own issuer
// and a server that signs its JWTs in as cfg says.
func eachDatabaseOIDC(t *testing.T, open bool, cfg auth.OIDCConfig, test func(t *testing.T, e *env, iss *issuer)) {
	for name, database := range map[string]func(*testing.T) string{"sqlite": sqliteDatabase, "postgres": postgresDatabase} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			iss := newIssuer(t)
			cfg := cfg
			cfg.Issuer, cfg.Audience = iss.srv.URL, audience
			o, err := httpedge.NewOIDC(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			test(t, newEnv(t, database(t), httpedge.Settings{Open: open, OIDC: o}), iss)
		})
	}
}

// rawDo posts a query with a bearer token and returns the status and body as sent.
func (e *env) rawDo(token, query string) (int, []byte) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// A JWT from the issuer signs its user in with their role, beside API tokens,
// in no more SQL than a token; every bad JWT gets the same 401, byte for byte.
func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	eachDatabaseOIDC(t, false, auth.OIDCConfig{}, func(t *testing.T, e *env, iss *issuer) {
		ctx := context.Background()
		ada := newUser(t, e, "ada")
		e.client.User.UpdateOneID(ada).SetRole(user.RoleEDITOR).ExecX(ctx)
		gone := newUser(t, e, "gone")
		bobToken := newToken(t, e, newUser(t, e, "bob"), user.RoleVIEWER, false)
		goneToken := newToken(t, e, gone, user.RoleEDITOR, false)
		e.client.User.UpdateOneID(gone).SetDeactivatedAt(time.Now()).ExecX(ctx)

		asAda := e.as(iss.sign(t, iss.claims("ADA@example.com")))
		if got := get(asAda.must(`{ me { name role } }`, nil), "me"); !sameJSON(got, map[string]any{"name": "ada", "role": "EDITOR"}) {
			t.Errorf("me with a JWT = %v, want ada as EDITOR", got)
		}
		// A JWT is not read-only: its user may change their own profile.
		asAda.must(`mutation($id: ID!) { updateUser(id: $id, input: {title: "AE"}) { id } }`, map[string]any{"id": gid(ada)})
		// API tokens work beside JWTs on the same server.
		asBob := e.as(bobToken)
		if got := get(asBob.must(`{ me { name } }`, nil), "me", "name"); got != "bob" {
			t.Errorf("me with an API token = %v, want bob", got)
		}
		// Signing in takes one lookup of the user, and no write when nothing changes.
		query := func(as *env) func() { return func() { as.must(`{ __typename }`, nil) } }
		if jwt, token := e.count(query(asAda)), e.count(query(asBob)); jwt != 1 || jwt > token {
			t.Errorf("signing in with a JWT ran %d statements, with an API token %d: want 1, and no more than a token", jwt, token)
		}

		// Within the clock skew both ways, a token still signs in.
		lenient := iss.claims("ada@example.com")
		lenient["exp"] = time.Now().Add(-auth.ClockSkew / 2).Unix()
		lenient["nbf"] = time.Now().Add(auth.ClockSkew / 2).Unix()
		if status, body := e.rawDo(iss.sign(t, lenient), `{ me { id } }`); status != http.StatusOK {
			t.Errorf("a token within the clock skew: %d %s", status, body)
		}

		bad := map[string]string{}
		with := func(name string, change func(c map[string]any)) {
			c := iss.claims("ada@example.com")
			change(c)
			bad[name] = iss.sign(t, c)
		}
		with("expired", func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() })
		with("without exp", func(c map[string]any) { delete(c, "exp") })
		with("not yet valid beyond the skew", func(c map[string]any) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })
		with("wrong audience", func(c map[string]any) { c["aud"] = "another-app" })
		with("wrong issuer", func(c map[string]any) { c["iss"] = "https://evil.example.com" })
		with("no e-mail claim", func(c map[string]any) { delete(c, "email") })
		with("e-mail not verified", func(c map[string]any) { c["email_verified"] = false })
		with("unknown user, creation off", func(c map[string]any) { c["email"] = "nobody@example.com" })
		with("deactivated user", func(c map[string]any) { c["email"] = "gone@example.com" })
		bad["bad signature"] = signWith(t, jose.JSONWebKey{Key: rsaKeys()[2], KeyID: "k1"}, iss.claims("ada@example.com"))
		bad["unknown kid"] = signWith(t, jose.JSONWebKey{Key: rsaKeys()[2], KeyID: "k9"}, iss.claims("ada@example.com"))
		bad["garbage"] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"

		var first []byte
		for name, token := range bad {
			status, body := e.rawDo(token, `{ me { id } }`)
			var r result
			_ = json.Unmarshal(body, &r)
			if status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
				t.Errorf("%s: %d %s, want 401 UNAUTHENTICATED", name, status, body)
			}
			if first == nil {
				first = body
			} else if !bytes.Equal(body, first) {
				t.Errorf("%s: body %s differs from %s: every bad JWT must get the same answer", name, body, first)
			}
		}
		// A deactivated user's API tokens are refused too.
		if status, body := e.rawDo(goneToken, `{ me { id } }`); status != http.StatusUnauthorized || !bytes.Contains(body, []byte("deactivated")) {
			t.Errorf("a deactivated user's API token: %d %s, want 401", status, body)
		}
	})
}

// Only an admin deactivates a user, through updateUser; users cannot
// deactivate or reactivate themselves.
func TestDeactivateUser(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ada := newUser(t, e, "ada")
		asAda := e.as(newToken(t, e, ada, user.RoleEDITOR, false))
		admin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))
		update := `mutation($id: ID!, $at: Time) { updateUser(id: $id, input: {deactivatedAt: $at}) { deactivatedAt } }`
		if code, _ := asAda.code(update, map[string]any{"id": gid(ada), "at": time.Now().Format(time.RFC3339)}); code != "FORBIDDEN" {
			t.Errorf("a user deactivating themselves: %s, want FORBIDDEN", code)
		}
		admin.must(update, map[string]any{"id": gid(ada), "at": time.Now().Format(time.RFC3339)})
		if r := asAda.do(`{ me { id } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("a deactivated user's token: status %d, want 401", r.Status)
		}
		admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {clearDeactivatedAt: true}) { id } }`, map[string]any{"id": gid(ada)})
		asAda.must(`{ me { id } }`, nil)
	})
}

// When the issuer rotates its key, the new kid is fetched and signs in, and
// the old one no longer does; keys are found by discovery or at a JWKS URL.
func TestOIDCKeyRotation(t *testing.T) {
	t.Parallel()
	for _, jwks := range []bool{false, true} {
		t.Run(map[bool]string{false: "discovery", true: "jwks url"}[jwks], func(t *testing.T) {
			t.Parallel()
			testKeyRotation(t, jwks)
		})
	}
}

// keysEnv is a server on SQLite whose JWTs come from iss, its keys found by
// discovery or at its JWKS URL, fetched again for a new kid after wait; with
// the user ada.
func keysEnv(t *testing.T, iss *issuer, jwks bool, wait time.Duration) *env {
	t.Helper()
	cfg := auth.OIDCConfig{Issuer: iss.srv.URL, Audience: audience, KeyRefetchWait: wait}
	if jwks {
		cfg.JWKSURL = iss.srv.URL + "/keys"
	}
	o, err := httpedge.NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{OIDC: o})
	newUser(t, e, "ada")
	return e
}

func testKeyRotation(t *testing.T, jwks bool) {
	iss := newIssuer(t)
	e := keysEnv(t, iss, jwks, 50*time.Millisecond)
	old := iss.sign(t, iss.claims("ada@example.com"))
	e.as(old).must(`{ me { id } }`, nil)
	e.as(old).must(`{ me { id } }`, nil)
	if n := iss.fetches.Load(); n != 1 {
		t.Errorf("the key set was fetched %d times for two sign-ins with one key, want once", n)
	}
	// go-oidc lets a fetch asked for the moment the previous one ends join
	// it, and so see the old keys; a real rotation never comes that soon.
	time.Sleep(100 * time.Millisecond)
	iss.rotate()
	e.as(iss.sign(t, iss.claims("ada@example.com"))).must(`{ me { id } }`, nil)
	if n := iss.fetches.Load(); n != 2 {
		t.Errorf("the key set was fetched %d times in all, want once more for the new kid", n)
	}
	if status, body := e.rawDo(old, `{ me { id } }`); status != http.StatusUnauthorized {
		t.Errorf("a token signed with the retired key: %d %s, want 401", status, body)
	}
}

// Tokens naming key IDs the issuer does not have are refused without
// fetching its keys for each: once when the keys are first needed, then at
// most once per KeyRefetchWait; the issuer's own tokens still sign in.
func TestOIDCMadeUpKeyIDs(t *testing.T) {
	t.Parallel()
	for _, jwks := range []bool{false, true} {
		t.Run(map[bool]string{false: "discovery", true: "jwks url"}[jwks], func(t *testing.T) {
			t.Parallel()
			iss := newIssuer(t)
			e := keysEnv(t, iss, jwks, time.Hour)
			for i := range 20 {
				forged := jose.JSONWebKey{Key: rsaKeys()[2], KeyID: fmt.Sprintf("made-up-%d", i), Algorithm: "RS256", Use: "sig"}
				if status, body := e.rawDo(signWith(t, forged, iss.claims("ada@example.com")), `{ me { id } }`); status != http.StatusUnauthorized {
					t.Fatalf("a token with a made-up key ID: %d %s, want 401", status, body)
				}
			}
			// The issuer's key, with its kid, and without one (every key held is tried).
			e.as(iss.sign(t, iss.claims("ada@example.com"))).must(`{ me { id } }`, nil)
			noKid := iss.key
			noKid.KeyID = ""
			e.as(signWith(t, noKid, iss.claims("ada@example.com"))).must(`{ me { id } }`, nil)
			if n := iss.fetches.Load(); n != 1 {
				t.Errorf("the key set was fetched %d times for 20 made-up key IDs and 2 sign-ins, want once", n)
			}
		})
	}
}

// With a role mapping the highest matching role wins and follows the claim at
// every sign-in; unknown users are created when the setting says so.
func TestOIDCRoles(t *testing.T) {
	t.Parallel()
	cfg := auth.OIDCConfig{
		RoleClaim: "groups", CreateUsers: true,
		Roles: map[string]viewer.Role{"sales-admins": viewer.RoleAdmin, "sales": viewer.RoleEditor},
	}
	eachDatabaseOIDC(t, false, cfg, func(t *testing.T, e *env, iss *issuer) {
		signIn := func(groups ...string) map[string]any {
			c := iss.claims("cleo@example.com")
			c["name"], c["groups"] = "Cleo Diaz", groups
			me, _ := get(e.as(iss.sign(t, c)).must(`{ me { name email role } }`, nil), "me").(map[string]any)
			return me
		}
		if me := signIn("sales-admins", "sales", "everyone"); !sameJSON(me, map[string]any{"name": "Cleo Diaz", "email": "cleo@example.com", "role": "ADMIN"}) {
			t.Errorf("first sign-in = %v, want Cleo created as ADMIN", me)
		}
		if me := signIn("sales"); me["role"] != "EDITOR" {
			t.Errorf("after leaving sales-admins: role %v, want EDITOR", me["role"])
		}
		if me := signIn("everyone"); me["role"] != "VIEWER" {
			t.Errorf("without a mapped group: role %v, want VIEWER", me["role"])
		}
		if n := e.client.User.Query().Where(user.Email("cleo@example.com")).CountX(context.Background()); n != 1 {
			t.Errorf("%d users for cleo, want 1", n)
		}
	})
}

// Without a mapping, an unknown user is created as VIEWER when the setting
// says so; the open server signs JWTs in as their users, not as an admin.
func TestOIDCCreateUsersWhileOpen(t *testing.T) {
	t.Parallel()
	eachDatabaseOIDC(t, true, auth.OIDCConfig{CreateUsers: true}, func(t *testing.T, e *env, iss *issuer) {
		asDan := e.as(iss.sign(t, iss.claims("dan@example.com")))
		if got := get(asDan.must(`{ me { name role } }`, nil), "me"); !sameJSON(got, map[string]any{"name": "dan", "role": "VIEWER"}) {
			t.Errorf("me = %v, want dan created as VIEWER", got)
		}
		if code, _ := asDan.code(`mutation { createProduct(input: {name: "X"}) { id } }`, nil); code != "FORBIDDEN" {
			t.Errorf("a viewer's JWT on an open server creating a product: %s, want FORBIDDEN", code)
		}
	})
}
