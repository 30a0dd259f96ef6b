package rule_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/apitoken"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/user"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// world is two accounts, a and b, and a user of every kind.
type world struct {
	a, b storetest.Tree
	// admin is an admin; owner an editor who owns account a without being
	// on its team; a.User an editor on a's team, b.User on b's; reader a
	// viewer on a's team.
	admin, owner, reader int
	// roles are the viewers the writes are tried as, by name.
	roles map[string]context.Context
}

func newWorld(t *testing.T, client *ent.Client) world {
	t.Helper()
	ctx := context.Background()
	w := world{a: storetest.NewTree(t, client, "a"), b: storetest.NewTree(t, client, "b")}
	w.admin = client.User.Create().SetName("Admin").SetEmail("admin@example.com").SetRole(user.RoleADMIN).SaveX(ctx).ID
	w.owner = client.User.Create().SetName("Owner").SetEmail("owner@example.com").SetRole(user.RoleEDITOR).SaveX(ctx).ID
	w.reader = client.User.Create().SetName("Reader").SetEmail("reader@example.com").SetRole(user.RoleVIEWER).SaveX(ctx).ID
	client.Account.UpdateOneID(w.a.Account).SetOwnerID(w.owner).ExecX(ctx)
	client.AccountTeamMember.Create().SetAccountID(w.a.Account).SetUserID(w.reader).SetRole("OTHER").ExecX(ctx)
	as := func(v viewer.Viewer) context.Context { return viewer.NewContext(ctx, v) }
	w.roles = map[string]context.Context{
		"server":                  ctx,
		"admin":                   as(viewer.Viewer{UserID: w.admin, Role: viewer.RoleAdmin}),
		"open server":             as(viewer.Open),
		"editor owning a":         as(viewer.Viewer{UserID: w.owner, Role: viewer.RoleEditor}),
		"editor on a's team":      as(viewer.Viewer{UserID: w.a.User, Role: viewer.RoleEditor}),
		"editor on b's team":      as(viewer.Viewer{UserID: w.b.User, Role: viewer.RoleEditor}),
		"viewer on a's team":      as(viewer.Viewer{UserID: w.reader, Role: viewer.RoleViewer}),
		"read-only admin":         as(viewer.Viewer{UserID: w.admin, Role: viewer.RoleAdmin, ReadOnly: true}),
		"read-only editor on a's": as(viewer.Viewer{UserID: w.a.User, Role: viewer.RoleEditor, ReadOnly: true}),
	}
	return w
}

// try runs a write as every role. It must succeed for the roles in
// allowed, in a transaction rolled back after. Every other role must be
// refused with a ForbiddenError (which is also privacy's Deny), outside any
// transaction, and change nothing.
func try(t *testing.T, client *ent.Client, w world, what string, allowed []string, write func(context.Context, *ent.Client) error) {
	t.Helper()
	before := storetest.Dump(t, client)
	for name, ctx := range w.roles {
		if slices.Contains(allowed, name) {
			tx, err := client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := write(ctx, tx.Client()); err != nil {
				t.Errorf("%s as %s: %v, want it allowed", what, name, err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		err := write(ctx, client)
		var forbidden *clienterr.ForbiddenError
		if !errors.As(err, &forbidden) || !errors.Is(err, privacy.Deny) {
			t.Errorf("%s as %s: %v, want a ForbiddenError", what, name, err)
		}
	}
	if changes := storetest.Changes(before, storetest.Dump(t, client)); changes != "" {
		t.Errorf("the refused writes of %s changed:\n%s", what, changes)
	}
}

var (
	// writers may write under account a.
	writers = []string{"server", "admin", "open server", "editor owning a", "editor on a's team"}
	// admins may write anything but the history.
	admins = []string{"server", "admin", "open server"}
)

// TestUnderAnAccount: a write to an account or to any record under one is
// allowed to admins, the server, and editors owning the account or on its
// team; refused to editors of other accounts, viewers and read-only tokens,
// whatever the type and the kind of write.
func TestUnderAnAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		w := newWorld(t, client)
		for typ := range ent.GraphQLNames {
			if !scope.InAccount(typ) {
				continue
			}
			t.Run(typ, func(t *testing.T) {
				id, other := w.a.IDs[typ], w.b.IDs[typ]
				try(t, client, w, "update one", writers, func(ctx context.Context, c *ent.Client) error { return storetest.Write(ctx, c, typ, "UpdateOneID", id) })
				try(t, client, w, "delete one", writers, func(ctx context.Context, c *ent.Client) error { return storetest.Write(ctx, c, typ, "DeleteOneID", id) })
				try(t, client, w, "bulk update", writers, func(ctx context.Context, c *ent.Client) error { return storetest.Write(ctx, c, typ, "Update", id) })
				try(t, client, w, "bulk delete", writers, func(ctx context.Context, c *ent.Client) error { return storetest.Write(ctx, c, typ, "Delete", id) })
				// One record of another account is enough to refuse an editor the lot.
				try(t, client, w, "bulk update across accounts", admins, func(ctx context.Context, c *ent.Client) error {
					return storetest.Write(ctx, c, typ, "Update", id, other)
				})
			})
		}
	})
}

