package sim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestDeploymentTags(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(inStatus(api.StatusReady))
	base := "/v1/deployments/" + d.id + "/tags"
	before := len(d.tags)
	e.clock.Advance(time.Minute)

	var tag api.DeploymentTag
	e.expect(e.do(http.MethodPost, base, api.TagName{Name: "player id/42"}), http.StatusOK, &tag)
	if tag.Name != "player id/42" || tag.CreateTime == nil || !tag.CreateTime.Equal(e.clock.Now()) {
		t.Fatalf("created %+v", tag)
	}
	if r := e.do(http.MethodPost, base, api.TagName{Name: "player id/42"}); r.status != http.StatusConflict {
		t.Fatalf("duplicate: %d", r.status)
	}
	for _, name := range []string{"", strings.Repeat("t", 41)} {
		if r := e.do(http.MethodPost, base, api.TagName{Name: name}); r.status != http.StatusBadRequest {
			t.Fatalf("tag %q: %d", name, r.status)
		}
	}
	escaped := base + "/" + url.PathEscape("player id/42")
	e.get(escaped, http.StatusOK, &tag)

	var list api.DeploymentTagList
	e.get(base+"?limit=1", http.StatusOK, &list)
	if int(list.TotalCount) != before+1 || len(list.Tags) != 1 || list.Pagination == nil || list.Pagination.Paginator.NumPages != api.Int(before+1) {
		t.Fatalf("list %+v", list)
	}
	if st := e.status(d.id); !slices.Contains(st.Tags, "player id/42") {
		t.Fatalf("status tags %v", st.Tags)
	}

	e.clock.Advance(time.Minute)
	if len(d.tags) > 1 {
		if r := e.do(http.MethodPatch, escaped, api.TagName{Name: d.tags[0].name}); r.status != http.StatusConflict {
			t.Fatalf("rename onto an existing tag: %d", r.status)
		}
	}
	e.expect(e.do(http.MethodPatch, escaped, api.TagName{Name: "renamed"}), http.StatusOK, &tag)
	if tag.Name != "renamed" || !tag.LastUpdated.After(tag.CreateTime.Time) {
		t.Fatalf("renamed %+v", tag)
	}
	if r := e.do(http.MethodGet, escaped, nil); r.status != http.StatusNotFound {
		t.Fatalf("old name after rename: %d", r.status)
	}
	items := e.listAll(`{"filters":[{"field":"tags","operator":"eq","value":"renamed"}]}`)
	if len(items) != 1 || items[0].RequestID != d.id {
		t.Fatalf("list by new tag: %+v", items)
	}

	r := e.do(http.MethodDelete, base+"/renamed", nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	for _, target := range []string{base + "/renamed", "/v1/deployments/ffffffffffff/tags", "/v1/deployments/ffffffffffff/tags/x"} {
		if r := e.do(http.MethodGet, target, nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", target, r.status)
		}
	}
	if r := e.do(http.MethodDelete, base+"/renamed", nil); r.status != http.StatusNotFound {
		t.Fatalf("second delete: %d", r.status)
	}
}
