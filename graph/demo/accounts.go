package demo

import (
	"context"
	"fmt"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountteammember"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/ent/whitespacecell"
)

// users are our people; accounts and team tables refer to them by key. The
// sellers edit their accounts; the CRO reads across all of them.
var users = []struct {
	key, name, title string
	role             user.Role
	seniority        user.Seniority
}{
	{"maya", "Maya Fischer", "Strategic Account Manager", user.RoleEDITOR, user.SeniorityINDIVIDUAL},
	{"omar", "Omar Haddad", "Key Account Manager", user.RoleEDITOR, user.SeniorityINDIVIDUAL},
	{"priya", "Priya Raman", "Account Executive", user.RoleEDITOR, user.SeniorityINDIVIDUAL},
	{"lena", "Lena Park", "Solutions Engineer", user.RoleEDITOR, user.SeniorityINDIVIDUAL},
	{"sam", "Sam Okafor", "Customer Success Manager", user.RoleEDITOR, user.SeniorityINDIVIDUAL},
	{"ruth", "Ruth Castillo", "Chief Revenue Officer", user.RoleVIEWER, user.SeniorityEXECUTIVE},
	{"elena", "Elena Brooks", "Regional Vice President, Strategic Accounts", user.RoleVIEWER, user.SeniorityVP},
}

// productSpec is one of our offerings, with the competitor we meet most often
// in its column of the whitespace matrix.
type productSpec struct {
	name, family, description string
	price                     int64 // a typical annual deal, in dollars
	competitor                string
}

var products = []productSpec{
	{"Pipeline Insights", "Analytics", "Pipeline inspection and deal risk scoring.", 120_000, "Pipewise"},
	{"Forecast Studio", "Analytics", "Roll-up forecasting with AI-assisted forecast calls.", 150_000, "Clarimetric"},
	{"Territory Planner", "Planning", "Territory, quota and capacity design.", 90_000, "QuotaWorks"},
	{"Deal Desk", "Sales Execution", "Quote approvals and deal governance.", 80_000, "DealFlow CPQ"},
	{"Enablement Hub", "Enablement", "Onboarding, coaching and content for sellers.", 60_000, "Coachly"},
	{"Data Connect", "Platform", "Connectors to the CRM and the data warehouse.", 40_000, "SyncBridge"},
}

// accountSpec is a customer with its team, business units and revenue history.
type accountSpec struct {
	name, tier, industry string
	sellers              int
	region, country      string
	maturity, culture    string
	owner, parent        string // a user key; the parent account's name
	team                 []teamMember
	units                []unitSpec
	// Recurring revenue: ARR eight quarters ago (dollars), then per quarter
	// expansion and contraction in basis points of the starting revenue, and
	// churnPct percent churned in quarter churnQuarter (1 = the oldest; 0 = never).
	arr                    int64
	expansion, contraction int64
	churnQuarter, churnPct int
	// deals holds one letter per quarter, the last quarter first: W won, L lost, O open, - no deal.
	deals string
}

type teamMember struct{ user, role string }

// unitSpec is a business unit and its row of the whitespace matrix: one letter
// per product (U in use, O opportunity, o opportunity not sized yet, C competitor,
// N not a fit, ? unknown); size scales the product prices, in percent.
type unitSpec struct {
	name, description string
	size              int64
	cells             string
}

