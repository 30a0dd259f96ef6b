// Package apitest holds the API tests: each runs GraphQL requests through the
// real HTTP handler (httpedge.NewHandler) on a fresh SQLite file and, when one
// answers, a fresh PostgreSQL database. It has no code of its own.
package apitest
