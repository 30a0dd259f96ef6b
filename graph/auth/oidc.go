package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/user"
)

// ClockSkew is how far the server's clock and the issuer's may disagree: a
// token is accepted up to this long after its exp and before its nbf.
const ClockSkew = time.Minute

// invalidJWT is the one answer to every JWT that does not sign in, so that a
// client cannot probe which check failed; the reason is logged instead.
const invalidJWT = "the token is not valid"

// OIDCConfig configures sign-in with JWTs from an OpenID Connect issuer.
type OIDCConfig struct {
	// Issuer is the issuer URL, exactly as the tokens' iss claim has it.
	Issuer string
	// JWKSURL, when set, is where the issuer's keys are, for issuers without
	// discovery; otherwise they are found at Issuer/.well-known/openid-configuration.
	JWKSURL string
	// Audience is the client ID the tokens must be issued for (their aud claim).
	Audience string
	// EmailClaim names the claim with the user's e-mail address; "" means
	// "email". A dotted name reads a nested claim.
	EmailClaim string
	// AllowUnverifiedEmail accepts tokens whose email_verified claim is false;
	// by default it must be true when present.
	AllowUnverifiedEmail bool
	// RoleClaim names the claim (a string or a list of strings, dotted for a
	// nested claim) that Roles maps to roles.
	RoleClaim string
	// Roles maps values of RoleClaim to roles. When set, a user's role follows
	// it at every sign-in: the highest role matched, VIEWER when none is.
	Roles map[string]viewer.Role
	// CreateUsers creates the user of a valid token that names an e-mail
	// address no user has, with the role Roles gives (VIEWER without it);
	// otherwise such a token is refused.
	CreateUsers bool
	// KeyRefetchWait is how long after fetching the issuer's keys a token
	// naming a key ID they do not hold is refused rather than fetching them
	// again; 0 means DefaultKeyRefetchWait.
	KeyRefetchWait time.Duration
}

// DefaultKeyRefetchWait bounds the fetches of the issuer's keys that tokens
// with made-up key IDs can cause, while a rotated key is fetched within seconds.
const DefaultKeyRefetchWait = 5 * time.Second

// Check refuses a configuration that cannot sign anyone in as meant.
func (cfg OIDCConfig) Check() error {
	switch {
	case cfg.Issuer == "":
		return errors.New("company sign-in: set the issuer URL")
	case cfg.Audience == "":
		return errors.New("company sign-in: set the audience, the client ID the issuer puts in the tokens' aud claim")
	case (cfg.RoleClaim == "") != (len(cfg.Roles) == 0):
		return errors.New("company sign-in: set both the role claim and the roles it maps, or neither")
	}
	return nil
}

// Verify checks a JWT's signature against the issuer's keys, its issuer and
// its audience, and returns its claims; exp and nbf are left to the caller.
type Verify func(ctx context.Context, raw string) (claims map[string]any, err error)

// OIDC signs requests in with JWTs from one OpenID Connect issuer, which
// verify checks (httpedge.NewOIDC makes one with the issuer's keys).
type OIDC struct {
	cfg    OIDCConfig
	verify Verify
}

// NewOIDC signs in the JWTs verify accepts as cfg says.
func NewOIDC(cfg OIDCConfig, verify Verify) (*OIDC, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.EmailClaim == "" {
		cfg.EmailClaim = "email"
	}
	return &OIDC{cfg: cfg, verify: verify}, nil
}

// ParseRoles reads a role mapping written as "group=ROLE,group=ROLE".
func ParseRoles(s string) (map[string]viewer.Role, error) {
	roles := map[string]viewer.Role{}
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		value, role, ok := strings.Cut(pair, "=")
		value, role = strings.TrimSpace(value), strings.ToUpper(strings.TrimSpace(role))
		if !ok || value == "" || rank(viewer.Role(role)) == 0 {
			return nil, fmt.Errorf("role mapping %q: write it as claim-value=ROLE, the role one of ADMIN, EDITOR, VIEWER", pair)
		}
		roles[value] = viewer.Role(role)
	}
	return roles, nil
}

// rank orders the roles; 0 is not a role.
func rank(r viewer.Role) int {
	switch r {
	case viewer.RoleAdmin:
		return 3
	case viewer.RoleEditor:
		return 2
	case viewer.RoleViewer:
		return 1
	}
	return 0
}

// LooksLikeJWT tells a JWT (three base64url segments) from an API token,
// which has no dot.
func LooksLikeJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.ContainsFunc(p, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) {
			return false
		}
	}
	return true
}

// refused is a JWT that does not sign in: the same message for every reason.
func refused(format string, args ...any) error {
	return &Error{Message: invalidJWT, Reason: fmt.Sprintf(format, args...)}
}

