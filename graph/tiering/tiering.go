// Package tiering compares the tier mix of accounts with the playbook's guide
// (about 10% STRATEGIC, 15% KEY, 75% GENERAL) and suggests each account's
// tier from its rank by annual revenue.
package tiering

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
)

// Guide is the playbook's share of accounts per tier, in percent.
var Guide = []TierShare{
	{Tier: account.TierSTRATEGIC, GuideShare: 10},
	{Tier: account.TierKEY, GuideShare: 15},
	{Tier: account.TierGENERAL, GuideShare: 75},
}

// TierShare is one tier: how many accounts have it against the guide, and
// how many are suggested for it.
type TierShare struct {
	Tier       account.Tier
	Count      int
	Share      float64 // percent of all accounts, to one decimal
	GuideShare float64 // percent
	Suggested  int
}

// Suggestion is an account's rank by annual revenue and the tier it suggests.
type Suggestion struct {
	Account       *ent.Account
	Rank          int
	Tier          account.Tier // the account's tier
	SuggestedTier account.Tier
}

// Report is the tier mix of a set of accounts and a suggestion for each.
type Report struct {
	Total      int
	Tiers      []TierShare  // STRATEGIC, KEY, GENERAL
	Accounts   []Suggestion // every account, by rank, then by ID
	Mismatches []Suggestion // the accounts whose tier is not the suggested one, by rank
}

// Suggest ranks accounts by annual revenue, highest first, and suggests
// STRATEGIC for the top 10%, KEY for the next 15% and GENERAL for the rest.
// Of N accounts, the top round(N × 10%) ranks are STRATEGIC and the top
// round(N × 25%) ranks STRATEGIC or KEY, rounding halves up. Accounts with
// the same revenue share a rank (1, 2, 2, 4), so ties at a cut-off all get the
// higher tier. An account with no revenue with us is always GENERAL.
func Suggest(accounts []*ent.Account) Report {
	sorted := slices.Clone(accounts)
	slices.SortFunc(sorted, func(a, b *ent.Account) int {
		return cmp.Or(cmp.Compare(b.AnnualRevenue, a.AnnualRevenue), cmp.Compare(a.ID, b.ID))
	})
	n := len(sorted)
	strategic, top := (n*10+50)/100, (n*25+50)/100
	r := Report{Total: n, Tiers: slices.Clone(Guide), Accounts: make([]Suggestion, n)}
	rank := 0
	for i, a := range sorted {
		if i == 0 || a.AnnualRevenue != sorted[i-1].AnnualRevenue {
			rank = i + 1
		}
		s := Suggestion{Account: a, Rank: rank, Tier: a.Tier, SuggestedTier: account.TierGENERAL}
		switch {
		case a.AnnualRevenue == 0:
		case rank <= strategic:
			s.SuggestedTier = account.TierSTRATEGIC
		case rank <= top:
			s.SuggestedTier = account.TierKEY
		}
		r.Accounts[i] = s
		if s.SuggestedTier != s.Tier {
			r.Mismatches = append(r.Mismatches, s)
		}
		for j := range r.Tiers {
			if r.Tiers[j].Tier == s.Tier {
				r.Tiers[j].Count++
			}
			if r.Tiers[j].Tier == s.SuggestedTier {
				r.Tiers[j].Suggested++
			}
		}
	}
	if r.Mismatches == nil {
		r.Mismatches = []Suggestion{}
	}
	for j := range r.Tiers {
		if n > 0 {
			r.Tiers[j].Share = math.Round(float64(r.Tiers[j].Count)*1000/float64(n)) / 10
		}
	}
	return r
}

// Load reports on the accounts where selects (every account when nil), read in one statement.
func Load(ctx context.Context, client *ent.Client, where *ent.AccountWhereInput) (*Report, error) {
	q, err := where.Filter(client.Account.Query())
	if err != nil {
		return nil, err
	}
	accounts, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	r := Suggest(accounts)
	return &r, nil
}