var accounts = []accountSpec{
	{name: "Northwind Robotics", tier: "STRATEGIC", industry: "High Tech", sellers: 1800, region: "North America", country: "US",
		maturity: "GROWTH", culture: "ENTREPRENEURIAL", owner: "maya",
		team: []teamMember{{"maya", "ACCOUNT_MANAGER"}, {"lena", "SALES_ENGINEER"}, {"sam", "CUSTOMER_SUCCESS"}, {"ruth", "EXECUTIVE_SPONSOR"}},
		units: []unitSpec{
			{"Corporate", "Executive office, finance, procurement and IT.", 100, "NUO?NU"},
			{"Industrial Robotics", "Factory robots for automotive and electronics plants; the largest sales force.", 150, "UUOCUU"},
			{"Logistics Automation", "Warehouse robots; expanding into Europe through Northwind Robotics GmbH.", 120, "UoCO?U"},
			{"Service & Support", "Field service and spare parts; sells service contracts to the installed base.", 60, "O?NOUo"},
		},
		arr: 1_950_000, expansion: 450, contraction: 110, deals: "OWWLWWLW"},
	{name: "Contoso Financial Group", tier: "STRATEGIC", industry: "Financial Services", sellers: 6500, region: "EMEA", country: "GB",
		maturity: "MATURITY", culture: "BUREAUCRATIC", owner: "omar",
		team: []teamMember{{"omar", "ACCOUNT_MANAGER"}, {"lena", "SALES_ENGINEER"}, {"sam", "CUSTOMER_SUCCESS"}, {"ruth", "EXECUTIVE_SPONSOR"}},
		units: []unitSpec{
			{"Retail Banking", "Branch and digital sales of accounts, cards and mortgages.", 200, "UOC?UN"},
			{"Wealth Management", "Advisers and private bankers.", 80, "OoUCN?"},
			{"Commercial Lending", "Relationship managers for mid-market companies.", 120, "CUO?oN"},
		},
		arr: 1_500_000, expansion: 300, contraction: 150, deals: "OLWWLWLW"},
	{name: "Fabrikam Health", tier: "KEY", industry: "Healthcare", sellers: 950, region: "North America", country: "US",
		maturity: "MATURITY", culture: "COLLABORATIVE", owner: "omar",
		team: []teamMember{{"omar", "ACCOUNT_MANAGER"}, {"lena", "SALES_ENGINEER"}, {"sam", "CUSTOMER_SUCCESS"}},
		units: []unitSpec{
			{"Medical Devices", "Surgical and monitoring devices sold to hospitals.", 90, "UO?CUN"},
			{"Diagnostics", "Laboratory analysers and reagents.", 60, "OUN?oC"},
		},
		arr: 700_000, expansion: 350, contraction: 80, deals: "OWLWWLW"},
	{name: "Tailspin Manufacturing", tier: "KEY", industry: "Manufacturing", sellers: 420, region: "EMEA", country: "DE",
		maturity: "MATURITY", culture: "BUREAUCRATIC", owner: "maya",
		team: []teamMember{{"maya", "ACCOUNT_MANAGER"}, {"lena", "SALES_ENGINEER"}, {"sam", "CUSTOMER_SUCCESS"}},
		units: []unitSpec{
			{"Aerospace Components", "Machined parts for aircraft manufacturers.", 70, "UCON?U"},
			{"Aftermarket Services", "Repairs and spare parts.", 40, "O?UNCo"},
		},
		arr: 600_000, expansion: 200, contraction: 150, deals: "WLLWLW"},
	{name: "Litware Software", tier: "KEY", industry: "High Tech", sellers: 300, region: "APAC", country: "AU",
		maturity: "GROWTH", culture: "INDIVIDUALISTIC", owner: "omar",
		team: []teamMember{{"omar", "ACCOUNT_MANAGER"}, {"lena", "SALES_ENGINEER"}, {"priya", "BDR"}},
		units: []unitSpec{
			{"Cloud Platform", "Infrastructure software sold to enterprises.", 60, "UUO?CN"},
			{"Developer Tools", "Self-serve and team licences.", 30, "OU?NoC"},
		},
		arr: 420_000, expansion: 600, contraction: 100, deals: "OOWWLW"},
	{name: "Northwind Robotics GmbH", tier: "GENERAL", industry: "High Tech", sellers: 140, region: "EMEA", country: "DE",
		maturity: "GROWTH", culture: "ENTREPRENEURIAL", owner: "priya", parent: "Northwind Robotics",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}, {"maya", "OTHER"}}, arr: 120_000, expansion: 500, deals: "OWLW"},
	{name: "Woodgrove Bank", tier: "GENERAL", industry: "Financial Services", sellers: 5200, region: "North America", country: "CA",
		maturity: "MATURITY", culture: "BUREAUCRATIC", owner: "priya",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}, {"sam", "CUSTOMER_SUCCESS"}}, arr: 260_000, expansion: 150, contraction: 200, deals: "LWL"},
	{name: "Adventure Works Retail", tier: "GENERAL", industry: "Retail", sellers: 2200, region: "North America", country: "US",
		maturity: "DECLINE", culture: "BUREAUCRATIC", owner: "priya",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}}, arr: 310_000, contraction: 400, churnQuarter: 6, churnPct: 100, deals: "--LL-W"},
	{name: "Proseware Labs", tier: "GENERAL", industry: "High Tech", sellers: 60, region: "North America", country: "US",
		maturity: "STARTUP", culture: "ENTREPRENEURIAL", owner: "priya",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}}, arr: 30_000, expansion: 1200, deals: "O-W-L"},
	{name: "Wide World Importers", tier: "GENERAL", industry: "Retail", sellers: 380, region: "APAC", country: "SG",
		maturity: "MATURITY", culture: "INDIVIDUALISTIC", owner: "omar",
		team: []teamMember{{"omar", "ACCOUNT_MANAGER"}, {"priya", "BDR"}}, arr: 140_000, expansion: 150, contraction: 100, deals: "-W--L-W"},
	{name: "Trey Research", tier: "GENERAL", industry: "Healthcare", sellers: 210, region: "EMEA", country: "FR",
		maturity: "GROWTH", culture: "COLLABORATIVE", owner: "priya",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}, {"sam", "CUSTOMER_SUCCESS"}}, arr: 80_000, expansion: 400, contraction: 50, deals: "W-LW"},
	{name: "Lucerne Publishing", tier: "GENERAL", industry: "Media", sellers: 150, region: "EMEA", country: "CH",
		maturity: "DECLINE", culture: "INDIVIDUALISTIC", owner: "priya",
		team: []teamMember{{"priya", "ACCOUNT_MANAGER"}}, arr: 90_000, contraction: 300, churnQuarter: 3, churnPct: 30, deals: "L--L"},
}

