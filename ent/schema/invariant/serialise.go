package invariant

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/dialect"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/scope"
)

// Advisory lock keys for what spans accounts. Every other key is an
// account's (AccountLock), never negative.
const (
	lockAccountParents int64 = -1 // the parent hierarchy of accounts
	lockIcpCriteria    int64 = -2 // the ICP criteria, which grade each value once
)

// accountLockSlots bounds the advisory locks a transaction holds, however
// many accounts it writes: PostgreSQL keeps every session's locks in one
// table (max_locks_per_transaction × max_connections slots), and a
// transaction that would overfill it fails, with every other one then.
const accountLockSlots = 512

// AccountLock is the advisory lock key of the account: its slot's, shared
// with the accounts whose IDs leave the same remainder.
func AccountLock(id int) int64 { return int64(id % accountLockSlots) }

// Serialise makes the checks across rows and the write they guard one step,
// whichever database: before any check reads, a write on PostgreSQL takes a
// transaction-scoped advisory lock on every account it touches (AccountLock; and on the
// account hierarchy or the ICP criteria when it changes them), so writes to
// one account run one at a time, as every write does on SQLite, whose
// writers queue. Two opposite re-parents then cannot both pass the cycle
// check, and a record cannot be created under an account being deleted.
// Outside a transaction the lock would end with its statement, so none is
// taken: the API runs every mutation in a transaction, and so must any other
// writer that races others.
func Serialise(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if _, err := m.(interface{ Tx() (*gen.Tx, error) }).Tx(); err != nil {
			return next.Mutate(ctx, m)
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		if client.Dialect() != dialect.Postgres {
			return next.Mutate(ctx, m)
		}
		keys, err := lockKeys(ctx, client, m)
		if err != nil {
			return nil, err
		}
		call := bulk.FromContext(ctx)
		if len(keys) > 0 {
			// A bulk call locks every account its write creates records in at once.
			for _, id := range call.Expected() {
				keys = append(keys, AccountLock(id))
			}
		}
		// One order for every transaction, so that two never wait on each other
		// over these keys; PostgreSQL breaks any other cycle as a deadlock.
		slices.Sort(keys)
		var fresh []int64
		for _, k := range slices.Compact(keys) {
			if call.Lock(k) {
				fresh = append(fresh, k)
			}
		}
		if err := lock(ctx, client, fresh); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// lock takes the advisory locks, in their order, in one statement.
func lock(ctx context.Context, client *gen.Client, keys []int64) error {
	switch len(keys) {
	case 0:
		return nil
	case 1:
		_, err := client.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", keys[0])
		return err
	}
	text := make([]string, len(keys))
	for i, k := range keys {
		text[i] = strconv.FormatInt(k, 10)
	}
	// The keys are numbers computed here, written into the text; unnest keeps the array's order.
	_, err := client.ExecContext(ctx, "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(ARRAY["+strings.Join(text, ",")+"]::bigint[]) AS k")
	return err
}

// lockKeys are the advisory locks the mutation takes.
func lockKeys(ctx context.Context, client *gen.Client, m ent.Mutation) ([]int64, error) {
	var keys []int64
	switch {
	case m.Type() == gen.TypeIcpCriterion:
		return []int64{lockIcpCriteria}, nil
	case m.Type() == gen.TypeAccount && m.Op().Is(ent.OpCreate):
		return nil, nil // a new account has no subsidiaries, so it closes no cycle
	case m.Type() == gen.TypeAccount && slices.Contains(m.AddedEdges(), account.EdgeParent):
		keys = append(keys, lockAccountParents)
	case !scope.InAccount(m.Type()):
		return nil, nil
	}
	// Finding the accounts is the server's business, whoever asked.
	accounts, err := scope.Accounts(privacy.DecisionContext(ctx, privacy.Allow), client, m)
	if err != nil {
		return nil, err
	}
	for _, id := range accounts {
		keys = append(keys, AccountLock(id))
	}
	return keys, nil
}
