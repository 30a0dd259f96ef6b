// Package reviews answers what a review meeting starts from: the review
// before it and the action items open or completed since then. The rules are
// pure functions of plain values (Previous, Since); the Loader reads those
// values for every review of a request in three statements.
package reviews

import (
	"cmp"
	"slices"
	"time"
)

// Meeting is what the rules look at in a review.
type Meeting struct {
	ID      int
	Account int
	Held    bool
	// At is the time of the meeting: heldAt for a HELD review, scheduledAt for the others.
	At time.Time
}

// before tells whether a comes before b: by time, then by ID.
func (a Meeting) before(b Meeting) bool {
	return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID
}

// Previous is the latest HELD meeting of r's account before r, among held;
// false when there is none.
func Previous(r Meeting, held []Meeting) (Meeting, bool) {
	var prev Meeting
	found := false
	for _, m := range held {
		if m.Account != r.Account || !m.Held || m.ID == r.ID || !m.before(r) {
			continue
		}
		if !found || prev.before(m) {
			prev, found = m, true
		}
	}
	return prev, found
}

// Item is what the rules look at in an action item of the account's plans.
type Item struct {
	ID          int
	CreatedAt   time.Time
	DueAt       *time.Time
	CompletedAt *time.Time // set while DONE
	Canceled    bool
	Review      *int // the review that raised it
}

// Since splits the items for a meeting at time at whose previous review is
// prev (ok false: none). Open are the items neither canceled nor completed
// by at that were created by prev's time or raised by prev (without prev:
// created by at), earliest due first and undated last; completed are the
// items completed after prev's time and by at, earliest first.
func Since(items []Item, at time.Time, prev Meeting, ok bool) (open, completed []Item) {
	for _, it := range items {
		done := it.CompletedAt != nil && !it.CompletedAt.After(at)
		if done && (!ok || it.CompletedAt.After(prev.At)) {
			completed = append(completed, it)
		}
		if done || it.Canceled {
			continue
		}
		carried := !it.CreatedAt.After(at)
		if ok {
			carried = !it.CreatedAt.After(prev.At) || it.Review != nil && *it.Review == prev.ID
		}
		if carried {
			open = append(open, it)
		}
	}
	slices.SortStableFunc(open, func(a, b Item) int {
		switch {
		case a.DueAt == nil && b.DueAt == nil:
		case a.DueAt == nil:
			return 1
		case b.DueAt == nil:
			return -1
		case !a.DueAt.Equal(*b.DueAt):
			return a.DueAt.Compare(*b.DueAt)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	slices.SortStableFunc(completed, func(a, b Item) int {
		if c := a.CompletedAt.Compare(*b.CompletedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return open, completed
}
