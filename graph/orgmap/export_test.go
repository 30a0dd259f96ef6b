package orgmap

import (
	"regexp"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
)

// drawn is a map whose names need escaping in both languages.
func drawn() *Map {
	return New(&ent.Account{Name: `Acme "Labs"`}, []*Node{
		person(1, `Ann "The Hammer" O\Neil`, 0, ranked(5, 4), status(astute), supports(mentor), buys(decisionMaker)),
		person(2, "Bob <b>#1;</b> & co\nnext line", 1, ranked(2, 0), status(agile), supports(enemy)),
		person(3, "Cat", 1, status(naive), supports(supporter)),
		person(4, "Dan", 3, supports(nonSupporter)),
	}, []*Edge{line(Influences, 2, 1, 4), line(ConflictsWith, 2, 3, 2), line(Informal, 4, 1, 1)})
}

func TestDOT(t *testing.T) {
	dot := drawn().DOT()
	for _, want := range []string{
		`label="Acme \"Labs\": org map\nfill: support`,
		`s1 [label="Ann \"The Hammer\" O\\Neil\nrank 5, influence 4\nASTUTE key player, DECISION_MAKER, MENTOR", shape=hexagon, fillcolor="#1a9850", fontcolor="#ffffff", penwidth=3];`,
		`s2 [label="Bob <b>#1;</b> & co\nnext line\nrank 2, influence ?\nAGILE key player, ENEMY", shape=parallelogram, fillcolor="#d73027"`,
		`s3 [label="Cat\nrank ?, influence ?\nNAIVE, SUPPORTER", shape=ellipse, fillcolor="#a6d96a", fontcolor="#000000", penwidth=1];`,
		`s4 [label="Dan\nrank ?, influence ?\npolitical status unknown, NON_SUPPORTER", shape=box, fillcolor="#fdae61"`,
		"\ts1 -> s2 [arrowhead=none",
		`s2 -> s1 [constraint=false, color="#2166ac", fontcolor="#2166ac", penwidth=2.5, xlabel="influences 4"];`,
		`s2 -> s3 [constraint=false, color="#d73027", fontcolor="#d73027", arrowhead=tee, style=bold, xlabel="conflicts with 2"];`,
		`s4 -> s1 [constraint=false, color="#777777", style=dashed, xlabel="informal 1"];`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s\n%s", want, dot)
		}
	}
	if !strings.HasPrefix(dot, "digraph orgmap {\n") || !strings.HasSuffix(dot, "}\n") {
		t.Errorf("not one digraph:\n%s", dot)
	}
}

func TestMermaid(t *testing.T) {
	m := drawn()
	text := m.Mermaid()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "flowchart TD" {
		t.Errorf("first line %q", lines[0])
	}
	node := regexp.MustCompile(`^\ts\d+(\{\{|\[/|\(\[|\[)"[^"]*"(\}\}|/\]|\]\)|\]):::\w+$`)
	edge := regexp.MustCompile(`^\ts\d+ (---|-->\|"[a-z ]+ \d"\||--x\|"[a-z ]+ \d"\||-\.->\|"[a-z ]+ \d"\|) ?s\d+$`)
	var nodes, edges int
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "\tclassDef "):
		case node.MatchString(l):
			nodes++
		case edge.MatchString(l):
			edges++
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if nodes != len(m.Nodes) || edges != len(m.Edges) {
		t.Errorf("%d node lines and %d edge lines, want %d and %d", nodes, edges, len(m.Nodes), len(m.Edges))
	}
	for _, want := range []string{
		`s1{{"Ann #quot;The Hammer#quot; O\Neil<br/>rank 5, influence 4<br/>ASTUTE key player, DECISION_MAKER, MENTOR"}}:::mentor`,
		`s2[/"Bob #lt;b#gt;#35;1;#lt;/b#gt; #amp; co next line<br/>`,
		`s3(["Cat<br/>`,
		"\ts1 --- s2\n",
		`s2 -->|"influences 4"| s1`,
		`s2 --x|"conflicts with 2"| s3`,
		`s4 -.->|"informal 1"| s1`,
		"classDef enemy fill:#d73027,color:#ffffff",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Mermaid lacks %s\n%s", want, text)
		}
	}
}
