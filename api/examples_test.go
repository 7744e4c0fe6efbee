package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api/internal/spectest"
)

// exampleCase maps one documented example (testdata/examples) to the Go
// types of its request and response parts.
type exampleCase struct {
	request  func() any // nil: the example has no request body
	response func() any // nil: the documented response is null (no body)
	status   int        // status of the documented response

	// knownGaps are key paths of the request that the Go type cannot carry.
	// They are reported and not treated as failures. The subtest is
	// skipped after every other check passes, so the gap stays visible.
	knownGaps []string
	// specMismatch lists, per part ("request", "response"), substrings
	// that must appear in the spec's error for this example. It is for
	// documented examples that disagree with the spec. The validation
	// must keep failing, with each substring in the error, so a fix on
	// either side shows up.
	specMismatch map[string][]string
}

func newOf[T any]() func() any { return func() any { return new(T) } }

// examples covers every file in testdata/examples. Smart Fleet paths are
// checked against the legacy swagger, and the others against the v1 spec.
var examples = map[string]exampleCase{
	"delete_v1_deployments_request_id_tags_tag_name.json":               {status: http.StatusNoContent},
	"delete_v1_fleet_fleet_name.json":                                   {response: newOf[MessageResponse](), status: http.StatusOK},
	"delete_v1_fleet_fleet_name_app_app_name_version_version_name.json": {status: http.StatusNoContent},
	"delete_v1_fleet_fleet_name_policies_policy_name.json":              {response: newOf[MessageResponse](), status: http.StatusOK},
	"delete_v1_self_stop_request_id_access_point_id.json":               {response: newOf[StopResponse](), status: http.StatusOK},
	"delete_v1_stop_request_id.json":                                    {response: newOf[StopResponse](), status: http.StatusOK},
	"get_v1_deployment_request_id_container-logs.json":                  {response: newOf[ContainerLogs](), status: http.StatusOK},
	"get_v1_deployments.json":                                           {response: newOf[DeploymentList](), status: http.StatusOK},
	"get_v1_deployments_request_id_tags.json": {response: newOf[DeploymentTagList](), status: http.StatusOK,
		// The docs show {tags, count, pagination: {}}. The spec requires
		// total_count, and a pagination object with all of its fields.
		specMismatch: map[string][]string{"response": {`property "total_count" is missing`, `property "number" is missing`}}},
	"get_v1_deployments_request_id_tags_tag_name.json":  {response: newOf[DeploymentTag](), status: http.StatusOK},
	"get_v1_fleet_fleet_name.json":                      {response: newOf[Fleet](), status: http.StatusOK},
	"get_v1_fleet_fleet_name_policies.json":             {response: newOf[PolicyList](), status: http.StatusOK},
	"get_v1_fleet_fleet_name_policies_policy_name.json": {response: newOf[Policy](), status: http.StatusOK},
	"get_v1_fleets.json":                                {response: newOf[FleetList](), status: http.StatusOK},
	"get_v1_locations.json": {response: newOf[LocationList](), status: http.StatusOK,
		// The docs send latitude and longitude as strings and
		// leave out total_count and pagination. The v1 spec says number and
		// requires both. This is why Float accepts numeric strings.
		specMismatch: map[string][]string{"response": {`Error at "/locations/0/latitude": value must be a number`, `property "total_count" is missing`}}},
	"get_v1_metrics_deployment_request_id.json": {response: newOf[Metrics](), status: http.StatusOK,
		// The docs render datasets as strings ("2458"). The spec says integer.
		specMismatch: map[string][]string{"response": {`Error at "/cpu/datasets/0": value must be an integer`}}},
	"get_v1_status_request_id.json":                                  {response: newOf[DeploymentStatus](), status: http.StatusOK},
	"patch_v1_deployments_request_id_tags_tag_name.json":             {request: newOf[TagName](), response: newOf[DeploymentTag](), status: http.StatusOK},
	"patch_v1_fleet_fleet_name.json":                                 {request: newOf[FleetUpdate](), response: newOf[Fleet](), status: http.StatusOK},
	"patch_v1_fleet_fleet_name_policies_policy_name.json":            {request: newOf[PolicyUpdate](), response: newOf[Policy](), status: http.StatusOK},
	"post_v1_deploy.json":                                            {request: newOf[DeployV1Request](), response: newOf[DeployV1Response](), status: http.StatusOK},
	"post_v1_deployments_bulk-stop.json":                             {request: newOf[BulkStopRequest](), response: newOf[BulkStopResult](), status: http.StatusAccepted},
	"post_v1_deployments_request_id_tags.json":                       {request: newOf[TagName](), response: newOf[DeploymentTag](), status: http.StatusOK},
	"post_v1_fleet.json":                                             {request: newOf[FleetCreate](), response: newOf[Fleet](), status: http.StatusOK},
	"post_v1_fleet_fleet_name_policies.json":                         {request: newOf[PolicyCreate](), response: newOf[Policy](), status: http.StatusOK},
	"put_v1_fleet_fleet_name_app_app_name_version_version_name.json": {response: newOf[FleetAppVersion](), status: http.StatusOK},
}

