package apitest

// Benchmarks of orgMap(asOf:) on the generated large account (see
// orgmap_bench_test.go) with a month of history behind it: 3,000 changes
// made through the client as a signed-in user (titles, support and
// political status, moves, new and deleted stakeholders and influence edges),
// their times then spread evenly over the 30 days before now. For example:
//
//	go test ./graph/apitest -run '^$' -bench '^BenchmarkOrgMap(AsOf)?HTTPAfterChanges$' -benchmem
//
// BenchmarkOrgMapAsOfMonthHTTP asks for the map 30 days ago (every change
// undone), BenchmarkOrgMapAsOfMidMonthHTTP 15 days ago (half of them).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// historyChanges is how many changes the month of history holds.
const historyChanges = 3000

// orgMapScreenAsOf is orgMapScreen as of a time.
var orgMapScreenAsOf = strings.Replace(strings.Replace(orgMapScreen, "query($id: ID!)", "query($id: ID!, $at: Time)", 1),
	"orgMap(accountID: $id)", "orgMap(accountID: $id, asOf: $at)", 1)

// withMonthOfHistory writes the month of history under the large account.
func (bs *benchServer) withMonthOfHistory(b *testing.B) {
	b.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.Open)
	c := bs.client
	r := rand.New(rand.NewPCG(3, 1))
	people := c.Stakeholder.Query().Where(stakeholder.AccountID(bs.account)).IDsX(ctx)
	pick := func() int { return people[r.IntN(len(people))] }
	supports := []stakeholder.Support{"MENTOR", "SUPPORTER", "NEUTRAL", "NON_SUPPORTER", "ENEMY"}
	statuses := []stakeholder.PoliticalStatus{"NAIVE", "OBSERVER", "AGILE", "ASTUTE"}
	start := c.Change.Query().CountX(ctx)
	for i := 0; c.Change.Query().CountX(ctx)-start < historyChanges; i++ {
		switch r.IntN(6) {
		case 0:
			c.Stakeholder.UpdateOneID(pick()).SetTitle(fmt.Sprint("Title ", i)).ExecX(ctx)
		case 1:
			c.Stakeholder.UpdateOneID(pick()).SetSupport(supports[r.IntN(len(supports))]).SetPoliticalStatus(statuses[r.IntN(len(statuses))]).ExecX(ctx)
		case 2:
			_ = c.Stakeholder.UpdateOneID(pick()).SetReportsToID(pick()).Exec(ctx) // a cycle is refused
		case 3:
			id := c.Stakeholder.Create().SetAccountID(bs.account).SetName(fmt.Sprint("Newcomer ", i)).SetReportsToID(pick()).SaveX(ctx).ID
			people = append(people, id)
		case 4:
			_ = c.InfluenceEdge.Create().SetFromID(pick()).SetToID(pick()).SetKind(influenceedge.KindINFLUENCES).SetStrength(1 + r.IntN(5)).Exec(ctx)
		default:
			i := r.IntN(len(people))
			if err := c.Stakeholder.DeleteOneID(people[i]).Exec(ctx); err == nil {
				people = append(people[:i], people[i+1:]...)
			}
		}
	}
	// Spread the changes over the month, oldest first, as if made day by day.
	ids := c.Change.Query().Order(change.ByID()).IDsX(ctx)
	now := time.Now().UTC()
	tx, err := c.Tx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		at := now.Add(-30 * 24 * time.Hour).Add(time.Duration(i) * 30 * 24 * time.Hour / time.Duration(len(ids)))
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET at = ? WHERE id = ?", at, id); err != nil {
			b.Fatal(err)
		}
	}
	// The account existed before its history.
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET created_at = ? WHERE id = ?", now.Add(-31*24*time.Hour), bs.account); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func benchmarkAsOf(b *testing.B, ago time.Duration, cold bool) {
	bs := newBenchServer(b)
	bs.withMonthOfHistory(b)
	vars := map[string]any{"id": gid(bs.account), "at": time.Now().UTC().Add(-ago).Format(time.RFC3339Nano)}
	if cold {
		bs.runAfterChanges(b, orgMapScreenAsOf, vars)
		return
	}
	bs.run(b, orgMapScreenAsOf, vars)
}

func BenchmarkOrgMapAsOfMonthHTTP(b *testing.B)    { benchmarkAsOf(b, 30*24*time.Hour, false) }
func BenchmarkOrgMapAsOfMidMonthHTTP(b *testing.B) { benchmarkAsOf(b, 15*24*time.Hour, false) }

// The AfterChanges forms read the map now anew for every request, as a cold
// orgMap does (BenchmarkOrgMapHTTPAfterChanges), before rewinding it.
func BenchmarkOrgMapAsOfMonthHTTPAfterChanges(b *testing.B) { benchmarkAsOf(b, 30*24*time.Hour, true) }
