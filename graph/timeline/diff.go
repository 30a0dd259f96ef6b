package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/schematype"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/planhealth"
)

// PointInTime names a time, or a review whose time (heldAt) it is.
type PointInTime struct {
	At       *time.Time
	ReviewID *int
}

// Time is the time a point names; a point naming both or neither, or an
// unknown review, is refused, naming field.
func (p PointInTime) Time(ctx context.Context, c *ent.Client, field string) (time.Time, error) {
	switch {
	case (p.At == nil) == (p.ReviewID == nil):
		return time.Time{}, &clienterr.InputError{Field: field, Message: "give either at or reviewID"}
	case p.At != nil:
		return *p.At, nil
	}
	r, err := c.Review.Query().Where(review.ID(*p.ReviewID)).Select(review.FieldHeldAt, review.FieldScheduledAt).Only(ctx)
	if ent.IsNotFound(err) {
		return time.Time{}, &clienterr.ReferenceError{Field: field + ".reviewID", Type: "Review", ID: *p.ReviewID}
	}
	if err != nil {
		return time.Time{}, err
	}
	if r.HeldAt == nil { // a review not held (yet) stands for its scheduled time
		return r.ScheduledAt, nil
	}
	return *r.HeldAt, nil
}

// PlanRecord names a record of a plan: the plan, a goal, an objective, a
// KPI, an action item or an insight.
type PlanRecord struct {
	Type  string
	ID    int
	Title string
}

// PlanRecordChange is a record of the plan that changed, with its fields
// before and after.
type PlanRecordChange struct {
	PlanRecord
	Fields []schematype.FieldChange
}

// KPIMove is a KPI whose current value moved, against its target.
type KPIMove struct {
	KPI          *ent.KPI
	From, To     *string
	Target       *string
	TowardTarget *bool // nil when there is no target or value to compare
}

// ActionItemSlip is an action item that slipped: its due date moved later,
// or it fell overdue.
type ActionItemSlip struct {
	ActionItem     *ent.ActionItem
	DueFrom, DueTo *time.Time
	Reason         string
}

// PlanDiff is what changed in a plan between two times.
type PlanDiff struct {
	From, To             time.Time
	Added, Removed       []*PlanRecord
	Changed              []*PlanRecordChange
	KPIs                 []*KPIMove
	ActionItemsCompleted []*ent.ActionItem
	ActionItemsSlipped   []*ActionItemSlip
	HealthFrom, HealthTo planhealth.Grade
	FindingsOpened       []planhealth.Finding
	FindingsResolved     []planhealth.Finding
}

// Diff compares a plan at two times (from before to).
func Diff(ctx context.Context, c *ent.Client, planID int, from, to PointInTime) (*PlanDiff, error) {
	f, err := from.Time(ctx, c, "from")
	if err != nil {
		return nil, err
	}
	t, err := to.Time(ctx, c, "to")
	if err != nil {
		return nil, err
	}
	if t.Before(f) {
		return nil, &clienterr.InputError{Field: "to", Message: "must not be before from"}
	}
	before, err := PlanAsOf(ctx, c, planID, f, "from")
	if err != nil {
		return nil, err
	}
	after, err := PlanAsOf(ctx, c, planID, t, "to")
	if err != nil {
		return nil, err
	}
	return comparePlans(before, after), nil
}

