package api

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gapdeck/gapdeck/api/internal/spectest"
)

// schemaGen makes seeded random values that a schema allows, as a mock
// serving "dynamic" data does: any string where the spec says string
// (timestamps included when the spec gives no format), any number where it
// says number, nulls where it says nullable, extra keys where it allows
// them.
type schemaGen struct{ r *rand.Rand }

var genWords = []string{"", "lorem", "yesterday", "2025-06-20 12:00:43.066217", "2026-03-01T10:00:00Z", "n/a", "Status.MIGRATING", "7777", "ünïcode"}

func (g schemaGen) value(s *openapi3.Schema, depth int) any {
	if s == nil {
		return nil
	}
	if s.Nullable && g.r.IntN(8) == 0 {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.r.IntN(len(s.Enum))]
	}
	if alts := slices.Concat(s.OneOf, s.AnyOf); len(alts) > 0 {
		return g.value(alts[g.r.IntN(len(alts))].Value, depth)
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, part := range s.AllOf {
			if m, ok := g.value(part.Value, depth).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	switch {
	case s.Type.Is("string"):
		if s.Format == "date-time" || s.Format == "edgegap-timestamp" {
			return time.Unix(g.r.Int64N(2e9), 0).UTC().Format(time.RFC3339)
		}
		if s.Format == "date" {
			return time.Unix(g.r.Int64N(2e9), 0).UTC().Format(time.DateOnly)
		}
		return genWords[g.r.IntN(len(genWords))]
	case s.Type.Is("integer"):
		lo, hi := int64(0), int64(100000)
		if s.Min != nil {
			lo = int64(*s.Min)
		}
		if s.Max != nil {
			hi = int64(*s.Max)
		}
		return lo + g.r.Int64N(hi-lo+1)
	case s.Type.Is("number"):
		lo, hi := -1000.0, 1000.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		return lo + g.r.Float64()*(hi-lo)
	case s.Type.Is("boolean"):
		return g.r.IntN(2) == 0
	case s.Type.Is("array"):
		n := 0
		if depth < 4 {
			n = g.r.IntN(4)
		}
		out := []any{}
		for range n {
			out = append(out, g.value(s.Items.Value, depth+1))
		}
		return out
	}
	out := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name]
		if slices.Contains(s.Required, name) || (depth < 4 && g.r.IntN(3) > 0) {
			out[name] = g.value(p.Value, depth+1)
		}
	}
	if ap := s.AdditionalProperties; depth < 4 && (ap.Schema != nil || (ap.Has != nil && *ap.Has)) {
		for i := range g.r.IntN(3) {
			var v any = genWords[g.r.IntN(len(genWords))]
			if ap.Schema != nil {
				v = g.value(ap.Schema.Value, depth+1)
			}
			out[fmt.Sprintf("extra_%d", i)] = v
		}
	}
	return out
}

// specAnswer is one GET the console reads, with the call that decodes it.
type specAnswer struct {
	doc        func(*spectest.Specs) *openapi3.T
	specPath   string // as in the spec
	clientPath string // as the client sends it
	call       func(c *Client) error
}

var specAnswers = []specAnswer{
	{v1Doc, "/v1/deployments", "/v1/deployments", func(c *Client) error {
		_, err := c.ListDeployments(bg, ListDeploymentsParams{})
		return err
	}},
	{v1Doc, "/v1/status/{request_id}", "/v1/status/abc123", func(c *Client) error {
		_, err := c.DeploymentStatus(bg, "abc123")
		return err
	}},
	{v1Doc, "/v1/locations", "/v1/locations", func(c *Client) error {
		_, err := c.Locations(bg, LocationsParams{})
		return err
	}},
	{legacyDoc, "/v1/fleets", "/v1/fleets", func(c *Client) error {
		_, err := c.Fleets(bg, 1, 10)
		return err
	}},
	{legacyDoc, "/v1/fleet/{fleet_name}", "/v1/fleet/f", func(c *Client) error {
		_, err := c.Fleet(bg, "f")
		return err
	}},
	{legacyDoc, "/v1/fleet/{fleet_name}/policies", "/v1/fleet/f/policies", func(c *Client) error {
		_, err := c.Policies(bg, "f", 1, 10)
		return err
	}},
	{v1Doc, "/v1/apps", "/v1/apps", func(c *Client) error {
		_, err := c.Apps(bg, 1, 10)
		return err
	}},
	{v1Doc, "/v1/app/{app_name}", "/v1/app/a", func(c *Client) error {
		_, err := c.App(bg, "a")
		return err
	}},
	{v1Doc, "/v1/app/{app_name}/versions", "/v1/app/a/versions", func(c *Client) error {
		_, err := c.AppVersions(bg, "a", 1, 10)
		return err
	}},
	{v1Doc, "/v1/app/{app_name}/version/{version_name}", "/v1/app/a/version/v", func(c *Client) error {
		_, err := c.AppVersion(bg, "a", "v")
		return err
	}},
	{v1Doc, "/v1/storage/endpoints", "/v1/storage/endpoints", func(c *Client) error {
		_, err := c.StorageEndpoints(bg, 1, 10)
		return err
	}},
	{func(s *spectest.Specs) *openapi3.T { return s.V2 }, "/private-fleets/{fleet-name}/hosts", "/v2/private-fleets/f/hosts", func(c *Client) error {
		_, err := c.Hosts(bg, "f")
		return err
	}},
}

var (
	bg        = context.Background()
	v1Doc     = func(s *spectest.Specs) *openapi3.T { return s.V1 }
	legacyDoc = func(s *spectest.Specs) *openapi3.T { return s.Legacy }
)

