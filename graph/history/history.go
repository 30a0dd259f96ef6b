// Package history holds what the change history records of one field.
package history

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