// cellStatus maps the letters of a whitespace row to statuses.
var cellStatus = map[rune]whitespacecell.Status{
	'U': whitespacecell.StatusIN_USE, 'O': whitespacecell.StatusOPPORTUNITY, 'o': whitespacecell.StatusOPPORTUNITY,
	'C': whitespacecell.StatusCOMPETITOR, 'N': whitespacecell.StatusNOT_A_FIT, '?': whitespacecell.StatusUNKNOWN,
}

func (l *loader) loadUsers(ctx context.Context) error {
	for _, u := range users {
		user, err := l.c.User.Create().SetName(u.name).SetTitle(u.title).SetRole(u.role).SetSeniority(u.seniority).SetEmail(email(u.name, "AccountPlan")).Save(ctx)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.name, err)
		}
		l.users[u.key] = user.ID
	}
	return nil
}

func (l *loader) loadProducts(ctx context.Context) error {
	for _, p := range products {
		product, err := l.c.Product.Create().SetName(p.name).SetFamily(p.family).SetDescription(p.description).Save(ctx)
		if err != nil {
			return fmt.Errorf("product %s: %w", p.name, err)
		}
		l.products = append(l.products, product.ID)
	}
	return nil
}

// loadAccounts creates the accounts with their teams, business units and whitespace cells.
func (l *loader) loadAccounts(ctx context.Context) error {
	for i := range accounts {
		spec := &accounts[i]
		history := spec.revenue(i)
		created, err := l.c.Account.Create().
			SetName(spec.name).SetTier(account.Tier(spec.tier)).SetIndustry(spec.industry).SetSellers(spec.sellers).
			SetRegion(spec.region).SetCountry(spec.country).
			SetMaturity(account.Maturity(spec.maturity)).SetCulture(account.Culture(spec.culture)).
			SetAnnualRevenue(cents(history[len(history)-1].end())).
			SetOwnerID(l.users[spec.owner]).
			SetNillableParentID(l.ref(l.accountIDs(), "account", spec.parent)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("account %s: %w", spec.name, err)
		}
		id := created.ID
		a := &acct{accountSpec: spec, id: id, history: history, roles: map[string]int{}, unitIDs: map[string]int{}, stakeholders: map[string]int{}}
		l.accounts[spec.name] = a
		for _, m := range spec.team {
			a.roles[m.role] = l.users[m.user]
			err := l.c.AccountTeamMember.Create().SetAccountID(id).SetUserID(l.users[m.user]).
				SetRole(accountteammember.Role(m.role)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("account %s: team member %s: %w", spec.name, m.user, err)
			}
		}
		if err := l.loadUnits(ctx, a); err != nil {
			return fmt.Errorf("account %s: %w", spec.name, err)
		}
	}
	return nil
}

// accountIDs maps the names of the accounts created so far to their IDs.
func (l *loader) accountIDs() map[string]int {
	ids := map[string]int{}
	for name, a := range l.accounts {
		ids[name] = a.id
	}
	return ids
}

// loadUnits creates an account's business units and their rows of the whitespace matrix.
func (l *loader) loadUnits(ctx context.Context, a *acct) error {
	var cells []*ent.WhitespaceCellCreate
	for _, u := range a.units {
		unit, err := l.c.BusinessUnit.Create().SetAccountID(a.id).SetName(u.name).SetDescription(u.description).Save(ctx)
		if err != nil {
			return fmt.Errorf("business unit %s: %w", u.name, err)
		}
		a.unitIDs[u.name] = unit.ID
		for j, letter := range u.cells {
			p := products[j]
			value := cents(p.price * u.size / 100)
			c := l.c.WhitespaceCell.Create().SetAccountID(a.id).SetBusinessUnitID(unit.ID).SetProductID(l.products[j]).
				SetStatus(cellStatus[letter])
			switch letter {
			case 'U':
				c.SetCurrentValue(value).SetPotentialValue(value * 3 / 2)
			case 'O':
				c.SetPotentialValue(value)
			case 'C':
				c.SetPotentialValue(value).SetCompetitor(p.competitor).
					SetNote(fmt.Sprintf("%s renews its contract with %s in the autumn.", u.name, p.competitor))
			case 'N':
				c.SetNote("No need for this product in this unit.")
			}
			cells = append(cells, c)
		}
	}
	if err := l.c.WhitespaceCell.CreateBulk(cells...).Exec(ctx); err != nil {
		return fmt.Errorf("whitespace: %w", err)
	}
	return nil
}
