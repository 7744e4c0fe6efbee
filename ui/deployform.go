package ui

import (
	"errors"
	"fmt"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// deployDraft is what the deploy form holds, as typed: it opens the form
// (prefilled) and survives a failed deploy so the form can reopen with it.
type deployDraft struct {
	app, version, users, tags, env string
	hideEnv                        bool
	fleet                          string     // private fleet deploy: the fleet whose hosts are targeted
	hosts                          string     // private fleet deploy: host ids, comma separated
	known                          []api.Host // the fleet's hosts as last listed (the hosts field's check)
	problem                        []string   // why the last attempt failed (shown above the fields)
}

// private reports whether the draft deploys onto private fleet hosts.
func (d deployDraft) private() bool { return d.fleet != "" }

// Fields of the deploy form, in order.
const (
	fieldApp = iota
	fieldVersion
	fieldUsers
	fieldTags
	fieldEnv
	fieldHideEnv
	fieldHosts // private fleet deploys only
)

// deployRequest is a validated deploy: the v2 body, and the host ids of a
// private fleet deploy.
type deployRequest struct {
	body  api.DeployV2Request
	fleet string
	hosts []string
}

// private reports whether the request goes to the private fleet endpoint.
func (r deployRequest) private() bool { return r.fleet != "" }

// route is the endpoint the request goes to.
func (r deployRequest) route() string {
	if r.private() {
		return "POST /v2/private-fleets/deployments"
	}
	return "POST /v2/deployments"
}

// splitItems splits s on sep, trimming each item; an empty s is no items.
func splitItems(s, sep string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, sep)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// requiredName is the check of a required one-word field (application,
// version).
func requiredName(what string) func(string) error {
	return func(s string) error {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return errors.New(what + " is required")
		case strings.IndexFunc(s, unicode.IsSpace) >= 0:
			return errors.New(what + " cannot contain spaces")
		}
		return nil
	}
}

// parseDeployUsers reads the users a v2 deploy places the server near:
// one or more, separated by ";", each an IP address or "latitude,longitude".
func parseDeployUsers(s string) ([]api.DeployUser, error) {
	items := splitItems(s, ";")
	if len(items) == 0 {
		return nil, errors.New("at least one user is required: an IP address or latitude,longitude (separate users with ;)")
	}
	users := make([]api.DeployUser, 0, len(items))
	for i, item := range items {
		u, err := parseDeployUser(item)
		if err != nil {
			if len(items) > 1 {
				return nil, fmt.Errorf("user %d: %w", i+1, err)
			}
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// parseDeployUser reads one user: an IP address, or "lat,long" with the
// latitude in −90..90 and the longitude in −180..180.
func parseDeployUser(s string) (api.DeployUser, error) {
	if s == "" {
		return api.DeployUser{}, errors.New("empty user (a stray ;?)")
	}
	latText, longText, geo := strings.Cut(s, ",")
	if !geo {
		if net.ParseIP(s) == nil {
			return api.DeployUser{}, fmt.Errorf("%q is neither an IP address nor latitude,longitude", s)
		}
		return api.IPUser(s), nil
	}
	lat, err := parseCoordinate("latitude", latText, 90)
	if err != nil {
		return api.DeployUser{}, err
	}
	long, err := parseCoordinate("longitude", longText, 180)
	if err != nil {
		return api.DeployUser{}, err
	}
	return api.GeoUser(lat, long), nil
}

// parseCoordinate reads a latitude or longitude within ±limit.
func parseCoordinate(what, s string, limit float64) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s %q is not a number", what, s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%s must be between -%g and %g, got %g", what, limit, limit, v)
	}
	return v, nil
}

// parseDeployTags reads comma-separated tags, each checked as the API
// does (api.ValidateTag), none twice.
func parseDeployTags(s string) ([]string, error) {
	items := splitItems(s, ",")
	for i, t := range items {
		if err := api.ValidateTag(t); err != nil {
			return nil, fmt.Errorf("tag %d: %w", i+1, err)
		}
		if slices.Index(items, t) < i {
			return nil, fmt.Errorf("tag %q is listed twice", t)
		}
	}
	return items, nil
}

