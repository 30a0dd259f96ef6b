// Package rule holds the privacy rules: who may write what, enforced in the
// data layer so that no resolver can forget them. Each entity's schema file
// lists its rules in its Policy; everyone signed in reads everything (plans
// are meant to be transparent across departments), except API tokens, which
// only their user and admins see.
package rule

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountteammember"
	"github.com/accountplan/accountplan/ent/apitoken"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/user"
)

var forbidden = clienterr.Forbidden

// DenyReadOnly refuses every write made with a read-only token.
func DenyReadOnly() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if v, ok := viewer.FromContext(ctx); ok && v.ReadOnly {
			return forbidden("this token is read-only: use a token without readOnly to make changes")
		}
		return privacy.Skip
	})
}

// AllowServerAndAdmins lets admins write anything, and the server's own code
// (a context without a viewer: demo data, the first admin) too.
func AllowServerAndAdmins() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if v, ok := viewer.FromContext(ctx); !ok || v.IsAdmin() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowServer lets the server's own code write, and nobody else.
func AllowServer() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if _, ok := viewer.FromContext(ctx); !ok {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowAccountTeam lets an editor change an account and everything under it
// when they own the account or are on its team, and refuses everyone else
// below an admin. Types that belong to no account are left to later rules.
func AllowAccountTeam() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if !scope.InAccount(m.Type()) {
			return privacy.Skip
		}
		v, _ := viewer.FromContext(ctx)
		if v.Role != viewer.RoleEditor {
			return forbidden("your role is %s: only an editor on the account's team or an admin may change it", v.Role)
		}
		if am, ok := m.(*gen.AccountMutation); ok && m.Op().Is(ent.OpCreate) {
			if owner, ok := am.OwnerID(); !ok || owner != v.UserID {
				return forbidden("an editor may create an account only as its owner: set ownerID to your own user")
			}
			return privacy.Allow
		}
		call := bulk.FromContext(ctx)
		direct, isDirect := scope.Direct(m)
		if isDirect && call.Allowed(direct) {
			return privacy.Allow
		}
		where, err := scope.Where(ctx, m)
		if err != nil {
			return err
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		outside, err := client.Account.Query().
			Where(where, account.Not(account.Or(
				account.HasOwnerWith(user.ID(v.UserID)),
				account.HasTeamMembersWith(accountteammember.HasUserWith(user.ID(v.UserID))),
			))).
			Exist(ctx)
		switch {
		case err != nil:
			return err
		case outside:
			return forbidden("you may change only the accounts you own or are on the team of, and what is under them")
		}
		if isDirect {
			call.Allow(direct)
		}
		return privacy.Allow
	})
}

// AllowOwnProfile lets users edit their own name and title, but not their
// role, seniority, activation nor e-mail address: sign-in (OIDC,
// -create-admin) finds users by address, so taking a colleague's future
// address would take their sign-in and their role.
func AllowOwnProfile() privacy.MutationRule {
	return privacy.UserMutationRuleFunc(func(ctx context.Context, m *gen.UserMutation) error {
		v, _ := viewer.FromContext(ctx)
		id, ok := m.ID()
		if !m.Op().Is(ent.OpUpdateOne) || !ok || id != v.UserID {
			return privacy.Skip
		}
		if _, setsRole := m.Role(); setsRole {
			return forbidden("only an admin may change roles")
		}
		if _, sets := m.Seniority(); sets || m.SeniorityCleared() {
			return forbidden("only an admin may change seniority")
		}
		if _, sets := m.DeactivatedAt(); sets || m.DeactivatedAtCleared() {
			return forbidden("only an admin may deactivate or reactivate users")
		}
		if _, sets := m.Email(); sets {
			return forbidden("only an admin may change e-mail addresses: sign-in finds users by them")
		}
		return privacy.Allow
	})
}

// OwnTokensOnly narrows every token query of a user below admin to their own tokens.
func OwnTokensOnly() privacy.QueryRule {
	return privacy.APITokenQueryRuleFunc(func(ctx context.Context, q *gen.APITokenQuery) error {
		if v, ok := viewer.FromContext(ctx); ok && !v.IsAdmin() {
			q.Where(apitoken.HasUserWith(user.ID(v.UserID)))
		}
		return privacy.Skip
	})
}

// OwnTokenChangesOnly hides from users below admin the history of other
// users' tokens, whose changes carry the token's name, prefix, scope and expiry.
func OwnTokenChangesOnly() privacy.QueryRule {
	return privacy.ChangeQueryRuleFunc(func(ctx context.Context, q *gen.ChangeQuery) error {
		v, ok := viewer.FromContext(ctx)
		if !ok || v.IsAdmin() {
			return privacy.Skip
		}
		q.Where(func(s *sql.Selector) {
			tokens := sql.Table(apitoken.Table)
			own := sql.Select(tokens.C(apitoken.FieldID)).From(tokens).Where(sql.EQ(tokens.C(apitoken.UserColumn), v.UserID))
			s.Where(sql.Or(
				sql.NEQ(s.C(change.FieldSubjectType), gen.TypeAPIToken),
				sql.In(s.C(change.FieldSubjectID), own),
			))
		})
		return privacy.Skip
	})
}

// AllowOwnTokens lets users create, change and revoke their own tokens.
func AllowOwnTokens() privacy.MutationRule {
	return privacy.APITokenMutationRuleFunc(func(ctx context.Context, m *gen.APITokenMutation) error {
		v, _ := viewer.FromContext(ctx)
		if m.Op().Is(ent.OpCreate) {
			if owner, _ := m.UserID(); owner == v.UserID {
				return privacy.Allow
			}
			return forbidden("only an admin may create tokens for another user")
		}
		// These queries read every token: under OwnTokensOnly they saw the
		// viewer's alone, and so never found another's to refuse.
		all := privacy.DecisionContext(ctx, privacy.Allow)
		ids, err := m.IDs(all)
		if err != nil {
			return err
		}
		others, err := m.Client().APIToken.Query().
			Where(apitoken.IDIn(ids...), apitoken.Not(apitoken.HasUserWith(user.ID(v.UserID)))).
			Exist(all)
		switch {
		case err != nil:
			return err
		case others:
			return forbidden("only an admin may change another user's tokens")
		}
		return privacy.Allow
	})
}

// DenyAll refuses the write with the message: the last rule of a policy.
func DenyAll(message string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error { return forbidden("%s", message) })
}

// AdminsOnly refuses every query of users below admin with the message; the
// server's own code reads too.
func AdminsOnly(message string) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
		if v, ok := viewer.FromContext(ctx); ok && !v.IsAdmin() {
			return forbidden("%s", message)
		}
		return privacy.Skip
	})
}

// AdminChangesOnly hides from users below admin the history of records of
// the types, which only admins see (a webhook URL may carry a credential).
func AdminChangesOnly(types ...string) privacy.QueryRule {
	return privacy.ChangeQueryRuleFunc(func(ctx context.Context, q *gen.ChangeQuery) error {
		if v, ok := viewer.FromContext(ctx); ok && !v.IsAdmin() {
			q.Where(change.SubjectTypeNotIn(types...))
		}
		return privacy.Skip
	})
}