// TestDocumentedExamples decodes every part of every documented example
// into the client's type and re-encodes it. No field may be lost (see
// jsonLoss). The part must also match the spec, or fail it in exactly the
// ways its specMismatch documents.
func TestDocumentedExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/examples/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	names := map[string]bool{}
	for _, f := range files {
		names[filepath.Base(f)] = true
	}
	for name := range examples {
		if !names[name] {
			t.Errorf("mapping for %s, which is not in testdata/examples", name)
		}
	}
	specs := spectest.Load(t)
	for _, file := range files {
		name := filepath.Base(file)
		c, ok := examples[name]
		if !ok {
			t.Errorf("%s has no Go type mapping: add it to examples", name)
			continue
		}
		var ex struct {
			Method   string
			Path     string
			Request  json.RawMessage
			Response json.RawMessage
		}
		if err := json.Unmarshal(readFile(t, file), &ex); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, part := range []struct {
			name    string
			raw     json.RawMessage
			newType func() any
			gaps    []string
			check   func(body []byte) error
		}{
			{"request", ex.Request, c.request, c.knownGaps, func(b []byte) error { return specs.ValidateRequest(ex.Method, ex.Path, nil, b) }},
			{"response", ex.Response, c.response, nil, func(b []byte) error {
				return specs.ValidateResponse(ex.Method, ex.Path, c.status, nil, b)
			}},
		} {
			t.Run(strings.TrimSuffix(name, ".json")+"/"+part.name, func(t *testing.T) {
				body := part.raw
				if isNull(body) {
					body = nil
				}
				checkSpec(t, part.check(body), c.specMismatch[part.name])
				switch {
				case body == nil && part.newType != nil:
					t.Fatalf("mapped to %T but the example has no %s", part.newType(), part.name)
				case body == nil:
					return
				case part.newType == nil:
					t.Fatalf("the example has a %s but no Go type is mapped", part.name)
				}
				losses := jsonLoss(t, body, part.newType())
				for _, gap := range part.gaps {
					if !slices.Contains(losses, gap+": missing after re-encoding") {
						t.Errorf("known gap %s is no longer lost: remove it from knownGaps", gap)
					}
				}
				for _, l := range losses {
					if !slices.ContainsFunc(part.gaps, func(g string) bool { return strings.HasPrefix(l, g+":") }) {
						t.Error(l)
					}
				}
				if len(part.gaps) > 0 && !t.Failed() {
					t.Skipf("known type gap, reported: %T cannot carry %v", part.newType(), part.gaps)
				}
			})
		}
	}
}

// checkSpec accepts err when it is nil and no mismatch is documented, or
// when it contains every documented mismatch.
func checkSpec(t *testing.T, err error, mismatch []string) {
	t.Helper()
	switch {
	case err == nil && len(mismatch) > 0:
		t.Errorf("the example now matches the spec: remove specMismatch %q", mismatch)
	case err != nil && len(mismatch) == 0:
		t.Errorf("the example does not match the spec: %v", err)
	}
	for _, m := range mismatch {
		if err != nil && !strings.Contains(err.Error(), m) {
			t.Errorf("spec error lacks the documented mismatch %q:\n%v", m, err)
		}
	}
}

// jsonLoss decodes body into v, re-encodes it, and returns every key path
// of body that the re-encoding lost or changed (see jsonDiff).
func jsonLoss(t *testing.T, body []byte, v any) []string {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding into %T: %v", v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding %T: %v", v, err)
	}
	var orig, back any
	if err := json.Unmarshal(body, &orig); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	return jsonDiff("$", orig, back)
}

