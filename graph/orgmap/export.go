package orgmap

import (
	"fmt"
	"strings"

	"github.com/accountplan/accountplan/ent/stakeholder"
)

// look is how a stakeholder's support is drawn: a fill and a readable text colour.
type look struct{ fill, text, class string }

var supportLooks = map[stakeholder.Support]look{
	stakeholder.SupportMENTOR:        {"#1a9850", "#ffffff", "mentor"},
	stakeholder.SupportSUPPORTER:     {"#a6d96a", "#000000", "supporter"},
	stakeholder.SupportNEUTRAL:       {"#e0e0e0", "#000000", "neutral"},
	stakeholder.SupportNON_SUPPORTER: {"#fdae61", "#000000", "nonSupporter"},
	stakeholder.SupportENEMY:         {"#d73027", "#ffffff", "enemy"},
}

// supportLook is the look of a support, NEUTRAL's for an unknown one.
func supportLook(s stakeholder.Support) look {
	if l, ok := supportLooks[s]; ok {
		return l
	}
	return supportLooks[stakeholder.SupportNEUTRAL]
}

// label is the lines that describe a stakeholder on a picture.
func label(n *Node) []string {
	lines := []string{n.Name}
	if n.Title != "" {
		lines = append(lines, n.Title)
	}
	facts := []string{"rank " + recorded(n.Rank), "influence " + recorded(n.Influence)}
	lines = append(lines, strings.Join(facts, ", "))
	status := string(n.PoliticalStatus)
	if status == "" {
		status = "political status unknown"
	}
	if n.KeyPlayer() {
		status += " key player"
	}
	if n.BuyingRole != "" {
		status += ", " + string(n.BuyingRole)
	}
	return append(lines, status+", "+string(n.Support))
}

// recorded writes a 1–5 value, or ? when it was not recorded.
func recorded(v int) string {
	if v == 0 {
		return "?"
	}
	return fmt.Sprint(v)
}

// edgeLabel is the text on an influence edge: its kind and strength.
func edgeLabel(e *Edge) string {
	return fmt.Sprintf("%s %d", strings.ToLower(strings.ReplaceAll(string(e.Kind), "_", " ")), e.Strength)
}

var dotShapes = map[stakeholder.PoliticalStatus]string{
	stakeholder.PoliticalStatusASTUTE: "hexagon",
	stakeholder.PoliticalStatusAGILE:  "parallelogram",
	stakeholder.PoliticalStatusNAIVE:  "ellipse",
}

