package apitest

// The schema is a contract: every type, field, argument, input field and
// enum value says what it is. Introspection's own types and the built-in
// scalars are the specification's.

import (
	"sort"
	"strings"
	"testing"
)

func TestEverySchemaElementIsDescribed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), testSettings())
	type described struct {
		Name        string
		Description *string
	}
	type arg struct {
		described
	}
	s := mustAs[struct {
		Schema struct {
			Types []struct {
				described
				Kind   string
				Fields []struct {
					described
					Args []arg
				}
				InputFields []arg
				EnumValues  []described
			}
			Directives []struct {
				described
				Args []arg
			}
		} `json:"__schema"`
	}](e, `{ __schema {
  types { name description kind
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description } }
  directives { name description args { name description } } } }`, nil)
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	var missing []string
	check := func(path string, d *string) {
		if d == nil || strings.TrimSpace(*d) == "" {
			missing = append(missing, path)
		}
	}
	for _, typ := range s.Schema.Types {
		if strings.HasPrefix(typ.Name, "__") || builtin[typ.Name] {
			continue
		}
		check(typ.Name, typ.Description)
		for _, f := range typ.Fields {
			check(typ.Name+"."+f.Name, f.Description)
			for _, a := range f.Args {
				check(typ.Name+"."+f.Name+"("+a.Name+":)", a.Description)
			}
		}
		for _, f := range typ.InputFields {
			check(typ.Name+"."+f.Name, f.Description)
		}
		for _, v := range typ.EnumValues {
			check(typ.Name+"."+v.Name, v.Description)
		}
	}
	for _, d := range s.Schema.Directives {
		if d.Name == "skip" || d.Name == "include" || d.Name == "deprecated" || d.Name == "specifiedBy" || d.Name == "oneOf" || d.Name == "defer" {
			continue
		}
		check("@"+d.Name, d.Description)
		for _, a := range d.Args {
			check("@"+d.Name+"("+a.Name+":)", a.Description)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d schema elements have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
