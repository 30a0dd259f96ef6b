package reviewpack

import (
	"fmt"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/metrics"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/timeline"
)

// markdown writes the pack as a document to paste, with the org map as it
// is now in a mermaid block.
func markdown(p *Pack, current *orgmap.Map) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	pl := p.Plan
	name := ""
	if pl.Edges.Account != nil {
		name = pl.Edges.Account.Name
	}
	w("# Review pack: %s\n\n", line(pl.Name))
	w("- Account: %s\n- Plan: %s, %s, %s to %s, %s reviews\n", line(name), pl.Type, pl.Status, day(pl.PeriodStart), day(pl.PeriodEnd), pl.ReviewCadence)
	since := "the plan's creation"
	if p.SinceReview != nil {
		since = "the review of " + day(p.Since)
	}
	w("- Since: %s (%s) until %s\n", since, day(p.Since), day(p.Until))
	w("- Plan health: %s → %s\n", p.PlanDiff.HealthFrom, p.PlanDiff.HealthTo)

	w("\n## Goals and KPIs\n\n")
	if len(p.Goals) == 0 {
		w("No goals.\n")
	}
	for _, g := range p.Goals {
		w("- **%s**%s\n", line(g.Goal.Title), progress(g.Goal.Baseline, g.Goal.Target, g.Goal.Unit))
		for _, o := range g.Objectives {
			w("  - %s (%s)\n", line(o.Objective.Title), o.Objective.Status)
			for _, k := range o.KPIs {
				w("    - KPI %s: %s\n", line(k.Name), orNone(k.CurrentValue)+" of target "+orNone(k.Target)+unit(k.Unit))
			}
		}
	}

	w("\n## Action items\n\n### Overdue\n\n")
	items(&b, p.Overdue)
	w("\n### Completed since\n\n")
	items(&b, p.PlanDiff.ActionItemsCompleted)
	w("\n### Slipped since\n\n")
	if len(p.PlanDiff.ActionItemsSlipped) == 0 {
		w("None.\n")
	}
	for _, s := range p.PlanDiff.ActionItemsSlipped {
		w("- %s: %s\n", line(s.ActionItem.Title), s.Reason)
	}

	w("\n## What changed in the plan\n\n")
	d := p.PlanDiff
	records(&b, "Added", d.Added)
	records(&b, "Removed", d.Removed)
	for _, c := range d.Changed {
		fields := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			fields[i] = f.Field
		}
		w("- Changed %s %s: %s\n", c.Type, line(c.Title), strings.Join(fields, ", "))
	}
	for _, k := range d.KPIs {
		w("- KPI %s moved %s → %s (target %s)\n", line(k.KPI.Name), orNone(k.From), orNone(k.To), orNone(k.Target))
	}
	for _, f := range d.FindingsOpened {
		w("- Finding opened: %s\n", line(f.Message))
	}
	for _, f := range d.FindingsResolved {
		w("- Finding resolved: %s\n", line(f.Message))
	}
	if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.KPIs)+len(d.FindingsOpened)+len(d.FindingsResolved) == 0 {
		w("Nothing changed.\n")
	}

	w("\n## What changed in the org map\n\n")
	m := p.OrgMapDiff
	w("- Map health: %s → %s\n", m.HealthFrom.Grade, m.HealthTo.Grade)
	people(&b, "Joined", m.Joined)
	people(&b, "Left", m.Left)
	for _, mv := range m.Moved {
		w("- Moved: %s, from %s to %s\n", line(mv.Node.Name), who(mv.ManagerFrom), who(mv.ManagerTo))
	}
	for _, c := range m.SupportChanges {
		w("- Support of %s: %s → %s\n", line(c.Node.Name), orDash(c.From), orDash(c.To))
	}
	for _, c := range m.PoliticalStatusChanges {
		w("- Political status of %s: %s → %s\n", line(c.Node.Name), orDash(c.From), orDash(c.To))
	}
	people(&b, "Key player gained", m.KeyPlayersGained)
	people(&b, "Key player lost", m.KeyPlayersLost)
	for _, c := range m.DecisionMakers {
		w("- Our best path to %s: %s → %s\n", line(c.Node.Name), warmth(c.From), warmth(c.To))
	}

	w("\n## Org map\n\n```mermaid\n%s```\n", current.Mermaid())

	w("\n## Metrics\n\n")
	metricsTable(&b, p.Metrics, p.Until)

	w("\n## Whitespace\n\n")
	if len(p.Whitespace) == 0 {
		w("No whitespace cells.\n")
	} else {
		w("| Business unit | Product | Status | Current | Potential | Competitor |\n|---|---|---|---|---|---|\n")
	}
	for _, c := range p.Whitespace {
		bu, pr := "", ""
		if c.Edges.BusinessUnit != nil {
			bu = c.Edges.BusinessUnit.Name
		}
		if c.Edges.Product != nil {
			pr = c.Edges.Product.Name
		}
		potential := "—"
		if c.PotentialValue != nil {
			potential = fmt.Sprint(*c.PotentialValue)
		}
		w("| %s | %s | %s | %d | %s | %s |\n", cell(bu), cell(pr), c.Status, c.CurrentValue, potential, cell(c.Competitor))
	}

	w("\n## Feedback since\n\n")
	if len(p.Feedback) == 0 {
		w("None.\n")
	}
	for _, f := range p.Feedback {
		score := ""
		if f.Score != nil {
			score = fmt.Sprintf(", score %d", *f.Score)
		}
		w("- %s, %s%s: %s\n", day(f.ReceivedAt), f.Kind, score, line(f.Text))
	}
	return b.String()
}