// DOT is the map in Graphviz's language: reporting lines top down, nodes
// filled by support and shaped by political status, influence edges left
// out of the layout's ranking so that the tree stays a tree. Edge labels are
// xlabels, placed after the layout: dot's spline router warned about plain
// labels on edges outside the ranking.
func (m *Map) DOT() string {
	var b strings.Builder
	title := "Org map"
	if m.Account != nil {
		title = m.Account.Name + ": org map"
	}
	if m.note != "" {
		title += "\n" + m.note
	}
	fmt.Fprintf(&b, "digraph orgmap {\n\tgraph [rankdir=TB, labelloc=t, fontname=Helvetica, label=%s];\n", dotString(title+"\nfill: support (dark green MENTOR, light green SUPPORTER, grey NEUTRAL, orange NON_SUPPORTER, red ENEMY); shape: political status (hexagon ASTUTE, parallelogram AGILE, box OBSERVER or unknown, ellipse NAIVE)"))
	b.WriteString("\tnode [style=filled, fontname=Helvetica, fontsize=10];\n\tedge [fontname=Helvetica, fontsize=8];\n")
	for _, n := range m.Nodes {
		l := supportLook(n.Support)
		shape, ok := dotShapes[n.PoliticalStatus]
		if !ok {
			shape = "box"
		}
		width := 1
		if n.KeyPlayer() {
			width = 3
		}
		fmt.Fprintf(&b, "\ts%d [label=%s, shape=%s, fillcolor=%q, fontcolor=%q, penwidth=%d];\n", n.ID, dotString(strings.Join(label(n), "\n")), shape, l.fill, l.text, width)
	}
	for _, e := range m.Edges {
		switch e.Kind {
		case ReportsTo:
			fmt.Fprintf(&b, "\ts%d -> s%d [arrowhead=none, color=\"#555555\"];\n", e.ToID, e.FromID)
		case Influences:
			fmt.Fprintf(&b, "\ts%d -> s%d [constraint=false, color=\"#2166ac\", fontcolor=\"#2166ac\", penwidth=%.1f, xlabel=%s];\n", e.FromID, e.ToID, 0.5+0.5*float64(e.Strength), dotString(edgeLabel(e)))
		case ConflictsWith:
			fmt.Fprintf(&b, "\ts%d -> s%d [constraint=false, color=\"#d73027\", fontcolor=\"#d73027\", arrowhead=tee, style=bold, xlabel=%s];\n", e.FromID, e.ToID, dotString(edgeLabel(e)))
		case Informal:
			fmt.Fprintf(&b, "\ts%d -> s%d [constraint=false, color=\"#777777\", style=dashed, xlabel=%s];\n", e.FromID, e.ToID, dotString(edgeLabel(e)))
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// dotString quotes s for DOT; a newline becomes a line break of the label.
var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\n`)

func dotString(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

// mermaidShapes are the brackets around a label for each political status.
var mermaidShapes = map[stakeholder.PoliticalStatus][2]string{
	stakeholder.PoliticalStatusASTUTE: {"{{", "}}"},
	stakeholder.PoliticalStatusAGILE:  {"[/", "/]"},
	stakeholder.PoliticalStatusNAIVE:  {"([", "])"},
}

// Mermaid is the map as a Mermaid flowchart: one line per stakeholder and
// per edge, after the class definitions that colour nodes by support.
func (m *Map) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, s := range []stakeholder.Support{stakeholder.SupportMENTOR, stakeholder.SupportSUPPORTER, stakeholder.SupportNEUTRAL, stakeholder.SupportNON_SUPPORTER, stakeholder.SupportENEMY} {
		l := supportLooks[s]
		fmt.Fprintf(&b, "\tclassDef %s fill:%s,color:%s,stroke:#333333\n", l.class, l.fill, l.text)
	}
	for _, n := range m.Nodes {
		shape, ok := mermaidShapes[n.PoliticalStatus]
		if !ok {
			shape = [2]string{"[", "]"}
		}
		lines := label(n)
		for i := range lines {
			lines[i] = mermaidEscaper.Replace(lines[i])
		}
		fmt.Fprintf(&b, "\ts%d%s\"%s\"%s:::%s\n", n.ID, shape[0], strings.Join(lines, "<br/>"), shape[1], supportLook(n.Support).class)
	}
	for _, e := range m.Edges {
		switch e.Kind {
		case ReportsTo:
			fmt.Fprintf(&b, "\ts%d --- s%d\n", e.ToID, e.FromID)
		case Influences:
			fmt.Fprintf(&b, "\ts%d -->|\"%s\"| s%d\n", e.FromID, edgeLabel(e), e.ToID)
		case ConflictsWith:
			fmt.Fprintf(&b, "\ts%d --x|\"%s\"| s%d\n", e.FromID, edgeLabel(e), e.ToID)
		case Informal:
			fmt.Fprintf(&b, "\ts%d -.->|\"%s\"| s%d\n", e.FromID, edgeLabel(e), e.ToID)
		}
	}
	return b.String()
}

// mermaidEscaper writes the characters that end or change a quoted Mermaid
// label as entity codes, in one pass, so the # of a code stays as it is.
var mermaidEscaper = strings.NewReplacer("#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "`", "#96;", "\r", " ", "\n", " ")
