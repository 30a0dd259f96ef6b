// Package icp grades accounts against the ideal customer profile (ICP): the
// IcpCriterion rows that grade values of account attributes IDEAL, CAUTION or
// OFF_STRATEGY. Evaluate is a pure function; the Loader reads the criteria
// and the stakeholder titles of a request's accounts in two statements.
package icp

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/icpcriterion"
)

// Facts are what the profile looks at in an account.
type Facts struct {
	Industry string
	Sellers  *int
	Region   string
	Country  string
	Maturity *account.Maturity
	Titles   []string // job titles of the account's stakeholders
}

// FactsOf reads the facts of an account, given its stakeholders' titles.
func FactsOf(a *ent.Account, titles []string) Facts {
	return Facts{Industry: a.Industry, Sellers: a.Sellers, Region: a.Region, Country: a.Country, Maturity: a.Maturity, Titles: titles}
}

// Reason is how one attribute of an account fits the profile.
type Reason struct {
	Attribute icpcriterion.Attribute
	Value     *string             // the account's value as the criteria see it; nil when not recorded
	Criterion *ent.IcpCriterion   // the criterion that matched; nil when none did
	Grade     *icpcriterion.Grade // the criterion's grade; nil when unknown
	Message   string
}

// Fit is an account's fit with the profile.
type Fit struct {
	Grade   *icpcriterion.Grade // the worst grade of a matched attribute; nil when none matched
	Score   *int                // 0 to 100; nil when no attribute matched
	Reasons []Reason            // one per attribute, in the order of the attribute enum
}

// points are each grade's share of a perfect score.
var points = map[icpcriterion.Grade]int{
	icpcriterion.GradeIDEAL:        100,
	icpcriterion.GradeCAUTION:      50,
	icpcriterion.GradeOFF_STRATEGY: 0,
}

// Any is the value of a catch-all criterion: it grades every value that no
// other criterion of its attribute names (INDUSTRY and REGION only).
const Any = "*"

// Evaluate grades an account against the criteria. Every attribute gets a
// reason, matched or unknown. The fit's grade is the worst matched grade, as
// one off-strategy attribute is enough to make an account off strategy; its
// score is the mean of the matched attributes' points (IDEAL 100, CAUTION 50,
// OFF_STRATEGY 0), rounded half up. Unknown attributes count for neither.
func Evaluate(f Facts, criteria []*ent.IcpCriterion) Fit {
	by := map[icpcriterion.Attribute][]*ent.IcpCriterion{}
	for _, c := range criteria {
		by[c.Attribute] = append(by[c.Attribute], c)
	}
	var maturity string
	if f.Maturity != nil {
		maturity = string(*f.Maturity)
	}
	sales, ops := contacts(f.Titles)
	fit := Fit{Reasons: []Reason{
		named(icpcriterion.AttributeINDUSTRY, "industry", f.Industry, by),
		sellers(f.Sellers, by[icpcriterion.AttributeSELLERS]),
		region(f.Country, f.Region, by[icpcriterion.AttributeREGION]),
		named(icpcriterion.AttributeMATURITY, "business maturity", maturity, by),
		contact(icpcriterion.AttributeVP_SALES_CONTACT, "VP Sales", sales, by),
		contact(icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT, "VP Sales Operations", ops, by),
	}}
	sum, n := 0, 0
	for _, r := range fit.Reasons {
		if r.Grade == nil {
			continue
		}
		sum += points[*r.Grade]
		n++
		if fit.Grade == nil || points[*r.Grade] < points[*fit.Grade] {
			fit.Grade = r.Grade
		}
	}
	if n > 0 {
		score := (sum + n/2) / n
		fit.Score = &score
	}
	return fit
}

// match is the criterion naming value, else the catch-all, else nil.
func match(value string, criteria []*ent.IcpCriterion) *ent.IcpCriterion {
	var other *ent.IcpCriterion
	for _, c := range criteria {
		switch {
		case c.Value == nil:
		case strings.EqualFold(*c.Value, value):
			return c
		case *c.Value == Any:
			other = c
		}
	}
	return other
}

// graded is the reason for a value a criterion matched (c may be nil).
func graded(attr icpcriterion.Attribute, value, subject string, c *ent.IcpCriterion) Reason {
	r := Reason{Attribute: attr, Value: &value, Criterion: c}
	switch {
	case c == nil:
		r.Message = fmt.Sprintf("No criterion grades %s.", subject)
		return r
	case c.Value != nil && *c.Value == Any:
		r.Message = fmt.Sprintf("No criterion names %s; every other value is %s.", subject, c.Grade)
	default:
		r.Message = fmt.Sprintf("%s is %s.", upperFirst(subject), c.Grade)
	}
	if c.Note != "" {
		r.Message += " " + c.Note
	}
	r.Grade = &c.Grade
	return r
}

