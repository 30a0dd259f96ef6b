// Package viewer carries who is making a request through its context, for
// the data layer's privacy rules and for the change history.
//
// A context without a viewer belongs to the server's own code (loading demo
// data, creating the first admin); the HTTP layer gives every API request a
// viewer or refuses it before anything runs.
package viewer

import "context"

// Role is what a user may do.
type Role string

// The roles, from most to least trusted.
const (
	RoleAdmin  Role = "ADMIN"  // may do anything, users and roles included
	RoleEditor Role = "EDITOR" // may change the accounts they own or are on the team of
	RoleViewer Role = "VIEWER" // may read only
)

// Viewer is the user behind a request.
type Viewer struct {
	// UserID is the signed-in user; 0 when the server runs open.
	UserID int
	// Role is the user's role; Admin when the server runs open.
	Role Role
	// ReadOnly is set for a read-only token: it never writes, whatever the role.
	ReadOnly bool
	// TokenID is the API token the request came with; 0 when the server runs
	// open or the request signed in with a JWT from the company's issuer.
	TokenID int
	// TokenName is the token's name when the request came with one, kept in
	// the history so a change says which integration made it.
	TokenName string
}

// Open is the viewer of every request while the server runs without
// authentication (loopback only, no tokens yet): an anonymous admin.
var Open = Viewer{Role: RoleAdmin}

// IsAdmin reports whether the viewer may do anything.
func (v Viewer) IsAdmin() bool { return v.Role == RoleAdmin }

type key struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, key{}, v)
}

// FromContext returns the viewer of ctx, if any.
func FromContext(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(key{}).(Viewer)
	return v, ok
}
