package auth

import (
	"maps"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/schema/viewer"
)

// API tokens and JWTs are told apart by shape alone.
func TestLooksLikeJWT(t *testing.T) {
	for token, want := range map[string]bool{
		"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_": true,
		newSecret(): false,
		"a.b":       false,
		"a..c":      false,
		"a.b.c.d":   false,
		"a.b+.c":    false,
		"a.b.c=":    false,
	} {
		if got := LooksLikeJWT(token); got != want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", token, got, want)
		}
	}
}

func TestParseRoles(t *testing.T) {
	got, err := ParseRoles(" sales-admins=ADMIN, sales=editor ,")
	want := map[string]viewer.Role{"sales-admins": viewer.RoleAdmin, "sales": viewer.RoleEditor}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("ParseRoles = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"sales", "=ADMIN", "sales=OWNER"} {
		if _, err := ParseRoles(bad); err == nil || !strings.Contains(err.Error(), "ADMIN, EDITOR, VIEWER") {
			t.Errorf("ParseRoles(%q): %v, want an error naming the roles", bad, err)
		}
	}
}

// A dotted claim name reads a nested claim, as Keycloak's realm_access.roles.
func TestClaim(t *testing.T) {
	claims := map[string]any{"realm_access": map[string]any{"roles": []any{"sales"}}, "a.b": "flat"}
	if got, _ := claim(claims, "realm_access.roles").([]any); len(got) != 1 || got[0] != "sales" {
		t.Errorf("realm_access.roles = %v", got)
	}
	if got := claim(claims, "a.b"); got != "flat" {
		t.Errorf("a.b = %v, want the claim named with the dot", got)
	}
	if got := claim(claims, "realm_access.missing.x"); got != nil {
		t.Errorf("a missing nested claim = %v", got)
	}
}

// A half-configured issuer stops the server before it serves.
func TestNewOIDCRefusesHalfConfigurations(t *testing.T) {
	for _, cfg := range []OIDCConfig{
		{Audience: "x"},
		{Issuer: "https://id.example.com"},
		{Issuer: "https://id.example.com", Audience: "x", RoleClaim: "groups"},
		{Issuer: "https://id.example.com", Audience: "x", Roles: map[string]viewer.Role{"a": viewer.RoleAdmin}},
	} {
		if err := cfg.Check(); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
