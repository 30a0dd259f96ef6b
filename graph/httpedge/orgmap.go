package httpedge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/orgmap/picture"
)

// pictureKey is what a drawn map is kept under in the map cache, beside the
// GraphQL answers; its revision changes when the drawing does, and so does
// the ETag, so that browsers do not keep pictures drawn the old way.
const (
	pictureRevision = "r1"
	pictureKey      = "orgmap.svg\x00" + pictureRevision
)

// orgMapPicture serves GET /accounts/{id}/orgmap.svg: the account's org map
// drawn as SVG (package picture), behind the same edge as /query. The ETag is
// the account's map version, which every change to what the map shows moves,
// so a browser revalidates with one SQL statement and a 304; the picture
// drawn is kept in the map cache under that version.
func orgMapPicture(client *ent.Client, maps *orgmap.Cache) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || id <= 0 {
			writeRequestError(w, mediaJSON, http.StatusBadRequest, fmt.Sprintf("%q is not an account ID: use the id the API gives the account, such as 4294967297", r.PathValue("id")))
			return
		}
		ctx := r.Context()
		loader := orgmap.Loader{Client: client, Cache: maps}
		version, err := loader.Version(ctx, id)
		if err != nil {
			pictureFailed(ctx, w, err)
			return
		}
		if notModified(r, etag(id, version)) {
			pictureHeaders(w, id, version)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		svg := maps.Answer(id, version, pictureKey)
		if svg == nil {
			m, err := loader.OrgMap(ctx, id)
			if err != nil {
				pictureFailed(ctx, w, err)
				return
			}
			// The map read may be newer than the version read above: it names its own.
			version = m.Account.MapVersion
			if svg, err = picture.OrgMap(ctx, m); err != nil {
				pictureFailed(ctx, w, err)
				return
			}
			maps.KeepAnswer(id, version, pictureKey, svg)
		}
		pictureHeaders(w, id, version)
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Length", strconv.Itoa(len(svg)))
		_, _ = w.Write(svg)
	})
}

// signedPicture serves a picture URL that carries a valid signature
// (OrgMap.pictureURL) as a read-only viewer, without a token, and sends every
// other request to be signed in. A signature that does not hold, or has
// expired, is refused like a bad token.
func signedPicture(key []byte, next, signIn http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has("signature") {
			signIn.ServeHTTP(w, r)
			return
		}
		id, _ := strconv.Atoi(r.PathValue("id"))
		if !picture.Signed(key, id, q.Get("expires"), q.Get("signature"), time.Now()) {
			refuse(w, r, "this picture URL is not valid or has expired: ask OrgMap.pictureURL for a new one")
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), viewer.Viewer{Role: viewer.RoleViewer, ReadOnly: true})))
	})
}

// randomKey is a picture-signing key for one process: its URLs work on this
// server only, until it stops.
func randomKey() []byte {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand does not fail on the systems Go supports
	}
	return key
}

// etag names the picture of an account's map at a version.
func etag(id, version int) string {
	return fmt.Sprintf(`"%d-%d-%s"`, id, version, pictureRevision)
}

// pictureHeaders let only the viewer's browser keep the picture, and make it
// ask again (cheaply, with If-None-Match) before showing it, so a change shows.
func pictureHeaders(w http.ResponseWriter, id, version int) {
	w.Header().Set("ETag", etag(id, version))
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Opened on its own, the picture runs nothing and loads nothing.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
}

// notModified reports whether the request's If-None-Match names the ETag.
func notModified(r *http.Request, tag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t == tag || t == "*" {
			return true
		}
	}
	return false
}

// pictureFailed answers a picture that could not be drawn: 404 for an
// unknown account, 503 when too many are being drawn, 504 when time ran out.
func pictureFailed(ctx context.Context, w http.ResponseWriter, err error) {
	var unknown *clienterr.ReferenceError
	switch {
	case errors.As(err, &unknown):
		writeCodedError(w, http.StatusNotFound, graph.CodeNotFound, fmt.Sprintf("no account has the ID %d", unknown.ID))
	case errors.Is(err, picture.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeRequestError(w, mediaJSON, http.StatusServiceUnavailable, err.Error()+": retry after 1 s")
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		writeCodedError(w, http.StatusGatewayTimeout, graph.CodeTimeout, "the picture was not drawn in time")
	default:
		slog.ErrorContext(ctx, "drawing an org map failed", "error", err)
		writeCodedError(w, http.StatusInternalServerError, graph.CodeInternal, "internal server error")
	}
}

// writeCodedError answers JSON with one error of the given code, as /query would.
func writeCodedError(w http.ResponseWriter, status int, code, message string) {
	writeResponse(w, mediaJSON, status, &graphql.Response{Errors: gqlerror.List{{Message: message, Extensions: map[string]any{"code": code}}}})
}
