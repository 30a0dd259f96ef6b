package demo

import (
	"context"
	"fmt"

	"github.com/accountplan/accountplan/ent/icpcriterion"
)

// criterionSpec is one criterion of the ideal customer profile: a value, or
// for SELLERS a range (0 for an open end).
type criterionSpec struct {
	attribute, value string
	min, max         int
	grade, note      string
}

// Notes shared by several criteria.
const (
	englishOnly = "Only companies whose primary business language is English, remote from our support centers; non-English-speaking companies are off strategy."
	bothVPs     = "An ideal customer has both a VP Sales and a VP Sales Operations (or similar)."
	vpNotMapped = "Both a VP Sales and a VP Sales Operations (or similar) are required for an ideal customer; none is on the map yet."
)

// profile is the firmographic ICP table of the white paper on account
// planning (seeds/001): industry, size, geography, job titles and maturity.
var profile = []criterionSpec{
	{attribute: "INDUSTRY", value: "High Tech", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "High-end Manufacturing", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "Communications and Media", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "Biotech", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "Professional Services", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "Healthcare", grade: "IDEAL"},
	{attribute: "INDUSTRY", value: "Financial Services", grade: "CAUTION", note: "Requires complex customer engagement."},
	{attribute: "INDUSTRY", value: "Retail", grade: "OFF_STRATEGY"},
	{attribute: "INDUSTRY", value: "Pharma", grade: "OFF_STRATEGY"},
	{attribute: "INDUSTRY", value: "B2C", grade: "OFF_STRATEGY", note: "All B2C businesses."},
	{attribute: "INDUSTRY", value: "Legal", grade: "OFF_STRATEGY"},
	{attribute: "SELLERS", min: 100, max: 5000, grade: "IDEAL", note: "Between 100 and 5,000 sellers."},
	{attribute: "SELLERS", min: 5001, grade: "CAUTION", note: "More than 5,000 sellers."},
	{attribute: "SELLERS", max: 99, grade: "OFF_STRATEGY", note: "Fewer than 100 sellers."},
	{attribute: "REGION", value: "North America", grade: "IDEAL"},
	{attribute: "REGION", value: "GB", grade: "IDEAL", note: "United Kingdom."},
	{attribute: "REGION", value: "IE", grade: "IDEAL", note: "Ireland."},
	{attribute: "REGION", value: "AU", grade: "IDEAL", note: "Australia."},
	{attribute: "REGION", value: "NZ", grade: "IDEAL", note: "New Zealand."},
	{attribute: "REGION", value: "EMEA", grade: "CAUTION", note: englishOnly},
	{attribute: "REGION", value: "CALA", grade: "CAUTION", note: englishOnly},
	{attribute: "REGION", value: "*", grade: "OFF_STRATEGY", note: "All other countries, and non-English-speaking companies."},
	{attribute: "MATURITY", value: "GROWTH", grade: "IDEAL"},
	{attribute: "MATURITY", value: "MATURITY", grade: "IDEAL"},
	{attribute: "MATURITY", value: "STARTUP", grade: "OFF_STRATEGY"},
	{attribute: "MATURITY", value: "DECLINE", grade: "OFF_STRATEGY"},
	{attribute: "VP_SALES_CONTACT", value: "PRESENT", grade: "IDEAL", note: bothVPs},
	{attribute: "VP_SALES_CONTACT", value: "ABSENT", grade: "CAUTION", note: vpNotMapped},
	{attribute: "VP_SALES_OPERATIONS_CONTACT", value: "PRESENT", grade: "IDEAL", note: bothVPs},
	{attribute: "VP_SALES_OPERATIONS_CONTACT", value: "ABSENT", grade: "CAUTION", note: vpNotMapped},
}

// loadProfile records the ideal customer profile. One criterion at a time:
// the schema checks each against those before it.
func (l *loader) loadProfile(ctx context.Context) error {
	for _, p := range profile {
		err := l.c.IcpCriterion.Create().SetAttribute(icpcriterion.Attribute(p.attribute)).
			SetNillableValue(opt[string](p.value)).SetNillableMinSellers(bound(p.min)).SetNillableMaxSellers(bound(p.max)).
			SetGrade(icpcriterion.Grade(p.grade)).SetNote(p.note).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("ICP criterion %s %s: %w", p.attribute, p.value, err)
		}
	}
	return nil
}

// bound is a range bound of the table: nil for 0, an open end.
func bound(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}
