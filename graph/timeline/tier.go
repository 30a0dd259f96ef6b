package timeline

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/history/replay"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/planhealth"
)

// tierState is what the tier table looks at in a plan's account, as it was:
// the account's tier, and its reviews with the seniorities of our attendees.
type tierState struct {
	tier    account.Tier
	reviews []*tierMeeting
}

// tierMeeting is a review of the account as it was, with the seniorities of
// the users who attended it then, as they were then.
type tierMeeting struct {
	review      *ent.Review
	seniorities []*user.Seniority
}

// loadAccountReviews reads the reviews of the account now, with their
// attendees' seniorities: two statements.
func loadAccountReviews(ctx context.Context, c *ent.Client, accountID int) ([]*ent.Review, error) {
	return c.Review.Query().Where(review.AccountID(accountID)).
		WithAttendees(func(q *ent.UserQuery) { q.Select(user.FieldID, user.FieldSeniority) }).All(ctx)
}

// rewindTier rebuilds the account's tier and its reviews with their
// attendees as they were at h.At: one statement for the tier, one for the
// attendees' changes since, one more only when an attendee then is no
// attendee of any review now.
func rewindTier(ctx context.Context, c *ent.Client, accountID int, reviews []*ent.Review, h *replay.History) (*tierState, error) {
	accounts, err := c.Account.Query().Where(account.ID(accountID)).Select(account.FieldID, account.FieldTier).All(ctx)
	if err != nil {
		return nil, err
	}
	thenAccounts, err := rewind(ent.TypeAccount, c.Account.Bare, accounts, h)
	if err != nil {
		return nil, err
	}
	s := &tierState{}
	if a := thenAccounts[accountID]; a != nil {
		s.tier = a.Value.Tier
	}
	thenReviews, err := rewind(ent.TypeReview, c.Review.Bare, reviews, h)
	if err != nil {
		return nil, err
	}
	var known []*ent.User
	attendees := map[int][]int{}
	for _, r := range reviews {
		for _, u := range r.Edges.Attendees {
			known = append(known, u)
			attendees[r.ID] = append(attendees[r.ID], u.ID)
		}
	}
	// Undo, newest first, the attendees added and removed since, and those of reviews deleted since.
	for _, ch := range h.Changes {
		if ch.SubjectType != ent.TypeReview || ch.Operation == change.OperationCREATE {
			continue
		}
		for _, f := range ch.Fields {
			if f.Field != "attendeeIDs" {
				continue
			}
			added, removed := ids(f.New), ids(f.Old)
			attendees[ch.SubjectID] = append(slices.DeleteFunc(attendees[ch.SubjectID], func(id int) bool { return slices.Contains(added, id) }), removed...)
		}
	}
	var all []int
	for _, list := range attendees {
		all = append(all, list...)
	}
	users, err := replay.Users(ctx, c, known, all, h.At)
	if err != nil {
		return nil, err
	}
	seniority := func(id int) *user.Seniority {
		if u := users[id]; u != nil {
			return u.Seniority
		}
		return nil
	}
	for _, r := range sorted(thenReviews) {
		m := &tierMeeting{review: r.Value}
		for _, id := range attendees[r.Value.ID] {
			m.seniorities = append(m.seniorities, seniority(id))
		}
		s.reviews = append(s.reviews, m)
	}
	return s, nil
}

// ids reads a list of IDs as the history writes it: IDs as JSON strings.
func ids(v json.RawMessage) []int {
	var s []string
	_ = json.Unmarshal(v, &s) // empty or null: none
	out := make([]int, 0, len(s))
	for _, x := range s {
		if id, err := strconv.Atoi(x); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// held tells whether a review, as it was, had been held by then.
func held(r *ent.Review, p *Plan) bool {
	return r.Status == review.StatusHELD && r.HeldAt != nil && !r.HeldAt.After(p.AsOf)
}

// latestTierReview is the account's last QBR or executive briefing held by
// the plan's time, as the plan health loader picks it now.
func (p *Plan) latestTierReview() planhealth.TierReview {
	var out planhealth.TierReview
	if p.tier == nil {
		return out
	}
	for _, m := range p.tier.reviews {
		r := m.review
		if !held(r, p) || (r.Kind != review.KindQBR && r.Kind != review.KindEXECUTIVE_BRIEFING) || r.HeldAt.Before(out.HeldAt) {
			continue
		}
		out = planhealth.TierReview{HeldAt: *r.HeldAt, Briefing: r.Kind == review.KindEXECUTIVE_BRIEFING}
		for _, s := range m.seniorities {
			switch {
			case s == nil:
			case *s == user.SeniorityEXECUTIVE:
				out.Executives++
			case *s == user.SeniorityVP:
				out.VPs++
			}
		}
	}
	return out
}
