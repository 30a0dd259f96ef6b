// Package clienterr holds the errors the data layer returns for writes that
// the client's input caused. The GraphQL layer gives each its code:
// InputError BAD_USER_INPUT, ReferenceError NOT_FOUND, ConflictError
// CONFLICT, ForbiddenError FORBIDDEN.
package clienterr

import (
	"fmt"

	"entgo.io/ent/privacy"
)

// InputError is a write refused because of the client's input.
type InputError struct {
	Field   string // the GraphQL input field at fault
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// ReferenceError is a write that names an object that does not exist.
type ReferenceError struct {
	Field string // the GraphQL input field at fault
	Type  string // the type the field expects
	ID    int
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("%s: no %s with id %d", e.Field, e.Type, e.ID)
}

// AbsentError is a read of something the record does not have, in a field
// that cannot answer null.
type AbsentError struct {
	Field   string // the GraphQL field read
	Message string
}

func (e *AbsentError) Error() string { return e.Field + ": " + e.Message }

// ConflictError is an update made from a version that is no longer current.
type ConflictError struct {
	Type          string
	Sent, Current int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("version: the %s changed since you read it (you sent version %d, it is now at version %d): read it again and reapply your change", e.Type, e.Sent, e.Current)
}

// ForbiddenError is a write the viewer may not make.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }

// Unwrap makes the error a deny decision for ent's privacy layer.
func (e *ForbiddenError) Unwrap() error { return privacy.Deny }

// Forbidden is a ForbiddenError with a formatted message.
func Forbidden(format string, a ...any) error {
	return &ForbiddenError{Message: fmt.Sprintf(format, a...)}
}
