package webhook

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/orgmapsignal"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// MapTypes are the types whose changes can move an org map's signals.
var MapTypes = map[string]bool{ent.TypeStakeholder: true, ent.TypeInfluenceEdge: true, ent.TypeRelationship: true, ent.TypeAccount: true}

// MapEvents compares an account's org map with what was last seen of it and
// returns the events of what changed: its health grade, its becoming
// single-threaded, a decision maker or approver losing their last supportive
// path. The first look at an account only notes what it sees. The map is
// read with read (its loader queries in parallel, which a transaction's one
// connection cannot serve); what was seen is kept with write.
func MapEvents(ctx context.Context, read, client *ent.Client, accountID int, now time.Time) ([]outbox.Event, error) {
	m, err := orgmap.Loader{Client: read}.OrgMap(ctx, accountID)
	if ref := (*clienterr.ReferenceError)(nil); errors.As(err, &ref) {
		_, err := client.OrgMapSignal.Delete().Where(orgmapsignal.AccountID(accountID)).Exec(ctx)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	health, threading := m.Health(), m.SingleThreading()
	unreached := map[int]bool{}
	for _, f := range m.DecisionMakersWithoutSupportivePath() {
		unreached[f.Node.ID] = true
	}
	var reached []int
	byID := map[int]*orgmap.Node{}
	for _, n := range m.Nodes {
		byID[n.ID] = n
		if (n.BuyingRole == stakeholder.BuyingRoleDECISION_MAKER || n.BuyingRole == stakeholder.BuyingRoleAPPROVER) && !unreached[n.ID] {
			reached = append(reached, n.ID)
		}
	}
	slices.Sort(reached)
	prev, err := client.OrgMapSignal.Query().Where(orgmapsignal.AccountID(accountID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, client.OrgMapSignal.Create().SetAccountID(accountID).SetGrade(string(health.Grade)).
			SetSingleThreaded(threading.SingleThreaded).SetReached(reached).Exec(ctx)
	}
	if err != nil {
		return nil, err
	}
	acc := strconv.Itoa(accountID)
	event := func(typ, subjectType string, subjectID int, data map[string]any) outbox.Event {
		data["accountID"] = acc
		return outbox.Event{Type: typ, SubjectType: subjectType, SubjectID: subjectID, AccountID: &accountID, At: now, Data: data}
	}
	var events []outbox.Event
	if prev.Grade != string(health.Grade) {
		events = append(events, event(outbox.HealthGradeChanged, ent.TypeAccount, accountID, map[string]any{"old": prev.Grade, "new": health.Grade, "reasons": health.Reasons}))
	}
	if threading.SingleThreaded && !prev.SingleThreaded {
		events = append(events, event(outbox.SingleThreaded, ent.TypeAccount, accountID, map[string]any{"reasons": threading.Reasons}))
	}
	for _, id := range prev.Reached {
		if n := byID[id]; n != nil && unreached[id] {
			events = append(events, event(outbox.LostSupportivePath, ent.TypeStakeholder, id, map[string]any{
				"id": strconv.Itoa(id), "name": n.Name, "buyingRole": n.BuyingRole, "support": n.Support}))
		}
	}
	if len(events) == 0 && slices.Equal(prev.Reached, reached) && prev.SingleThreaded == threading.SingleThreaded {
		return nil, nil
	}
	return events, prev.Update().SetGrade(string(health.Grade)).SetSingleThreaded(threading.SingleThreaded).SetReached(reached).Exec(ctx)
}
