// Package metricstest generates a large, deterministic SQLite database for
// the metrics benchmarks: 10,000 accounts with 12 quarters of revenue records
// each, 200,000 opportunities, plans of varied periods and a tier change in
// the history of the STRATEGIC accounts. Generating takes a few seconds; the file is
// kept in the temporary directory and reused by later runs.
package metricstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/schematype"
	"github.com/accountplan/accountplan/ent/store"
)

// version names the generated file; change it when the data below, or the
// totals it holds, change.
const version = "v6"

// The size of the data set.
const (
	Accounts      = 10_000
	Quarters      = 12
	Opportunities = 200_000
	Users         = 50    // who own the accounts
	batch         = 2_000 // rows per INSERT, under SQLite's 32,766 parameters
)

// Start is the first day of the first quarter; End is the day after the last.
var (
	Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	End   = Start.AddDate(0, 3*Quarters, 0)
)

var (
	industries = []string{"High Tech", "Financial Services", "Retail", "Healthcare", "Manufacturing", "Energy", "Media", ""}
	regions    = []string{"North America", "EMEA", "APAC", "LATAM"}
)

// Open opens the benchmark database, generating it first when the
// temporary directory does not hold it yet. It says where the file is, since
// it stays there (about 110 MB) for the next run.
// With METRICS_BENCH_POSTGRES set to the URL of a PostgreSQL database, it
// opens that one instead, generating the data there when it holds no
// accounts: the caller creates the database and drops it when done.
func Open(ctx context.Context) (*store.Store, error) {
	if url := os.Getenv("METRICS_BENCH_POSTGRES"); url != "" {
		return openPostgres(ctx, url)
	}
	path := filepath.Join(os.TempDir(), "accountplan-metrics-bench-"+version+".db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "metricstest: generating the benchmark data (a minute or two) into %s, kept for the next run; delete it to free the space\n", path)
		if err := generate(ctx, path); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintf(os.Stderr, "metricstest: using the benchmark data in %s; delete it to free the space\n", path)
	}
	return store.Open(ctx, path)
}

// openPostgres opens the PostgreSQL database at url, generating the data
// into it first when it holds no accounts.
func openPostgres(ctx context.Context, url string) (*store.Store, error) {
	s, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if n, err := s.Client.Account.Query().Count(ctx); err != nil || n > 0 {
		if err != nil {
			s.Close()
		}
		return s, err
	}
	fmt.Fprintf(os.Stderr, "metricstest: generating the benchmark data into the PostgreSQL database of METRICS_BENCH_POSTGRES (a minute or two)\n")
	if err := fillAll(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// generate writes the database to a new file and renames it into place when
// complete, so that an interrupted run leaves nothing half-written behind.
func generate(ctx context.Context, path string) error {
	tmp := path + ".tmp"
	for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(f)
	}
	s, err := store.Open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := fillAll(ctx, s); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// fillAll writes the data into s in one transaction.
func fillAll(ctx context.Context, s *store.Store) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return err
	}
	// One bulk call: each account goes into the metric totals once, at the
	// end, not at every batch, whose updates of the same totals rows the
	// transaction would otherwise keep every version of.
	bctx, call := bulk.NewContext(ctx)
	if err := errors.Join(fill(bctx, tx.Client()), call.Flush(bctx, tx.Client())); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("metricstest: generating: %w", err)
	}
	return tx.Commit()
}

