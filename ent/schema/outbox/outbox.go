// Package outbox writes the webhook events of every recorded change in the
// transaction that makes the change, so that a committed change never lacks
// its events: the dispatcher sends them after commit, from these rows.
package outbox

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/schematype"
)

// The event types with a meaning beyond one row. The first is told by the
// change itself; the dispatcher derives the others from the org map after
// commit, from the durable row events.
const (
	SupportChanged     = "stakeholder.support_changed"
	HealthGradeChanged = "orgMap.health_grade_changed"
	SingleThreaded     = "account.single_threaded"
	LostSupportivePath = "stakeholder.lost_supportive_path"
)

// unsent are the types whose changes are no one's business outside: tokens
// and the webhook endpoints themselves (their secrets are never recorded).
var unsent = map[string]bool{gen.TypeAPIToken: true, gen.TypeWebhookEndpoint: true, gen.TypeWebhookDelivery: true}

// chunk bounds the rows of one INSERT, far below PostgreSQL's 65,535 parameters.
const chunk = 1000

// Types lists every event type an endpoint may subscribe to, sorted.
func Types() []string {
	out := []string{SupportChanged, HealthGradeChanged, SingleThreaded, LostSupportivePath}
	for _, typ := range gen.GraphQLTypes {
		if unsent[typ] || typ == gen.TypeChange || typ == gen.TypeWebhookEvent || typ == gen.TypeOrgMapSignal {
			continue
		}
		for _, op := range []string{"created", "updated", "deleted"} {
			out = append(out, RowType(typ, op))
		}
	}
	slices.Sort(out)
	return out
}

// RowType is the event type of a row's creation, update or deletion:
// stakeholder.updated.
func RowType(subjectType, op string) string {
	return strings.ToLower(subjectType[:1]) + subjectType[1:] + "." + op
}

// Event is an event to write: what it is about and the body sent.
type Event struct {
	Type        string
	SubjectType string
	SubjectID   int
	AccountID   *int
	At          time.Time
	Data        any
}

// Body is the JSON body of an event, as the Standard Webhooks specification
// suggests: its type, when it happened, and its data.
func (e Event) Body() ([]byte, error) {
	return json.Marshal(struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      any       `json:"data"`
	}{e.Type, e.At.UTC(), e.Data})
}

// RowData is the data of a row event: the change as the history holds it.
type RowData struct {
	ID        string                   `json:"id"`
	Type      string                   `json:"type"`
	AccountID *string                  `json:"accountID,omitempty"`
	Operation string                   `json:"operation"`
	ChangeID  string                   `json:"changeID"`
	ActorID   *string                  `json:"actorID,omitempty"`
	Fields    []schematype.FieldChange `json:"fields"`
}

// Events are the events a recorded change reports: its row event, and a
// stakeholder.support_changed when it changed a stakeholder's support.
func Events(c *gen.Change) []Event {
	if unsent[c.SubjectType] {
		return nil
	}
	op := strings.ToLower(string(c.Operation)) + "d"
	data := RowData{ID: strconv.Itoa(c.SubjectID), Type: c.SubjectType, AccountID: idString(c.AccountID), Operation: string(c.Operation), ChangeID: strconv.Itoa(c.ID), Fields: c.Fields}
	if c.Edges.Actor != nil {
		data.ActorID = idString(&c.Edges.Actor.ID)
	}
	row := Event{Type: RowType(c.SubjectType, op), SubjectType: c.SubjectType, SubjectID: c.SubjectID, AccountID: c.AccountID, At: c.At, Data: data}
	out := []Event{row}
	if c.SubjectType == gen.TypeStakeholder && c.Operation == change.OperationUPDATE {
		for _, f := range c.Fields {
			if f.Field == "support" {
				out = append(out, Event{Type: SupportChanged, SubjectType: c.SubjectType, SubjectID: c.SubjectID, AccountID: c.AccountID, At: c.At,
					Data: map[string]any{"id": data.ID, "accountID": data.AccountID, "changeID": data.ChangeID, "old": f.Old, "new": f.New}})
			}
		}
	}
	return out
}

func idString(id *int) *string {
	if id == nil {
		return nil
	}
	s := strconv.Itoa(*id)
	return &s
}

// Write is the hook on the change history: each change recorded adds its
// events to its transaction's outbox, written in one INSERT just before the
// transaction commits (or at once when the change is made outside one).
func Write(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		value, err := next.Mutate(ctx, m)
		if err != nil || !m.Op().Is(ent.OpCreate) {
			return value, err
		}
		c, ok := value.(*gen.Change)
		if !ok {
			return value, nil
		}
		if actor, ok := m.(*gen.ChangeMutation).ActorID(); ok {
			c.Edges.Actor = &gen.User{ID: actor}
		}
		events := Events(c)
		if len(events) == 0 {
			return value, nil
		}
		cm := m.(*gen.ChangeMutation)
		if tx := gen.TxFromContext(ctx); tx != nil {
			if _, err := cm.Tx(); err == nil {
				outboxOf(tx).add(events)
				return value, nil
			}
		}
		return value, Insert(ctx, cm.Client(), events)
	})
}

// outbox is the events a transaction has written so far.
type outbox struct {
	mu     sync.Mutex
	events []Event
}

func (o *outbox) add(events []Event) {
	o.mu.Lock()
	o.events = append(o.events, events...)
	o.mu.Unlock()
}

// open holds the outbox of each transaction still open, by transaction.
var open sync.Map

// outboxOf is the transaction's outbox, made and hooked to its commit on first use.
func outboxOf(tx *gen.Tx) *outbox {
	o, loaded := open.LoadOrStore(tx, &outbox{})
	if loaded {
		return o.(*outbox)
	}
	tx.OnCommit(func(next gen.Committer) gen.Committer {
		return gen.CommitFunc(func(ctx context.Context, tx *gen.Tx) error {
			open.Delete(tx)
			box := o.(*outbox)
			if err := Insert(ctx, tx.Client(), box.events); err != nil {
				return err
			}
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			wake()
			return nil
		})
	})
	tx.OnRollback(func(next gen.Rollbacker) gen.Rollbacker {
		return gen.RollbackFunc(func(ctx context.Context, tx *gen.Tx) error {
			open.Delete(tx)
			return next.Rollback(ctx, tx)
		})
	})
	return o.(*outbox)
}

// Insert writes events to the outbox with the client given, in chunks.
func Insert(ctx context.Context, client *gen.Client, events []Event) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	for part := range slices.Chunk(events, chunk) {
		rows := make([]*gen.WebhookEventCreate, len(part))
		for i, e := range part {
			body, err := e.Body()
			if err != nil {
				return err
			}
			rows[i] = client.WebhookEvent.Create().SetAt(e.At).SetType(e.Type).SetSubjectType(e.SubjectType).
				SetSubjectID(e.SubjectID).SetNillableAccountID(e.AccountID).SetPayload(string(body))
		}
		if err := client.WebhookEvent.CreateBulk(rows...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// committed tells a waiting dispatcher of this process that events committed.
var committed = make(chan struct{}, 1)

func wake() {
	select {
	case committed <- struct{}{}:
	default:
	}
}

// Committed receives after a transaction of this process committed events;
// dispatchers of other processes find them by polling.
func Committed() <-chan struct{} { return committed }