// parseEnvVars reads "KEY=VALUE;KEY2=VALUE2". The spec requires a key
// (a string) and a value for each variable; a key here must also be
// non-empty, free of spaces and control characters, and not repeated.
// hidden sets is_hidden on every variable.
func parseEnvVars(s string, hidden bool) ([]api.EnvVar, error) {
	items := splitItems(s, ";")
	vars := make([]api.EnvVar, 0, len(items))
	for i, item := range items {
		k, v, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		switch {
		case item == "":
			return nil, fmt.Errorf("variable %d is empty (a stray ;?)", i+1)
		case !ok:
			return nil, fmt.Errorf("variable %d: %q needs KEY=VALUE", i+1, item)
		case k == "":
			return nil, fmt.Errorf("variable %d: the key is empty", i+1)
		case strings.IndexFunc(k, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			return nil, fmt.Errorf("variable %d: key %q contains a space or control character", i+1, k)
		}
		if slices.ContainsFunc(vars, func(e api.EnvVar) bool { return e.Key == k }) {
			return nil, fmt.Errorf("variable %s is set twice", k)
		}
		vars = append(vars, api.EnvVar{Key: k, Value: strings.TrimSpace(v), IsHidden: hidden})
	}
	return vars, nil
}

// parseTargetHosts reads comma-separated host ids of fleet and checks each
// against known (the fleet's hosts as the API last listed them): listed,
// ACTIVE (the only status that accepts deployments), not repeated.
func parseTargetHosts(s, fleet string, known []api.Host) ([]string, error) {
	ids := splitItems(s, ",")
	if len(ids) == 0 {
		return nil, errors.New("at least one host is required (mark hosts with space)")
	}
	for i, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("host %d is empty (a stray comma?)", i+1)
		}
		if slices.Index(ids, id) < i {
			return nil, fmt.Errorf("host %s is listed twice", id)
		}
		at := slices.IndexFunc(known, func(h api.Host) bool { return h.HostID == id })
		switch {
		case at < 0:
			return nil, fmt.Errorf("%s is not a host of %s", id, fleet)
		case known[at].Status != api.HostActive:
			return nil, fmt.Errorf("host %s is %s: only %s hosts accept deployments", id, known[at].Status, api.HostActive)
		}
	}
	return ids, nil
}

// request validates the draft and builds the request it describes.
func (d deployDraft) request() (deployRequest, error) {
	for _, c := range []struct {
		what, value string
	}{{"application", d.app}, {"version", d.version}} {
		if err := requiredName(c.what)(c.value); err != nil {
			return deployRequest{}, err
		}
	}
	users, err := parseDeployUsers(d.users)
	if err != nil {
		return deployRequest{}, err
	}
	tags, err := parseDeployTags(d.tags)
	if err != nil {
		return deployRequest{}, err
	}
	vars, err := parseEnvVars(d.env, d.hideEnv)
	if err != nil {
		return deployRequest{}, err
	}
	r := deployRequest{body: api.DeployV2Request{
		Application: strings.TrimSpace(d.app), Version: strings.TrimSpace(d.version),
		Users: users, Tags: tags, EnvironmentVariables: vars,
	}}
	if d.private() {
		if r.hosts, err = parseTargetHosts(d.hosts, d.fleet, d.known); err != nil {
			return deployRequest{}, err
		}
		r.fleet = d.fleet
	}
	return r, nil
}

