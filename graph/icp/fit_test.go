package icp

import (
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/icpcriterion"
)

// criterion builds a criterion: a value, or for SELLERS the range bounds (nil for open).
func criterion(attr icpcriterion.Attribute, value string, grade icpcriterion.Grade) *ent.IcpCriterion {
	return &ent.IcpCriterion{Attribute: attr, Value: &value, Grade: grade}
}

func sellerRange(min, max *int, grade icpcriterion.Grade) *ent.IcpCriterion {
	return &ent.IcpCriterion{Attribute: icpcriterion.AttributeSELLERS, MinSellers: min, MaxSellers: max, Grade: grade}
}

func ptr[T any](v T) *T { return &v }

const (
	ideal   = icpcriterion.GradeIDEAL
	caution = icpcriterion.GradeCAUTION
	off     = icpcriterion.GradeOFF_STRATEGY
)

// profile is a small profile in the spirit of the white paper's.
var profile = []*ent.IcpCriterion{
	criterion(icpcriterion.AttributeINDUSTRY, "High Tech", ideal),
	criterion(icpcriterion.AttributeINDUSTRY, "Financial Services", caution),
	{Attribute: icpcriterion.AttributeINDUSTRY, Value: ptr("Retail"), Grade: off, Note: "Not a B2B sale."},
	sellerRange(ptr(100), ptr(5000), ideal),
	sellerRange(ptr(5001), nil, caution),
	sellerRange(nil, ptr(99), off),
	criterion(icpcriterion.AttributeREGION, "North America", ideal),
	criterion(icpcriterion.AttributeREGION, "GB", ideal),
	criterion(icpcriterion.AttributeREGION, "EMEA", caution),
	criterion(icpcriterion.AttributeREGION, Any, off),
	criterion(icpcriterion.AttributeMATURITY, "GROWTH", ideal),
	criterion(icpcriterion.AttributeMATURITY, "DECLINE", off),
	criterion(icpcriterion.AttributeVP_SALES_CONTACT, "PRESENT", ideal),
	criterion(icpcriterion.AttributeVP_SALES_CONTACT, "ABSENT", caution),
	criterion(icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT, "PRESENT", ideal),
}

// ideally is an account that is ideal on every attribute; each case changes one thing.
func ideally() Facts {
	growth := account.MaturityGROWTH
	return Facts{Industry: "High Tech", Sellers: ptr(1800), Region: "North America", Country: "US", Maturity: &growth,
		Titles: []string{"Chief Revenue Officer", "VP Sales, North America", "VP Sales Operations"}}
}

