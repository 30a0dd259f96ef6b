package httpedge

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/auth"
)

// authenticate signs every request in with its bearer token before anything
// runs, and refuses it with 401 when it cannot. While the server runs open,
// a request without a token acts as an anonymous admin.
func authenticate(client *ent.Client, open bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" && open {
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), viewer.Open)))
			return
		}
		if header == "" {
			refuse(w, r, "sign in: send an API token as Authorization: Bearer <token>")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		v, err := auth.Authenticate(ctx, client, header, time.Now())
		var authErr *auth.Error
		switch {
		case errors.As(err, &authErr):
			refuse(w, r, authErr.Message)
			return
		case err != nil:
			slog.ErrorContext(r.Context(), "signing in failed", "error", err)
			media, _ := negotiate(r.Header.Get("Accept"))
			writeResponse(w, media, http.StatusInternalServerError, &graphql.Response{Errors: gqlerror.List{{
				Message: "internal server error", Extensions: map[string]any{"code": graph.CodeInternal},
			}}})
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

// refuse answers 401, which GraphQL over HTTP allows for requests refused
// before they reach GraphQL.
func refuse(w http.ResponseWriter, r *http.Request, message string) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		media = mediaJSON
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="accountplan"`)
	writeRequestError(w, media, http.StatusUnauthorized, message)
}
