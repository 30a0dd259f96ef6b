package apitest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// newToken gives a user a role and a token, written directly.
func newToken(t *testing.T, e *env, userID int, role user.Role, readOnly bool) string {
	t.Helper()
	ctx := context.Background()
	e.client.User.UpdateOneID(userID).SetRole(role).ExecX(ctx)
	created, err := auth.CreateToken(ctx, e.client, auth.TokenInput{Name: "test", ReadOnly: readOnly, UserID: &userID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return created.Secret
}

// newUser writes a user and returns their ent ID.
func newUser(t *testing.T, e *env, name string) int {
	t.Helper()
	return e.client.User.Create().SetName(name).SetEmail(name + "@example.com").SaveX(context.Background()).ID
}

func intID(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRolesForEveryMutationKind tries every create, update and delete
// mutation as each kind of signed-in user: only admins and the editors of
// the account may write, refusals are FORBIDDEN and change nothing, and every
// write that is let through is in the change history.
func TestRolesForEveryMutationKind(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		p := newParents(t, e)
		admin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))
		owner := e.as(newToken(t, e, intID(t, p.user), user.RoleEDITOR, false))
		refused := map[string]*env{
			"viewer":           e.as(newToken(t, e, newUser(t, e, "vic"), user.RoleVIEWER, false)),
			"outside editor":   e.as(newToken(t, e, newUser(t, e, "olga"), user.RoleEDITOR, false)),
			"read-only admin":  e.as(newToken(t, e, newUser(t, e, "rita"), user.RoleADMIN, true)),
			"read-only editor": e.as(newToken(t, e, intID(t, p.user), user.RoleEDITOR, true)),
		}
		for _, c := range crudCases {
			t.Run(c.typ, func(t *testing.T) {
				// Users and the product catalogue are the admins'; everything
				// else belongs to an account, which its owner may change.
				writer, others := owner, refused
				if c.typ == "User" || c.typ == "Product" {
					writer, others = admin, map[string]*env{"account owner": owner}
					for who, r := range refused {
						others[who] = r
					}
				}
				writer = writer.forSubtest(t)
				create := fmt.Sprintf(`mutation($input: Create%[1]sInput!) { create%[1]s(input: $input) { id } }`, c.typ)
				update := fmt.Sprintf(`mutation($id: ID!, $input: Update%[1]sInput!) { update%[1]s(id: $id, input: $input) { id } }`, c.typ)
				del := fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, c.typ)
				input := map[string]any{"input": c.input(p)}
				// Only the record's own changes: a KPI measurement also updates its KPI.
				changes := func() int {
					return e.client.Change.Query().Where(change.SubjectType(c.typ)).CountX(context.Background())
				}
				before := changes()
				for who, r := range others {
					if code, _ := r.forSubtest(t).code(create, input); code != "FORBIDDEN" {
						t.Errorf("%s creating: code %s, want FORBIDDEN", who, code)
					}
				}
				id, _ := get(writer.must(create, input), "create"+c.typ, "id").(string)
				for who, r := range others {
					r = r.forSubtest(t)
					if code, _ := r.code(update, map[string]any{"id": id, "input": c.update}); code != "FORBIDDEN" {
						t.Errorf("%s updating: code %s, want FORBIDDEN", who, code)
					}
					if code, _ := r.code(del, map[string]any{"id": id}); code != "FORBIDDEN" {
						t.Errorf("%s deleting: code %s, want FORBIDDEN", who, code)
					}
				}
				writer.must(update, map[string]any{"id": id, "input": c.update})
				writer.must(del, map[string]any{"id": id})
				if got := changes() - before; got != 3 {
					t.Errorf("%d changes recorded, want 3: the create, the update and the delete", got)
				}
			})
		}
		// The ideal customer profile is the admins' too.
		icp := `mutation { createIcpCriterion(input: {attribute: INDUSTRY, value: "Retail", grade: IDEAL}) { id } }`
		if code, _ := owner.code(icp, nil); code != "FORBIDDEN" {
			t.Errorf("an editor changed the ICP: %s", code)
		}
		admin.must(icp, nil)

		// Moving people in the org map is a change of the account too.
		move := `mutation($s: ID!, $m: ID!) { moveStakeholders(input: {stakeholderIDs: [$s], managerID: $m}) { manager { id } } }`
		vars := map[string]any{"s": p.stakeholder, "m": p.manager}
		for who, r := range refused {
			if code, _ := r.code(move, vars); code != "FORBIDDEN" {
				t.Errorf("%s moving a stakeholder: %s, want FORBIDDEN", who, code)
			}
		}
		owner.must(move, vars)
	})
}