// TestCreateUnderAnAccount: creating a record under an account, at any
// depth, is allowed as writing it is; an editor creates an account only as
// its owner.
func TestCreateUnderAnAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		w := newWorld(t, client)
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		a := w.a.IDs
		creates := map[string]func(context.Context, *ent.Client) error{
			"stakeholder": func(ctx context.Context, c *ent.Client) error {
				return c.Stakeholder.Create().SetName("New").SetAccountID(a[ent.TypeAccount]).Exec(ctx)
			},
			"plan": func(ctx context.Context, c *ent.Client) error {
				return c.AccountPlan.Create().SetName("New").SetAccountID(a[ent.TypeAccount]).SetPeriodStart(day).SetPeriodEnd(day.AddDate(1, 0, 0)).Exec(ctx)
			},
			"goal": func(ctx context.Context, c *ent.Client) error {
				return c.Goal.Create().SetTitle("New").SetPlanID(a[ent.TypeAccountPlan]).Exec(ctx)
			},
			"KPI measurement": func(ctx context.Context, c *ent.Client) error {
				return c.KPIMeasurement.Create().SetValue("2").SetKpiID(a[ent.TypeKPI]).Exec(ctx)
			},
			"influence edge": func(ctx context.Context, c *ent.Client) error {
				return c.InfluenceEdge.Create().SetFromID(w.a.Other).SetToID(w.a.Stakeholder).Exec(ctx)
			},
			"relationship": func(ctx context.Context, c *ent.Client) error {
				return c.Relationship.Create().SetUserID(w.admin).SetStakeholderID(w.a.Other).Exec(ctx)
			},
		}
		for what, create := range creates {
			try(t, client, w, "creating a "+what, writers, create)
		}

		// An editor creates an account as its owner, and no other way.
		for name, id := range map[string]int{"editor owning a": w.owner, "editor on a's team": w.a.User, "editor on b's team": w.b.User} {
			try(t, client, w, "creating an account owned by the "+name, append([]string{name}, admins...), func(ctx context.Context, c *ent.Client) error {
				return c.Account.Create().SetName("New").SetOwnerID(id).Exec(ctx)
			})
		}
		try(t, client, w, "creating an account without an owner", admins, func(ctx context.Context, c *ent.Client) error {
			return c.Account.Create().SetName("New").Exec(ctx)
		})
	})
}

// TestOutsideAccounts: products and the ideal customer profile are the
// admins'; users edit their own name and the like, not their role; nobody
// but the server writes the history.
func TestOutsideAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		w := newWorld(t, client)
		ctx := context.Background()
		other := client.User.Create().SetName("Other").SetEmail("other@example.com").SetRole(user.RoleEDITOR).SaveX(ctx).ID
		icp := client.IcpCriterion.Create().SetAttribute("INDUSTRY").SetValue("Retail").SetGrade("IDEAL").SaveX(ctx).ID
		change := client.Change.Create().SetOperation("CREATE").SetSubjectType("User").SetSubjectID(w.admin).SetFields(nil).SaveX(ctx).ID
		for what, write := range map[string]func(context.Context, *ent.Client) error{
			"creating a product": func(ctx context.Context, c *ent.Client) error { return c.Product.Create().SetName("New").Exec(ctx) },
			"renaming a product": func(ctx context.Context, c *ent.Client) error {
				return c.Product.UpdateOneID(w.a.Product).SetName("Renamed").Exec(ctx)
			},
			"deleting a product": func(ctx context.Context, c *ent.Client) error { return c.Product.DeleteOneID(w.a.Product).Exec(ctx) },
			"creating an ICP criterion": func(ctx context.Context, c *ent.Client) error {
				return c.IcpCriterion.Create().SetAttribute("REGION").SetValue("EMEA").SetGrade("IDEAL").Exec(ctx)
			},
			"changing an ICP criterion": func(ctx context.Context, c *ent.Client) error {
				return c.IcpCriterion.UpdateOneID(icp).SetNote("Why").Exec(ctx)
			},
			"deleting an ICP criterion": func(ctx context.Context, c *ent.Client) error { return c.IcpCriterion.DeleteOneID(icp).Exec(ctx) },
			"creating a user": func(ctx context.Context, c *ent.Client) error {
				return c.User.Create().SetName("New").SetEmail("new@example.com").Exec(ctx)
			},
			"renaming another user": func(ctx context.Context, c *ent.Client) error {
				return c.User.UpdateOneID(other).SetName("Renamed").Exec(ctx)
			},
			"deleting another user": func(ctx context.Context, c *ent.Client) error { return c.User.DeleteOneID(other).Exec(ctx) },
			"renaming users in bulk": func(ctx context.Context, c *ent.Client) error {
				return c.User.Update().Where(user.IDIn(w.a.User, other)).SetName("Renamed").Exec(ctx)
			},
		} {
			try(t, client, w, what, admins, write)
		}

		// Every user edits their own name and title, except with a
		// read-only token, and no one but an admin their role.
		for name, id := range map[string]int{"editor on a's team": w.a.User, "viewer on a's team": w.reader} {
			try(t, client, w, "renaming the "+name, append([]string{name}, admins...), func(ctx context.Context, c *ent.Client) error {
				return c.User.UpdateOneID(id).SetName("Renamed").SetTitle("Boss").Exec(ctx)
			})
			try(t, client, w, "changing the role of the "+name, admins, func(ctx context.Context, c *ent.Client) error {
				return c.User.UpdateOneID(id).SetRole(user.RoleADMIN).Exec(ctx)
			})
			try(t, client, w, "the "+name+" deleting themselves", admins, func(ctx context.Context, c *ent.Client) error {
				return c.User.DeleteOneID(id).Exec(ctx)
			})
		}

		// The history is the server's alone: not even an admin edits it.
		for what, write := range map[string]func(context.Context, *ent.Client) error{
			"writing history": func(ctx context.Context, c *ent.Client) error {
				return c.Change.Create().SetOperation("DELETE").SetSubjectType("User").SetSubjectID(w.admin).SetFields(nil).Exec(ctx)
			},
			"deleting history": func(ctx context.Context, c *ent.Client) error { return c.Change.DeleteOneID(change).Exec(ctx) },
			"rewriting history": func(ctx context.Context, c *ent.Client) error {
				return c.Change.Update().Exec(ctx)
			},
		} {
			try(t, client, w, what, []string{"server"}, write)
		}
	})
}

