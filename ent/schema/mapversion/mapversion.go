// Package mapversion moves an account's map_version, in the same
// transaction, with every change to what the account's org map shows, so
// that a server can keep maps it computed and know, from one column, whether
// one is stale.
package mapversion

import (
	"context"
	"strconv"
	"strings"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/user"
)

// TouchAccount moves the map version of accounts being changed, in the
// same UPDATE: the map shows the account.
func TouchAccount(next ent.Mutator) ent.Mutator {
	return hook.AccountFunc(func(ctx context.Context, m *gen.AccountMutation) (ent.Value, error) {
		if m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
			m.AddMapVersion(1)
		}
		return next.Mutate(ctx, m)
	})
}

// TouchMaps moves the map version of the accounts whose maps a stakeholder,
// influence edge, relationship or user mutation changes. The accounts are
// found before the mutation, while the records being deleted still point at
// them (a new record's after, once it is written), and the version moves
// after it, so that a map read between the two is never kept as the new one.
func TouchMaps(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		client := m.(interface{ Client() *gen.Client }).Client()
		// Finding the accounts is the server's business, whoever asked.
		lookup := privacy.DecisionContext(ctx, privacy.Allow)
		var accounts []int
		if !m.Op().Is(ent.OpCreate) {
			var err error
			if accounts, err = mapAccounts(lookup, client, m); err != nil {
				return nil, err
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		if m.Op().Is(ent.OpCreate) {
			if accounts, err = mapAccounts(lookup, client, m); err != nil {
				return nil, err
			}
		}
		return v, bump(ctx, client, accounts)
	})
}

// mapAccounts are the accounts whose maps show the mutation's records: a
// user shows on the maps where they have relationships.
func mapAccounts(ctx context.Context, client *gen.Client, m ent.Mutation) ([]int, error) {
	if m.Type() != gen.TypeUser {
		return scope.Accounts(ctx, client, m)
	}
	ids, err := scope.IDs(ctx, m)
	if err != nil {
		return nil, err
	}
	return client.Account.Query().
		Where(account.HasStakeholdersWith(stakeholder.HasRelationshipsWith(relationship.HasUserWith(user.IDIn(ids...))))).
		IDs(ctx)
}

// bump moves the accounts' map versions with one statement that bypasses
// the Account hooks: it is not a change anyone made to the account. The IDs
// are numbers read from the database, written into the text.
func bump(ctx context.Context, client *gen.Client, accounts []int) error {
	if len(accounts) == 0 || bulk.FromContext(ctx).DeferMaps(accounts) {
		return nil
	}
	ids := make([]string, len(accounts))
	for i, id := range accounts {
		ids[i] = strconv.Itoa(id)
	}
	_, err := client.ExecContext(ctx, "UPDATE "+account.Table+" SET "+account.FieldMapVersion+" = "+account.FieldMapVersion+
		" + 1 WHERE "+account.FieldID+" IN ("+strings.Join(ids, ", ")+")")
	return err
}