// TestTokens creates, lists and revokes tokens through the API.
func TestTokens(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ada := newUser(t, e, "ada")
		bob := newUser(t, e, "bob")
		asAda := e.as(newToken(t, e, ada, user.RoleEDITOR, false))
		asBob := e.as(newToken(t, e, bob, user.RoleVIEWER, false))
		admin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))

		// No token, a malformed header, an unknown token: 401 before anything runs.
		for name, header := range map[string]string{"none": "", "basic": "Basic YWRhOnB3", "unknown": "Bearer ap_nope"} {
			req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader([]byte(`{"query":"{ me { name } }"}`)))
			req.Header.Set("Content-Type", "application/json")
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			n := e.count(func() {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: status %d, WWW-Authenticate %q; want 401 with a challenge", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
				}
			})
			if name == "none" && n != 0 {
				t.Errorf("a request without a token ran %d statements", n)
			}
		}
		if r := e.do(`{ me { name } }`, nil); r.Status != http.StatusUnauthorized || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("no token: %+v", r)
		}

		if got := get(asAda.must(`{ me { name role } }`, nil), "me"); !sameJSON(got, map[string]any{"name": "ada", "role": "EDITOR"}) {
			t.Errorf("me = %v", got)
		}
		// Signing in reads the token and its user in one statement, once its use this hour is noted.
		if n := asAda.count(func() { asAda.must(`{ __typename }`, nil) }); n != 1 {
			t.Errorf("a signed-in request ran %d statements to sign in, want 1", n)
		}

		// Ada creates a read-only token; the secret works once stored, and
		// only a hash of it is kept.
		created := get(asAda.must(`mutation { createAPIToken(input: {name: "CRM sync", readOnly: true}) {
			secret token { id name prefix readOnly user { name } } } }`, nil), "createAPIToken")
		secret := get(created, "secret").(string)
		tokenID := get(created, "token", "id").(string)
		if prefix := get(created, "token", "prefix").(string); len(secret) < 40 || secret[:len(prefix)] != prefix {
			t.Errorf("secret %q does not start with its prefix %q", secret, prefix)
		}
		stored := e.client.APIToken.GetX(context.Background(), intID(t, tokenID))
		if stored.SecretHash == secret || bytes.Contains([]byte(stored.SecretHash), []byte(secret[3:])) {
			t.Error("the secret is stored as it is")
		}
		readOnly := e.as(secret)
		if got := get(readOnly.must(`{ me { name } }`, nil), "me", "name"); got != "ada" {
			t.Errorf("the new token signs in as %v", got)
		}
		if code, _ := readOnly.code(`mutation { createAPIToken(input: {name: "more"}) { secret } }`, nil); code != "FORBIDDEN" {
			t.Errorf("a read-only token created a token: %s", code)
		}

		// Users see their own tokens; admins see all.
		count := func(e *env) int {
			return totalCount(get(e.must(`{ apiTokens(first: 50) { totalCount } }`, nil), "apiTokens"))
		}
		if a, b, all := count(asAda), count(asBob), count(admin); a != 2 || b != 1 || all != 4 {
			t.Errorf("apiTokens: ada sees %d (want 2), bob %d (want 1), the admin %d (want 4)", a, b, all)
		}
		if code, _ := asBob.code(`mutation($id: ID!) { revokeAPIToken(id: $id) { id } }`, map[string]any{"id": tokenID}); code != "NOT_FOUND" {
			t.Errorf("bob revoking ada's token: %s, want NOT_FOUND", code)
		}
		if code, _ := asBob.code(`mutation($u: ID!) { createAPIToken(input: {name: "x", userID: $u}) { secret } }`, map[string]any{"u": gid(ada)}); code != "FORBIDDEN" {
			t.Errorf("bob creating a token for ada: %s, want FORBIDDEN", code)
		}
		if code, field := asAda.code(`mutation { createAPIToken(input: {name: "x", expiresAt: "2001-01-01T00:00:00Z"}) { secret } }`, nil); code != "BAD_USER_INPUT" || field != "expiresAt" {
			t.Errorf("a token expired on creation: %s %s", code, field)
		}

		// Revoked and expired tokens stop working at once.
		asAda.must(`mutation($id: ID!) { revokeAPIToken(id: $id) { revokedAt } }`, map[string]any{"id": tokenID})
		if r := readOnly.do(`{ me { name } }`, nil); r.Status != http.StatusUnauthorized || r.Errors[0].Message != "the token has been revoked" {
			t.Errorf("revoked token: %+v", r)
		}
		soon := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
		short := get(admin.must(`mutation($u: ID!, $at: Time!) { createAPIToken(input: {name: "short", userID: $u, expiresAt: $at}) { secret } }`,
			map[string]any{"u": gid(bob), "at": soon}), "createAPIToken", "secret").(string)
		e.as(short).must(`{ me { name } }`, nil)
		time.Sleep(time.Until(time.Now().Add(1100 * time.Millisecond)))
		if r := e.as(short).do(`{ me { name } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("expired token: %+v", r)
		}

		// Users edit their own profile, but only an admin changes roles.
		asBob.must(`mutation($id: ID!) { updateUser(id: $id, input: {title: "Analyst"}) { title } }`, map[string]any{"id": gid(bob)})
		if code, _ := asBob.code(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { role } }`, map[string]any{"id": gid(bob)}); code != "FORBIDDEN" {
			t.Errorf("bob made himself admin: %s", code)
		}
		// The address is how sign-in finds a user: taking one not yet used
		// would make -create-admin (or a colleague's first OIDC sign-in) land on bob.
		if code, _ := asBob.code(`mutation($id: ID!) { updateUser(id: $id, input: {email: "boss@example.com"}) { email } }`, map[string]any{"id": gid(bob)}); code != "FORBIDDEN" {
			t.Errorf("bob changed his own e-mail address: %s", code)
		}
		admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {email: "bob.b@example.com"}) { email } }`, map[string]any{"id": gid(bob)})
		if code, _ := asAda.code(`mutation($id: ID!) { updateUser(id: $id, input: {title: "x"}) { title } }`, map[string]any{"id": gid(bob)}); code != "FORBIDDEN" {
			t.Errorf("ada edited bob: %s", code)
		}
		admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { role } }`, map[string]any{"id": gid(bob)})
		if role := e.client.User.GetX(context.Background(), bob).Role; role != user.RoleEDITOR {
			t.Errorf("bob's role = %s after the admin made him an editor", role)
		}
	})
}

