// Package demo fills an empty database with a realistic, deterministic data
// set for trying the API: a dozen accounts across the three tiers, our users
// and account teams, products and whitespace matrices, account plans with
// goals, objectives, KPIs and action items, a rich stakeholder map for the
// flagship account (Northwind Robotics) and smaller ones for the other planned
// accounts, two years of opportunities and revenue records, and the ideal
// customer profile of the source white paper.
//
// The data lives in the tables of this package; every date is relative to the
// day Load is given, so the same day always yields the same data and the data
// always looks current.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
)

// Load fills an empty database with the demo data, in one transaction, and reports whether it did.
// It does nothing (false, nil) when the database already holds any account.
func Load(ctx context.Context, client *ent.Client, now time.Time) (bool, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: starting a transaction: %w", err)
	}
	switch exists, err := tx.Account.Query().Exist(ctx); {
	case err != nil:
		return false, rollback(tx, fmt.Errorf("demo: looking for accounts: %w", err))
	case exists:
		return false, rollback(tx, nil)
	}
	l := &loader{
		c:        tx.Client(),
		today:    time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		users:    map[string]int{},
		accounts: map[string]*acct{},
	}
	if err := l.load(ctx); err != nil {
		return false, rollback(tx, fmt.Errorf("demo: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("demo: committing: %w", err)
	}
	return true, nil
}

// rollback ends tx and hands back err, joined with the rollback's own failure.
func rollback(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil {
		return errors.Join(err, fmt.Errorf("demo: rolling back: %w", rerr))
	}
	return err
}

// loader writes the tables through one transaction's client and remembers the
// IDs it created, so later tables can refer to earlier rows by name.
type loader struct {
	c        *ent.Client
	today    time.Time
	users    map[string]int   // by user key
	products []int            // in the order of the products table
	accounts map[string]*acct // by account name
	err      error            // the first unknown name a table refers to
}

// acct is what the loader remembers of an account it created.
type acct struct {
	*accountSpec
	id           int
	history      []movement     // recurring revenue per quarter, the oldest first
	roles        map[string]int // account team role → user ID
	unitIDs      map[string]int // business unit name → ID
	stakeholders map[string]int // stakeholder name → ID
	plan         *ent.AccountPlan
}

func (l *loader) load(ctx context.Context) error {
	steps := []func(context.Context) error{
		l.loadUsers, l.loadProducts, l.loadAccounts, l.loadOrgCharts, l.loadPlans, l.loadAccountReviews, l.loadSales, l.loadProfile,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return errors.Join(l.err, err)
		}
	}
	return l.err
}

// ref looks up a name a table refers to: nil for no name; an unknown name is
// recorded as the load's error.
func (l *loader) ref(ids map[string]int, kind, name string) *int {
	if name == "" {
		return nil
	}
	id, ok := ids[name]
	if !ok && l.err == nil {
		l.err = fmt.Errorf("the demo tables name an unknown %s %q", kind, name)
	}
	return &id
}

// member is the user who holds a role on the account team, else the account owner.
func (l *loader) member(a *acct, role string) int {
	if id, ok := a.roles[role]; ok {
		return id
	}
	return l.users[a.owner]
}

// day is the date n days after today (before it when n is negative).
func (l *loader) day(n int) time.Time { return l.today.AddDate(0, 0, n) }

// quarterStart is the first day of the quarter back quarters before the current one.
func (l *loader) quarterStart(back int) time.Time {
	first := time.Date(l.today.Year(), (l.today.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, -3*back, 0)
}

// opt turns a table's enum value into a setter argument: nil when the table leaves it empty.
func opt[T ~string](s string) *T {
	if s == "" {
		return nil
	}
	v := T(s)
	return &v
}

// email builds a work address such as helen.zhao@northwindrobotics.example.
func email(name, org string) string {
	local := strings.ToLower(strings.ReplaceAll(name, " ", "."))
	domain := strings.ToLower(strings.NewReplacer(" ", "", "&", "", ".", "").Replace(org))
	return local + "@" + domain + ".example"
}

// cents converts whole dollars to the minor units every amount is stored in.
func cents(dollars int64) int64 { return dollars * 100 }