func comparePlans(before, after *Plan) *PlanDiff {
	d := &PlanDiff{From: before.AsOf, To: after.AsOf}
	was, is := before.records(), after.records()
	for _, k := range is.order {
		r := is.byKey[k]
		old, ok := was.byKey[k]
		if !ok {
			d.Added = append(d.Added, &r.PlanRecord)
			continue
		}
		if fields := fieldDeltas(r.Type, old.value, r.value); len(fields) > 0 {
			d.Changed = append(d.Changed, &PlanRecordChange{PlanRecord: r.PlanRecord, Fields: fields})
		}
	}
	for _, k := range was.order {
		if _, ok := is.byKey[k]; !ok {
			d.Removed = append(d.Removed, &was.byKey[k].PlanRecord)
		}
	}

	oldKPIs := map[int]*ent.KPI{}
	for _, k := range before.kpis() {
		oldKPIs[k.ID] = k
	}
	for _, k := range after.kpis() {
		o := oldKPIs[k.ID]
		if o == nil || same(o.CurrentValue, k.CurrentValue) {
			continue
		}
		d.KPIs = append(d.KPIs, &KPIMove{KPI: k, From: o.CurrentValue, To: k.CurrentValue, Target: k.Target, TowardTarget: toward(o.CurrentValue, k.CurrentValue, k.Target)})
	}

	oldItems := map[int]*ent.ActionItem{}
	for _, it := range before.ActionItems {
		oldItems[it.ID] = it
	}
	for _, it := range after.ActionItems {
		o := oldItems[it.ID]
		if it.Status == actionitem.StatusDONE && (o == nil || o.Status != actionitem.StatusDONE) {
			d.ActionItemsCompleted = append(d.ActionItemsCompleted, it)
			continue
		}
		if it.Status == actionitem.StatusDONE || it.Status == actionitem.StatusCANCELED || it.DueAt == nil {
			continue
		}
		var dueFrom *time.Time
		if o != nil {
			dueFrom = o.DueAt
		}
		switch {
		case dueFrom != nil && it.DueAt.After(*dueFrom):
			d.ActionItemsSlipped = append(d.ActionItemsSlipped, &ActionItemSlip{ActionItem: it, DueFrom: dueFrom, DueTo: it.DueAt,
				Reason: fmt.Sprintf("its due date moved from %s to %s", day(*dueFrom), day(*it.DueAt))})
		case it.DueAt.Before(after.AsOf) && (dueFrom == nil || !dueFrom.Before(before.AsOf)):
			d.ActionItemsSlipped = append(d.ActionItemsSlipped, &ActionItemSlip{ActionItem: it, DueFrom: dueFrom, DueTo: it.DueAt,
				Reason: fmt.Sprintf("it fell overdue: due %s and still %s", day(*it.DueAt), it.Status)})
		}
	}

	h0, h1 := before.Health(), after.Health()
	d.HealthFrom, d.HealthTo = h0.Grade, h1.Grade
	d.FindingsOpened, d.FindingsResolved = findingsOnly(h1.Findings, h0.Findings), findingsOnly(h0.Findings, h1.Findings)
	return d
}

// findingsOnly are the findings in a whose rule is not among b's.
func findingsOnly(a, b []planhealth.Finding) []planhealth.Finding {
	var out []planhealth.Finding
	for _, f := range a {
		if !slices.ContainsFunc(b, func(g planhealth.Finding) bool { return g.Rule == f.Rule }) {
			out = append(out, f)
		}
	}
	return out
}

// Health is the plan's health as it was at its time: the plan rules and the
// tier table on the plan, its account's tier and its reviews then.
func (p *Plan) Health() planhealth.Health { return planhealth.Evaluate(p.facts(), p.AsOf) }

// facts are what the plan health rules read, as the plan was.
func (p *Plan) facts() planhealth.Plan {
	f := planhealth.Plan{Status: p.Plan.Status, ReviewCadence: p.Plan.ReviewCadence, PeriodStart: p.Plan.PeriodStart, Goals: len(p.Goals)}
	for _, g := range p.Goals {
		for _, o := range g.Objectives {
			if o.Objective.Status == objective.StatusACHIEVED || o.Objective.Status == objective.StatusCANCELED {
				continue
			}
			if o.Objective.OwnerID == nil {
				f.ObjectivesWithoutOwner = append(f.ObjectivesWithoutOwner, o.Objective.Title)
			}
			if len(o.KPIs) == 0 {
				f.ObjectivesWithoutKPI = append(f.ObjectivesWithoutKPI, o.Objective.Title)
			}
		}
	}
	for _, it := range p.ActionItems {
		if it.Status != actionitem.StatusDONE && it.Status != actionitem.StatusCANCELED && it.DueAt != nil && it.DueAt.Before(p.AsOf) {
			f.ActionItems = append(f.ActionItems, planhealth.ActionItem{Title: it.Title, DueAt: *it.DueAt})
		}
	}
	slices.SortStableFunc(f.ActionItems, func(a, b planhealth.ActionItem) int { return a.DueAt.Compare(b.DueAt) })
	// The history does not record heldAt, which the server keeps: the status then says whether it was held.
	for _, r := range p.Reviews {
		if held(r, p) && r.HeldAt.After(f.LastReview) {
			f.LastReview = *r.HeldAt
		}
	}
	if p.Plan.Status == accountplan.StatusACTIVE && p.tier != nil {
		f.Tier, f.TierReview = p.tier.tier, p.latestTierReview()
	}
	for _, in := range p.Insights {
		f.Insights++
		if in.Confirmed {
			f.Confirmed++
		}
	}
	return f
}