// metricsTable writes the metrics report with a column per quarter and
// currency, the figures as the metrics query gives them.
func metricsTable(b *strings.Builder, r *metrics.Report, until time.Time) {
	if len(r.Rows) == 0 {
		b.WriteString("No revenue records or opportunities in the previous quarter or this one.\n")
		return
	}
	head, rule := "| |", "|---|"
	for _, x := range r.Rows {
		label := ""
		if x.PeriodLabel != nil {
			label = *x.PeriodLabel
		}
		if x.PeriodEnd.Equal(until) {
			label += " to " + day(until)
		}
		head += " " + label + " " + x.Currency + " |"
		rule += "---|"
	}
	fmt.Fprintf(b, "%s\n%s\n", head, rule)
	lines := []struct {
		name  string
		value func(x *metrics.Row) string
	}{
		{"Starting revenue", func(x *metrics.Row) string { return money(x.StartingRevenue, x.Currency) }},
		{"Expansion", func(x *metrics.Row) string { return money(x.Expansion, x.Currency) }},
		{"Contraction", func(x *metrics.Row) string { return money(x.Contraction, x.Currency) }},
		{"Churn", func(x *metrics.Row) string { return money(x.Churn, x.Currency) }},
		{"Ending revenue", func(x *metrics.Row) string { return money(x.EndingRevenue, x.Currency) }},
		{"Net revenue retention", func(x *metrics.Row) string { return figure(x.NetRevenueRetention, "%") }},
		{"Win rate", func(x *metrics.Row) string { return figure(x.WinRate, "%") }},
		{"Opportunities won / lost", func(x *metrics.Row) string { return fmt.Sprintf("%d / %d", x.OpportunitiesWon, x.OpportunitiesLost) }},
		{"Won amount", func(x *metrics.Row) string { return money(x.WonAmount, x.Currency) }},
		{"Open opportunities at the end", func(x *metrics.Row) string { return fmt.Sprint(x.OpportunitiesOpen) }},
		{"Pipeline at the end", func(x *metrics.Row) string { return money(x.PipelineAmount, x.Currency) }},
		{"Sales cycle, median days", func(x *metrics.Row) string { return figure(x.SalesCycleMedianDays, "") }},
		{"Sales cycle, mean days", func(x *metrics.Row) string { return figure(x.SalesCycleMeanDays, "") }},
	}
	for _, l := range lines {
		b.WriteString("| " + l.name + " |")
		for _, x := range r.Rows {
			b.WriteString(" " + l.value(x) + " |")
		}
		b.WriteString("\n")
	}
}

// zeroDecimal are the currencies without minor units: their Money is whole units.
var zeroDecimal = map[string]bool{"BIF": true, "CLP": true, "DJF": true, "GNF": true, "ISK": true, "JPY": true, "KMF": true, "KRW": true,
	"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true}

// money writes minor units as an amount with its decimals, e.g. 1,250.50.
func money(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	whole, cents := minor, int64(-1)
	if !zeroDecimal[currency] {
		whole, cents = minor/100, minor%100
	}
	digits := fmt.Sprint(whole)
	var grouped []string
	for len(digits) > 3 {
		grouped = append([]string{digits[len(digits)-3:]}, grouped...)
		digits = digits[:len(digits)-3]
	}
	out := sign + strings.Join(append([]string{digits}, grouped...), ",")
	if cents >= 0 {
		out += fmt.Sprintf(".%02d", cents)
	}
	return out
}

// figure writes a ratio's value with its unit, or why there is none.
func figure(f metrics.Figure, unit string) string {
	if f.Value == nil {
		if f.Reason != nil {
			return "— (" + line(*f.Reason) + ")"
		}
		return "—"
	}
	return *f.Value + unit
}

func items(b *strings.Builder, list []*ent.ActionItem) {
	if len(list) == 0 {
		b.WriteString("None.\n")
	}
	for _, a := range list {
		due := ""
		if a.DueAt != nil {
			due = ", due " + day(*a.DueAt)
		}
		fmt.Fprintf(b, "- %s (%s%s)\n", line(a.Title), a.Status, due)
	}
}

func records(b *strings.Builder, what string, list []*timeline.PlanRecord) {
	for _, r := range list {
		fmt.Fprintf(b, "- %s %s %s\n", what, r.Type, line(r.Title))
	}
}

func people(b *strings.Builder, what string, list []*orgmap.Node) {
	for _, n := range list {
		fmt.Fprintf(b, "- %s: %s\n", what, who(n))
	}
}

func who(n *orgmap.Node) string {
	if n == nil {
		return "no one"
	}
	if n.Title == "" {
		return line(n.Name)
	}
	return line(n.Name) + " (" + line(n.Title) + ")"
}

func progress(baseline, target *string, u string) string {
	if target == nil {
		return ""
	}
	return fmt.Sprintf(": from %s to %s%s", orNone(baseline), *target, unit(u))
}

func unit(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

func orNone(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func warmth(w *float64) string {
	if w == nil {
		return "no path"
	}
	return fmt.Sprintf("%.2f", *w)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// line keeps text on one Markdown line.
func line(s string) string { return strings.Join(strings.Fields(s), " ") }

// cell keeps text inside one table cell.
func cell(s string) string { return strings.ReplaceAll(line(s), "|", `\|`) }