// Authenticate finds the viewer of a JWT: one query for the user, and a write
// only when the user is created or their role follows the mapping.
func (o *OIDC) Authenticate(ctx context.Context, client *ent.Client, raw string, now time.Time) (viewer.Viewer, error) {
	claims, err := o.verify(ctx, raw)
	if err != nil {
		return viewer.Viewer{}, refused("%v", err)
	}
	exp, ok := claims["exp"].(float64)
	if !ok {
		return viewer.Viewer{}, refused("the token has no exp claim")
	}
	if expiry := time.Unix(int64(exp), 0); now.After(expiry.Add(ClockSkew)) {
		return viewer.Viewer{}, refused("the token expired at %s", expiry.UTC().Format(time.RFC3339))
	}
	if nbf, ok := claims["nbf"].(float64); ok && now.Add(ClockSkew).Before(time.Unix(int64(nbf), 0)) {
		return viewer.Viewer{}, refused("the token is not valid before %s", time.Unix(int64(nbf), 0).UTC().Format(time.RFC3339))
	}
	email, _ := claim(claims, o.cfg.EmailClaim).(string)
	if email = strings.TrimSpace(email); email == "" {
		return viewer.Viewer{}, refused("the token of subject %v has no %s claim", claims["sub"], o.cfg.EmailClaim)
	}
	if verified, present := claims["email_verified"]; present && !o.cfg.AllowUnverifiedEmail && verified != true && verified != "true" {
		return viewer.Viewer{}, refused("the e-mail address %s is not verified (email_verified is %v)", email, verified)
	}
	role, mapped := o.role(claims)
	u, err := client.User.Query().Where(user.EmailEqualFold(email)).Only(ctx)
	switch {
	case ent.IsNotFound(err) && !o.cfg.CreateUsers:
		return viewer.Viewer{}, refused("no user has the e-mail address %s, and unknown users are not created", email)
	case ent.IsNotFound(err):
		if u, err = o.createUser(ctx, client, email, claims, role); err != nil {
			return viewer.Viewer{}, err
		}
	case ent.IsNotSingular(err):
		return viewer.Viewer{}, refused("several users have the e-mail address %s, in different cases", email)
	case err != nil:
		return viewer.Viewer{}, err
	case u.DeactivatedAt != nil:
		return viewer.Viewer{}, refused("the user %s was deactivated at %s", email, u.DeactivatedAt.UTC().Format(time.RFC3339))
	case mapped && viewer.Role(u.Role) != role:
		if err := client.User.UpdateOneID(u.ID).SetRole(user.Role(role)).Exec(ctx); err != nil {
			return viewer.Viewer{}, err
		}
		u.Role = user.Role(role)
	}
	return viewer.Viewer{UserID: u.ID, Role: viewer.Role(u.Role)}, nil
}

// role is the highest role the mapping gives the token's role claim, VIEWER
// when it gives none; mapped is false when there is no mapping.
func (o *OIDC) role(claims map[string]any) (role viewer.Role, mapped bool) {
	if len(o.cfg.Roles) == 0 {
		return viewer.RoleViewer, false
	}
	role = viewer.RoleViewer
	var values []any
	switch v := claim(claims, o.cfg.RoleClaim).(type) {
	case []any:
		values = v
	case string:
		values = []any{v}
	}
	for _, v := range values {
		if s, ok := v.(string); ok && rank(o.cfg.Roles[s]) > rank(role) {
			role = o.cfg.Roles[s]
		}
	}
	return role, true
}

// createUser creates the user a token names, as the mapping says or VIEWER.
func (o *OIDC) createUser(ctx context.Context, client *ent.Client, email string, claims map[string]any, role viewer.Role) (*ent.User, error) {
	name, _ := claims["name"].(string)
	if name = strings.TrimSpace(name); name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	u, err := client.User.Create().SetEmail(email).SetName(name).SetRole(user.Role(role)).Save(ctx)
	switch {
	case ent.IsValidationError(err):
		return nil, refused("creating a user for %q: %v", email, err)
	case ent.IsConstraintError(err):
		// Two first sign-ins at once: the other one created the user.
		u, err = client.User.Query().Where(user.EmailEqualFold(email)).Only(ctx)
	}
	return u, err
}

// claim reads a claim by name, a dotted name reading a nested one
// (realm_access.roles) unless the claim's own name has the dot.
func claim(claims map[string]any, name string) any {
	if v, ok := claims[name]; ok {
		return v
	}
	head, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	nested, _ := claims[head].(map[string]any)
	return claim(nested, rest)
}
