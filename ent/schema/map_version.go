package schema

// The org map's version: every change to what an account's org map shows
// moves the account's map_version in the same transaction, so that a server
// can keep maps it computed and know, from one column, whether one is stale.

import (
	"context"
	"strconv"
	"strings"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/predicate"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/user"
)

// Hooks of the Relationship: its account's map changes.
func (Relationship) Hooks() []ent.Hook { return []ent.Hook{touchMaps} }

// Hooks of the User: a user's name and the like show on the maps of the
// accounts where they have relationships; deleting a user leaves the accounts
// they own without an owner, in another segment of the metric totals.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{hook.Unless(touchMaps, ent.OpCreate), totalsHook(ent.OpDelete | ent.OpDeleteOne)}
}

// touchAccountMap moves the map version of accounts being changed, in the
// same UPDATE: the map shows the account.
func touchAccountMap(next ent.Mutator) ent.Mutator {
	return hook.AccountFunc(func(ctx context.Context, m *gen.AccountMutation) (ent.Value, error) {
		if m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
			m.AddMapVersion(1)
		}
		return next.Mutate(ctx, m)
	})
}

// touchMaps moves the map version of the accounts whose maps a stakeholder,
// influence edge, relationship or user mutation changes. The accounts are
// found before the mutation, while the records being deleted still point at
// them (a new record's after, once it is written), and the version moves
// after it, so that a map read between the two is never kept as the new one.
func touchMaps(next ent.Mutator) ent.Mutator {
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
		return v, bumpMapVersions(ctx, client, accounts)
	})
}

// mapAccounts are the accounts whose maps show the mutation's records.
func mapAccounts(ctx context.Context, client *gen.Client, m ent.Mutation) ([]int, error) {
	if id, ok := directAccount(m); ok {
		return []int{id}, nil
	}
	var where predicate.Account
	if m.Type() == gen.TypeUser {
		ids, err := m.(interface {
			IDs(context.Context) ([]int, error)
		}).IDs(ctx)
		if err != nil {
			return nil, err
		}
		where = account.HasStakeholdersWith(stakeholder.HasRelationshipsWith(relationship.HasUserWith(user.IDIn(ids...))))
	} else {
		var err error
		if where, err = mutationAccounts(ctx, m); err != nil {
			return nil, err
		}
	}
	return client.Account.Query().Where(where).IDs(ctx)
}

// bumpMapVersions moves the accounts' map versions with one statement that
// bypasses the Account hooks: it is not a change anyone made to the account.
// The IDs are numbers read from the database, written into the text.
func bumpMapVersions(ctx context.Context, client *gen.Client, accounts []int) error {
	if len(accounts) == 0 {
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