// deployForm builds the form over draft (prefilled with it).
func deployForm(st *theme.Styles, km *KeyMap, d deployDraft) *formDialog {
	fields := []formField{
		fieldApp:     {Label: "Application", Value: d.app, Validate: requiredName("application"), Placeholder: "app name"},
		fieldVersion: {Label: "Version", Value: d.version, Validate: requiredName("version"), Placeholder: "version name"},
		fieldUsers: {Label: "Users", Value: d.users, Width: 48, Placeholder: "IP or lat,long; more separated by ;",
			Validate: func(s string) error { _, err := parseDeployUsers(s); return err }},
		fieldTags: {Label: "Tags", Value: d.tags, Width: 48, Placeholder: "optional, comma separated",
			Validate: func(s string) error { _, err := parseDeployTags(s); return err }},
		fieldEnv: {Label: "Env vars", Value: d.env, Width: 48, Limit: 4096, Placeholder: "optional: KEY=VALUE;KEY2=VALUE2",
			Validate: func(s string) error { _, err := parseEnvVars(s, false); return err }},
		fieldHideEnv: {Label: "Hide env values", Toggle: true, On: d.hideEnv},
	}
	title := "New deployment"
	intro := []string{"POST /v2/deployments: the API places it near the users."}
	if d.private() {
		fields = append(fields, formField{Label: "Hosts", Value: d.hosts, Width: min(max(48, len(d.hosts)+2), 96), Limit: 4096, Placeholder: "host ids, comma separated",
			Validate: func(s string) error { _, err := parseTargetHosts(s, d.fleet, d.known); return err }})
		title = "New deployment on " + d.fleet + " hosts"
		intro = []string{"POST /v2/private-fleets/deployments: tried on these hosts before overflowing to the cloud."}
		if _, err := parseTargetHosts(d.hosts, d.fleet, d.known); err != nil && d.hosts != "" {
			intro = append(intro, "✗ "+err.Error()) // a marked host that cannot take it: say so at once
		}
	}
	intro = append(intro, d.problem...)
	return newForm(st, km, title, intro, fields, "Deploy", nil)
}

// draftOf reads the form back into a draft (keeping the fleet and hosts
// list of base).
func draftOf(f *formDialog, base deployDraft) deployDraft {
	d := base
	d.app, d.version, d.users = f.Value(fieldApp), f.Value(fieldVersion), f.Value(fieldUsers)
	d.tags, d.env, d.hideEnv = f.Value(fieldTags), f.Value(fieldEnv), f.On(fieldHideEnv)
	if d.private() {
		d.hosts = f.Value(fieldHosts)
	}
	d.problem = nil
	return d
}

// summary is what the confirmation shows of r: everything that will be
// sent (hidden values masked).
func (r deployRequest) summary() []string {
	b := r.body
	users := make([]string, 0, len(b.Users))
	for _, u := range b.Users {
		users = append(users, userText(u))
	}
	lines := []string{
		"application  " + b.Application,
		"version      " + b.Version,
		"users        " + strings.Join(users, " · "),
	}
	if len(b.Tags) > 0 {
		lines = append(lines, "tags         "+strings.Join(b.Tags, ", "))
	}
	for _, e := range b.EnvironmentVariables {
		v := e.Value
		if e.IsHidden {
			v = "•••• (hidden)"
		}
		lines = append(lines, "env          "+e.Key+"="+v)
	}
	if r.private() {
		lines = append(lines, "hosts        "+strings.Join(r.hosts, ", ")+" (fleet "+r.fleet+")")
	}
	return append(lines, "", r.route())
}

// userText shows a deploy user as it was typed.
func userText(u api.DeployUser) string {
	if u.UserType == api.UserTypeGeo && u.UserData.Latitude != nil && u.UserData.Longitude != nil {
		return strconv.FormatFloat(*u.UserData.Latitude, 'g', -1, 64) + "," + strconv.FormatFloat(*u.UserData.Longitude, 'g', -1, 64)
	}
	return u.UserData.IPAddress
}

// auditDetail is the audit log's description of r: app, version, users,
// tags, env keys (never values) and hosts.
func (r deployRequest) auditDetail() string {
	b := r.body
	users := make([]string, 0, len(b.Users))
	for _, u := range b.Users {
		users = append(users, userText(u))
	}
	parts := []string{b.Application + " " + b.Version, "users " + strings.Join(users, " ")}
	if len(b.Tags) > 0 {
		parts = append(parts, "tags "+strings.Join(b.Tags, ","))
	}
	if len(b.EnvironmentVariables) > 0 {
		keys := make([]string, 0, len(b.EnvironmentVariables))
		for _, e := range b.EnvironmentVariables {
			keys = append(keys, e.Key)
		}
		parts = append(parts, "env "+strings.Join(keys, ","))
	}
	if r.private() {
		parts = append(parts, "hosts "+strings.Join(r.hosts, ","))
	}
	return strings.Join(parts, "; ")
}
