//go:build ignore

// Code generation for ent and its GraphQL schema. Run from the repository root
// (go generate ./...) so that every path below is relative to gqlgen.yml.
package main

import (
	"bytes"
	"fmt"
	goast "go/ast"
	"go/build"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxPageSize is graph.MaxPageSize, the page size limit the API enforces.
const maxPageSize = 100

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./api/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(describeTypes, describePageSize, addHistory, describeEnumValues, describeGenerated),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	if err := pagesCallOurLimits(); err != nil {
		log.Fatal(err)
	}
	if err := pagesCountNextPages(); err != nil {
		log.Fatal(err)
	}
	if err := pagesShareEdgeArrays(); err != nil {
		log.Fatal(err)
	}
	if err := pagesFindFieldsByName(); err != nil {
		log.Fatal(err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:    "./ent",
		Package:   "github.com/accountplan/accountplan/ent",
		Features:  []gen.Feature{gen.FeatureGlobalID, gen.FeatureUpsert, gen.FeaturePrivacy, gen.FeatureExecQuery},
		Hooks:     []gen.Hook{writeGraphQLNames, writeTables},
		Templates: []*gen.Template{dialectTemplate, bareTemplate, scanTemplate, m2mTemplate()},
	}, entc.Extensions(ex), withTemplates(countTemplate))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// pagesCallOurLimits makes the collection code of a page (entgql's
// gql_collection, which has no template of its own for these calls) limit its
// rows with the query's own methods, so that the page can count its parent's
// rows too: limitPerRow under each parent of a list, limitOne under one node;
// read an orderBy given as one object; and extend the query of a to-one edge
// already collected under another alias (collectedEdge).
func pagesCallOurLimits() error {
	return patchTemplate(entgql.CollectionTemplate, "gql_collection", "pagesCallOurLimits", [][2]string{
		{"entgql.LimitPerRow(", "query.limitPerRow("},
		{"pager.applyOrder(query.Limit(limit))", "pager.applyOrder(query.limitOne(limit))"},
		// entgql reads orderBy as a []any only; GraphQL's input coercion makes one
		// order given alone a list of it, as the root connections read it, and a
		// variable's coercion made that list a []map[string]any.
		{"\tif v, ok := args[whereField]; ok && whereInput != nil {", "\tswitch v := args[orderByField].(type) {\n\tcase map[string]any:\n\t\targs[orderByField] = []any{v}\n\tcase []map[string]any:\n\t\torders := make([]any, len(v))\n\t\tfor i := range v {\n\t\t\torders[i] = v[i]\n\t\t}\n\t\targs[orderByField] = orders\n\t}\n\tif v, ok := args[whereField]; ok && whereInput != nil {"},
		// A to-one edge asked under two aliases reads what both select: each
		// alias's collection replaced the last one's query, so the first
		// alias's fields came back empty.
		{"\n\t\t\t\t\t\t\tif err := query.collectField(ctx, ", "\n\t\t\t\t\t\t\tquery = extendCollected(_q.collectedEdge(field.Name), query)\n\t\t\t\t\t\t\tif err := query.collectField(ctx, "},
	})
}

// pagesCountNextPages makes a root connection that reads no rows (first: 0,
// or no edges asked) tell its next and previous pages from its count as a
// nested page does: entgql says there is one whenever the count is above
// zero, so three records paged two at a time answered hasNextPage on a page
// of one. With a cursor the count, which ignores it, still only says whether
// any record is left. A root page without pageInfo reads first rows, not first+1.
func pagesCountNextPages() error {
	return patchTemplate(entgql.PaginationTemplate, "gql_pagination/helper/paginate", "pagesCountNextPages", [][2]string{
		// The row past the page only tells pageInfo: unasked, it is not read,
		// nor are the edges below it.
		{"\tlimit := paginateLimit(first, last)\n",
			"\tlimit := paginateLimit(first, last)\n\tif limit > 1 && !hasCollectedField(ctx, pageInfoField) {\n\t\tlimit--\n\t}\n"},
		{"conn.PageInfo.HasNextPage = first != nil && conn.TotalCount > 0",
			"conn.PageInfo.HasNextPage = first != nil && (conn.TotalCount > *first || (after != nil || before != nil) && conn.TotalCount > 0)"},
		{"conn.PageInfo.HasPreviousPage = last != nil && conn.TotalCount > 0",
			"conn.PageInfo.HasPreviousPage = last != nil && (conn.TotalCount > *last || (after != nil || before != nil) && conn.TotalCount > 0)"},
	})
}

// pagesShareEdgeArrays makes a page's edges one array (newEdges) instead of
// one allocation per edge.
func pagesShareEdgeArrays() error {
	return patchTemplate(entgql.PaginationTemplate, "gql_pagination", "pagesShareEdgeArrays", [][2]string{
		{"\tfor i := range nodes {\n\t\tnode := nodeAt(i)\n\t\tc.Edges[i] = &",
			"\tedges := newEdges(c.Edges)\n\tfor i := range nodes {\n\t\tnode := nodeAt(i)\n\t\tc.Edges[i] = &edges[i]\n\t\tedges[i] = "},
	})
}

// pagesFindFieldsByName makes entgql find a connection's edges, pageInfo,
// totalCount and an edge's node by their names: it looked them up by their
// response keys, so that an aliased edges read no rows ([]) and an aliased
// totalCount no count (0). A connection's own alias still names it.
func pagesFindFieldsByName() error {
	return patchTemplate(entgql.PaginationTemplate, "gql_pagination", "pagesFindFieldsByName", [][2]string{
		{"\t\tfor _, f := range graphql.CollectFields(oc, field.Selections, nil) {\n\t\t\tif f.Alias == name {",
			"\t\tfields := graphql.CollectFields(oc, field.Selections, nil)\n" +
				"\t\tif f, ok := pageField(fields, name); ok {\n\t\t\tfield = f\n\t\t\tcontinue walk\n\t\t}\n" +
				"\t\tfor _, f := range fields {\n\t\t\tif f.Alias == name {"},
		{"func hasCollectedField(", pageFieldFunc + "func hasCollectedField("},
	})
}

// pageFieldFunc finds a connection's field or an edge's node by its name,
// under every alias at once: their selections are read as one, so that the
// records hold the columns and edges any of them asks.
const pageFieldFunc = `// pageField is the field of a connection or of its edges of that name, its
// selections under every alias together; false for another name, or none asked.
func pageField(fields []graphql.CollectedField, name string) (graphql.CollectedField, bool) {
	var found graphql.CollectedField
	n := 0
	for _, f := range fields {
		if f.Name != name || name != edgesField && name != nodeField && name != pageInfoField && name != totalCountField {
			continue
		}
		if n++; n == 1 {
			found = f
		} else {
			found.Selections = append(found.Selections[:len(found.Selections):len(found.Selections)], f.Selections...)
		}
	}
	return found, n > 0
}

`

// m2mTemplate is ent's query template (dialect/sql/query.tmpl, read from the
// ent module) with a many-to-many edge's records given to each parent in the
// order of the rows that join them: ent gave each parent its records in the
// order they first came among all the parents' rows, so that a page whose
// records were shared came out of its order. The rows come in each parent's
// page order (the window statement of its pages numbers them in it).
func m2mTemplate() *gen.Template {
	pkg, err := build.Import("entgo.io/ent/entc/gen", ".", build.FindOnly)
	if err != nil {
		log.Fatalf("finding ent's templates: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(pkg.Dir, "template", "dialect", "sql", "query.tmpl"))
	if err != nil {
		log.Fatalf("reading ent's query template: %v", err)
	}
	text := string(raw)
	for _, r := range [][2]string{
		{"\t\t\tnids := make(map[{{ $e.Type.ID.Type }}]map[*{{ $.Name }}]struct{})\n",
			"\t\t\tnids := make(map[{{ $e.Type.ID.Type }}]map[*{{ $.Name }}]struct{})\n\t\t\trows := newM2MRows(byID, nids, assign)\n"},
		{"\t\t\t\t\t\tif nids[inValue] == nil {\n",
			"\t\t\t\t\t\trows.add(outValue, inValue)\n\t\t\t\t\t\tif nids[inValue] == nil {\n"},
		{"\t\t\t\tnodes, ok := nids[n.ID]\n\t\t\t\tif !ok {\n",
			"\t\t\t\tif _, ok := nids[n.ID]; !ok {\n"},
		{"\t\t\t\tfor kn := range nodes {\n\t\t\t\t\tassign(kn, n)\n\t\t\t\t}\n\t\t\t}\n",
			"\t\t\t\trows.loaded(n.ID, n)\n\t\t\t}\n\t\t\trows.assign(assign)\n"},
	} {
		if n := strings.Count(text, r[0]); n != 1 {
			log.Fatalf("ent's query template has %q %d times, want 1: check m2mTemplate against it", r[0], n)
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	return gen.MustParse(gen.NewTemplate("m2m").Parse(text))
}

// patchTemplate replaces each from with its to in the text of entgql's
// template of that name, failing, for the function by, when entgql's text
// holds it other than once: it has changed, and by must be checked against it.
func patchTemplate(set *gen.Template, name, by string, replacements [][2]string) error {
	t := set.Lookup(name)
	if t == nil {
		return fmt.Errorf("entgql has no %s template", name)
	}
	for _, r := range replacements {
		if n := replaceText(t.Tree.Root, r[0], r[1]); n != 1 {
			return fmt.Errorf("entgql's %s has %q %d times, want 1: check %s against it", name, r[0], n, by)
		}
	}
	return nil
}

// replaceText replaces from with to in the text of a template's parse tree,
// and says how many times it did.
func replaceText(node parse.Node, from, to string) int {
	n := 0
	switch node := node.(type) {
	case *parse.ListNode:
		if node != nil {
			for _, c := range node.Nodes {
				n += replaceText(c, from, to)
			}
		}
	case *parse.TextNode:
		n = bytes.Count(node.Text, []byte(from))
		node.Text = bytes.ReplaceAll(node.Text, []byte(from), []byte(to))
	case *parse.IfNode:
		n = replaceText(node.List, from, to) + replaceText(node.ElseList, from, to)
	case *parse.RangeNode:
		n = replaceText(node.List, from, to) + replaceText(node.ElseList, from, to)
	case *parse.WithNode:
		n = replaceText(node.List, from, to) + replaceText(node.ElseList, from, to)
	}
	return n
}

// withTemplates adds templates after entgql's, so that theirs override its own.
func withTemplates(ts ...*gen.Template) entc.Option {
	return func(cfg *gen.Config) error {
		cfg.Templates = append(cfg.Templates, ts...)
		return nil
	}
}

// countTemplate makes entgql count the edges of one level in one statement:
// its load_total helper (one grouped count per alias) becomes a part of the
// level's edgecount.Batch, and ent/gql_edge_counts.go gives every query the
// batch and the count statement of its records, privacy and interceptors
// applied. Many-to-many edges keep entgql's own count. A page, first
// without a cursor, is counted by its own statement instead: under a list,
// its window statement (edgecount.Page, via limitPerRow); under one node, its
// LIMIT statement (edgecount.OnePage, via limitOne). It reads first rows, not
// first+1, and hasNextPage is totalCount > first.
var countTemplate = gen.MustParse(gen.NewTemplate("counts").Funcs(entgql.TemplateFuncs).Parse(`
{{ define "gql_pagination/helper/load_total" }}
	{{- $node := $ }}
	{{- $i := $.Scope.Index }}
	{{- $e := $.Scope.Edge }}
	{{- $receiver := $.Scope.Receiver }}
	query.pageInfoAsked = true
	{{- if not $e.M2M }}
	if !ignoredEdges && args.first != nil && *args.first > 0 && args.after == nil && args.before == nil {
		query.withPageTotal = true
		{{ $receiver }}.loadTotal = append({{ $receiver }}.loadTotal, func(_ context.Context, nodes []*{{ $node.Name }}) error {
			for i := range nodes {
				n := 0
				if page := nodes[i].Edges.named{{ $e.StructField }}[alias]; len(page) > 0 {
					n = page[0].pageTotal
				}
				if nodes[i].Edges.totalCount[{{ $i }}] == nil {
					nodes[i].Edges.totalCount[{{ $i }}] = make(map[string]int)
				}
				nodes[i].Edges.totalCount[{{ $i }}][alias] = n
			}
			return nil
		})
	} else {
	{{- end }}
	query := query.Clone()
	{{- if or $e.M2M (ne $node.ID.Type.String "int") }}
	{{ $receiver }}.loadTotal = append({{ $receiver }}.loadTotal, func(ctx context.Context, nodes []*{{ $node.Name }}) error {
		ids := make([]driver.Value, len(nodes))
		for i := range nodes {
			ids[i] = nodes[i].{{ $node.ID.StructField }}
		}
		{{- $fk1idx := 1 }}{{- $fk2idx := 0 }}{{ if $e.IsInverse }}{{ $fk1idx = 0 }}{{ $fk2idx = 1 }}{{ end }}
		{{- $edgeid := print $e.Type.Package "." $e.Type.ID.Constant }}
		{{- $nodeid := print $node.Package "." $e.PKConstant "[" $fk2idx "]" }}
		var v []struct{
			NodeID {{ $node.ID.Type }} ` + "`" + `sql:"{{ index $e.Rel.Columns $fk2idx }}"` + "`" + `
			Count int ` + "`" + `sql:"count"` + "`" + `
		}
		query.Where(func(s *sql.Selector) {
			joinT := sql.Table({{ $.Package }}.{{ $e.TableConstant }})
			s.Join(joinT).On(s.C({{ $edgeid }}), joinT.C({{ $.Package }}.{{ $e.PKConstant }}[{{ $fk1idx }}]))
			s.Where(sql.InValues(joinT.C({{ $.Package }}.{{ $e.PKConstant }}[{{ $fk2idx }}]), ids...))
			s.Select(joinT.C({{ $nodeid }}), sql.Count("*"))
			s.GroupBy(joinT.C({{ $nodeid }}))
		})
		if err := query.Select().Scan(ctx, &v); err != nil {
			return err
		}
		m := make(map[{{ $node.ID.Type }}]int, len(v))
		for i := range v {
			m[v[i].NodeID] = v[i].Count
		}
		for i := range nodes {
			n := m[nodes[i].{{ $node.ID.StructField }}]
			if nodes[i].Edges.totalCount[{{ $i }}] == nil {
				nodes[i].Edges.totalCount[{{ $i }}] = make(map[string]int)
			}
			nodes[i].Edges.totalCount[{{ $i }}][alias] = n
		}
		return nil
	})
	{{- else }}
	part := {{ $receiver }}.edgeCountBatch().Add({{ $e.Type.Package }}.Table, {{ $node.Package }}.{{ $e.ColumnConstant }}, query.countSelector)
	{{ $receiver }}.loadTotal = append({{ $receiver }}.loadTotal, func(_ context.Context, nodes []*{{ $node.Name }}) error {
		for i := range nodes {
			if nodes[i].Edges.totalCount[{{ $i }}] == nil {
				nodes[i].Edges.totalCount[{{ $i }}] = make(map[string]int)
			}
			nodes[i].Edges.totalCount[{{ $i }}][alias] = part.Count(nodes[i].ID)
		}
		return nil
	})
	{{- end }}
	{{- if not $e.M2M }}
	}
	{{- end }}
{{ end }}

{{ define "dialect/sql/query/fields/additional/edge_counts" }}
	{{- if eq $.ID.Type.String "int" }}
	// edgeCounts counts the edges of the loaded nodes, for entgql's totalCount.
	edgeCounts *edgecount.Batch
	{{- end }}
	// withPageTotal makes the statement of a page count its parent's rows (edgecount.Page or OnePage).
	withPageTotal bool
	// pageInfoAsked is whether the connection asks pageInfo or totalCount: without, no row past the page is read.
	pageInfoAsked bool
{{ end }}

{{ define "dialect/sql/model/fields/page_total" }}
	// pageTotal is the number of rows of the parent this record was read under, when its page counted them (edgecount.Page or OnePage).
	pageTotal int
{{ end }}

{{ define "gql_edge/helper/paginate" }}
	{{- /* entgql v0.7.0's, with hasNextPage from the count of a page that has one. */}}
	{{ $n := $.Scope.Node }}
	{{ $e := $.Scope.Edge }}
	{{ $i := $.Scope.Index }}
	{{ $names := nodePaginationNames $e.Type }}
	{{ $order := $names.Order }}
	{{ $multiOrder := $e.Type.Annotations.EntGQL.MultiOrder }}
	{{ $whereInput := $names.WhereInput }}
	{{- $edge := $names.Edge }}
	{{ $conn := $names.Connection }}
	{{ $opt := print $names.Node "PaginateOption" }}
	{{ $r := $n.Receiver }}
	{{ $newPager := print "new" $names.Node "Pager" }}

	func ({{ $r }} *{{ $n.Name }}) {{ $e.StructField }}(
		ctx context.Context, after *Cursor, first *int, before *Cursor, last *int,
		{{- if orderFields $e.Type }}orderBy {{ if $multiOrder }}[]{{ end }}*{{ $order }},{{ end }}
		{{- if and (hasTemplate "gql_where_input") (hasWhereInput $e) }}where *{{ $whereInput }},{{ end }}
	) (*{{ $conn }}, error) {
		opts := []{{ $opt }}{
		{{- if orderFields $e.Type }}
			{{ print "With" $order }}(orderBy),
		{{- end }}
		{{- if and (hasTemplate "gql_where_input") (hasWhereInput $e) }}
			{{ print "With" $names.Node "Filter" }}(where.Filter),
		{{- end }}
		}
		alias := graphql.GetFieldContext(ctx).Field.Alias
		totalCount, hasTotalCount := {{ $r }}.Edges.totalCount[{{ $i }}][alias]
		if nodes, err := {{ $r }}.Named{{ $e.StructField }}(alias); err == nil || hasTotalCount {
			pager, err := {{ $newPager }}(opts, last != nil)
			if err != nil {
				return nil, err
			}
			conn := &{{ $conn }}{Edges: []*{{ $edge }}{}, TotalCount: totalCount}
			conn.build(nodes, pager, after, first, before, last)
			if len(nodes) > 0 && nodes[0].pageTotal > 0 {
				// The page was read with its count (edgecount.Page): it holds no row past first.
				conn.PageInfo.HasNextPage = nodes[0].pageTotal > len(nodes)
			} else if hasTotalCount && first != nil && after == nil && before == nil && last == nil {
				// No row tells (first: 0, or no edges asked): the count does, as at the root.
				conn.PageInfo.HasNextPage = totalCount > *first
			} else if hasTotalCount && last != nil && after == nil && before == nil && first == nil {
				// The same for a last page, and the records before it.
				conn.PageInfo.HasPreviousPage = totalCount > *last
			}
			return conn, nil
		}
		return {{ $r }}.Query{{ $e.StructField }}().Paginate(ctx, after, first, before, last, opts...)
	}
{{ end }}

{{ define "query/additional/collected_edge" }}
{{- $collects := fieldCollections (filterEdges $.Edges (skipMode "type")) }}
// collectedEdge is the query the to-one edge of this GraphQL field was already
// collected into under another alias, for the next alias to extend; or nil.
func (_q *{{ $.QueryName }}) collectedEdge(name string) any {
	switch name {
	{{- range $fc := $collects }}{{ $e := $fc.Edge }}{{ if and $e.Unique (not (isRelayConn $e)) }}
	case {{ range $i, $value := $fc.Mapping }}{{ if $i }}, {{ end }}"{{ $value }}"{{ end }}:
		if _q.{{ $e.EagerLoadField }} != nil {
			return _q.{{ $e.EagerLoadField }}
		}
	{{- end }}{{ end }}
	}
	return nil
}
{{ end }}

{{ define "import/additional/edgecount" }}
	"github.com/accountplan/accountplan/ent/schema/edgecount"
{{- end }}

{{ define "gql_edge_counts" }}
{{ template "header" $ }}

import (
	"context"
	"database/sql/driver"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"github.com/accountplan/accountplan/ent/schema/edgecount"
)

// extendCollected is the query an earlier alias of the same to-one edge was
// collected into (prev, from collectedEdge), or q when there is none.
func extendCollected[Q any](prev any, q Q) Q {
	if p, ok := prev.(Q); ok {
		return p
	}
	return q
}

// countCapture ends a count's interceptors: it keeps the statement instead of running it.
type countCapture[Q interface{ sqlQuery(context.Context) *sql.Selector }] struct{ sel *sql.Selector }

func (c *countCapture[Q]) sqlScan(ctx context.Context, q Q, _ any) error {
	c.sel = q.sqlQuery(ctx)
	return nil
}
{{ range $n := $.Nodes }}{{ if eq $n.ID.Type.String "int" }}
{{- $q := $n.QueryName }}{{ $r := $n.QueryReceiver }}
// edgeCountBatch is the batch of the totalCounts asked under these nodes, run once they are loaded.
func ({{ $r }} *{{ $q }}) edgeCountBatch() *edgecount.Batch {
	if {{ $r }}.edgeCounts == nil {
		b, drv := &edgecount.Batch{}, {{ $r }}.driver
		{{ $r }}.edgeCounts = b
		{{ $r }}.loadTotal = append({{ $r }}.loadTotal, func(ctx context.Context, nodes []*{{ $n.Name }}) error {
			ids := make([]driver.Value, len(nodes))
			for i := range nodes {
				ids[i] = nodes[i].ID
			}
			return b.Run(ctx, drv, ids)
		})
	}
	return {{ $r }}.edgeCounts
}

// countSelector is the statement counting these records, with the privacy
// policy and the interceptors applied as to a GroupBy, and whether it is a
// plain filter of the table that other counts of the table may share.
func ({{ $r }} *{{ $q }}) countSelector(ctx context.Context) (*sql.Selector, bool, error) {
	ctx = setContextOp(ctx, {{ $r }}.ctx, ent.OpQueryGroupBy)
	if err := {{ $r }}.prepareQuery(ctx); err != nil {
		return nil, false, err
	}
	c := &countCapture[*{{ $q }}]{}
	if err := scanWithInterceptors[*{{ $q }}, *countCapture[*{{ $q }}]](ctx, {{ $r }}, c, {{ $r }}.inters, new([]int)); err != nil {
		return nil, false, err
	}
	if c.sel == nil {
		return nil, false, nil
	}
	plain := {{ $r }}.sql == nil && {{ $r }}.ctx.Limit == nil && {{ $r }}.ctx.Offset == nil && len({{ $r }}.order) == 0 &&
		({{ $r }}.ctx.Unique == nil || !*{{ $r }}.ctx.Unique) && len({{ $r }}.modifiers) == 0 && !c.sel.HasJoins()
	return c.sel, plain, nil
}
{{ end }}{{ end }}
{{ range $n := $.Nodes }}
// limitPerRow is edgecount.LimitPerRow, the window statement of a page under each
// parent (limit is first+1 or last+1), or edgecount.Page if the page counts its
// parent's rows. The row past the page only tells pageInfo: unasked, it is not read.
func ({{ $n.QueryReceiver }} *{{ $n.QueryName }}) limitPerRow(partitionBy string, limit int, orderBy ...sql.Querier) func(*sql.Selector) {
	switch {
	case {{ $n.QueryReceiver }}.withPageTotal:
		return edgecount.Page(partitionBy, limit-1, orderBy...)
	case !{{ $n.QueryReceiver }}.pageInfoAsked:
		return edgecount.LimitPerRow(partitionBy, limit-1, orderBy...)
	}
	return edgecount.LimitPerRow(partitionBy, limit, orderBy...)
}

// limitOne is the LIMIT of a page under one node (limit is first+1 or last+1),
// which counts the node's rows with edgecount.OnePage if the page counts them.
// The row past the page only tells pageInfo: unasked, it is not read.
func ({{ $n.QueryReceiver }} *{{ $n.QueryName }}) limitOne(limit int) *{{ $n.QueryName }} {
	switch {
	case {{ $n.QueryReceiver }}.withPageTotal:
		{{ $n.QueryReceiver }}.modifiers = append({{ $n.QueryReceiver }}.modifiers, edgecount.OnePage)
		return {{ $n.QueryReceiver }}.Limit(limit - 1)
	case !{{ $n.QueryReceiver }}.pageInfoAsked:
		return {{ $n.QueryReceiver }}.Limit(limit - 1)
	}
	return {{ $n.QueryReceiver }}.Limit(limit)
}
{{ end }}
{{ end }}`))

// scanTemplate reads rows into one holder per query instead of one new value
// per column and row: ent's scanValues becomes a method of a struct with a
// field per column (<type>Row), its assignValues copies every value out of
// it, and each query's sqlAll points every row's scan at the same holder.
// Columns whose scan type is not one of database/sql's plain ones (value
// scanners, custom types, columns ent does not know) keep a new value per row.
// Named edges (entgql's aliases) are appended into one array per query and
// alias, cut per parent, instead of growing each parent's list row by row.
var scanTemplate = gen.MustParse(gen.NewTemplate("scan").Funcs(template.FuncMap{"scanHolder": scanHolder}).Parse(`
{{ define "dialect/sql/decode/one" }}
{{- $receiver := $.Receiver }}
{{- $row := print (lower $.Name) "Row" }}
// {{ $row }} holds the values of one row of {{ $.Table }} while it is read, for assignValues to copy.
type {{ $row }} struct {
	{{- if $.HasOneFieldID }}{{ with scanHolder $.ID }}
	{{ $.ID.StructField }} {{ . }}
	{{- end }}{{ end }}
	{{- range $f := $.Fields }}{{ with scanHolder $f }}
	{{ $f.StructField }} {{ . }}
	{{- end }}{{ end }}
	{{- range $i, $fk := $.UnexportedForeignKeys }}{{ if not $fk.Field.UserDefined }}
	fk{{ $i }} sql.NullInt64
	{{- else }}{{ with scanHolder $fk.Field }}
	fk{{ $i }} {{ . }}
	{{- end }}{{ end }}{{ end }}
	pageTotal sql.NullInt64
}

// values points values at the row's holder of each column; a column without
// one gets a new value.
func (r *{{ $row }}) values(columns []string, values []any) []any {
	for i := range columns {
		switch columns[i] {
			{{- if $.HasOneFieldID }}
			case {{ $.Package }}.{{ $.ID.Constant }}:
				values[i] = {{ if scanHolder $.ID }}&r.{{ $.ID.StructField }}{{ else }}{{ $.ID.NewScanType }}{{ end }}
			{{- end }}
			{{- range $f := $.Fields }}
			case {{ $.Package }}.{{ $f.Constant }}:
				{{- if $f.HasValueScanner }}
				values[i] = {{ $f.ScanValueFunc }}()
				{{- else }}
				values[i] = {{ if scanHolder $f }}&r.{{ $f.StructField }}{{ else }}{{ $f.NewScanType }}{{ end }}
				{{- end }}
			{{- end }}
			{{- range $i, $fk := $.UnexportedForeignKeys }}
			{{- $f := $fk.Field }}
			case {{ $.Package }}.ForeignKeys[{{ $i }}]: // {{ $f.Name }}
				values[i] = {{ if or (not $f.UserDefined) (scanHolder $f) }}&r.fk{{ $i }}{{ else }}{{ $f.NewScanType }}{{ end }}
			{{- end }}
			case edgecount.Total:
				values[i] = &r.pageTotal
			default:
				{{- /* A column added by a modifier, predicate, etc.: sqlgraph scans it as the driver's type. */}}
				values[i] = new(sql.UnknownType)
		}
	}
	return values
}

// scanValues returns the types for scanning values from sql.Rows.
func (*{{ $.Name }}) scanValues(columns []string) ([]any, error) {
	return new({{ $row }}).values(columns, make([]any, len(columns))), nil
}
{{- /* The rest is ent v0.14.5's decode/one, with edgecount.Page's count. */}}

// assignValues assigns the values that were returned from sql.Rows (after scanning)
// to the {{ $.Name }} fields.
func ({{ $receiver }} *{{ $.Name }}) assignValues(columns []string, values []any) error {
	if m, n := len(values), len(columns); m < n {
		return fmt.Errorf("mismatch number of scan values: %d != %d", m, n)
	}
	for i := range columns {
		switch columns[i] {
		{{- if $.HasOneFieldID }}
			case {{ $.Package }}.{{ $.ID.Constant }}:
				{{- if or $.ID.IsString $.ID.IsBytes $.ID.HasGoType }}
					{{- with extend $ "Idx" "i" "Field" $.ID "Rec" $receiver }}
						{{ template "dialect/sql/decode/field" . }}
					{{- end }}
				{{- else }}
					value, ok := values[i].(*sql.NullInt64)
					if !ok {
						return fmt.Errorf("unexpected type %T for field id", value)
					}
					{{ $receiver }}.ID = {{ $.ID.Type }}(value.Int64)
				{{- end }}
		{{- end }}
		{{- range  $f := $.Fields }}
			case {{ $.Package }}.{{ $f.Constant }}:
				{{- with extend $ "Idx" "i" "Field" $f "Rec" $receiver }}
					{{ template "dialect/sql/decode/field" . }}
				{{- end }}
		{{- end }}
		{{- range $i, $fk := $.UnexportedForeignKeys }}
			{{- $f := $fk.Field }}
			case {{ if $fk.UserDefined }}{{ $.Package }}.{{ $.ID.Constant }}{{ else }}{{ $.Package }}.ForeignKeys[{{ $i }}]{{ end }}:
				{{- if or $fk.UserDefined (and $f.UserDefined (or $f.IsString $f.IsBytes $f.HasGoType)) }}
					{{- with extend $ "Idx" "i" "Field" $f "Rec" $receiver "StructField" $fk.StructField }}
						{{ template "dialect/sql/decode/field" . }}
					{{- end }}
				{{- else }}
					if value, ok := values[i].(*sql.NullInt64); !ok {
						return fmt.Errorf("unexpected type %T for edge-field {{ $f.Name}}", value)
					} else if value.Valid {
						{{ $receiver }}.{{ $fk.StructField }} = new({{ $f.Type }})
						{{ if and $f.Nillable (not $f.Type.Nillable) }}*{{ end }}{{ $receiver }}.{{ $fk.StructField }} = {{ $f.Type }}(value.Int64)
					}
				{{- end }}
		{{- end }}
		case edgecount.Total:
			if value, ok := values[i].(*sql.NullInt64); ok {
				{{ $receiver }}.pageTotal = int(value.Int64)
			}
		default:
			{{- /* In case of no match, allow getting this value by its name. */}}
			{{ $receiver }}.selectValues.Set(columns[i], values[i])
		}
	}
	return nil
}

// {{ $.ValueName }} returns the ent.Value that was dynamically selected and assigned to the {{ $.Name }}.
// This includes values selected through modifiers, order, etc.
func ({{ $receiver }} *{{ $.Name }}) {{ $.ValueName }}(name string) (ent.Value, error) {
	return {{ $receiver }}.selectValues.Get(name)
}
{{ end }}

{{ define "dialect/sql/query/spec/scan_holder" }}
	{
		{{- $row := print (lower $.Name) "Row" }}
		// Every row of the query is scanned into the same holder: assignValues copies the values out.
		var row *{{ $row }}
		var values []any
		_spec.ScanValues = func(columns []string) ([]any, error) {
			if row == nil || len(values) != len(columns) {
				row, values = new({{ $row }}), make([]any, len(columns))
			}
			return row.values(columns, values), nil
		}
	}
{{ end }}

{{- define "dialect/sql/query/all/nodes/namedges" }}
	{{- if $.FeatureEnabled "namedges" }}
		{{- $receiver := $.Scope.Receiver }}
		{{- range $e := $.Edges }}
			{{- if not $e.Unique }}
				for name, query := range {{ $receiver }}.{{ $e.EagerLoadNamedField }} {
					// The nodes' lists share one array, cut per node once every row is read.
					type pair struct {
						n *{{ $.Name }}
						e *{{ $e.Type.Name }}
					}
					var pairs []pair
					if err := {{ $receiver }}.load{{ $e.StructField }}(ctx, query, nodes,
						func(n *{{ $.Name }}) { n.appendNamed{{ $e.StructField }}(name) },
						func(n *{{ $.Name }}, e *{{ $e.Type.Name }}) { pairs = append(pairs, pair{n, e}) }); err != nil {
						return nil, err
					}
					if len(pairs) == 0 {
						continue
					}
					counts := make(map[*{{ $.Name }}]int, len(nodes))
					for _, p := range pairs {
						counts[p.n]++
					}
					all, off := make([]*{{ $e.Type.Name }}, len(pairs)), 0
					for _, n := range nodes {
						if c := counts[n]; c > 0 {
							n.Edges.named{{ $e.StructField }}[name] = all[off:off:off+c]
							off += c
						}
					}
					for _, p := range pairs {
						p.n.appendNamed{{ $e.StructField }}(name, p.e)
						{{- if and ($.FeatureEnabled "bidiedges") $e.Ref $e.Ref.Unique }}
						if !p.e.Edges.loadedTypes[{{ $e.Ref.Index }}] {
							p.e.Edges.{{ $e.Ref.StructField }} = p.n
						}
						{{- end }}
					}
				}
			{{- end }}
		{{- end }}
	{{- end }}
{{- end }}
`))

// dialectTemplate writes ent/dialect.go: a client's SQL dialect, which hooks
// whose SQL differs between databases ask (a transaction's client included).
var dialectTemplate = gen.MustParse(gen.NewTemplate("dialect").Parse(`{{ define "dialect" }}
{{ template "header" $ }}

// Dialect is the SQL dialect of the client's driver: dialect.SQLite or dialect.Postgres.
func (c *Client) Dialect() string { return c.driver.Dialect() }

// newEdges is the one array behind a page's edges.
func newEdges[E any](edges []*E) []E { return make([]E, len(edges)) }

// m2mRows are the rows of a many-to-many load, each a parent and a record it
// is joined to, in their order: records are given to their parents in it.
type m2mRows[O, I comparable, P, N any] struct {
	parents map[O]P
	rows    []m2mRow[O, I]
	records map[I]N
}

type m2mRow[O, I comparable] struct {
	parent O
	record I
}

// newM2MRows types the rows by the load's maps and the function that gives a parent a record.
func newM2MRows[O, I comparable, P comparable, N any](parents map[O]P, _ map[I]map[P]struct{}, _ func(P, N)) *m2mRows[O, I, P, N] {
	return &m2mRows[O, I, P, N]{parents: parents, records: map[I]N{}}
}

func (r *m2mRows[O, I, P, N]) add(parent O, record I) {
	r.rows = append(r.rows, m2mRow[O, I]{parent, record})
}

// loaded is a record the load read, once whatever the rows that name it.
func (r *m2mRows[O, I, P, N]) loaded(id I, n N) { r.records[id] = n }

// assign gives each parent its records in the rows' order.
func (r *m2mRows[O, I, P, N]) assign(assign func(P, N)) {
	for _, row := range r.rows {
		if n, ok := r.records[row.record]; ok {
			assign(r.parents[row.parent], n)
		}
	}
}
{{ end }}`))

// bareTemplate writes ent/bare.go: an empty record bound to its client, which
// the change history fills with the values a record had, so that its edges
// can be queried like those of a record read from the database.
var bareTemplate = gen.MustParse(gen.NewTemplate("bare").Parse(`{{ define "bare" }}
{{ template "header" $ }}
{{ range $n := $.Nodes }}
// Bare is an empty {{ $n.Name }} bound to the client, for a record rebuilt from the change history.
func (c *{{ $n.Name }}Client) Bare() *{{ $n.Name }} { return &{{ $n.Name }}{config: c.config} }

// PinLinks sets the single edges kept in the record's own columns that find
// answers for (ok) to the records it gives (nil when there was none; ID 0
// for an empty link) and marks them read, so that a record rebuilt from the
// change history answers those links as they were rather than reading them
// now. The edges find does not answer for are read now, as for any record.
func (_m *{{ $n.Name }}) PinLinks(find func(typ string, id int) (n Noder, ok bool)) {
{{- range $i, $e := $n.Edges }}{{ with $f := $e.Field }}{{ if $e.Unique }}
	{
		{{- if $f.Nillable }}
		id := 0
		if _m.{{ $f.StructField }} != nil {
			id = *_m.{{ $f.StructField }}
		}
		{{- else }}
		id := _m.{{ $f.StructField }}
		{{- end }}
		if n, ok := find(Type{{ $e.Type.Name }}, id); ok {
			_m.Edges.{{ $e.StructField }}, _ = n.(*{{ $e.Type.Name }})
			_m.Edges.loadedTypes[{{ $i }}] = true
		}
	}
{{- end }}{{ end }}{{ end }}
}
{{ end }}
{{ end }}`))

// scanHolder is the type of the field's holder in a row (<type>Row), or
// nothing if its values must be new for each row: a value scanner or a custom
// scan type may keep what it scans, the plain types of database/sql do not.
func scanHolder(f *gen.Field) string {
	if f.HasValueScanner() {
		return ""
	}
	switch t := strings.TrimSuffix(strings.TrimPrefix(f.NewScanType(), "new("), ")"); t {
	case "sql.NullString", "sql.NullInt64", "sql.NullBool", "sql.NullFloat64", "sql.NullTime", "[]byte":
		return t
	}
	return ""
}

// describeTypes copies each schema's Comment annotation into the GraphQL type
// description, so the SDL documents every entity for GraphiQL users.
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		c, ok := n.Annotations["Comment"].(map[string]any)
		if !ok {
			continue
		}
		if def, ok := s.Types[n.Name]; ok {
			def.Description, _ = c["Text"].(string)
		}
	}
	return nil
}

// describePageSize documents on every connection field that a page needs
// first or last, and how large it may be.
func describePageSize(_ *gen.Graph, s *ast.Schema) error {
	for _, def := range s.Types {
		for _, f := range def.Fields {
			if !strings.HasSuffix(f.Type.Name(), "Connection") {
				continue
			}
			for _, arg := range f.Arguments {
				switch arg.Name {
				case "first":
					arg.Description = fmt.Sprintf("Returns the first _n_ elements from the list: at most %d. Give first or last.", maxPageSize)
				case "last":
					arg.Description = fmt.Sprintf("Returns the last _n_ elements from the list: at most %d. Give first or last.", maxPageSize)
				}
			}
		}
	}
	return nil
}

// describeEnumValues copies each enum field's ValueDocs annotation (see
// ent/schema/docs.go) into the descriptions of the GraphQL enum's values.
func describeEnumValues(g *gen.Graph, s *ast.Schema) error {
	camel := gen.Funcs["camel"].(func(string) string)
	for _, n := range g.Nodes {
		for _, f := range n.Fields {
			docs, ok := f.Annotations["ValueDocs"].(map[string]any)
			if !ok {
				continue
			}
			def := s.Types[n.Name]
			if def == nil || def.Fields.ForName(camel(f.Name)) == nil {
				return fmt.Errorf("describeEnumValues: %s.%s is not in the schema", n.Name, f.Name)
			}
			enum := s.Types[def.Fields.ForName(camel(f.Name)).Type.Name()]
			for _, v := range enum.EnumValues {
				d, ok := docs[v.Name].(string)
				if !ok {
					return fmt.Errorf("describeEnumValues: %s.%s has no description for %s", n.Name, f.Name, v.Name)
				}
				v.Description = d
			}
			if len(docs) != len(enum.EnumValues) {
				return fmt.Errorf("describeEnumValues: %s.%s describes values it does not have", n.Name, f.Name)
			}
		}
	}
	return nil
}

// describeGenerated describes what entgql generates without a description:
// IDs, the input fields that set edges, the filters of where inputs and the
// fields connections can be ordered by, each from the field it is about.
func describeGenerated(g *gen.Graph, s *ast.Schema) error {
	camel := gen.Funcs["camel"].(func(string) string)
	var undescribed []string
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		if id := def.Fields.ForName("id"); id != nil && id.Description == "" {
			id.Description = fmt.Sprintf("The global ID of this %s: pass it to node(id:) or to any argument that takes one.", n.Name)
		}
		for _, e := range n.Edges {
			// entgql leaves out the edge's comment on connection fields.
			if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" {
				f.Description = e.Comment()
				if f.Description == "" {
					undescribed = append(undescribed, n.Name+"."+e.Name)
				}
			}
		}
		full := withHidden(n, def, camel)
		describeInput(s.Types["Create"+n.Name+"Input"], full)
		describeInput(s.Types["Update"+n.Name+"Input"], full)
		describeWhere(s.Types[n.Name+"WhereInput"], full)
		if order := s.Types[n.Name+"OrderField"]; order != nil {
			for _, v := range order.EnumValues {
				v.Description = fmt.Sprintf("Orders by %s.", camel(strings.ToLower(v.Name)))
			}
		}
	}
	query := s.Types["Query"]
	query.Description = "Everything a client can read. Every list is a Relay connection: page it with first and after (or last and before), filter it with where, sort it with orderBy."
	for _, f := range query.Fields {
		if f.Description == "" && strings.HasSuffix(f.Type.Name(), "Connection") {
			f.Description = fmt.Sprintf("Every %s you may see, as a Relay connection.", strings.TrimSuffix(f.Type.Name(), "Connection"))
		}
	}
	// gqlgen's directives steer code generation; clients may ignore them.
	for _, d := range s.Directives {
		if strings.HasPrefix(d.Name, "go") {
			d.Description = "Tells the server's code generator (gqlgen) how to bind this element to Go; clients may ignore it."
			for _, a := range d.Arguments {
				a.Description = "A setting of gqlgen's code generation."
			}
		}
	}
	if len(undescribed) > 0 {
		return fmt.Errorf("describeGenerated: these edges have no Comment: %s", strings.Join(undescribed, ", "))
	}
	return nil
}

// withHidden is def with the fields and single edges that the schema leaves
// out of the generated type to show them by hand (Review.heldAt, Review.plan),
// so that their inputs and filters are described from their comments too.
func withHidden(n *gen.Type, def *ast.Definition, camel func(string) string) *ast.Definition {
	full := *def
	full.Fields = slices.Clone(def.Fields)
	add := func(name, comment string) {
		if comment != "" && full.Fields.ForName(camel(name)) == nil {
			full.Fields = append(full.Fields, &ast.FieldDefinition{Name: camel(name), Description: comment, Type: ast.NamedType("String", nil)})
		}
	}
	for _, f := range n.Fields {
		add(f.Name, f.Comment())
	}
	for _, e := range n.Edges {
		if e.Unique {
			add(e.Name, e.Comment())
		}
	}
	return &full
}

// describeInput describes a create or update input's fields from the fields
// and edges of the type they set.
func describeInput(in, typ *ast.Definition) {
	if in == nil {
		return
	}
	about := func(name string) string {
		if f := typ.Fields.ForName(name); f != nil {
			return strings.TrimSuffix(f.Description, ".")
		}
		return name
	}
	for _, f := range in.Fields {
		if f.Description != "" {
			continue
		}
		name := f.Name
		switch {
		case strings.HasPrefix(name, "clear"):
			field := lowerFirst(strings.TrimPrefix(name, "clear"))
			f.Description = fmt.Sprintf("Empties %s: %s.", field, lowerFirst(about(field)))
		case strings.HasPrefix(name, "add") && strings.HasSuffix(name, "IDs"):
			f.Description = fmt.Sprintf("Adds these records to %s.", pluralEdge(typ, strings.TrimSuffix(strings.TrimPrefix(name, "add"), "IDs")))
		case strings.HasPrefix(name, "remove") && strings.HasSuffix(name, "IDs"):
			f.Description = fmt.Sprintf("Removes these records from %s.", pluralEdge(typ, strings.TrimSuffix(strings.TrimPrefix(name, "remove"), "IDs")))
		case strings.HasSuffix(name, "IDs"):
			edge := pluralEdge(typ, strings.TrimSuffix(name, "IDs"))
			f.Description = fmt.Sprintf("The IDs of %s: %s.", edge, lowerFirst(about(edge)))
		case strings.HasSuffix(name, "ID"):
			edge := strings.TrimSuffix(name, "ID")
			f.Description = fmt.Sprintf("The ID of %s: %s.", edge, lowerFirst(about(edge)))
		default:
			f.Description = about(name) + "."
		}
	}
}

// pluralEdge is the name of the list edge of typ whose singular is the given
// name in Pascal case (Attendee → attendees).
func pluralEdge(typ *ast.Definition, singular string) string {
	for _, f := range typ.Fields {
		if strings.HasPrefix(f.Name, lowerFirst(singular)) && f.Type.Elem != nil || strings.HasPrefix(f.Name, lowerFirst(singular)) && strings.HasSuffix(f.Type.Name(), "Connection") {
			return f.Name
		}
	}
	return lowerFirst(singular) + "s"
}

// wherePredicates are the suffixes of a where input's fields, with what each keeps.
var wherePredicates = []struct{ suffix, keeps string }{
	{"NEQ", "Records whose %s is not this value."},
	{"NotIn", "Records whose %s is none of these values."},
	{"In", "Records whose %s is one of these values."},
	{"GTE", "Records whose %s is at least this value."},
	{"GT", "Records whose %s is greater than this value."},
	{"LTE", "Records whose %s is at most this value."},
	{"LT", "Records whose %s is less than this value."},
	{"ContainsFold", "Records whose %s contains this text, ignoring case."},
	{"Contains", "Records whose %s contains this text, case-sensitive."},
	{"HasPrefix", "Records whose %s starts with this text."},
	{"HasSuffix", "Records whose %s ends with this text."},
	{"EqualFold", "Records whose %s equals this text, ignoring case."},
	{"IsNil", "Records with no %s."},
	{"NotNil", "Records with a %s."},
}

// describeWhere describes every filter of a where input by the field it compares.
func describeWhere(where, typ *ast.Definition) {
	if where == nil {
		return
	}
	for _, f := range where.Fields {
		name := f.Name
		switch {
		case name == "not":
			f.Description = "Records that do not match this filter."
		case name == "and":
			f.Description = "Records that match every one of these filters."
		case name == "or":
			f.Description = "Records that match at least one of these filters."
		case strings.HasPrefix(name, "has") && strings.HasSuffix(name, "With") && typ.Fields.ForName(lowerFirst(strings.TrimSuffix(strings.TrimPrefix(name, "has"), "With"))) != nil:
			f.Description = fmt.Sprintf("Records with at least one %s matching one of these filters.", lowerFirst(strings.TrimSuffix(strings.TrimPrefix(name, "has"), "With")))
		case strings.HasPrefix(name, "has") && typ.Fields.ForName(lowerFirst(strings.TrimPrefix(name, "has"))) != nil:
			f.Description = fmt.Sprintf("Records that have (true) or do not have (false) any %s.", lowerFirst(strings.TrimPrefix(name, "has")))
		default:
			f.Description = whereDescription(name, typ)
		}
	}
}

func whereDescription(name string, typ *ast.Definition) string {
	if typ.Fields.ForName(name) != nil {
		return fmt.Sprintf("Records whose %s equals this value.", name)
	}
	for _, p := range wherePredicates {
		if field, ok := strings.CutSuffix(name, p.suffix); ok && field != "" {
			return fmt.Sprintf(p.keeps, field)
		}
	}
	return fmt.Sprintf("Records whose %s equals this value.", name)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// addHistory gives every type a history connection: the changes made to that
// record, with the arguments of the changes query.
func addHistory(g *gen.Graph, s *ast.Schema) error {
	changes := s.Types["Query"].Fields.ForName("changes")
	if changes == nil {
		return fmt.Errorf("addHistory: the Query type has no changes field to copy")
	}
	for _, n := range g.Nodes {
		def, ok := s.Types[n.Name]
		if !ok || n.Name == "Change" {
			continue
		}
		def.Fields = append(def.Fields, &ast.FieldDefinition{
			Name:        "history",
			Description: "The changes made to this record through the API, oldest first (orderBy AT, direction DESC, for the newest first).",
			Arguments:   changes.Arguments,
			Type:        changes.Type,
		})
	}
	return nil
}

// writeGraphQLNames writes ent/graphql_names.go: the one table of the names
// the GraphQL API gives ent's fields, edges and columns, named as entgql
// names them, for the errors, the history and the invariants to share.
func writeGraphQLNames(next gen.Generator) gen.Generator {
	return gen.GenerateFunc(func(g *gen.Graph) error {
		if err := next.Generate(g); err != nil {
			return err
		}
		camel := gen.Funcs["camel"].(func(string) string)
		pascal := gen.Funcs["pascal"].(func(string) string)
		singular := gen.Funcs["singular"].(func(string) string)
		var b bytes.Buffer
		b.WriteString(`// Code generated by ent/entc.go, DO NOT EDIT.

package ent

// GraphQLName is what the GraphQL API calls a field, an edge or a column of
// an entity type.
type GraphQLName struct {
	// Field is the field of the type and of its inputs (externalID); for an
	// edge, the input field that sets it on create (reportsToID, attendeeIDs).
	Field string
	// Update is, for an edge, the input field that sets it on update
	// (reportsToID, addAttendeeIDs); empty for a field.
	Update string
	// Target is, for an edge, the type it points to; empty for a field.
	Target string
	// Unique is, for an edge, whether it points to one record.
	Unique bool
	// Query is, for an edge, the entity's method that queries it (QueryReportsTo).
	Query string
	// Hidden is set for a field the API does not show (kept by the server).
	Hidden bool
	// MaxLen is, for a string field with a maximum length, that length.
	MaxLen int
}

// GraphQLNames holds, per entity type, the GraphQL name of every field and
// edge, by its ent name, and of every column, by its name in the table.
var GraphQLNames = map[string]map[string]GraphQLName{
`)
		for _, n := range g.Nodes {
			names := map[string]string{}
			for _, f := range n.Fields {
				if f.IsEdgeField() {
					continue // named as its edge, below
				}
				ant := &entgql.Annotation{}
				if raw, ok := f.Annotations[ant.Name()]; ok {
					if err := ant.Decode(raw); err != nil {
						return err
					}
				}
				// A field left out of its type only (Review.heldAt) is shown by hand, so it is not hidden.
				hidden := f.Sensitive() || ant.Skip&entgql.SkipAll == entgql.SkipAll
				name := fmt.Sprintf("{Field: %q}", camel(f.Name))
				switch size := f.Column().Size; {
				case hidden:
					name = fmt.Sprintf("{Field: %q, Hidden: true}", camel(f.Name))
				case f.IsString() && size > 0 && size < 1<<20: // a Text field's size is unbounded
					name = fmt.Sprintf("{Field: %q, MaxLen: %d}", camel(f.Name), size)
				}
				names[f.Name] = name
				names[f.StorageKey()] = name
			}
			for _, e := range n.Edges {
				create, update := camel(e.Name)+"ID", camel(e.Name)+"ID"
				if !e.Unique {
					create, update = camel(singular(e.Name))+"IDs", "add"+pascal(singular(e.Name))+"IDs"
				}
				name := fmt.Sprintf("{Field: %q, Update: %q, Target: %q, Unique: %v, Query: %q}", create, update, e.Type.Name, e.Unique, "Query"+e.StructField())
				names[e.Name] = name
				if f := e.Field(); f != nil {
					names[f.Name] = name // the edge field (account_id): the API shows only the edge
				}
				if e.OwnFK() {
					names[e.Rel.Column()] = name
				}
			}
			keys := make([]string, 0, len(names))
			for k := range names {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			fmt.Fprintf(&b, "\t%q: {\n", n.Name)
			for _, k := range keys {
				fmt.Fprintf(&b, "\t\t%q: %s,\n", k, names[k])
			}
			b.WriteString("\t},\n")
		}
		b.WriteString("}\n\n// GraphQLTypes names the entity type of each table.\nvar GraphQLTypes = map[string]string{\n")
		for _, n := range g.Nodes {
			fmt.Fprintf(&b, "\t%q: %q,\n", n.Table(), n.Name)
		}
		b.WriteString("}\n")
		src, err := format.Source(b.Bytes())
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(g.Config.Target, "graphql_names.go"), src, 0o644)
	})
}

// writeTables writes ent/gql_tables.go: for every GraphQL object type, its
// table, the columns and edges gqlgen reads straight from the ent struct, its
// query policy, and its orderBy and where arguments as SQL, for
// graph/onestatement to answer a read in one statement of its own.
func writeTables(next gen.Generator) gen.Generator {
	return gen.GenerateFunc(func(g *gen.Graph) error {
		if err := next.Generate(g); err != nil {
			return err
		}
		cfg, err := config.LoadConfig("./gqlgen.yml")
		if err != nil {
			return fmt.Errorf("writeTables: %w", err)
		}
		guards, err := queryGuards("./ent/schema")
		if err != nil {
			return fmt.Errorf("writeTables: %w", err)
		}
		for name, guarded := range guards {
			if guarded && !slices.ContainsFunc(g.Nodes, func(n *gen.Type) bool { return n.Name == name }) {
				return fmt.Errorf("writeTables: %s, a mixin, guards queries: teach isGuarded which types mix it in", name)
			}
		}
		filterNodes := entgql.TemplateFuncs["filterNodes"].(func([]*gen.Type, entgql.SkipMode) ([]*gen.Type, error))
		nodes, err := filterNodes(g.Nodes, entgql.SkipType)
		if err != nil {
			return err
		}
		wheres, err := filterNodes(g.Nodes, entgql.SkipWhereInput)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		b.WriteString(tablesHeader)
		for _, n := range nodes {
			// gqlgen.yml's resolver (or renamed) fields are answered by hand, not from the struct.
			byHand := func(name string) bool {
				f := cfg.Models[gqlTypeName(n)].Fields[name]
				return f.Resolver || f.FieldName != ""
			}
			guarded, err := isGuarded(n, guards)
			if err != nil {
				return fmt.Errorf("writeTables: %w", err)
			}
			fmt.Fprintf(&b, "\t%q: {\n\t\tName: %q,\n\t\tGuarded: %v,\n\t\tColumns: map[string]TableColumn{\n", gqlTypeName(n), n.Table(), guarded)
			if err := writeTableColumns(&b, n, byHand); err != nil {
				return err
			}
			b.WriteString("\t\t},\n\t\tEdges: map[string]TableEdge{\n")
			if err := writeTableEdges(&b, n, byHand); err != nil {
				return err
			}
			b.WriteString("\t\t},\n")
			if err := writeTableOrder(&b, n); err != nil {
				return err
			}
			if slices.Contains(wheres, n) {
				fmt.Fprintf(&b, "\t\tWhere: tableWhere((*%[1]sWhereInput).P, ErrEmpty%[1]sWhereInput),\n", gqlTypeName(n))
			}
			b.WriteString("\t},\n")
		}
		b.WriteString("}\n\n// emptyWhereInputs are the errors of a where input that filters nothing.\nvar emptyWhereInputs = []error{\n")
		for _, n := range wheres {
			fmt.Fprintf(&b, "\tErrEmpty%sWhereInput,\n", gqlTypeName(n))
		}
		b.WriteString("}\n")
		src, err := format.Source(b.Bytes())
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(g.Config.Target, "gql_tables.go"), src, 0o644)
	})
}

// tablesHeader is the part of ent/gql_tables.go that is the same for every schema.
const tablesHeader = `// Code generated by ent/entc.go, DO NOT EDIT.

package ent

import (
	"errors"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
)

// ColumnKind is how a column's value is read.
type ColumnKind uint8

// The kinds of column, by the Go type of their field.
const (
	ColumnOther  ColumnKind = iota // JSON, bytes, UUID, other: not read by graph/onestatement
	ColumnString                   // string and enum fields
	ColumnInt                      // Go int
	ColumnInt64                    // Go int64 (Money)
	ColumnFloat                    // Go float64
	ColumnBool                     // Go bool
	ColumnTime                     // time.Time
)

// TableColumn is the column a GraphQL field of a type is read from.
type TableColumn struct {
	Name     string // the column in the table
	Kind     ColumnKind
	Nillable bool // the Go field is a pointer (Optional().Nillable())
}

// TableEdge is how the records a GraphQL field of a type points to are found.
type TableEdge struct {
	Target string // the GraphQL type (ent type name) of the other end
	Unique bool   // one record (or null), not a list
	Relay  bool   // shown as a Relay connection (entgql.RelayConnection), not a plain list
	// Exactly one of these three shapes is set:
	Column                                  string // this table's column holding the other end's ID (M2O, or the O2O side holding the key)
	TargetColumn                            string // the target table's column holding this record's ID (O2M, or the O2O side not holding it)
	JoinTable, JoinColumn, JoinTargetColumn string // M2M: the join table, its column holding this record's ID, its column holding the other end's ID
}

// TableOrder is one column of a connection's order.
type TableOrder struct {
	Column   string
	Desc     bool
	Kind     ColumnKind
	Nillable bool
}

// Table is how the records of a GraphQL object type are stored.
type Table struct {
	Name    string                 // the SQL table
	Columns map[string]TableColumn // by GraphQL field name; includes "id"
	Edges   map[string]TableEdge   // by GraphQL field name
	Guarded bool                   // reading it passes a privacy query policy (a schema Policy() with a Query policy, incl. via mixins)
	// Order turns a connection's orderBy argument, as gqlgen decodes it ([]*XOrder, *XOrder, or nil), into
	// its columns in order; ok is false for an order that is not a plain column (e.g. an edge-count order field).
	// nil when the type has no order fields.
	Order func(orderBy any) (terms []TableOrder, ok bool)
	// Where is the predicate of a connection's where argument as gqlgen decodes it (*XWhereInput):
	// nil for a nil input or an empty one (as XWhereInput.Filter treats ErrEmptyXWhereInput); the error of P() otherwise.
	// nil when the type has no where input.
	Where func(where any) (func(*sql.Selector), error)
}

// tableOrder is a Table's Order: term gives the column and direction of one
// XOrder, columns the order of each column that is one of the table's.
func tableOrder[O any](term func(*O) (column string, desc bool), columns map[string]TableOrder) func(any) ([]TableOrder, bool) {
	return func(orderBy any) ([]TableOrder, bool) {
		var orders []*O
		switch o := orderBy.(type) {
		case nil:
		case *O:
			if o != nil {
				orders = []*O{o}
			}
		case []*O:
			orders = o
		default:
			return nil, false
		}
		terms := make([]TableOrder, len(orders))
		for i, o := range orders {
			if o == nil {
				return nil, false
			}
			column, desc := term(o)
			t, ok := columns[column]
			if !ok {
				return nil, false
			}
			t.Desc = desc
			terms[i] = t
		}
		return terms, true
	}
}

// tableWhere is a Table's Where, from the P method of its XWhereInput and the error P gives for an empty input.
func tableWhere[W any, P ~func(*sql.Selector)](pred func(*W) (P, error), empty error) func(any) (func(*sql.Selector), error) {
	return func(where any) (func(*sql.Selector), error) {
		w, ok := where.(*W)
		if !ok && where != nil {
			return nil, fmt.Errorf("ent: a where argument of %T, not %T", where, w)
		}
		if w == nil {
			return nil, nil
		}
		p, err := pred(w)
		switch {
		case err == empty:
			return nil, nil
		case err != nil:
			return nil, err
		}
		return (func(*sql.Selector))(p), nil
	}
}

// IsEmptyWhereInput tells the error of a where input, or of a part of one,
// that filters nothing: an empty object, or one whose only field is an
// xIsNil: false.
func IsEmptyWhereInput(err error) bool {
	for _, e := range emptyWhereInputs {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// TypeOfID is the GraphQL type of the record an ID names, found as
// Client.Noder finds its table; "" when no type's IDs hold it.
func TypeOfID(id int) string {
	return typeOfTable[nodeTypes[int(id/(1<<32-1))<<32]]
}

// typeOfTable is the GraphQL type of each table of Tables.
var typeOfTable = func() map[string]string {
	m := make(map[string]string, len(Tables))
	for typ, t := range Tables {
		m[t.Name] = typ
	}
	return m
}()

// Tables describes every GraphQL object type of the ent schema, by GraphQL type name.
var Tables = map[string]*Table{
`

// gqlTypeName is the GraphQL name of a type, as entgql names it.
func gqlTypeName(t *gen.Type) string {
	ant, err := gqlAnnotation(t.Annotations)
	if err != nil || ant.Type == "" {
		return t.Name
	}
	return ant.Type
}

// gqlAnnotation is the entgql annotation in annotations, or an empty one.
func gqlAnnotation(annotations gen.Annotations) (*entgql.Annotation, error) {
	ant := &entgql.Annotation{}
	if raw, ok := annotations[ant.Name()]; ok {
		if err := ant.Decode(raw); err != nil {
			return nil, err
		}
	}
	return ant, nil
}

// columnKind is how graph/onestatement reads a field's column, by its Go type.
func columnKind(f *gen.Field) string {
	if f.HasGoType() {
		return "ColumnOther" // a Go type of the schema's own may not scan as its kind does
	}
	switch f.Type.Type {
	case field.TypeString, field.TypeEnum:
		return "ColumnString"
	case field.TypeInt:
		return "ColumnInt"
	case field.TypeInt64:
		return "ColumnInt64"
	case field.TypeFloat64:
		return "ColumnFloat"
	case field.TypeBool:
		return "ColumnBool"
	case field.TypeTime:
		return "ColumnTime"
	}
	return "ColumnOther"
}

// writeTableColumns writes the columns of the fields the GraphQL type shows
// from the struct, under every name entgql gives each.
func writeTableColumns(b *bytes.Buffer, n *gen.Type, byHand func(string) bool) error {
	camel := gen.Funcs["camel"].(func(string) string)
	for _, f := range append([]*gen.Field{n.ID}, n.Fields...) {
		ant, err := gqlAnnotation(f.Annotations)
		if err != nil {
			return err
		}
		if ant.Skip.Is(entgql.SkipType) || f.Sensitive() || f.IsEdgeField() {
			continue // not shown, or shown as its edge
		}
		names := ant.Mapping
		if len(names) == 0 {
			names = []string{camel(f.Name)}
		}
		for _, name := range names {
			if byHand(name) {
				continue
			}
			fmt.Fprintf(b, "\t\t\t%q: {Name: %q, Kind: %s, Nillable: %v},\n", name, f.StorageKey(), columnKind(f), f.Nillable)
		}
	}
	return nil
}

// writeTableEdges writes the edges the GraphQL type shows from the struct,
// as entgql's field collection names them, with the columns that join them.
func writeTableEdges(b *bytes.Buffer, n *gen.Type, byHand func(string) bool) error {
	camel := gen.Funcs["camel"].(func(string) string)
	filterEdges := entgql.TemplateFuncs["filterEdges"].(func([]*gen.Edge, entgql.SkipMode) ([]*gen.Edge, error))
	edges, err := filterEdges(n.Edges, entgql.SkipType)
	if err != nil {
		return err
	}
	for _, e := range edges {
		ant, err := gqlAnnotation(e.Annotations)
		if err != nil {
			return err
		}
		// As entgql's field collection: an unbound edge without a mapping is not collected.
		names := ant.Mapping
		if len(names) == 0 && !ant.Unbind {
			names = []string{camel(e.Name)}
		}
		target, err := gqlAnnotation(e.Type.Annotations)
		if err != nil {
			return err
		}
		// As entgql's schema: a Relay edge to an edge schema that is not a connection is a list.
		relay := ant.RelayConnection && !(e.Type.IsEdgeSchema() && !target.RelayConnection)
		var shape string
		switch {
		case e.M2M():
			this, other := e.Rel.Columns[0], e.Rel.Columns[1]
			if e.IsInverse() {
				this, other = other, this
			}
			shape = fmt.Sprintf("JoinTable: %q, JoinColumn: %q, JoinTargetColumn: %q", e.Rel.Table, this, other)
		case e.OwnFK():
			shape = fmt.Sprintf("Column: %q", e.Rel.Column())
		default:
			shape = fmt.Sprintf("TargetColumn: %q", e.Rel.Column())
		}
		for _, name := range names {
			if byHand(name) {
				continue
			}
			fmt.Fprintf(b, "\t\t\t%q: {Target: %q, Unique: %v, Relay: %v, %s},\n", name, gqlTypeName(e.Type), e.Unique, relay, shape)
		}
	}
	return nil
}

// writeTableOrder writes the Order of a type with order fields: each field of
// its own table, by the column its XOrderField names.
func writeTableOrder(b *bytes.Buffer, n *gen.Type) error {
	orderFields := entgql.TemplateFuncs["orderFields"].(func(*gen.Type) ([]*entgql.OrderTerm, error))
	terms, err := orderFields(n)
	if err != nil || len(terms) == 0 {
		return err
	}
	fmt.Fprintf(b, "\t\tOrder: tableOrder(func(o *%sOrder) (string, bool) {\n", gqlTypeName(n))
	b.WriteString("\t\t\tif o.Field == nil {\n\t\t\t\treturn \"\", false\n\t\t\t}\n")
	b.WriteString("\t\t\treturn o.Field.column, o.Direction == entgql.OrderDirectionDesc\n\t\t}, map[string]TableOrder{\n")
	for _, t := range terms {
		if !t.IsFieldTerm() || t.Type != n {
			continue // an edge's count or field: not a column of this table
		}
		f := t.Field
		fmt.Fprintf(b, "\t\t\t%q: {Column: %q, Kind: %s, Nillable: %v},\n", f.StorageKey(), f.StorageKey(), columnKind(f), f.Nillable)
	}
	b.WriteString("\t\t}),\n")
	return nil
}

// isGuarded says whether reading a type passes a query policy: one of the
// Policy methods ent found on it or its mixins has a Query policy.
func isGuarded(n *gen.Type, guards map[string]bool) (bool, error) {
	guarded := false
	for _, p := range n.PolicyPositions() {
		if p.MixedIn {
			continue // no mixin guards queries, as queryGuards checked
		}
		g, ok := guards[n.Name]
		if !ok {
			return false, fmt.Errorf("%s has a Policy that ent/schema does not declare as func (%s) Policy()", n.Name, n.Name)
		}
		guarded = guarded || g
	}
	return guarded, nil
}

// queryGuards reads, from the source of the schema package in dir, whether
// each type's Policy method (schemas' and mixins') has a Query policy: ent's
// loaded schema says where a policy is, not what it checks. It refuses a
// Policy that is not one privacy.Policy literal.
func queryGuards(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	guards := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range file.Decls {
			fn, ok := d.(*goast.FuncDecl)
			if !ok || fn.Name.Name != "Policy" || fn.Recv == nil || len(fn.Recv.List) != 1 {
				continue
			}
			recv, ok := fn.Recv.List[0].Type.(*goast.Ident)
			if !ok {
				return nil, fmt.Errorf("%s: a Policy method on a pointer receiver", fset.Position(fn.Pos()))
			}
			var lit *goast.CompositeLit
			if len(fn.Body.List) == 1 {
				if ret, ok := fn.Body.List[0].(*goast.ReturnStmt); ok && len(ret.Results) == 1 {
					lit, _ = ret.Results[0].(*goast.CompositeLit)
				}
			}
			if lit == nil {
				return nil, fmt.Errorf("%s: %s.Policy is not return privacy.Policy{...}: say in writeTables whether it guards queries", fset.Position(fn.Pos()), recv.Name)
			}
			guards[recv.Name] = false
			for _, e := range lit.Elts {
				if kv, ok := e.(*goast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*goast.Ident); ok && key.Name == "Query" {
						guards[recv.Name] = true
					}
				}
			}
		}
	}
	return guards, nil
}