func fill(ctx context.Context, c *ent.Client) error {
	rnd := rand.New(rand.NewPCG(1, 2))
	owners, err := c.User.MapCreateBulk(make([]int, Users), func(u *ent.UserCreate, i int) {
		u.SetName(fmt.Sprintf("Seller %02d", i)).SetEmail(fmt.Sprintf("seller%02d@example.com", i))
	}).Save(ctx)
	if err != nil {
		return err
	}
	var accounts []int
	for from := 0; from < Accounts; from += batch {
		created, err := c.Account.MapCreateBulk(make([]int, batch), func(a *ent.AccountCreate, i int) {
			n := from + i
			a.SetName(fmt.Sprintf("Account %05d", n)).SetTier(tier(n)).
				SetIndustry(industries[n%len(industries)]).SetRegion(regions[n/7%len(regions)]).
				SetOwnerID(owners[n%Users].ID)
		}).Save(ctx)
		if err != nil {
			return err
		}
		for _, a := range created {
			accounts = append(accounts, a.ID)
		}
	}
	// An ACTIVE plan for most STRATEGIC and KEY accounts and a few GENERAL
	// ones, starting in quarter n % 10 (0, 1, 3 or 5, for the accounts
	// planned) and lasting one to six quarters, so that the plan phases
	// split the quarters.
	var planned, planStart []int
	for n, id := range accounts {
		if (tier(n) != account.TierGENERAL && n%7 != 0) || n%20 == 1 {
			planned, planStart = append(planned, id), append(planStart, n)
		}
	}
	for from := 0; from < len(planned); from += batch {
		part := planned[from:min(from+batch, len(planned))]
		err := c.AccountPlan.MapCreateBulk(part, func(p *ent.AccountPlanCreate, i int) {
			n := planStart[from+i]
			start := Start.AddDate(0, 3*(n%10), 0)
			p.SetName("Growth plan").SetAccountID(part[i]).SetStatus(accountplan.StatusACTIVE).
				SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 3*(1+n%6), -1))
		}).Exec(ctx)
		if err != nil {
			return err
		}
	}
	// The STRATEGIC accounts (one in ten) were KEY until one of the quarters.
	var moved []int
	for n := 0; n < len(accounts); n += 10 {
		moved = append(moved, n)
	}
	err = c.Change.MapCreateBulk(moved, func(ch *ent.ChangeCreate, i int) {
		n := moved[i]
		ch.SetAt(Start.AddDate(0, 3*(n/10%Quarters), 10)).SetOperation(change.OperationUPDATE).
			SetSubjectType(ent.TypeAccount).SetSubjectID(accounts[n]).SetAccountID(accounts[n]).
			SetFields([]schematype.FieldChange{{Field: "tier", Old: json.RawMessage(`"KEY"`), New: json.RawMessage(`"` + string(tier(n)) + `"`)}})
	}).Exec(ctx)
	if err != nil {
		return err
	}
	if err := revenue(ctx, c, rnd, accounts); err != nil {
		return err
	}
	return deals(ctx, c, rnd, accounts)
}

// tier gives 10% of the accounts STRATEGIC, 15% KEY and the rest GENERAL.
func tier(n int) account.Tier {
	switch n % 20 {
	case 0, 10:
		return account.TierSTRATEGIC
	case 5, 15, 3:
		return account.TierKEY
	}
	return account.TierGENERAL
}

// revenue writes 12 quarters per account, each starting where the last ended.
func revenue(ctx context.Context, c *ent.Client, rnd *rand.Rand, accounts []int) error {
	type record struct {
		account                              int
		quarter                              int
		start, expansion, contraction, churn int64
	}
	var records []record
	for _, id := range accounts {
		arr := int64(rnd.IntN(5_000_000)+10_000) * 100
		for q := range Quarters {
			r := record{account: id, quarter: q, start: arr}
			if arr > 0 && rnd.IntN(100) < 2 {
				r.churn = arr
			} else if arr > 0 {
				r.expansion = arr * int64(rnd.IntN(12)) / 100
				r.contraction = arr * int64(rnd.IntN(5)) / 100
			}
			records = append(records, r)
			arr = r.start + r.expansion - r.contraction - r.churn
		}
	}
	for from := 0; from < len(records); from += batch {
		part := records[from:min(from+batch, len(records))]
		err := c.RevenueRecord.MapCreateBulk(part, func(rc *ent.RevenueRecordCreate, i int) {
			r := part[i]
			start := Start.AddDate(0, 3*r.quarter, 0)
			rc.SetAccountID(r.account).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 3, -1)).
				SetStartingRevenue(r.start).SetExpansion(r.expansion).SetContraction(r.contraction).SetChurn(r.churn)
		}).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

// deals writes 20 opportunities per account, opened over the quarters and
// won, lost or still open; those that would close after End are open. An
// account's deals are written together, as a CRM export lists them: each
// write puts its account's figures back into the metric totals once
// (ent/schema/totals), not once per deal.
func deals(ctx context.Context, c *ent.Client, rnd *rand.Rand, accounts []int) error {
	days := int(End.Sub(Start).Hours() / 24)
	open := []opportunity.Stage{opportunity.StagePROSPECTING, opportunity.StageQUALIFICATION, opportunity.StagePROPOSAL, opportunity.StageNEGOTIATION}
	for from := 0; from < Opportunities; from += batch {
		err := c.Opportunity.MapCreateBulk(make([]int, batch), func(o *ent.OpportunityCreate, i int) {
			n := from + i
			opened := Start.AddDate(0, 0, rnd.IntN(days)).Add(time.Duration(rnd.IntN(86_400)) * time.Second)
			closed := opened.AddDate(0, 0, 5+rnd.IntN(200))
			o.SetAccountID(accounts[n*len(accounts)/Opportunities]).SetName(fmt.Sprintf("Deal %06d", n)).
				SetAmount(int64(rnd.IntN(20_000)+100) * 100).SetOpenedAt(opened)
			switch outcome := rnd.IntN(100); {
			case closed.After(End) || outcome < 15:
				o.SetStage(open[n%len(open)])
			case outcome < 60:
				o.SetStage(opportunity.StageCLOSED_WON).SetClosedAt(closed)
			default:
				o.SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(closed)
			}
		}).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}