func TestEvaluateReasons(t *testing.T) {
	type want struct {
		value   string // "" for nil
		grade   string // "" for unknown
		message string
	}
	cases := []struct {
		name   string
		change func(f *Facts)
		attr   icpcriterion.Attribute
		want   want
	}{
		{"industry", func(*Facts) {}, icpcriterion.AttributeINDUSTRY, want{"High Tech", "IDEAL", `Industry "High Tech" is IDEAL.`}},
		{"industry case-insensitively", func(f *Facts) { f.Industry = "financial SERVICES" }, icpcriterion.AttributeINDUSTRY,
			want{"financial SERVICES", "CAUTION", `Industry "financial SERVICES" is CAUTION.`}},
		{"industry with a note", func(f *Facts) { f.Industry = "Retail" }, icpcriterion.AttributeINDUSTRY,
			want{"Retail", "OFF_STRATEGY", `Industry "Retail" is OFF_STRATEGY. Not a B2B sale.`}},
		{"industry unknown", func(f *Facts) { f.Industry = "Mining" }, icpcriterion.AttributeINDUSTRY,
			want{"Mining", "", `No criterion grades industry "Mining".`}},
		{"industry not recorded", func(f *Facts) { f.Industry = "" }, icpcriterion.AttributeINDUSTRY,
			want{"", "", "The account records no industry."}},
		{"sellers", func(*Facts) {}, icpcriterion.AttributeSELLERS, want{"1800", "IDEAL", "A size of 1800 sellers (100 to 5000) is IDEAL."}},
		{"sellers at the lower bound", func(f *Facts) { f.Sellers = ptr(100) }, icpcriterion.AttributeSELLERS,
			want{"100", "IDEAL", "A size of 100 sellers (100 to 5000) is IDEAL."}},
		{"sellers at the upper bound", func(f *Facts) { f.Sellers = ptr(5000) }, icpcriterion.AttributeSELLERS,
			want{"5000", "IDEAL", "A size of 5000 sellers (100 to 5000) is IDEAL."}},
		{"sellers above", func(f *Facts) { f.Sellers = ptr(5001) }, icpcriterion.AttributeSELLERS,
			want{"5001", "CAUTION", "A size of 5001 sellers (5001 or more) is CAUTION."}},
		{"sellers below", func(f *Facts) { f.Sellers = ptr(99) }, icpcriterion.AttributeSELLERS,
			want{"99", "OFF_STRATEGY", "A size of 99 sellers (up to 99) is OFF_STRATEGY."}},
		{"sellers not recorded", func(f *Facts) { f.Sellers = nil }, icpcriterion.AttributeSELLERS,
			want{"", "", "The account records no number of sellers."}},
		{"region", func(*Facts) {}, icpcriterion.AttributeREGION, want{"North America (US)", "IDEAL", `Region "North America" is IDEAL.`}},
		{"a country wins over its region", func(f *Facts) { f.Region, f.Country = "EMEA", "GB" }, icpcriterion.AttributeREGION,
			want{"EMEA (GB)", "IDEAL", "Country GB is IDEAL."}},
		{"a region without its country", func(f *Facts) { f.Region, f.Country = "EMEA", "DE" }, icpcriterion.AttributeREGION,
			want{"EMEA (DE)", "CAUTION", `Region "EMEA" is CAUTION.`}},
		{"the catch-all", func(f *Facts) { f.Region, f.Country = "APAC", "SG" }, icpcriterion.AttributeREGION,
			want{"APAC (SG)", "OFF_STRATEGY", `No criterion names country SG or region "APAC"; every other value is OFF_STRATEGY.`}},
		{"a country alone", func(f *Facts) { f.Region, f.Country = "", "gb" }, icpcriterion.AttributeREGION,
			want{"gb", "IDEAL", "Country gb is IDEAL."}},
		{"no region", func(f *Facts) { f.Region, f.Country = "", "" }, icpcriterion.AttributeREGION,
			want{"", "", "The account records no country or region."}},
		{"maturity", func(*Facts) {}, icpcriterion.AttributeMATURITY, want{"GROWTH", "IDEAL", `Business maturity "GROWTH" is IDEAL.`}},
		{"maturity unknown", func(f *Facts) { f.Maturity = ptr(account.MaturitySTARTUP) }, icpcriterion.AttributeMATURITY,
			want{"STARTUP", "", `No criterion grades business maturity "STARTUP".`}},
		{"VP Sales", func(*Facts) {}, icpcriterion.AttributeVP_SALES_CONTACT,
			want{"PRESENT", "IDEAL", `The presence of a VP Sales contact ("VP Sales, North America") is IDEAL.`}},
		{"no VP Sales", func(f *Facts) { f.Titles = []string{"VP Sales Operations"} }, icpcriterion.AttributeVP_SALES_CONTACT,
			want{"ABSENT", "CAUTION", "The absence of a VP Sales contact is CAUTION."}},
		{"VP Sales Operations", func(*Facts) {}, icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT,
			want{"PRESENT", "IDEAL", `The presence of a VP Sales Operations contact ("VP Sales Operations") is IDEAL.`}},
		{"no VP Sales Operations, and no criterion for that", func(f *Facts) { f.Titles = nil }, icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT,
			want{"ABSENT", "", "No criterion grades the absence of a VP Sales Operations contact."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ideally()
			c.change(&f)
			fit := Evaluate(f, profile)
			if len(fit.Reasons) != 6 {
				t.Fatalf("%d reasons, want 6", len(fit.Reasons))
			}
			var r *Reason
			for i := range fit.Reasons {
				if fit.Reasons[i].Attribute == c.attr {
					r = &fit.Reasons[i]
				}
			}
			got := want{message: r.Message}
			if r.Value != nil {
				got.value = *r.Value
			}
			if r.Grade != nil {
				got.grade = string(*r.Grade)
				if r.Criterion == nil || r.Criterion.Grade != *r.Grade {
					t.Errorf("grade %s without its criterion %+v", *r.Grade, r.Criterion)
				}
			} else if r.Criterion != nil {
				t.Errorf("unknown, yet criterion %+v", r.Criterion)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestEvaluateGradeAndScore(t *testing.T) {
	cases := []struct {
		name   string
		change func(f *Facts)
		grade  string // "" for nil
		score  int    // -1 for nil
	}{
		{"ideal on every attribute", func(*Facts) {}, "IDEAL", 100},
		{"one caution", func(f *Facts) { f.Industry = "Financial Services" }, "CAUTION", 92}, // 550 / 6 = 91.7
		{"one off strategy is enough", func(f *Facts) { f.Maturity = ptr(account.MaturityDECLINE) }, "OFF_STRATEGY", 83},
		{"unknowns count for neither", func(f *Facts) { f.Industry, f.Sellers = "Mining", nil }, "IDEAL", 100},
		{"halves round up", func(f *Facts) {
			f.Industry, f.Sellers, f.Region, f.Country, f.Maturity, f.Titles = "Financial Services", ptr(6000), "EMEA", "FR", nil, []string{"VP Sales"}
		}, "CAUTION", 63}, // (50 + 50 + 50 + 100) / 4 = 62.5
		{"only the contacts known", func(f *Facts) { *f = Facts{Titles: []string{"VP Sales Operations"}} }, "CAUTION", 75}, // no VP Sales 50, a VP Sales Operations 100
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ideally()
			c.change(&f)
			checkFit(t, Evaluate(f, profile), c.grade, c.score)
		})
	}
	t.Run("no profile", func(t *testing.T) {
		fit := Evaluate(ideally(), nil)
		checkFit(t, fit, "", -1)
		if len(fit.Reasons) != 6 {
			t.Errorf("%d reasons, want 6", len(fit.Reasons))
		}
	})
}

func checkFit(t *testing.T, fit Fit, grade string, score int) {
	t.Helper()
	gotGrade, gotScore := "", -1
	if fit.Grade != nil {
		gotGrade = string(*fit.Grade)
	}
	if fit.Score != nil {
		gotScore = *fit.Score
	}
	if gotGrade != grade || gotScore != score {
		t.Errorf("got %q %d, want %q %d", gotGrade, gotScore, grade, score)
	}
}

func TestVPOf(t *testing.T) {
	cases := map[string]string{
		"VP Sales":                                  "sales",
		"VP Sales, North America":                   "sales",
		"VP, Sales":                                 "sales",
		"Vice President of Sales":                   "sales",
		"Senior Vice-President, Global Sales":       "sales",
		"SVP Sales & Marketing":                     "sales",
		"evp worldwide sales":                       "sales",
		"VP Sales Operations":                       "ops",
		"Vice President, Sales Ops":                 "ops",
		"RVP Sales Operations & Enablement":         "ops",
		"VP Finance & Procurement":                  "",
		"VP & General Manager, Industrial Robotics": "",
		"VP Customer Operations":                    "",
		"Sales Operations Manager":                  "",
		"Director of Sales":                         "",
		"Vice President":                            "",
		"VP Salesforce Platform":                    "",
		"":                                          "",
	}
	for title, want := range cases {
		if got := vpOf(title); got != want {
			t.Errorf("vpOf(%q) = %q, want %q", title, got, want)
		}
	}
}