// jsonDiff lists the key paths of orig that back lost or changed. It
// walks objects and arrays, so every key path of orig is checked. Keys
// that only back has are allowed. A key whose value in orig is null may
// be missing from back, or be null or a zero value there. Scalars are
// compared by sameValue.
func jsonDiff(path string, orig, back any) []string {
	switch o := orig.(type) {
	case nil:
		if back != nil && !isZeroJSON(back) {
			return []string{fmt.Sprintf("%s: null became %v", path, back)}
		}
		return nil
	case map[string]any:
		b, ok := back.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object became %v", path, back)}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(o)) {
			bv, present := b[k]
			switch {
			case !present && o[k] != nil:
				out = append(out, path+"."+k+": missing after re-encoding")
			case present:
				out = append(out, jsonDiff(path+"."+k, o[k], bv)...)
			}
		}
		return out
	case []any:
		b, ok := back.([]any)
		if !ok || len(b) != len(o) {
			return []string{fmt.Sprintf("%s: array %v became %v", path, o, back)}
		}
		var out []string
		for i := range o {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), o[i], b[i])...)
		}
		return out
	}
	if !sameValue(orig, back) {
		return []string{fmt.Sprintf("%s: %#v became %#v", path, orig, back)}
	}
	return nil
}

// sameValue compares JSON scalars by meaning. Numbers and numeric strings
// are compared as numbers ("5" ≡ 5). Timestamps are compared as instants,
// in whichever of the layouts ParseTime accepts. Anything else must be
// equal.
func sameValue(a, b any) bool {
	if a == b {
		return true
	}
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	sa, ok1 := a.(string)
	sb, ok2 := b.(string)
	if !ok1 || !ok2 {
		return false
	}
	ta, err1 := ParseTime(sa)
	tb, err2 := ParseTime(sb)
	return err1 == nil && err2 == nil && !ta.IsZero() && ta.Equal(tb.Time)
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func isZeroJSON(v any) bool { return v == nil || v == 0.0 || v == "" || v == false }

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// TestJSONDiff checks the comparator that TestDocumentedExamples relies on.
func TestJSONDiff(t *testing.T) {
	for _, tc := range []struct {
		orig, back string
		want       []string
	}{
		{`{"a":1,"b":{"c":"x"}}`, `{"a":1,"b":{"c":"x"},"extra":true}`, nil},
		{`{"a":"5","b":"45.3324097"}`, `{"a":5,"b":45.3324097}`, nil},
		{`{"t":"2021-07-14 14:17:37.711","u":"2026-03-01T10:00:00+02:00"}`, `{"t":"2021-07-14 14:17:37.711000","u":"2026-03-01T08:00:00Z"}`, nil},
		{`{"n":null,"m":null,"z":null}`, `{"m":null,"z":0}`, nil},
		{`{"a":1,"b":[{"c":2,"d":3}]}`, `{"a":1,"b":[{"c":2}]}`, []string{"$.b[0].d: missing after re-encoding"}},
		{`{"a":[1,2]}`, `{"a":[1]}`, []string{"$.a: array [1 2] became [1]"}},
		{`{"a":"x","b":1.5,"c":true}`, `{"a":"y","b":1,"c":false}`, []string{`$.a: "x" became "y"`, "$.b: 1.5 became 1", "$.c: true became false"}},
		{`{"a":"2021-07-14 14:17:37.711"}`, `{"a":"2021-07-14 14:17:37.000000"}`, []string{`$.a: "2021-07-14 14:17:37.711" became "2021-07-14 14:17:37.000000"`}},
		{`{"a":{"b":1}}`, `{"a":"b"}`, []string{"$.a: object became b"}},
		{`{"a":null}`, `{"a":"set"}`, []string{"$.a: null became set"}},
	} {
		var orig, back any
		if err := json.Unmarshal([]byte(tc.orig), &orig); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tc.back), &back); err != nil {
			t.Fatal(err)
		}
		if got := jsonDiff("$", orig, back); !slices.Equal(got, tc.want) {
			t.Errorf("jsonDiff(%s, %s) = %q, want %q", tc.orig, tc.back, got, tc.want)
		}
	}
}