func (p *Plan) kpis() []*ent.KPI {
	var out []*ent.KPI
	for _, g := range p.Goals {
		for _, o := range g.Objectives {
			out = append(out, o.KPIs...)
		}
	}
	return out
}

type planRecord struct {
	PlanRecord
	value any
}

type recordSet struct {
	order []string
	byKey map[string]*planRecord
}

// records lists the plan's records, the plan first, then each goal with its
// objectives and their KPIs, then the action items and insights.
func (p *Plan) records() recordSet {
	s := recordSet{byKey: map[string]*planRecord{}}
	add := func(typ string, id int, title string, v any) {
		k := typ + " " + strconv.Itoa(id)
		s.order = append(s.order, k)
		s.byKey[k] = &planRecord{PlanRecord{typ, id, title}, v}
	}
	add(ent.TypeAccountPlan, p.Plan.ID, p.Plan.Name, p.Plan)
	for _, g := range p.Goals {
		add(ent.TypeGoal, g.Goal.ID, g.Goal.Title, g.Goal)
		for _, o := range g.Objectives {
			add(ent.TypeObjective, o.Objective.ID, o.Objective.Title, o.Objective)
			for _, k := range o.KPIs {
				add(ent.TypeKPI, k.ID, k.Name, k)
			}
		}
	}
	for _, it := range p.ActionItems {
		add(ent.TypeActionItem, it.ID, it.Title, it)
	}
	for _, in := range p.Insights {
		add(ent.TypeInsight, in.ID, in.Text, in)
	}
	return s
}

// unshown are fields every write moves; the diff lists what people changed.
var unshown = map[string]bool{"created_at": true, "updated_at": true, "version": true}

// fieldDeltas lists the fields, by GraphQL name, whose values differ
// between two versions of a record.
func fieldDeltas(typ string, old, cur any) []schematype.FieldChange {
	var out []schematype.FieldChange
	ov, cv := reflect.ValueOf(old).Elem(), reflect.ValueOf(cur).Elem()
	for i := range ov.NumField() {
		f := ov.Type().Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		name, ok := ent.GraphQLNames[typ][tag]
		if !f.IsExported() || !ok || name.Hidden || unshown[tag] || (name.Target != "" && !name.Unique) {
			continue
		}
		a, b := jsonOf(ov.Field(i)), jsonOf(cv.Field(i))
		if !bytes.Equal(a, b) {
			out = append(out, schematype.FieldChange{Field: name.Field, Old: a, New: b})
		}
	}
	return out
}

// jsonOf is a field's value as JSON; nil when empty.
func jsonOf(v reflect.Value) json.RawMessage {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	if t, ok := v.Interface().(time.Time); ok && t.IsZero() {
		return nil
	}
	b, _ := json.Marshal(v.Interface())
	return b
}