// TestOpenServer: on loopback before any token exists, requests act as an admin.
func TestOpenServer(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		if me := e.must(`{ me { name } }`, nil)["me"]; me != nil {
			t.Errorf("me = %v while open, want null", me)
		}
		e.must(`mutation { createProduct(input: {name: "Open Suite"}) { id } }`, nil)
		c := e.client.Change.Query().OnlyX(context.Background())
		if c.SubjectType != "Product" || c.Edges.Actor != nil {
			t.Errorf("change = %+v, want a Product change without actor", c)
		}
	})
}

// TestOpenServerClosesAtTheFirstToken: a server that runs open requires
// sign-in within seconds of the first API token existing, made through the
// API or beside it (-create-admin while the server runs), without a restart.
func TestOpenServerClosesAtTheFirstToken(t *testing.T) {
	t.Parallel()
	for name, database := range map[string]func(*testing.T) string{"sqlite": sqliteDatabase, "postgres": postgresDatabase} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var client *ent.Client // the test's own, as the server's is: not counted in any request
			settings := testSettings()
			settings.TokensExist = func(ctx context.Context) (bool, error) { return auth.HasTokens(ctx, client, time.Now()) }
			e := newEnv(t, database(t), settings)
			client = e.client
			firstTokenClosesTheServer(t, e)
		})
	}
}

// firstTokenClosesTheServer makes the first token through the API and waits for sign-in to be required.
func firstTokenClosesTheServer(t *testing.T, e *env) {
	admin := newUser(t, e, "root")
	r := mustAs[struct {
		CreateAPIToken struct{ Secret string }
	}](e, `mutation($u: ID!) { createAPIToken(input: {name: "first", userID: $u}) { secret } }`, map[string]any{"u": gid(admin)})
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := e.do(`{ __typename }`, nil)
		if res.Status == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still runs open 10 s after the first token: %d %+v", res.Status, res.Errors)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := e.as(r.CreateAPIToken.Secret).must(`{ me { name } }`, nil); get(d, "me", "name") != "root" {
		t.Errorf("the first token signs in as %v, want root", d)
	}
}
