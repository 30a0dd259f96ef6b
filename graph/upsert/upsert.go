// Package upsert writes many records of one type in one call, keyed by
// their external IDs (their keys in a CRM): each row creates the record,
// updates it, or leaves it as it is when nothing differs. Rows name other
// records by natural keys (an account's or a manager's external ID, a
// user's e-mail), in any order within the call.
//
// Every row runs through the same ent mutations, hooks, privacy rules and
// history as a single create or update; the call shares their lookups and
// locks and writes the derived rows (history, map versions) once, through
// ent/schema/bulk. The statements a call runs grow with the kinds of record
// it names and the depth of the references between its own rows, not with
// the rows created or unchanged; an updated row adds its own few.
package upsert

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/user"
)

// MaxRows is the most rows one call takes.
const MaxRows = 5000

// Mode says what a refused row does to the others.
type Mode string

// The modes.
const (
	Atomic Mode = "ATOMIC"  // one refused row refuses the call: nothing is written
	PerRow Mode = "PER_ROW" // a refused row is reported in its result; the others are written
)

// Outcome is what a row did.
type Outcome string

// The outcomes.
const (
	Created   Outcome = "CREATED"    // the record was created
	Updated   Outcome = "UPDATED"    // fields of the record changed
	Unchanged Outcome = "UNCHANGED"  // the record already had these values: nothing was written
	KeptNewer Outcome = "KEPT_NEWER" // the record's last change, here or from a newer sync row, is not older than the row's: nothing was written
	Failed    Outcome = "FAILED"     // the row was refused: see its error
)

// Ref is a reference by natural key from a row to another record.
type Ref struct {
	Input string // the input field, e.g. reportsToExternalID
	Field string // the ent edge field it sets, e.g. reports_to_id
	Type  string // the type referred to
	Key   string // its external ID, or a user's e-mail address, or ID in decimal
	ID    int    // our ID of the record, when the row names it by that
	// Fixed marks an edge that never changes once set (the account a
	// stakeholder is in): a row that names another is refused.
	Fixed bool
}

// Row is one record to upsert.
type Row struct {
	ExternalID string
	// Fields are the fields to set, by ent name, with values of ent's Go
	// types; a field left out keeps its value (or takes its default).
	Fields map[string]any
	Refs   []Ref
	// Source is when the record last changed in the source system: a record
	// changed here later, or that took a source time not older, is kept as it is.
	Source *time.Time
	// Invalid refuses the row before anything is read, e.g. a row that names
	// no plan.
	Invalid error
}

// Result is what became of one row.
type Result struct {
	Index      int
	ExternalID string
	ID         *int // nil when no record has the external ID
	Outcome    Outcome
	Err        error // the refusal, when the row failed
}