// TestIntDecode covers the tolerant integer decoder.
func TestIntDecode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Int
		err  bool
	}{
		{in: `5`, want: 5},
		{in: `"5"`, want: 5},
		{in: `" 7 "`, want: 7},
		{in: `5.0`, want: 5},
		{in: `"10"`, want: 10},
		{in: `-3`, want: -3},
		{in: `null`, want: 0},
		{in: `""`, want: 0},
		{in: `"abc"`, err: true},
		{in: `{}`, err: true},
		{in: `true`, err: true},
		{in: `[1]`, err: true},
		{in: `1e3`, want: 1000},
		{in: `5.9`, err: true},
		{in: `1e30`, err: true},
		{in: `9223372036854775808`, err: true},
		{in: `"NaN"`, err: true},
		{in: `"Inf"`, err: true},
		{in: `"0x10"`, err: true},
		{in: `"1_000"`, err: true},
		{in: `"05"`, err: true},
	} {
		n := Int(99)
		err := json.Unmarshal([]byte(tc.in), &n)
		if (err != nil) != tc.err || (!tc.err && n != tc.want) {
			t.Errorf("Int from %s = %d, %v; want %d, error %v", tc.in, n, err, tc.want, tc.err)
		}
		if !tc.err {
			assertEncodes(t, n, strconv.FormatInt(int64(tc.want), 10))
		}
	}
}

// TestFloatDecode covers the tolerant number decoder.
func TestFloatDecode(t *testing.T) {
	for _, tc := range []struct {
		in, enc string
		want    Float
		err     bool
	}{
		{in: `"45.3324097"`, want: 45.3324097, enc: `45.3324097`},
		{in: `-73.56`, want: -73.56, enc: `-73.56`},
		{in: `"2458"`, want: 2458, enc: `2458`},
		{in: `1e3`, want: 1000, enc: `1000`},
		{in: `null`, want: 0, enc: `0`},
		{in: `""`, want: 0, enc: `0`},
		{in: `"abc"`, err: true},
		{in: `{}`, err: true},
		{in: `false`, err: true},
		{in: `"NaN"`, err: true},
		{in: `"Inf"`, err: true},
		{in: `"-Infinity"`, err: true},
		{in: `"1e400"`, err: true},
		{in: `"0x1p4"`, err: true},
		{in: `"1_000.5"`, err: true},
		{in: `".5"`, err: true},
	} {
		f := Float(99)
		err := json.Unmarshal([]byte(tc.in), &f)
		if (err != nil) != tc.err || (!tc.err && f != tc.want) {
			t.Errorf("Float from %s = %g, %v; want %g, error %v", tc.in, f, err, tc.want, tc.err)
		}
		if !tc.err {
			assertEncodes(t, f, tc.enc)
		}
	}
}

// TestTimeDecode covers both timestamp generations and checks that
// re-encoding keeps the layout the value came in.
func TestTimeDecode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		enc  string // re-encoded JSON
		err  bool
	}{
		{in: `"2025-06-20 12:00:43.066217"`, want: time.Date(2025, 6, 20, 12, 0, 43, 66217000, time.UTC), enc: `"2025-06-20 12:00:43.066217"`},
		{in: `"2021-07-14 14:17:37.711"`, want: time.Date(2021, 7, 14, 14, 17, 37, 711000000, time.UTC), enc: `"2021-07-14 14:17:37.711000"`},
		{in: `"2022-01-01 00:00:00.000000"`, want: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), enc: `"2022-01-01 00:00:00.000000"`},
		{in: `"2021-07-10 00:00:00"`, want: time.Date(2021, 7, 10, 0, 0, 0, 0, time.UTC), enc: `"2021-07-10 00:00:00.000000"`},
		{in: `"2026-03-01T10:00:00Z"`, want: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), enc: `"2026-03-01T10:00:00Z"`},
		{in: `"2026-03-01T10:00:00.123+02:00"`, want: time.Date(2026, 3, 1, 8, 0, 0, 123000000, time.UTC), enc: `"2026-03-01T08:00:00.123Z"`},
		{in: `"2025-11-26T16:32:30.825138Z"`, want: time.Date(2025, 11, 26, 16, 32, 30, 825138000, time.UTC), enc: `"2025-11-26T16:32:30.825138Z"`},
		{in: `null`, enc: `""`},
		{in: `""`, enc: `""`},
		{in: `"yesterday"`, err: true},
		{in: `"2026-13-01T00:00:00Z"`, err: true},
		{in: `"0000-01-01T00:00:00+01:00"`, err: true},
		{in: `"2025-06-20 25:00:00"`, err: true},
		{in: `1750420843`, err: true},
		{in: `{}`, err: true},
	} {
		var got Time
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.err || (!tc.err && !got.Time.Equal(tc.want)) {
			t.Errorf("Time from %s = %v, %v; want %v, error %v", tc.in, got.Time, err, tc.want, tc.err)
		}
		if !tc.err {
			assertEncodes(t, got, tc.enc)
		}
	}
}