// Seeded schema-valid random answers, as a mock serving dynamic data:
// before tolerant decoding only a few list pages, about half the status
// answers and no single-fleet answer decoded; now every one does.
func TestSchemaValidRandomAnswersDecode(t *testing.T) {
	specs := spectest.Load(t)
	const n = 40
	for _, a := range specAnswers {
		t.Run(strings.TrimPrefix(a.clientPath, "/"), func(t *testing.T) {
			op := a.doc(specs).Paths.Find(a.specPath).Get
			schema := op.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Schema.Value
			g := schemaGen{rand.New(rand.NewPCG(11, uint64(len(a.specPath))))}
			var body []byte
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) }, func(o *Options) { o.Clock = newVirtualClock() })
			valid, decoded, invalid := 0, 0, 0
			var firstErr error
			for range n {
				v := g.value(schema, 0)
				if m, ok := v.(map[string]any); ok && strings.HasPrefix(a.specPath, "/v1/status/") {
					m["request_id"] = "abc123" // filed under the id asked for (see DeploymentStatus)
				}
				body, _ = json.Marshal(v)
				if err := specs.ValidateResponse(http.MethodGet, a.clientPath, http.StatusOK, nil, body); err != nil {
					if invalid++; invalid == 1 && testing.Verbose() {
						t.Logf("invalid: %v", err)
					}
					continue // the generator's miss, not the console's
				}
				valid++
				err := a.call(c)
				if _, ok := StatusUnusable(err); ok {
					err = nil // a null status: filed as "status unavailable", by design
				}
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("%w\nbody: %s", err, body)
					}
					continue
				}
				decoded++
			}
			t.Logf("%s: %d of %d schema-valid answers decoded (%d generated)", a.clientPath, decoded, valid, n)
			if valid < n/2 {
				t.Fatalf("only %d of %d generated answers are schema-valid: the generator proves little", valid, n)
			}
			if decoded != valid {
				t.Errorf("%d of %d schema-valid answers failed; first: %v", valid-decoded, valid, firstErr)
			}
		})
	}
}

// exampleOf builds a value from a schema's own examples: each property's
// example, arrays of one example item.
func exampleOf(s *openapi3.Schema) any {
	if s.Example != nil {
		return s.Example
	}
	switch {
	case s.Type.Is("array"):
		return []any{exampleOf(s.Items.Value)}
	case s.Type.Is("object") || len(s.Properties) > 0:
		out := map[string]any{}
		for name, p := range s.Properties {
			if v := exampleOf(p.Value); v != nil {
				out[name] = v
			}
		}
		return out
	}
	return nil
}

// The v1 spec's examples of Application, AppVersion and EndpointStorage
// (timestamps as '2026-04-22 20:30:52.283949', though annotated
// date-time) decode into every field, and the secrets they show are not
// kept.
func TestSpecExamplesOfAppsDecode(t *testing.T) {
	specs := spectest.Load(t)
	body := func(name string) []byte {
		b, err := json.Marshal(exampleOf(specs.V1.Components.Schemas[name].Value))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var a Application
	if err := json.Unmarshal(body("Application"), &a); err != nil {
		t.Fatal(err)
	}
	if a.Name != "my-game-server" || !a.IsActive || a.CreateTime.Format(V1TimeLayout) != "2026-04-22 12:00:46.444265" || len(a.Loose.Problems()) > 0 {
		t.Errorf("Application example: %+v %+v", a, a.Loose.Problems())
	}

	raw := body("AppVersion")
	var v AppVersion
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Name != "2024.01.30-16.23.00-UTC" || !v.Active() || v.CreateTime.Year() != 2026 || v.ReqCPU != 1536 || v.ReqMemory != 3072 ||
		v.CachingPercent == nil || *v.CachingPercent != 0.8 || v.MaxDuration == nil || *v.MaxDuration != 1440 || v.RestartPolicy != "never" ||
		v.TerminationGracePeriodSeconds == nil || !v.ForceCache || v.EndpointStorage != "my-storage" || !v.HasPrivateToken || !v.HasPrivateUsername ||
		len(v.Ports) != 1 || v.Ports[0].Port != 7777 || v.Ports[0].Name != "gameport" ||
		len(v.Envs) != 1 || v.Envs[0].Key != "MM_MATCH_PROFILE" || !v.Envs[0].HasValue || len(v.Loose.Problems()) > 0 {
		t.Errorf("AppVersion example: %+v %+v", v, v.Loose.Problems())
	}
	red := string(Redact(raw))
	for _, secret := range []string{"ghca3dz3foAxXf2tu2xjExtXrBOMydfC", "robot$my-org", "advanced-example"} {
		if !strings.Contains(string(raw), secret) || strings.Contains(red, secret) || strings.Contains(fmt.Sprintf("%+v", v), secret) {
			t.Errorf("secret %q: in the example %v, after Redact %v, decoded %v", secret,
				strings.Contains(string(raw), secret), strings.Contains(red, secret), strings.Contains(fmt.Sprintf("%+v", v), secret))
		}
	}

	var e StorageEndpoint
	if err := json.Unmarshal(body("EndpointStorage"), &e); err != nil {
		t.Fatal(err)
	}
	if e.Name != "my-s3-endpoint" || e.Bucket != "my-bucket" || e.OutputFormat != "NDJSON" || !e.HasAccessKeyID || e.CreateTime.Year() != 2022 || len(e.Loose.Problems()) > 0 {
		t.Errorf("EndpointStorage example: %+v %+v", e, e.Loose.Problems())
	}
}