// named grades a categorical attribute: industry or business maturity.
func named(attr icpcriterion.Attribute, noun, value string, by map[icpcriterion.Attribute][]*ent.IcpCriterion) Reason {
	if value == "" {
		return Reason{Attribute: attr, Message: fmt.Sprintf("The account records no %s.", noun)}
	}
	return graded(attr, value, fmt.Sprintf("%s %q", noun, value), match(value, by[attr]))
}

func sellers(n *int, criteria []*ent.IcpCriterion) Reason {
	attr := icpcriterion.AttributeSELLERS
	if n == nil {
		return Reason{Attribute: attr, Message: "The account records no number of sellers."}
	}
	var found *ent.IcpCriterion
	for _, c := range criteria {
		if (c.MinSellers == nil || *n >= *c.MinSellers) && (c.MaxSellers == nil || *n <= *c.MaxSellers) {
			found = c
			break
		}
	}
	subject := fmt.Sprintf("a size of %d sellers", *n)
	if found != nil {
		subject += " (" + rangeText(found) + ")"
	}
	return graded(attr, strconv.Itoa(*n), subject, found)
}

// rangeText describes a criterion's seller range: 100 to 5000, 5001 or more, up to 99.
func rangeText(c *ent.IcpCriterion) string {
	switch {
	case c.MinSellers != nil && c.MaxSellers != nil:
		return fmt.Sprintf("%d to %d", *c.MinSellers, *c.MaxSellers)
	case c.MinSellers != nil:
		return fmt.Sprintf("%d or more", *c.MinSellers)
	}
	return fmt.Sprintf("up to %d", *c.MaxSellers)
}

// region grades where the account is: a criterion naming its country wins
// over one naming its region, which wins over the catch-all.
func region(country, region string, criteria []*ent.IcpCriterion) Reason {
	attr := icpcriterion.AttributeREGION
	var value, subject string
	switch {
	case country == "" && region == "":
		return Reason{Attribute: attr, Message: "The account records no country or region."}
	case country == "":
		value, subject = region, fmt.Sprintf("region %q", region)
	case region == "":
		value, subject = country, "country "+country
	default:
		value, subject = region+" ("+country+")", fmt.Sprintf("country %s or region %q", country, region)
	}
	for _, v := range []struct{ value, subject string }{{country, "country " + country}, {region, fmt.Sprintf("region %q", region)}} {
		if c := match(v.value, criteria); v.value != "" && c != nil && (c.Value == nil || *c.Value != Any) {
			return graded(attr, value, v.subject, c)
		}
	}
	return graded(attr, value, subject, match("", criteria))
}

// contact grades whether a stakeholder holds a role; title is one who does.
func contact(attr icpcriterion.Attribute, role, title string, by map[icpcriterion.Attribute][]*ent.IcpCriterion) Reason {
	if title == "" {
		return graded(attr, "ABSENT", "the absence of a "+role+" contact", match("ABSENT", by[attr]))
	}
	return graded(attr, "PRESENT", fmt.Sprintf("the presence of a %s contact (%q)", role, title), match("PRESENT", by[attr]))
}

// contacts finds a VP Sales title and a VP Sales Operations title among titles.
//
// A title counts when it names a VP (VP, SVP, EVP, AVP, RVP or Vice
// President) followed, after an optional "of", "the", "global" or
// "worldwide", by Sales: "VP Sales, EMEA", "Senior Vice President of Sales",
// "SVP Global Sales". When Sales is followed by Operations or Ops ("VP Sales
// Operations", "Vice President, Sales Ops") the title is a VP Sales
// Operations, and not a VP Sales.
func contacts(titles []string) (sales, ops string) {
	for _, t := range titles {
		switch vpOf(t) {
		case "sales":
			if sales == "" {
				sales = t
			}
		case "ops":
			if ops == "" {
				ops = t
			}
		}
	}
	return sales, ops
}

// vpOf is "sales" or "ops" when a title is a VP Sales or a VP Sales Operations, else "".
func vpOf(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	at := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	for i := 0; i < len(words); i++ {
		switch {
		case words[i] == "vice" && at(i+1) == "president":
			i++
		case words[i] == "vp", words[i] == "svp", words[i] == "evp", words[i] == "avp", words[i] == "rvp":
		default:
			continue
		}
		j := i + 1
		for at(j) == "of" || at(j) == "the" || at(j) == "global" || at(j) == "worldwide" {
			j++
		}
		if at(j) != "sales" {
			continue
		}
		if next := at(j + 1); next == "operations" || next == "ops" {
			return "ops"
		}
		return "sales"
	}
	return ""
}

// upperFirst capitalises the first letter of a message.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
