package httpedge

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/auth"
)

// authenticate signs every request in with its bearer token (an API token,
// or a JWT from the company's issuer when oidc is set) before its body is
// read, and refuses it with 401 when it cannot: a made-up token holds
// nothing while a body trickles in. Finding the token takes a slot of the cap
// on requests at once (503 when none is free), given back before the body is
// read. While the server runs open (until the first API token exists), a
// request without a token acts as an anonymous admin.
func authenticate(client *ent.Client, oidc *auth.OIDC, open func(context.Context) bool, slots slots, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" && open(r.Context()) {
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), viewer.Open)))
			return
		}
		if header == "" {
			refuse(w, r, "sign in: send an API token as Authorization: Bearer <token>")
			return
		}
		if !slots.take() {
			refuseBusy(w, responseMedia(r))
			return
		}
		v, err := signIn(r.Context(), client, oidc, header)
		slots.give()
		var authErr *auth.Error
		switch {
		case errors.As(err, &authErr):
			if authErr.Reason != "" {
				slog.InfoContext(r.Context(), "sign-in refused", "reason", authErr.Reason)
			}
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

// signIn finds the viewer of a bearer token, in 5 s at most (fetching the
// issuer's keys included).
func signIn(ctx context.Context, client *ent.Client, oidc *auth.OIDC, header string) (viewer.Viewer, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if scheme, token, _ := strings.Cut(strings.TrimSpace(header), " "); oidc != nil && strings.EqualFold(scheme, "Bearer") && auth.LooksLikeJWT(strings.TrimSpace(token)) {
		return oidc.Authenticate(ctx, client, strings.TrimSpace(token), time.Now())
	}
	return auth.Authenticate(ctx, client, header, time.Now())
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
