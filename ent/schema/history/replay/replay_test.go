package replay_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/history/replay"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// state is the stakeholders of an account as a test compares them.
func state(people []*replay.Record[*ent.Stakeholder]) []string {
	var out []string
	for _, p := range people {
		s := p.Value
		out = append(out, fmt.Sprintf("%d %s %q rank=%v reports=%v support=%s", s.ID, s.Name, s.Title, deref(s.Rank), deref(s.ReportsToID), s.Support))
	}
	slices.Sort(out)
	return out
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func read(t *testing.T, c *ent.Client, account int) []*replay.Record[*ent.Stakeholder] {
	people, err := c.Stakeholder.Query().Where(stakeholder.AccountID(account)).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return replay.Records(ent.TypeStakeholder, people)
}

// after waits until the clock has moved past t, so that the next change is
// recorded after it.
func after(t time.Time) {
	for !calendar.Now().After(t) {
		time.Sleep(time.Microsecond)
	}
}

// TestRewind: random creations, updates, moves and deletions of stakeholders,
// with the state taken after each; rewinding the state of now to each time
// gives the state taken then.
func TestRewind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		as := viewer.NewContext(context.Background(), viewer.Open)
		a := storetest.NewTree(t, c, "a")
		rng := rand.New(rand.NewPCG(17, 1))
		type snap struct {
			at    time.Time
			state []string
		}
		var snaps []snap
		take := func() {
			at := calendar.Now()
			snaps = append(snaps, snap{at, state(read(t, c, a.Account))})
			after(at)
		}
		take()
		for i := range 60 {
			people, _ := c.Stakeholder.Query().Where(stakeholder.AccountID(a.Account)).IDs(as)
			pick := func() int { return people[rng.IntN(len(people))] }
			switch op := rng.IntN(5); {
			case op == 0 || len(people) < 3:
				c.Stakeholder.Create().SetName(fmt.Sprint("p", i)).SetAccountID(a.Account).SetRank(1 + rng.IntN(5)).SaveX(as)
			case op == 1:
				c.Stakeholder.UpdateOneID(pick()).SetTitle(fmt.Sprint("t", i)).SetSupport(stakeholder.SupportMENTOR).ClearRank().ExecX(as)
			case op == 2:
				// A move: refused when it would make a cycle, which changes nothing.
				_ = c.Stakeholder.Update().Where(stakeholder.ID(pick())).SetReportsToID(pick()).Exec(as)
			case op == 3:
				c.Stakeholder.DeleteOneID(pick()).ExecX(as)
			default:
				c.Stakeholder.UpdateOneID(pick()).SetName(fmt.Sprint("n", i)).SetRank(1 + rng.IntN(5)).ExecX(as)
			}
			take()
		}
		now := read(t, c, a.Account)
		for i, s := range snaps {
			h, err := replay.Since(as, c, a.Account, s.at, "asOf")
			if err != nil {
				t.Fatal(err)
			}
			kind := replay.Entity(ent.TypeStakeholder, c.Stakeholder.Bare)
			then, err := replay.Rewind(kind, ent.TypeStakeholder, now, h.Changes)
			if err != nil {
				t.Fatal(err)
			}
			var got []*replay.Record[*ent.Stakeholder]
			for _, r := range then {
				got = append(got, r)
			}
			if g := state(got); !slices.Equal(g, s.state) {
				t.Fatalf("as of step %d:\n%v\nwant\n%v", i, g, s.state)
			}
		}
		// The records given are never changed.
		if g := state(read(t, c, a.Account)); !slices.Equal(g, state(now)) {
			t.Errorf("rewinding changed the records it started from")
		}
		// Before the account was created, there is nothing to rebuild from.
		var input *clienterr.InputError
		if _, err := replay.Since(as, c, a.Account, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "asOf"); !errors.As(err, &input) || input.Field != "asOf" {
			t.Errorf("a time before the history: %v", err)
		}
	})
}
