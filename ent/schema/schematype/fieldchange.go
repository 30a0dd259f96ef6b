// Package schematype holds the Go types of ent fields that are neither
// scalars nor entities, so generated code can import them without reaching
// up into the API layer.
package schematype

import "encoding/json"

// FieldChange is one field of a record before and after a change, as JSON.
// A missing value is null: the field was empty, or (old values of records
// the server changed many at once) was not read.
type FieldChange struct {
	// Field is the GraphQL name of the field, e.g. dueDate or ownerID.
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old,omitempty"`
	New   json.RawMessage `json:"new,omitempty"`
}
