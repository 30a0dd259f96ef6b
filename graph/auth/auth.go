// Package auth signs requests in with API tokens, whose secrets it makes and
// checks, and with JWTs from the company's OpenID Connect issuer; it also
// creates the first admin.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/apitoken"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/user"
)

// secretPrefix starts every secret, so that leaked tokens are easy to find in logs and repositories.
const secretPrefix = "ap_"

// TokenInput is what a client gives to create a token.
type TokenInput struct {
	Name      string
	ReadOnly  bool
	ExpiresAt *time.Time
	UserID    *int
}

// CreatedToken is a new token with its secret, which is never shown again.
type CreatedToken struct {
	Token  *ent.APIToken
	Secret string
}

// Error is a request that could not be signed in.
type Error struct {
	Message string // for the client
	Reason  string // for the server's log only, when Message is the same for many reasons
}

func (e *Error) Error() string { return e.Message }

// newSecret returns a random secret: 256 bits, so a fast hash is enough to store it.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken creates a token for in.UserID, or for the viewer when it is
// nil. The data layer decides whether the viewer may.
func CreateToken(ctx context.Context, client *ent.Client, in TokenInput, now time.Time) (*CreatedToken, error) {
	v, _ := viewer.FromContext(ctx)
	userID := v.UserID
	if in.UserID != nil {
		userID = *in.UserID
	}
	if userID == 0 {
		return nil, &clienterr.InputError{Field: "userID", Message: "name the user the token is for: the server runs open, so no one is signed in"}
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return nil, &clienterr.InputError{Field: "expiresAt", Message: "must be in the future"}
	}
	secret := newSecret()
	token, err := client.APIToken.Create().
		SetName(in.Name).
		SetSecretHash(hash(secret)).
		SetPrefix(secret[:len(secretPrefix)+6]).
		SetReadOnly(in.ReadOnly).
		SetNillableExpiresAt(in.ExpiresAt).
		SetUserID(userID).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	return &CreatedToken{Token: token, Secret: secret}, nil
}

// RevokeToken revokes a token the viewer can see; a revoked token stays revoked.
func RevokeToken(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.APIToken, error) {
	token, err := client.APIToken.Get(ctx, id)
	if err != nil || token.RevokedAt != nil {
		return token, err
	}
	return token.Update().SetRevokedAt(now).Save(ctx)
}

// Authenticate finds the viewer an Authorization header signs in.
func Authenticate(ctx context.Context, client *ent.Client, header string, now time.Time) (viewer.Viewer, error) {
	scheme, secret, _ := strings.Cut(strings.TrimSpace(header), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return viewer.Viewer{}, &Error{Message: "send the token as Authorization: Bearer <token>"}
	}
	if LooksLikeJWT(strings.TrimSpace(secret)) {
		return viewer.Viewer{}, &Error{Message: "company sign-in (OpenID Connect) is not set up on this server: send an API token"}
	}
	token, err := findToken(ctx, client, hash(strings.TrimSpace(secret)))
	switch {
	case err != nil:
		return viewer.Viewer{}, err
	case token == nil:
		return viewer.Viewer{}, &Error{Message: "the token is not valid"}
	case token.RevokedAt != nil:
		return viewer.Viewer{}, &Error{Message: "the token has been revoked"}
	case token.ExpiresAt != nil && !token.ExpiresAt.After(now):
		return viewer.Viewer{}, &Error{Message: "the token expired at " + token.ExpiresAt.UTC().Format(time.RFC3339)}
	case token.UserDeactivatedAt != nil:
		return viewer.Viewer{}, &Error{Message: "the token's user has been deactivated"}
	}
	// Noting the use to the hour keeps writes rare: one per token per hour.
	if hour := now.UTC().Truncate(time.Hour); token.LastUsedAt == nil || token.LastUsedAt.Before(hour) {
		if err := client.APIToken.UpdateOneID(token.ID).SetLastUsedAt(hour).Exec(ctx); err != nil {
			return viewer.Viewer{}, err
		}
	}
	return viewer.Viewer{
		UserID:    token.UserID,
		Role:      viewer.Role(token.UserRole),
		ReadOnly:  token.ReadOnly,
		TokenID:   token.ID,
		TokenName: token.Name,
	}, nil
}

// signedToken is what signing in reads of a token and of its user.
type signedToken struct {
	ID                int        `sql:"id"`
	Name              string     `sql:"name"`
	ReadOnly          bool       `sql:"read_only"`
	ExpiresAt         *time.Time `sql:"expires_at"`
	LastUsedAt        *time.Time `sql:"last_used_at"`
	RevokedAt         *time.Time `sql:"revoked_at"`
	UserID            int        `sql:"user_id"`
	UserRole          string     `sql:"user_role"`
	UserDeactivatedAt *time.Time `sql:"user_deactivated_at"`
}

// findToken reads the token of a secret's hash, if any, with its user in one
// statement, since every signed-in request runs it: the user is joined in
// rather than eager-loaded by a second statement.
func findToken(ctx context.Context, client *ent.Client, secretHash string) (*signedToken, error) {
	var found []signedToken
	err := client.APIToken.Query().
		Where(apitoken.SecretHash(secretHash), func(s *sql.Selector) {
			u := sql.Table(user.Table)
			s.Join(u).On(s.C(apitoken.UserColumn), u.C(user.FieldID)).
				AppendSelectAs(u.C(user.FieldID), "user_id").
				AppendSelectAs(u.C(user.FieldRole), "user_role").
				AppendSelectAs(u.C(user.FieldDeactivatedAt), "user_deactivated_at")
		}).
		Select(apitoken.FieldID, apitoken.FieldName, apitoken.FieldReadOnly, apitoken.FieldExpiresAt,
			apitoken.FieldLastUsedAt, apitoken.FieldRevokedAt).
		Scan(ctx, &found)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return &found[0], nil
}

// HasTokens reports whether any token that can still sign in exists: until
// one does, the server may run open on loopback.
func HasTokens(ctx context.Context, client *ent.Client, now time.Time) (bool, error) {
	return client.APIToken.Query().
		Where(apitoken.RevokedAtIsNil(), apitoken.Or(apitoken.ExpiresAtIsNil(), apitoken.ExpiresAtGT(now))).
		Exist(ctx)
}

// CreateAdmin makes the user with this e-mail address an admin, creating
// them if needed, and returns a new token for them.
func CreateAdmin(ctx context.Context, client *ent.Client, email string, now time.Time) (string, error) {
	u, err := client.User.Query().Where(user.EmailEqualFold(email)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		name, _, _ := strings.Cut(email, "@")
		u, err = client.User.Create().SetEmail(email).SetName(name).SetRole(user.RoleADMIN).Save(ctx)
	case err == nil:
		u, err = u.Update().SetRole(user.RoleADMIN).Save(ctx)
	}
	if err != nil {
		var input *clienterr.InputError
		var validation *ent.ValidationError
		if errors.As(err, &validation) || errors.As(err, &input) {
			return "", fmt.Errorf("%q is not a valid e-mail address", email)
		}
		return "", err
	}
	created, err := CreateToken(ctx, client, TokenInput{Name: "created with -create-admin", UserID: &u.ID}, now)
	if err != nil {
		return "", err
	}
	return created.Secret, nil
}
