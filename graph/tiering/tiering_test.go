package tiering

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
)

// accounts builds accounts from "name:tier:revenue" specs, tiers as S, K or G.
func accounts(specs ...string) []*ent.Account {
	tiers := map[string]account.Tier{"S": account.TierSTRATEGIC, "K": account.TierKEY, "G": account.TierGENERAL}
	out := make([]*ent.Account, len(specs))
	for i, s := range specs {
		parts := strings.Split(s, ":")
		revenue, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			panic(err)
		}
		out[i] = &ent.Account{ID: i + 1, Name: parts[0], Tier: tiers[parts[1]], AnnualRevenue: revenue}
	}
	return out
}

// suggested writes each suggestion as name:rank:suggested tier letter.
func suggested(ss []Suggestion) string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s:%d:%s", s.Account.Name, s.Rank, string(s.SuggestedTier)[:1]))
	}
	return strings.Join(out, " ")
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		name       string
		accounts   []*ent.Account
		accountsBy string // name:rank:suggested, by rank
		mismatches string
	}{
		{"empty", nil, "", ""},
		// 12 accounts: round(1.2) = 1 STRATEGIC, round(3) = 3 in the top 25%.
		{"twelve", accounts("a:S:120", "b:S:110", "c:K:100", "d:K:90", "e:K:80", "f:G:70", "g:G:60", "h:G:50", "i:G:40", "j:G:30", "k:G:20", "l:G:10"),
			"a:1:S b:2:K c:3:K d:4:G e:5:G f:6:G g:7:G h:8:G i:9:G j:10:G k:11:G l:12:G", "b:2:K d:4:G e:5:G"},
		// Unsorted input; ties share a rank and all take the higher tier: 10 accounts give 1 and 3.
		{"ties at the cut-offs", accounts("a:G:5", "b:S:9", "c:S:9", "d:K:7", "e:K:6", "f:G:6", "g:G:1", "h:G:1", "i:G:1", "j:G:1"),
			"b:1:S c:1:S d:3:K e:4:G f:4:G a:6:G g:7:G h:7:G i:7:G j:7:G", "e:4:G"},
		// 14 accounts: round(1.4) = 1, round(3.5) = 4 (halves up).
		{"halves round up", accounts("a:S:14", "b:K:13", "c:K:12", "d:K:11", "e:G:10", "f:G:9", "g:G:8", "h:G:7", "i:G:6", "j:G:5", "k:G:4", "l:G:3", "m:G:2", "n:G:1"),
			"a:1:S b:2:K c:3:K d:4:K e:5:G f:6:G g:7:G h:8:G i:9:G j:10:G k:11:G l:12:G m:13:G n:14:G", ""},
		// 4 accounts: round(0.4) = 0 STRATEGIC, round(1) = 1.
		{"too few for a strategic account", accounts("a:S:4", "b:G:3", "c:G:2", "d:G:1"), "a:1:K b:2:G c:3:G d:4:G", "a:1:K"},
		{"no revenue is never above GENERAL", accounts("a:S:0", "b:K:0", "c:G:0", "d:G:0"), "a:1:G b:1:G c:1:G d:1:G", "a:1:G b:1:G"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Suggest(c.accounts)
			if got := suggested(r.Accounts); got != c.accountsBy {
				t.Errorf("accounts:\n got %s\nwant %s", got, c.accountsBy)
			}
			if got := suggested(r.Mismatches); got != c.mismatches {
				t.Errorf("mismatches:\n got %s\nwant %s", got, c.mismatches)
			}
			if r.Total != len(c.accounts) || r.Mismatches == nil {
				t.Errorf("total %d, mismatches %v", r.Total, r.Mismatches)
			}
		})
	}
}

func TestSuggestTierShares(t *testing.T) {
	r := Suggest(accounts("a:S:120", "b:S:110", "c:K:100", "d:K:90", "e:K:80", "f:G:70", "g:G:60", "h:G:50", "i:G:40", "j:G:30", "k:G:20", "l:G:10"))
	want := []TierShare{
		{Tier: account.TierSTRATEGIC, Count: 2, Share: 16.7, GuideShare: 10, Suggested: 1},
		{Tier: account.TierKEY, Count: 3, Share: 25, GuideShare: 15, Suggested: 2},
		{Tier: account.TierGENERAL, Count: 7, Share: 58.3, GuideShare: 75, Suggested: 9},
	}
	if !slices.Equal(r.Tiers, want) {
		t.Errorf("got %+v\nwant %+v", r.Tiers, want)
	}
	if empty := Suggest(nil); empty.Tiers[0].Share != 0 || len(empty.Tiers) != 3 {
		t.Errorf("empty: %+v", empty.Tiers)
	}
}
