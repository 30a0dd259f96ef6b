package apitest

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// picture is one GET of an org-map picture.
type picture struct {
	status int
	header http.Header
	body   []byte
}

// getPicture asks for /accounts/{id}/orgmap.svg, with the env's token if any.
func (e *env) getPicture(id, ifNoneMatch string) picture {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(e.url, "/query")+"/accounts/"+id+"/orgmap.svg", nil)
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return picture{resp.StatusCode, resp.Header, body}
}

// code is the extensions.code of a refusal's first error.
func (p picture) code() string {
	var r struct {
		Errors []struct {
			Extensions struct{ Code string } `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(p.body, &r) != nil || len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// svgNode is a stakeholder as Graphviz draws it: a group titled with the
// node's DOT name, holding its shape and one text per label line.
type svgNode struct {
	Class    string `xml:"class,attr"`
	Title    string `xml:"title"`
	Ellipses []struct {
		Fill   string `xml:"fill,attr"`
		Stroke string `xml:"stroke-width,attr"`
	} `xml:"ellipse"`
	Polygons []struct {
		Fill   string `xml:"fill,attr"`
		Points string `xml:"points,attr"`
		Stroke string `xml:"stroke-width,attr"`
	} `xml:"polygon"`
	Texts []string `xml:"text"`
}

// svgNodes reads the stakeholders drawn, by their first text line (the name).
func svgNodes(t *testing.T, svg []byte) map[string]svgNode {
	t.Helper()
	var doc struct {
		XMLName xml.Name
		Groups  []struct {
			Nodes []svgNode `xml:"g"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("the picture is not XML: %v", err)
	}
	if doc.XMLName.Local != "svg" {
		t.Fatalf("the picture's root is <%s>, not <svg>", doc.XMLName.Local)
	}
	drawn := map[string]svgNode{}
	for _, g := range doc.Groups {
		for _, n := range g.Nodes {
			if n.Class == "node" && len(n.Texts) > 0 {
				drawn[n.Texts[0]] = n
			}
		}
	}
	return drawn
}

// TestOrgMapPicture draws an account's map as SVG through the real handler on
// a closed server: signed in as a viewer, every stakeholder is drawn with the
// colour and shape the schema documents for OrgMap.dot; a browser's second
// request is a 304 until the map changes; unknown and malformed IDs and
// missing tokens are refused.
func TestOrgMapPicture(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc, ids := boardroom(t, e, "Boardroom")
		viewer := e.as(newToken(t, e, newUser(t, e, "vera"), user.RoleVIEWER, true))

		if p := e.getPicture(gid(acc), ""); p.status != http.StatusUnauthorized || p.header.Get("WWW-Authenticate") == "" || p.code() != "UNAUTHENTICATED" {
			t.Errorf("without a token: %d %s %s; want 401 UNAUTHENTICATED with a challenge", p.status, p.header.Get("WWW-Authenticate"), p.body)
		}
		if p := e.as("ap_nope").getPicture(gid(acc), ""); p.status != http.StatusUnauthorized {
			t.Errorf("with an unknown token: %d; want 401", p.status)
		}

		p := viewer.getPicture(gid(acc), "")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(p.header.Get("Cache-Control"), "private") || p.header.Get("ETag") == "" {
			t.Fatalf("the picture: %d, Content-Type %q, Cache-Control %q, ETag %q; want 200 image/svg+xml, private, an ETag\n%.300s",
				p.status, p.header.Get("Content-Type"), p.header.Get("Cache-Control"), p.header.Get("ETag"), p.body)
		}
		drawn := svgNodes(t, p.body)
		// The boardroom's stakeholders, with the look OrgMap.dot's description gives each.
		fills := map[string]string{"MENTOR": "#1a9850", "SUPPORTER": "#a6d96a", "NEUTRAL": "#e0e0e0", "NON_SUPPORTER": "#fdae61", "ENEMY": "#d73027"}
		for _, want := range []struct{ name, support, shape string }{
			{"Ada", "NEUTRAL", "hexagon"}, {"Ben", "SUPPORTER", "hexagon"}, {"Cleo", "SUPPORTER", "parallelogram"},
			{"Dev", "NON_SUPPORTER", "parallelogram"}, {"Eve", "ENEMY", "hexagon"}, {"Finn", "MENTOR", "ellipse"},
			{"Gus", "NEUTRAL", "box"}, {"Hal", "NEUTRAL", "box"},
		} {
			n, ok := drawn[want.name]
			if !ok {
				t.Errorf("%s is not drawn; drawn: %v", want.name, keys(drawn))
				continue
			}
			if n.Title != "s"+gid(ids[want.name]) {
				t.Errorf("%s is drawn as node %q, want s%d", want.name, n.Title, ids[want.name])
			}
			fill, shape, width := "", "", ""
			switch {
			case len(n.Ellipses) == 1:
				fill, shape, width = n.Ellipses[0].Fill, "ellipse", n.Ellipses[0].Stroke
			case len(n.Polygons) == 1:
				// Graphviz closes a polygon by repeating its first point.
				corners := len(strings.Fields(n.Polygons[0].Points)) - 1
				fill, width = n.Polygons[0].Fill, n.Polygons[0].Stroke
				shape = map[int]string{4: "box or parallelogram", 6: "hexagon"}[corners]
			}
			if fill != fills[want.support] || !strings.Contains(shape, want.shape) {
				t.Errorf("%s is drawn as %q filled %s; want %s filled %s (%s)", want.name, shape, fill, want.shape, fills[want.support], want.support)
			}
			if keyPlayer := want.shape == "hexagon" || want.shape == "parallelogram"; keyPlayer != (width == "3") {
				t.Errorf("%s is drawn with a border of %q; key players have 3", want.name, width)
			}
		}

		tag := p.header.Get("ETag")
		if again := viewer.getPicture(gid(acc), tag); again.status != http.StatusNotModified || len(again.body) != 0 || again.header.Get("ETag") != tag {
			t.Errorf("asked again with its ETag: %d, ETag %q, %d bytes; want 304, the same ETag, no body", again.status, again.header.Get("ETag"), len(again.body))
		}
		e.client.Stakeholder.UpdateOneID(ids["Finn"]).SetName("Finnegan").ExecX(ctx)
		changed := viewer.getPicture(gid(acc), tag)
		if changed.status != http.StatusOK || changed.header.Get("ETag") == tag {
			t.Fatalf("after a change, asked with the old ETag: %d, ETag %q; want 200 and a new ETag", changed.status, changed.header.Get("ETag"))
		}
		if drawn := svgNodes(t, changed.body); drawn["Finnegan"].Title == "" || drawn["Finn"].Title != "" {
			t.Errorf("after the rename, drawn: %v; want Finnegan, not Finn", keys(drawn))
		}

		for id, want := range map[string]int{gid(ids["Ada"]): http.StatusNotFound, "999999999": http.StatusNotFound, "abc": http.StatusBadRequest, "0": http.StatusBadRequest} {
			p := viewer.getPicture(id, "")
			code := map[int]string{http.StatusNotFound: "NOT_FOUND", http.StatusBadRequest: "BAD_REQUEST"}[want]
			if p.status != want || p.code() != code {
				t.Errorf("account %q: %d %s; want %d %s", id, p.status, p.body, want, code)
			}
		}
	})
}