func same(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// toward tells whether a value moved closer to the target; nil when it cannot say.
func toward(from, to, target *string) *bool {
	if from == nil || to == nil || target == nil {
		return nil
	}
	f, okF := new(big.Rat).SetString(*from)
	t, okT := new(big.Rat).SetString(*to)
	g, okG := new(big.Rat).SetString(*target)
	if !okF || !okT || !okG {
		return nil
	}
	before, after := new(big.Rat).Abs(new(big.Rat).Sub(g, f)), new(big.Rat).Abs(new(big.Rat).Sub(g, t))
	closer := after.Cmp(before) < 0
	return &closer
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// AttributeChange is a stakeholder whose support or political status changed.
type AttributeChange struct {
	Node     *orgmap.Node
	From, To string
}

// Move is a stakeholder whose manager changed.
type Move struct {
	Node                   *orgmap.Node
	ManagerFrom, ManagerTo *orgmap.Node
}

// WarmthChange is a decision maker or approver and the warmth of our best
// path to them at both times; nil where there was no path (or no such
// decision maker).
type WarmthChange struct {
	Node     *orgmap.Node
	From, To *float64
}

// OrgMapDiff is what changed in an account's org map between two times.
type OrgMapDiff struct {
	From, To                               time.Time
	Joined, Left                           []*orgmap.Node
	Moved                                  []*Move
	SupportChanges, PoliticalStatusChanges []*AttributeChange
	KeyPlayersGained, KeyPlayersLost       []*orgmap.Node
	HealthFrom, HealthTo                   *orgmap.Health
	DecisionMakers                         []*WarmthChange
}

// MapDiff compares an account's org map at two times. People are listed in
// the map's reporting order: those who joined, moved or changed as they are
// at to, those who left as they were at from.
func MapDiff(ctx context.Context, l orgmap.Loader, accountID int, from, to PointInTime) (*OrgMapDiff, error) {
	f, err := from.Time(ctx, l.Client, "from")
	if err != nil {
		return nil, err
	}
	t, err := to.Time(ctx, l.Client, "to")
	if err != nil {
		return nil, err
	}
	if t.Before(f) {
		return nil, &clienterr.InputError{Field: "to", Message: "must not be before from"}
	}
	before, err := l.OrgMapAsOf(ctx, accountID, f)
	if err != nil {
		return nil, err
	}
	after, err := l.OrgMapAsOf(ctx, accountID, t)
	if err != nil {
		return nil, err
	}
	return compareMaps(before, after, f, t), nil
}

func compareMaps(before, after *orgmap.Map, f, t time.Time) *OrgMapDiff {
	d := &OrgMapDiff{From: f, To: t, HealthFrom: before.Health(), HealthTo: after.Health()}
	was := map[int]*orgmap.Node{}
	for _, n := range before.Nodes {
		was[n.ID] = n
	}
	is := map[int]*orgmap.Node{}
	for _, n := range after.Nodes {
		is[n.ID] = n
	}
	for _, n := range after.Nodes {
		o := was[n.ID]
		if o == nil {
			d.Joined = append(d.Joined, n)
			if n.KeyPlayer() {
				d.KeyPlayersGained = append(d.KeyPlayersGained, n)
			}
			continue
		}
		if !sameInt(o.ManagerID, n.ManagerID) {
			m := &Move{Node: n}
			if o.ManagerID != nil {
				m.ManagerFrom = was[*o.ManagerID]
			}
			if n.ManagerID != nil {
				m.ManagerTo = is[*n.ManagerID]
			}
			d.Moved = append(d.Moved, m)
		}
		if o.Support != n.Support {
			d.SupportChanges = append(d.SupportChanges, &AttributeChange{n, string(o.Support), string(n.Support)})
		}
		if o.PoliticalStatus != n.PoliticalStatus {
			d.PoliticalStatusChanges = append(d.PoliticalStatusChanges, &AttributeChange{n, string(o.PoliticalStatus), string(n.PoliticalStatus)})
		}
		switch {
		case n.KeyPlayer() && !o.KeyPlayer():
			d.KeyPlayersGained = append(d.KeyPlayersGained, n)
		case !n.KeyPlayer() && o.KeyPlayer():
			d.KeyPlayersLost = append(d.KeyPlayersLost, n)
		}
	}
	for _, n := range before.Nodes {
		if is[n.ID] == nil {
			d.Left = append(d.Left, n)
			if n.KeyPlayer() {
				d.KeyPlayersLost = append(d.KeyPlayersLost, n)
			}
		}
	}
	warmth := func(m *orgmap.Map) map[int]*orgmap.DecisionMakerPath {
		out := map[int]*orgmap.DecisionMakerPath{}
		for _, p := range m.DecisionMakerPaths() {
			out[p.Node.ID] = p
		}
		return out
	}
	w0, w1 := warmth(before), warmth(after)
	add := func(n *orgmap.Node, a, b *orgmap.DecisionMakerPath) {
		d.DecisionMakers = append(d.DecisionMakers, &WarmthChange{Node: n, From: pathWarmth(a), To: pathWarmth(b)})
	}
	for _, p := range after.DecisionMakerPaths() {
		add(p.Node, w0[p.Node.ID], p)
	}
	for _, p := range before.DecisionMakerPaths() {
		if w1[p.Node.ID] == nil {
			add(p.Node, p, nil)
		}
	}
	return d
}

func pathWarmth(p *orgmap.DecisionMakerPath) *float64 {
	if p == nil || p.Path == nil || len(p.Path.Hops) == 0 {
		return nil
	}
	w := p.Path.Warmth
	return &w
}

func sameInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// ComparePlans is Diff for two plans already rebuilt, so a caller that
// needs the plans too rebuilds each once.
func ComparePlans(before, after *Plan) *PlanDiff { return comparePlans(before, after) }