// RowError is a refused row, with its place in the call.
type RowError struct {
	Index      int
	ExternalID string
	Err        error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("row %d (externalID %q): %v", e.Index, e.ExternalID, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// record is one existing record, as the call needs it.
type record struct {
	node    any
	id      int
	account int // 0 when not known
	updated time.Time
	source  *time.Time // the source time it took from its last sync row; nil after a change here
}

// Run upserts the rows into records of the type; client must be the
// request's transaction. In Atomic mode the first refused row is returned
// as a *RowError and the caller rolls back; a nil error with results
// otherwise.
func Run(ctx context.Context, client *gen.Client, typ string, rows []Row, mode Mode) (*Payload, error) {
	if len(rows) > MaxRows {
		return nil, &clienterr.InputError{Field: "input", Message: fmt.Sprintf("at most %d rows per call; send the rest in another", MaxRows)}
	}
	// Refused before reading, as every write would be: an unchanged row writes nothing to refuse.
	if v, ok := viewer.FromContext(ctx); ok && (v.ReadOnly || v.Role == viewer.RoleViewer) {
		return nil, clienterr.Forbidden("a read-only token or a VIEWER never writes: an upsert is refused whatever its rows")
	}
	ctx, call := bulk.NewContext(ctx)
	u := &run{ctx: ctx, client: client, call: call, typ: typ, rows: rows, mode: mode,
		results: make([]Result, len(rows)), byKey: map[string]int{}}
	for i, r := range rows {
		u.results[i] = Result{Index: i, ExternalID: r.ExternalID}
	}
	steps := []func() error{u.keys, u.lock, u.existing, u.references, u.order, u.write}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
		if err := u.firstRefusal(); err != nil && mode == Atomic {
			return nil, err
		}
	}
	if err := call.Flush(ctx, client); err != nil {
		return nil, err
	}
	return &Payload{Results: u.results}, nil
}

type run struct {
	ctx     context.Context
	client  *gen.Client
	call    *bulk.Call
	typ     string
	rows    []Row
	mode    Mode
	results []Result
	byKey   map[string]int               // external ID → row index
	found   map[string]record            // external ID → the record of the type that has it
	refs    map[string]map[string]record // type → key → record referred to
	levels  [][]int                      // rows by when they can be written
}

// refuse marks a row failed, unless it failed already.
func (u *run) refuse(i int, err error) {
	if u.results[i].Err == nil {
		u.results[i].Outcome, u.results[i].Err = Failed, u.inputName(i, err)
	}
}

// inputName names the row's input field in a refusal that names the single
// mutation's (stakeholderOwnerID for stakeholderOwnerExternalID, ownerID for ownerEmail).
func (u *run) inputName(i int, err error) error {
	in, ok := err.(*clienterr.InputError)
	if !ok {
		return err
	}
	base, ok := strings.CutSuffix(in.Field, "ID")
	if !ok {
		return err
	}
	for _, ref := range u.rows[i].Refs {
		if ref.Input == base+"ExternalID" || ref.Input == base+"Email" {
			renamed := *in
			renamed.Field = ref.Input
			return &renamed
		}
	}
	return err
}

func (u *run) failed(i int) bool { return u.results[i].Err != nil }

// firstRefusal is the first refused row, as an error.
func (u *run) firstRefusal() error {
	for _, r := range u.results {
		if r.Err != nil {
			return &RowError{Index: r.Index, ExternalID: r.ExternalID, Err: r.Err}
		}
	}
	return nil
}

// keys refuses rows without an external ID and an external ID twice.
func (u *run) keys() error {
	for i, r := range u.rows {
		switch first, twice := u.byKey[r.ExternalID]; {
		case r.ExternalID == "":
			u.refuse(i, &clienterr.InputError{Field: "externalID", Message: "every row needs an external ID"})
		case r.Invalid != nil && !twice:
			u.refuse(i, r.Invalid)
			u.byKey[r.ExternalID] = i
		case twice:
			u.refuse(i, &clienterr.InputError{Field: "externalID", Message: fmt.Sprintf("the external ID is also on row %d: send each record once per call", first)})
		default:
			u.byKey[r.ExternalID] = i
		}
	}
	return nil
}

// lockSpace keeps the locks on external IDs apart from the per-account
// locks (PostgreSQL's one-key and two-key advisory locks never overlap).
const lockSpace = 16

// LockSlots bounds the locks on external IDs a call holds, whatever its
// rows: an ID's lock is its hash's slot, as invariant.AccountLock bounds the
// accounts', so that large concurrent calls do not overfill PostgreSQL's lock table.
const LockSlots = 512

// lock makes concurrent calls that name one external ID run one after the
// other on PostgreSQL, so the second finds the first's record and updates
// it instead of colliding with it; SQLite's writers queue already.
func (u *run) lock() error {
	if u.client.Dialect() != dialect.Postgres || len(u.byKey) == 0 {
		return nil
	}
	keys := make([]int, 0, len(u.byKey))
	for k := range u.byKey {
		h := fnv.New32a()
		h.Write([]byte(u.typ + "\x00" + k))
		keys = append(keys, int(h.Sum32()%LockSlots))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	text := make([]string, len(keys))
	for i, k := range keys {
		text[i] = strconv.Itoa(k)
	}
	// One order for every call, so that two calls never wait on each other;
	// the keys are numbers computed here, written into the text.
	_, err := u.client.ExecContext(u.ctx, "SELECT count(pg_advisory_xact_lock("+strconv.Itoa(lockSpace)+", k)) FROM unnest(ARRAY["+strings.Join(text, ",")+"]::int[]) AS k")
	return err
}

// existing reads the records that have the rows' external IDs.
func (u *run) existing() error {
	var err error
	u.found, err = u.byExternalID(u.typ, mapsKeys(u.byKey))
	if err != nil {
		return err
	}
	for key, rec := range u.found {
		u.results[u.byKey[key]].ID = &rec.id
	}
	return nil
}

// references finds every record the rows name outside the call: one query
// per type named.
func (u *run) references() error {
	wanted, byID := map[string][]string{}, map[string][]string{}
	for _, r := range u.rows {
		for _, ref := range r.Refs {
			switch {
			case ref.ID != 0:
				byID[ref.Type] = append(byID[ref.Type], ref.Key)
			case u.named(ref):
			default:
				wanted[ref.Type] = append(wanted[ref.Type], ref.Key)
			}
		}
	}
	u.refs = map[string]map[string]record{}
	for typ, keys := range wanted {
		var err error
		if typ == gen.TypeUser {
			u.refs[typ], err = u.usersByEmail(keys)
		} else {
			u.refs[typ], err = u.byExternalID(typ, keys)
		}
		if err != nil {
			return err
		}
	}
	for typ, keys := range byID {
		found, err := u.read(typ, "id", keys)
		if err != nil {
			return err
		}
		for _, rec := range found {
			if u.refs[typ] == nil {
				u.refs[typ] = map[string]record{}
			}
			u.refs[typ][idKey(rec.id)] = rec
		}
	}
	for i, r := range u.rows {
		for _, ref := range r.Refs {
			if u.named(ref) {
				continue
			}
			if _, ok := u.refs[ref.Type][refKey(ref)]; !ok {
				what := "external ID"
				switch {
				case ref.ID != 0:
					what = "ID"
				case ref.Type == gen.TypeUser:
					what = "e-mail address"
				}
				u.refuse(i, &clienterr.InputError{Field: ref.Input, Message: fmt.Sprintf("no %s has the %s %q, here or earlier in the call", ref.Type, what, ref.Key)})
			}
		}
	}
	u.knowAccounts()
	return nil
}

// refKey is where u.refs keeps the record a reference names: our IDs apart
// from external IDs, which may look alike.
func refKey(ref Ref) string {
	if ref.ID != 0 {
		return idKey(ref.ID)
	}
	return ref.Key
}

func idKey(id int) string { return "\x00id " + strconv.Itoa(id) }

// knowAccounts tells the call's hooks the account of each existing record
// that has none of its own but a plan the call read (an action item).
func (u *run) knowAccounts() {
	for key, rec := range u.found {
		if rec.account != 0 {
			continue
		}
		if plan := reflect.ValueOf(rec.node).Elem().FieldByName("PlanID"); plan.IsValid() && plan.Kind() == reflect.Int {
			if acc, ok := u.call.AccountOf(gen.TypeAccountPlan, int(plan.Int())); ok && acc != 0 {
				rec.account = acc
				u.found[key] = rec
				u.know(u.typ, rec)
			}
		}
	}
}

// named tells whether the reference names a row of the call.
func (u *run) named(ref Ref) bool {
	return ref.ID == 0 && ref.Type == u.typ && u.inCall(ref.Key)
}

// inCall tells whether a row of the call has the external ID.
func (u *run) inCall(key string) bool {
	i, ok := u.byKey[key]
	return ok && u.rows[i].ExternalID == key
}

// order puts every row after the new rows of the call it names, refusing a
// cycle among the call's own rows with the index of a row on it.
func (u *run) order() error {
	level := make([]int, len(u.rows))
	const unseen, visiting = -1, -2
	for i := range level {
		level[i] = unseen
	}
	var visit func(i int, path []int)
	visit = func(i int, path []int) {
		switch level[i] {
		case visiting:
			cycle := slices.Clone(path[slices.Index(path, i):])
			for _, j := range cycle {
				u.refuse(j, &clienterr.InputError{Field: u.selfRef(j).Input, Message: fmt.Sprintf("the rows %v form a cycle: refused", cycle)})
			}
			return
		case unseen:
		default:
			return
		}
		level[i] = visiting
		lv := 0
		for _, ref := range u.rows[i].Refs {
			if !u.named(ref) {
				continue
			}
			j := u.byKey[ref.Key]
			if j == i {
				u.refuse(i, &clienterr.InputError{Field: ref.Input, Message: "a row cannot name itself"})
				continue
			}
			visit(j, append(path, i))
			if u.failed(j) {
				u.refuse(i, &clienterr.InputError{Field: ref.Input, Message: fmt.Sprintf("row %d, which this row names, was refused", j)})
			}
			if _, exists := u.found[ref.Key]; !exists && level[j]+1 > lv {
				lv = level[j] + 1
			}
		}
		level[i] = max(lv, 0)
	}
	for i := range u.rows {
		if level[i] == unseen {
			visit(i, nil)
		}
	}
	for i, lv := range level {
		for len(u.levels) <= lv {
			u.levels = append(u.levels, nil)
		}
		u.levels[lv] = append(u.levels[lv], i)
	}
	return nil
}

// selfRef is the row's first reference to a row of the call.
func (u *run) selfRef(i int) Ref {
	for _, ref := range u.rows[i].Refs {
		if u.named(ref) {
			return ref
		}
	}
	return Ref{Input: "externalID"}
}

// write writes the rows level by level: each level's new records in one
// INSERT, then its changed records one by one.
func (u *run) write() error {
	for _, rows := range u.levels {
		var creates []int
		for _, i := range rows {
			if u.failed(i) || u.dependsOnFailed(i) {
				continue
			}
			if _, exists := u.found[u.rows[i].ExternalID]; exists {
				if err := u.guard(func() error { return u.update(i) }, i); err != nil && (u.mode == Atomic || !refusal(err)) {
					return err
				}
				continue
			}
			creates = append(creates, i)
		}
		if err := u.createAll(creates); err != nil {
			return err
		}
	}
	return nil
}

// dependsOnFailed refuses a row that names a refused row of the call.
func (u *run) dependsOnFailed(i int) bool {
	for _, ref := range u.rows[i].Refs {
		if u.named(ref) && u.failed(u.byKey[ref.Key]) {
			u.refuse(i, &clienterr.InputError{Field: ref.Input, Message: fmt.Sprintf("row %d, which this row names, was refused", u.byKey[ref.Key])})
			return true
		}
	}
	return false
}

// guard runs a write inside a savepoint, so that a refused write is undone
// alone and the transaction goes on; a refused row is noted. Outside
// PER_ROW mode a single row's write needs none: its refusal ends the call.
func (u *run) guard(write func() error, rows ...int) error {
	if u.mode == Atomic && len(rows) == 1 {
		err := write()
		if refusal(err) {
			u.refuse(rows[0], err)
			return u.firstRefusal()
		}
		return err
	}
	if _, err := u.client.ExecContext(u.ctx, "SAVEPOINT upsert_row"); err != nil {
		return err
	}
	err := write()
	if err == nil {
		_, err = u.client.ExecContext(u.ctx, "RELEASE SAVEPOINT upsert_row")
		return err
	}
	if !refusal(err) {
		return err
	}
	if _, rbErr := u.client.ExecContext(u.ctx, "ROLLBACK TO SAVEPOINT upsert_row"); rbErr != nil {
		return rbErr
	}
	if rbErr := u.call.RolledBack(u.ctx, u.client); rbErr != nil {
		return rbErr
	}
	if len(rows) == 1 {
		u.refuse(rows[0], err)
	}
	return err
}

// refusal tells whether the client's data caused the error (not the database).
func refusal(err error) bool {
	var (
		input      *clienterr.InputError
		reference  *clienterr.ReferenceError
		validation *gen.ValidationError
		forbidden  *clienterr.ForbiddenError
		conflict   *clienterr.ConflictError
	)
	return errors.As(err, &input) || errors.As(err, &reference) || errors.As(err, &validation) ||
		errors.As(err, &forbidden) || errors.Is(err, privacy.Deny) || errors.As(err, &conflict) || gen.IsConstraintError(err)
}

// createAll creates the rows' records with one INSERT; when one is
// refused, each on its own, to tell which (and, in PER_ROW mode, to write
// the others).
func (u *run) createAll(rows []int) error {
	if len(rows) == 0 {
		return nil
	}
	accounts := make([]int, 0, len(rows))
	for _, i := range rows {
		if acc := u.accountOf(i); acc != 0 {
			accounts = append(accounts, acc)
		}
	}
	slices.Sort(accounts)
	u.call.Expect(slices.Compact(accounts))
	defer u.call.Expect(nil)
	err := u.guard(func() error { return u.create(rows) })
	if err == nil || !refusal(err) {
		return err
	}
	for _, i := range rows {
		if err := u.guard(func() error { return u.create([]int{i}) }, i); err != nil && (u.mode == Atomic || !refusal(err)) {
			return err
		}
	}
	return nil
}

// accountOf is the account a new row's record goes into, through the
// record its fixed reference names (its account, its plan); 0 when unknown.
func (u *run) accountOf(i int) int {
	for _, ref := range u.rows[i].Refs {
		if !ref.Fixed || u.named(ref) {
			continue
		}
		if rec, ok := u.refs[ref.Type][refKey(ref)]; ok && rec.account != 0 {
			return rec.account
		}
	}
	return 0
}

// createsPerStatement keeps an INSERT under PostgreSQL's 65,535 and
// SQLite's 32,766 bound parameters, for types of up to 30 columns.
const createsPerStatement = 1000

// create inserts the rows' records, a thousand per statement.
func (u *run) create(rows []int) error {
	for chunk := range slices.Chunk(rows, createsPerStatement) {
		if err := u.insert(chunk); err != nil {
			return err
		}
	}
	return nil
}

// insert inserts the rows' records in one statement.
func (u *run) insert(rows []int) error {
	c := u.entClient(u.typ)
	builders := reflect.MakeSlice(reflect.SliceOf(c.MethodByName("Create").Type().Out(0)), len(rows), len(rows))
	for n, i := range rows {
		b := c.MethodByName("Create").Call(nil)[0]
		m := b.MethodByName("Mutation").Call(nil)[0].Interface().(ent.Mutation)
		if err := u.apply(i, m, nil); err != nil {
			return err
		}
		if err := u.source(i, m); err != nil {
			return err
		}
		builders.Index(n).Set(b)
	}
	out := c.MethodByName("CreateBulk").CallSlice([]reflect.Value{builders})[0].MethodByName("Save").Call([]reflect.Value{reflect.ValueOf(u.ctx)})
	if err, _ := out[1].Interface().(error); err != nil {
		return err
	}
	for n, i := range rows {
		rec := u.recordOf(out[0].Index(n).Interface())
		u.found[u.rows[i].ExternalID] = rec
		u.know(u.typ, rec)
		u.results[i].ID, u.results[i].Outcome = &rec.id, Created
	}
	return nil
}

// update writes the fields of the row that differ from its record's, or
// nothing when none does (UNCHANGED, whatever the times, so that a replay is
// free) or the record's last change is not older than the row's (KEPT_NEWER).
func (u *run) update(i int) error {
	rec := u.found[u.rows[i].ExternalID]
	b := u.entClient(u.typ).MethodByName("UpdateOne").Call([]reflect.Value{reflect.ValueOf(rec.node)})[0]
	m := b.MethodByName("Mutation").Call(nil)[0].Interface().(ent.Mutation)
	if err := u.apply(i, m, rec.node); err != nil {
		return err
	}
	if len(m.Fields()) == 0 {
		u.results[i].Outcome = Unchanged
		return nil
	}
	if src := u.rows[i].Source; src != nil && rec.newer(*src) {
		u.results[i].Outcome = KeptNewer
		return nil
	}
	if err := u.source(i, m); err != nil {
		return err
	}
	out := b.MethodByName("Save").Call([]reflect.Value{reflect.ValueOf(u.ctx)})
	if err, _ := out[1].Interface().(error); err != nil {
		return err
	}
	u.results[i].Outcome = Updated
	return nil
}

// newer tells whether the record changed after src on either side: the
// source time it took from a sync row (an equal one is not newer news), or,
// when changed here since, the time of that change.
func (rec record) newer(src time.Time) bool {
	src = src.UTC().Truncate(time.Microsecond)
	if rec.source != nil {
		return !src.After(*rec.source)
	}
	return rec.updated.After(src)
}

// source gives the record the row's source time; a row without one leaves
// the field unset, so that the write counts as a change made here.
func (u *run) source(i int, m ent.Mutation) error {
	if src := u.rows[i].Source; src != nil {
		return m.SetField(invariant.SourceTimeField, *src)
	}
	return nil
}

// apply sets on the mutation the row's fields and references that differ
// from the record's (all of them for a new record: old is nil).
func (u *run) apply(i int, m ent.Mutation, old any) error {
	r := u.rows[i]
	set := func(field string, v any) error {
		if old != nil {
			if cur, err := m.OldField(u.ctx, field); err == nil && equal(cur, v) {
				return nil
			}
		}
		return m.SetField(field, v)
	}
	if err := set("external_id", r.ExternalID); err != nil {
		return err
	}
	for _, name := range sortedKeys(r.Fields) {
		if err := set(name, r.Fields[name]); err != nil {
			return err
		}
	}
	for _, ref := range r.Refs {
		id, err := u.resolve(ref)
		if err != nil {
			return err
		}
		if old != nil && ref.Fixed {
			if cur, err := m.OldField(u.ctx, ref.Field); err == nil && !equal(cur, id) {
				return &clienterr.InputError{Field: ref.Input, Message: "cannot move the record to another " + ref.Type + ": it stays where it was created"}
			}
			continue
		}
		if err := set(ref.Field, id); err != nil {
			return err
		}
	}
	return nil
}

// resolve is the ID of the record a reference names.
func (u *run) resolve(ref Ref) (int, error) {
	if u.named(ref) {
		if rec, ok := u.found[ref.Key]; ok {
			return rec.id, nil
		}
		return 0, &clienterr.InputError{Field: ref.Input, Message: fmt.Sprintf("row %d, which this row names, was not written", u.byKey[ref.Key])}
	}
	return u.refs[ref.Type][refKey(ref)].id, nil
}

// byExternalID reads the records of the type with the external IDs.
func (u *run) byExternalID(typ string, keys []string) (map[string]record, error) {
	return u.read(typ, "external_id", keys)
}

// usersByEmail reads the users with the e-mail addresses.
func (u *run) usersByEmail(keys []string) (map[string]record, error) {
	return u.read(gen.TypeUser, user.FieldEmail, keys)
}

// keysPerStatement keeps a lookup under SQLite's limit on bound parameters.
const keysPerStatement = 10000

// read reads, with the server's rights, the records of the type whose
// column holds one of the keys, and notes them as known to the call.
func (u *run) read(typ, column string, keys []string) (map[string]record, error) {
	out := map[string]record{}
	ctx := privacy.DecisionContext(u.ctx, privacy.Allow)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for chunk := range slices.Chunk(keys, keysPerStatement) {
		values := make([]any, len(chunk))
		for i, k := range chunk {
			values[i] = k
			if column == "id" {
				values[i], _ = strconv.Atoi(k)
			}
		}
		q := u.entClient(typ).MethodByName("Query").Call(nil)[0]
		where := q.MethodByName("Where")
		p := reflect.ValueOf(sql.FieldIn(column, values...)).Convert(where.Type().In(0).Elem())
		res := where.Call([]reflect.Value{p})[0].MethodByName("All").Call([]reflect.Value{reflect.ValueOf(ctx)})
		if err, _ := res[1].Interface().(error); err != nil {
			return nil, err
		}
		for n := range res[0].Len() {
			node := res[0].Index(n)
			rec := u.recordOf(node.Interface())
			key := node.Elem().FieldByName("ExternalID")
			switch {
			case column == user.FieldEmail:
				out[node.Elem().FieldByName("Email").String()] = rec
			case column == "id":
				out[strconv.Itoa(rec.id)] = rec
			case !key.IsNil():
				out[key.Elem().String()] = rec
			}
			u.know(typ, rec)
		}
	}
	return out, nil
}

// recordOf reads what the call needs of an entity.
func (u *run) recordOf(node any) record {
	v := reflect.ValueOf(node).Elem()
	rec := record{node: node, id: int(v.FieldByName("ID").Int())}
	if f := v.FieldByName("UpdatedAt"); f.IsValid() {
		rec.updated = f.Interface().(time.Time)
	}
	if f := v.FieldByName("SourceUpdatedAt"); f.IsValid() {
		rec.source, _ = f.Interface().(*time.Time)
	}
	switch f := v.FieldByName("AccountID"); {
	case v.Type().Name() == gen.TypeAccount:
		rec.account = rec.id
	case f.IsValid() && f.Kind() == reflect.Int:
		rec.account = int(f.Int())
	}
	return rec
}

// know tells the call's hooks that the record exists, and its account.
func (u *run) know(typ string, rec record) {
	u.call.Know(typ, rec.id, rec.account)
}

// entClient is client.<typ>.
func (u *run) entClient(typ string) reflect.Value {
	return reflect.ValueOf(u.client).Elem().FieldByName(typ)
}

// equal tells whether a record's value (a pointer for a nillable field) is v.
func equal(cur, v any) bool {
	c := reflect.ValueOf(cur)
	if c.Kind() == reflect.Pointer {
		if c.IsNil() {
			return false
		}
		c = c.Elem()
	}
	if t, ok := c.Interface().(time.Time); ok {
		t2, ok := v.(time.Time)
		return ok && t.Equal(t2)
	}
	return reflect.DeepEqual(c.Interface(), v)
}

func mapsKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := mapsKeys(m)
	slices.Sort(out)
	return out
}

// Payload is the answer of an upsert.
type Payload struct{ Results []Result }

func (p *Payload) count(outcomes ...Outcome) int {
	n := 0
	for _, r := range p.Results {
		if slices.Contains(outcomes, r.Outcome) {
			n++
		}
	}
	return n
}

// Created is the number of rows that created a record.
func (p *Payload) Created() int { return p.count(Created) }

// Updated is the number of rows that changed a record.
func (p *Payload) Updated() int { return p.count(Updated) }

// Unchanged is the number of rows that changed nothing.
func (p *Payload) Unchanged() int { return p.count(Unchanged, KeptNewer) }

// Failed is the number of rows refused.
func (p *Payload) Failed() int { return p.count(Failed) }
