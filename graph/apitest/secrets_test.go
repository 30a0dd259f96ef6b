package apitest

// A token's record (name, prefix, owner, expiry) is seen by its user and
// admins alone, through every path: each root field of the schema, walked
// with every object field it reaches, the history included.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// schemaType is a type as introspection tells it, enough to build selections.
type schemaType struct {
	Kind   string
	Fields []struct {
		Name string
		Args []struct {
			Name         string
			Type         typeRef
			DefaultValue *string
		}
		Type typeRef
	}
	PossibleTypes []struct{ Name string }
}

type typeRef struct {
	Kind   string
	Name   *string
	OfType *typeRef
}

// named is the type inside the list and non-null wrappers.
func (r typeRef) named() string {
	for r.Name == nil && r.OfType != nil {
		r = *r.OfType
	}
	if r.Name == nil {
		return ""
	}
	return *r.Name
}

const introspectTypes = `{ __schema { types { name kind possibleTypes { name }
  fields { name args { name defaultValue type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

// walker builds, for a root field, a document that selects every field it
// reaches to a depth, filling required ID arguments with one ID.
type walker struct {
	types map[string]schemaType
	id    string
}

func newWalker(t *testing.T, e *env, id string) walker {
	t.Helper()
	r := mustAs[struct {
		Schema struct {
			Types []struct {
				Name string
				schemaType
			}
		} `json:"__schema"`
	}](e, introspectTypes, nil)
	w := walker{types: map[string]schemaType{}, id: id}
	for _, typ := range r.Schema.Types {
		w.types[typ.Name] = typ.schemaType
	}
	return w
}

// args writes a field's arguments: pages of first records, the ID for required
// IDs; ok is false when a required argument is of another type.
func (w walker) args(args []struct {
	Name         string
	Type         typeRef
	DefaultValue *string
}, first int) (string, bool) {
	var out []string
	for _, a := range args {
		switch {
		case a.Name == "first":
			out = append(out, fmt.Sprintf("first: %d", first))
		case a.Type.Kind != "NON_NULL" || a.DefaultValue != nil:
		case a.Type.named() == "ID" && a.Type.OfType.Kind == "LIST":
			out = append(out, fmt.Sprintf("%s: [%q]", a.Name, w.id))
		case a.Type.named() == "ID":
			out = append(out, fmt.Sprintf("%s: %q", a.Name, w.id))
		default:
			return "", false
		}
	}
	if len(out) == 0 {
		return "", true
	}
	return "(" + strings.Join(out, ", ") + ")", true
}

// selection selects every field of a type that needs no other argument, down to depth object levels.
func (w walker) selection(name string, depth int) string {
	typ := w.types[name]
	var b strings.Builder
	b.WriteString("__typename")
	for _, f := range typ.Fields {
		args, ok := w.args(f.Args, 3)
		if !ok {
			continue
		}
		inner := f.Type.named()
		switch k := w.types[inner].Kind; {
		case k == "SCALAR" || k == "ENUM":
			fmt.Fprintf(&b, " %s%s", f.Name, args)
		case depth > 0:
			fmt.Fprintf(&b, " %s%s { %s }", f.Name, args, w.selection(inner, depth-1))
		}
	}
	for _, p := range typ.PossibleTypes {
		if depth > 0 {
			fmt.Fprintf(&b, " ... on %s { %s }", p.Name, w.selection(p.Name, depth-1))
		}
	}
	return b.String()
}

// walk runs every root query field as e and returns the answers, one text.
func (w walker) walk(e *env, depth int) string {
	var all strings.Builder
	for _, f := range w.types["Query"].Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		// Whole root lists (the fixture is small), and a few of each nested one.
		args, ok := w.args(f.Args, graph.MaxPageSize)
		if !ok {
			continue
		}
		doc := "{ " + f.Name + args
		if k := w.types[f.Type.named()].Kind; k != "SCALAR" && k != "ENUM" {
			doc += " { " + w.selection(f.Type.named(), depth) + " }"
		}
		r := e.do(doc+" }", nil)
		for _, err := range r.Errors {
			if err.Extensions["code"] == graph.CodeInternal || err.Extensions["code"] == graph.CodeTooComplex {
				e.t.Errorf("%s: %s %v", f.Name, err.Message, err.Extensions)
			}
		}
		fmt.Fprintf(&all, "%s: %v\n", f.Name, r.Data)
	}
	return all.String()
}

func TestTokenRecordsOnlyToTheirUserAndAdmins(t *testing.T) {
	t.Parallel()
	off := new(0)
	settings := httpedge.Settings{GraphQL: graph.Settings{Limits: graph.Limits{MaxTokens: off, MaxCost: off, MaxAliases: off}}}
	eachDatabaseWith(t, settings, func(t *testing.T, e *env) {
		newParents(t, e)
		admin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))
		viewerID := newUser(t, e, "vic")
		viewer := e.as(newToken(t, e, viewerID, user.RoleVIEWER, false))
		token := func(userID int, name string) (string, string) {
			c := mustAs[struct {
				CreateAPIToken struct{ Token struct{ ID, Prefix string } }
			}](admin, `mutation($in: CreateAPITokenInput!) { createAPIToken(input: $in) { token { id prefix } } }`,
				map[string]any{"in": map[string]any{"name": name, "userID": gid(userID), "expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}})
			return c.CreateAPIToken.Token.ID, c.CreateAPIToken.Token.Prefix
		}
		othersID, othersPrefix := token(newUser(t, e, "olga"), "olga-crm-sync-marker")
		_, ownPrefix := token(viewerID, "vic-own-marker")
		// A revoked token has an update in its history too.
		admin.must(`mutation($id: ID!) { revokeAPIToken(id: $id) { id } }`, map[string]any{"id": othersID})

		w := newWalker(t, admin, othersID)
		seen := w.walk(admin, 4)
		for _, s := range []string{"olga-crm-sync-marker", othersPrefix, ":" + othersID + " "} {
			if !strings.Contains(seen, s) {
				t.Fatalf("the walk as an admin does not reach %q, so it proves nothing:\n%.3000s", s, seen)
			}
		}
		seen = w.walk(viewer, 4)
		for _, s := range []string{"olga-crm-sync-marker", othersPrefix, ":" + othersID + " "} {
			if strings.Contains(seen, s) {
				i := strings.Index(seen, s)
				t.Errorf("a viewer sees another user's token (%q) in: %s", s, seen[max(0, strings.LastIndex(seen[:i], "\n")):min(len(seen), i+200)])
			}
		}
		for _, s := range []string{"vic-own-marker", ownPrefix} {
			if !strings.Contains(seen, s) {
				t.Errorf("a viewer does not see their own token's %q", s)
			}
		}
	})
}