func assertEncodes(t *testing.T, v any, want string) {
	t.Helper()
	if b, err := json.Marshal(v); err != nil || string(b) != want {
		t.Errorf("%T %v encodes as %s, %v; want %s", v, v, b, err, want)
	}
}

// TestStatus covers status names, known statuses, parsing, and keeping
// unknown values verbatim.
func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		s     Status
		name  string
		known bool
	}{
		{StatusReady, "READY", true},
		{StatusError, "ERROR", true},
		{"Status.MIGRATING", "MIGRATING", false},
		{"weird", "weird", false},
		{"", "", false},
	} {
		if tc.s.Name() != tc.name || tc.s.Known() != tc.known {
			t.Errorf("%q: Name %q Known %v; want %q %v", tc.s, tc.s.Name(), tc.s.Known(), tc.name, tc.known)
		}
	}
	for _, s := range AllStatuses {
		if !s.Known() || ParseStatus(s.Name()) != s {
			t.Errorf("%q: not known or does not parse back from %q", s, s.Name())
		}
	}
	for in, want := range map[string]Status{
		"READY": StatusReady, "ready": StatusReady, "Status.READY": StatusReady, " deploying ": StatusDeploying,
		"": "", "migrating": "Status.MIGRATING", "Status.MIGRATING": "Status.MIGRATING", "status.ready": StatusReady, "Status.": "",
	} {
		if got := ParseStatus(in); got != want {
			t.Errorf("ParseStatus(%q) = %q, want %q", in, got, want)
		}
	}
	var d DeploymentStatus
	if err := json.Unmarshal([]byte(`{"current_status":"Status.MIGRATING","last_status":"Status.READY"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.CurrentStatus != "Status.MIGRATING" || d.CurrentStatus.Known() || d.LastStatus != StatusReady {
		t.Errorf("decoded statuses %q, %q", d.CurrentStatus, d.LastStatus)
	}
	if b, _ := json.Marshal(d); !strings.Contains(string(b), `"current_status":"Status.MIGRATING"`) {
		t.Errorf("unknown status not kept verbatim: %s", b)
	}
}

// TestDeploymentQueryValidate covers the query rules of the deployments list.
func TestDeploymentQueryValidate(t *testing.T) {
	f := func(field, op string, v any) QueryFilter { return QueryFilter{Field: field, Operator: op, Value: v} }
	for _, tc := range []struct {
		name string
		q    *DeploymentQuery
		err  string // substring; "" means valid
	}{
		{"nil", nil, ""},
		{"empty", &DeploymentQuery{}, ""},
		{"eq", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpEq, "ready")}}, ""},
		{"in []string", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpIn, []string{"ready", "error"})}}, ""},
		{"nin []any", &DeploymentQuery{Filters: []QueryFilter{f(FieldTags, OpNin, []any{"a"})}}, ""},
		{"two fields", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpEq, "ready"), f(FieldApplication, OpEq, "a")}}, ""},
		{"order", &DeploymentQuery{OrderBy: []QueryOrder{{FieldCreatedAt, "desc"}}}, ""},
		{"two filters on one field", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpEq, "ready"), f(FieldStatus, OpNeq, "error")}}, "two filters"},
		{"in without a list", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpIn, "ready")}}, "needs a list"},
		{"eq with a list", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, OpEq, []string{"ready"})}}, "needs a single"},
		{"unknown operator", &DeploymentQuery{Filters: []QueryFilter{f(FieldStatus, "like", "ready")}}, "unknown filter operator"},
		{"unknown field", &DeploymentQuery{Filters: []QueryFilter{f("colour", OpEq, "red")}}, "unknown filter field"},
		{"bad order", &DeploymentQuery{OrderBy: []QueryOrder{{FieldCreatedAt, "up"}}}, "asc or desc"},
	} {
		err := tc.q.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.err)
		}
	}
	// A query decoded from JSON carries []any lists.
	var q DeploymentQuery
	if err := json.Unmarshal([]byte(`{"filters":[{"field":"status","operator":"in","value":["ready","error"]}]}`), &q); err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(); err != nil {
		t.Errorf("decoded in-query: %v", err)
	}
}
