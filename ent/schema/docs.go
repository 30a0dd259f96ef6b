package schema

// valueDocs describes each value of an enum field, by value; the GraphQL
// schema shows the descriptions (ent/entc.go copies them there).
type valueDocs map[string]string

// Name of the annotation.
func (valueDocs) Name() string { return "ValueDocs" }
