package sim

import (
	"net/http"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

func (t tag) view() api.DeploymentTag {
	created, updated := api.V1Time(t.created), api.V1Time(t.updated)
	return api.DeploymentTag{Name: t.name, CreateTime: &created, LastUpdated: &updated}
}

// listTags is GET /v1/deployments/{id}/tags.
func (s *Server) listTags(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	number, limit, err := pageParams(c.query(), defaultPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	p := newPage(number, limit, len(d.tags))
	items := make([]api.DeploymentTag, 0, limit)
	for _, t := range paged(d.tags, p) {
		items = append(items, t.view())
	}
	pagination := p.v1()
	return ok(api.DeploymentTagList{Tags: items, TotalCount: api.Int(len(d.tags)), Pagination: &pagination})
}

// tagName decodes and validates a {name} body.
func tagName(c *call) (string, reply, bool) {
	var body api.TagName
	if err := decodeBody(c.body, &body); err != nil {
		return "", errorf(http.StatusBadRequest, "%v", err), false
	}
	if err := api.ValidateTag(body.Name); err != nil {
		return "", errorf(http.StatusBadRequest, "%v", err), false
	}
	return body.Name, reply{}, true
}

// createTag is POST /v1/deployments/{id}/tags.
func (s *Server) createTag(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	name, rep, valid := tagName(c)
	if !valid {
		return rep
	}
	if d.hasTag(name) {
		return errorf(http.StatusConflict, "Tag %q already exists on deployment %s", name, d.id)
	}
	t := tag{name: name, created: c.now, updated: c.now}
	d.tags = append(d.tags, t)
	return ok(t.view())
}

// deploymentTag finds the {tag} of {id} or answers 404.
func (s *Server) deploymentTag(c *call) (*deployment, int, reply, bool) {
	d, rep, found := s.deployment(c)
	if !found {
		return nil, 0, rep, false
	}
	i := d.tagIndex(c.param("tag"))
	if i < 0 {
		return nil, 0, errorf(http.StatusNotFound, "Tag %q not found on deployment %s", c.param("tag"), d.id), false
	}
	return d, i, reply{}, true
}

// getTag is GET /v1/deployments/{id}/tags/{tag}.
func (s *Server) getTag(c *call) reply {
	d, i, rep, found := s.deploymentTag(c)
	if !found {
		return rep
	}
	return ok(d.tags[i].view())
}

// renameTag is PATCH /v1/deployments/{id}/tags/{tag} with {name}.
func (s *Server) renameTag(c *call) reply {
	d, i, rep, found := s.deploymentTag(c)
	if !found {
		return rep
	}
	name, rep, valid := tagName(c)
	if !valid {
		return rep
	}
	if name != d.tags[i].name && d.hasTag(name) {
		return errorf(http.StatusConflict, "Tag %q already exists on deployment %s", name, d.id)
	}
	d.tags[i].name, d.tags[i].updated = name, c.now
	return ok(d.tags[i].view())
}

// deleteTag is DELETE /v1/deployments/{id}/tags/{tag}.
func (s *Server) deleteTag(c *call) reply {
	d, i, rep, found := s.deploymentTag(c)
	if !found {
		return rep
	}
	d.tags = slices.Delete(d.tags, i, i+1)
	return noContent()
}
