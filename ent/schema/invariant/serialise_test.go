package invariant_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestSerialiseLocksTheAccount: on PostgreSQL, every write of a record that
// belongs to an account, of every type and by every method, holds its
// account's advisory lock until its transaction ends; re-parenting an
// account also holds the hierarchy's. Outside a transaction, and on SQLite
// (whose writers queue), no lock is taken.
func TestSerialiseLocksTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := context.Background()
		tree := storetest.NewTree(t, c, "a")
		other := storetest.NewTree(t, c, "b")
		held := func() []int64 {
			t.Helper()
			if c.Dialect() != dialect.Postgres {
				return nil
			}
			// pg_locks splits a bigint key into two 32-bit halves.
			rows, err := c.QueryContext(ctx, `SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks
				WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var keys []int64
			for rows.Next() {
				var k int64
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		}
		want := func(keys ...int64) []int64 {
			if c.Dialect() != dialect.Postgres {
				return nil
			}
			return keys
		}
		inTx := func(t *testing.T, write func(tx *ent.Client) error) []int64 {
			t.Helper()
			tx, err := c.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if err := write(tx.Client()); err != nil {
				t.Fatal(err)
			}
			return held()
		}
		for typ, id := range tree.IDs {
			for _, method := range []string{"UpdateOneID", "Update", "DeleteOneID"} {
				t.Run(typ+"."+method, func(t *testing.T) {
					got := inTx(t, func(tx *ent.Client) error { return storetest.Write(as, tx, typ, method, id) })
					if w := want(invariant.AccountLock(tree.Account)); !slices.Equal(got, w) {
						t.Errorf("held %v, want %v", got, w)
					}
				})
			}
		}
		t.Run("re-parenting an account", func(t *testing.T) {
			got := inTx(t, func(tx *ent.Client) error {
				return tx.Account.UpdateOneID(tree.Account).SetParentID(other.Account).Exec(as)
			})
			if w := want(-1, invariant.AccountLock(tree.Account)); !slices.Equal(got, w) {
				t.Errorf("held %v, want %v", got, w)
			}
		})
		// An import of more accounts than the lock slots holds one lock per
		// slot: PostgreSQL's lock table holds max_locks_per_transaction ×
		// max_connections locks (6,400 by default) for every session at once.
		t.Run("many accounts", func(t *testing.T) {
			names := make([]string, 600)
			builders := make([]*ent.AccountCreate, len(names))
			for i := range names {
				names[i] = fmt.Sprint("Bulk ", i)
				builders[i] = c.Account.Create().SetName(names[i])
			}
			c.Account.CreateBulk(builders...).ExecX(as)
			got := inTx(t, func(tx *ent.Client) error {
				return tx.Account.Update().Where(account.NameIn(names...)).SetIndustry("Retail").Exec(as)
			})
			if c.Dialect() == dialect.Postgres && (len(got) == 0 || len(got) > 512) {
				t.Errorf("held %d locks for %d accounts, want 1 to 512", len(got), len(names))
			}
		})
		t.Run("outside a transaction", func(t *testing.T) {
			c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("CIO").ExecX(as)
			if got := held(); len(got) != 0 {
				t.Errorf("held %v after the write", got)
			}
		})
	})
}
