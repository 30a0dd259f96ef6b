//go:build ignore

// Code generation for ent and its GraphQL schema. Run from the repository root
// (go generate ./...) so that every path below is relative to gqlgen.yml.
package main

import (
	"fmt"
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
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
		entgql.WithSchemaHook(describeTypes, describePageSize, addHistory),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:   "./ent",
		Package:  "github.com/accountplan/accountplan/ent",
		Features: []gen.Feature{gen.FeatureGlobalID, gen.FeatureUpsert, gen.FeaturePrivacy, gen.FeatureExecQuery},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
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