// TestOrgMapPictureOpen draws without a token while the server runs open, as /query answers.
func TestOrgMapPictureOpen(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		acc, _ := boardroom(t, e, "Boardroom")
		if p := e.getPicture(gid(acc), ""); p.status != http.StatusOK || len(svgNodes(t, p.body)) != 8 {
			t.Errorf("open server: %d, %d stakeholders drawn; want 200 and 8", p.status, len(svgNodes(t, p.body)))
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestOrgMapPictureURL: OrgMap.pictureURL opens the picture without a token,
// as an <img> or a browser would, for that account only and only while the
// signature holds (package picture's test checks expiry and keys).
func TestOrgMapPictureURL(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc := e.client.Account.Create().SetName("Signed Co").SaveX(ctx)
		other := e.client.Account.Create().SetName("Other Co").SaveX(ctx)
		e.client.Stakeholder.Create().SetName("Sid Signer").SetAccount(acc).SaveX(ctx)
		viewer := e.as(newToken(t, e, newUser(t, e, "vera"), user.RoleVIEWER, true))
		path := mustAs[struct {
			OrgMap struct{ PictureURL string }
		}](viewer, `query($a: ID!) { orgMap(accountID: $a) { pictureURL } }`, map[string]any{"a": gid(acc.ID)}).OrgMap.PictureURL
		base := strings.TrimSuffix(e.url, "/query")
		get := func(url string) (int, string) {
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if status, body := get(base + path); status != http.StatusOK || !strings.Contains(body, "Sid Signer") {
			t.Fatalf("the signed URL %s: %d %.200s", path, status, body)
		}
		for name, bad := range map[string]string{
			"another account":     strings.Replace(path, "/accounts/"+gid(acc.ID)+"/", "/accounts/"+gid(other.ID)+"/", 1),
			"a changed expiry":    strings.Replace(path, "expires=", "expires=9", 1),
			"a changed signature": strings.Replace(path, "signature=", "signature=A", 1),
			"no signature":        strings.Split(path, "?")[0],
		} {
			if status, body := get(base + bad); status != http.StatusUnauthorized {
				t.Errorf("%s: %d %.200s", name, status, body)
			}
		}
	})
}