// TestOwnTokens: users create, change and revoke their own tokens and no
// one else's, and read no one else's; admins manage everyone's.
func TestOwnTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		w := newWorld(t, client)
		ctx := context.Background()
		token := func(owner int, name string) int {
			return client.APIToken.Create().SetName(name).SetSecretHash(name).SetPrefix(name).SetUserID(owner).SaveX(ctx).ID
		}
		mine, theirs := token(w.a.User, "mine"), token(w.b.User, "theirs")
		token(w.reader, "reader's")
		own := []string{"editor on a's team"}
		for what, c := range map[string]struct {
			allowed []string
			write   func(context.Context, *ent.Client) error
		}{
			"creating a token for a's editor": {own, func(ctx context.Context, c *ent.Client) error {
				return c.APIToken.Create().SetName("new").SetSecretHash("new").SetPrefix("new").SetUserID(w.a.User).Exec(ctx)
			}},
			"renaming a's editor's token": {own, func(ctx context.Context, c *ent.Client) error {
				return c.APIToken.UpdateOneID(mine).SetName("renamed").Exec(ctx)
			}},
			"revoking a's editor's token": {own, func(ctx context.Context, c *ent.Client) error {
				return c.APIToken.UpdateOneID(mine).SetRevokedAt(time.Now()).Exec(ctx)
			}},
			"deleting a's editor's token": {own, func(ctx context.Context, c *ent.Client) error { return c.APIToken.DeleteOneID(mine).Exec(ctx) }},
			"revoking b's editor's token": {[]string{"editor on b's team"}, func(ctx context.Context, c *ent.Client) error {
				return c.APIToken.UpdateOneID(theirs).SetRevokedAt(time.Now()).Exec(ctx)
			}},
			"deleting b's editor's token": {[]string{"editor on b's team"}, func(ctx context.Context, c *ent.Client) error { return c.APIToken.DeleteOneID(theirs).Exec(ctx) }},
			"revoking every token": {nil, func(ctx context.Context, c *ent.Client) error {
				return c.APIToken.Update().Where(apitoken.RevokedAtIsNil()).SetRevokedAt(time.Now()).Exec(ctx)
			}},
			"deleting every token": {nil, func(ctx context.Context, c *ent.Client) error {
				_, err := c.APIToken.Delete().Exec(ctx)
				return err
			}},
		} {
			try(t, client, w, what, append(c.allowed, "server", "admin", "open server"), c.write)
		}

		// Users below admin read their own tokens alone.
		for name, want := range map[string][]string{
			"server": {"mine", "reader's", "theirs"}, "admin": {"mine", "reader's", "theirs"},
			"editor on a's team": {"mine"}, "editor on b's team": {"theirs"}, "viewer on a's team": {"reader's"},
			"read-only editor on a's": {"mine"}, "editor owning a": {},
		} {
			got, err := client.APIToken.Query().Order(apitoken.ByName()).Select(apitoken.FieldName).Strings(w.roles[name])
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("the tokens %s reads: %v, %v; want %v", name, got, err, want)
			}
		}
	})
}
