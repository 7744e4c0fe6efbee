// Package spectest checks HTTP traffic against Edgegap's published API
// specs. Only tests use it.
//
// Three documents are loaded from api/testdata/openapi: the official v1
// and v2 OpenAPI 3.0 specs, and the 2024 Swagger 2.0 dump (converted to
// OpenAPI 3), which is the only spec that covers Smart Fleets. The vendor
// documents have a few defects. patch fixes them, and each fix has a
// comment saying why it does not weaken the check.
//
// Formats: kin-openapi's defaults (v0.152.0) are kept as they are.
// "date-time" must match RFC 3339, "date" must be a full-date, "byte" must
// be base64, and int32/int64 must be in range. Formats with no validator
// (such as the legacy "mask") pass. The default date-time check would
// reject every real v1 timestamp ("2025-06-20 12:00:43.066217"), so patch
// moves those fields to a document-scoped format (see timestampFormat)
// rather than loosening date-time for everyone.
//
// Header parameters: every v1 and v2 operation declares Accept and
// Content-Type as optional string header parameters. They are validated
// as declared, which accepts any value the client sends. The v1
// self-stop operation requires an `authorization` header parameter (the
// deployment's delete token). It is validated like any required header:
// it must be present. That is the same header that carries the API key,
// and requireAuthHeader only checks that it is present.
package spectest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/oasdiff/yaml"
)

// Names of the three specs, as used in Operation.Spec.
const (
	V1     = "v1"
	V2     = "v2"
	Legacy = "legacy"
)

// specFiles maps each spec name to its file under api/testdata/openapi.
var specFiles = map[string]string{
	V1:     "edgegap-v1-openapi.yaml",
	V2:     "edgegap-v2-openapi.yaml",
	Legacy: "edgegap-legacy-swagger-2024.yaml",
}

// specNames lists the specs in a fixed order.
var specNames = []string{V1, V2, Legacy}

// apiServer is the real API's origin. Before routing, the Transport moves
// every request here, because the test server is on 127.0.0.1.
const apiServer = "https://api.edgegap.com"

// Specs holds the three patched and validated documents and a router for
// each one. Tests share it, so treat the documents as read-only.
type Specs struct {
	V1     *openapi3.T // official v1 spec: paths /v1/..., server https://api.edgegap.com
	V2     *openapi3.T // official v2 spec: paths /deployments, /private-fleets/..., server https://api.edgegap.com/v2
	Legacy *openapi3.T // 2024 swagger converted to OpenAPI 3, reduced to Smart Fleets (/v1/fleet*, /v1/fleets)

	docs    map[string]*openapi3.T      // by spec name
	routers map[string][]routers.Router // by spec name, tried in order
}

// Operation is one operation of a spec.
type Operation struct {
	Spec        string // V1, V2 or Legacy
	Method      string // "GET"
	Path        string // the template as the client sends it, for example "/v1/status/{deployment_id}" or "/v2/deployments"
	OperationID string // may be empty
}

// ID is the operation's id, or "METHOD /path" when the spec gives no id.
func (o Operation) ID() string {
	if o.OperationID != "" {
		return o.OperationID
	}
	return o.Method + " " + o.Path
}

var (
	loadOnce sync.Once
	loaded   *Specs
	errLoad  error
)

// Load returns the three specs. They are loaded, patched and validated
// once per test binary. To find the files, Load walks up from the working
// directory (a test's package directory) to go.mod, then opens
// api/testdata/openapi. If anything fails, tb fails.
func Load(tb testing.TB) *Specs {
	tb.Helper()
	loadOnce.Do(func() { loaded, errLoad = load() })
	if errLoad != nil {
		tb.Fatalf("spectest: %v", errLoad)
	}
	return loaded
}

func load() (*Specs, error) {
	s := &Specs{docs: map[string]*openapi3.T{}, routers: map[string][]routers.Router{}}
	for _, name := range specNames {
		doc, err := loadRaw(name)
		if err != nil {
			return nil, err
		}
		if err := patch(name, doc); err != nil {
			return nil, fmt.Errorf("patching %s: %w", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("%s spec is invalid after patching: %w", name, err)
		}
		rs, err := newRouters(doc)
		if err != nil {
			return nil, fmt.Errorf("%s router: %w", name, err)
		}
		s.docs[name], s.routers[name] = doc, rs
	}
	s.V1, s.V2, s.Legacy = s.docs[V1], s.docs[V2], s.docs[Legacy]
	return s, nil
}

// verbPath matches templates whose last segment has a custom verb after
// a parameter, such as /v1/deployments/{deployment_id}:report.
var verbPath = regexp.MustCompile(`\}:[^/]*$`)

// newRouters builds the routers for doc, to be tried in order.
// gorillamux tries paths in Paths.InMatchingOrder. That order puts
// /v1/deployments/{request_id} before /v1/deployments/{deployment_id}:report,
// so "POST .../abc:report" would match the PATCH-only path and be
// rejected as "method not allowed". Paths with a verb after a parameter
// therefore get their own router, which is tried first. It only matches
// URLs that end in the verb.
func newRouters(doc *openapi3.T) ([]routers.Router, error) {
	verbs, rest := *doc, *doc
	verbs.Paths, rest.Paths = openapi3.NewPaths(), openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if verbPath.MatchString(path) {
			verbs.Paths.Set(path, item)
		} else {
			rest.Paths.Set(path, item)
		}
	}
	var rs []routers.Router
	for _, d := range []*openapi3.T{&verbs, &rest} {
		if d.Paths.Len() == 0 {
			continue
		}
		r, err := gorillamux.NewRouter(d)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// loadRaw reads the named spec as the vendor published it: not patched
// and not validated. The Swagger 2.0 document is converted to OpenAPI 3.
func loadRaw(name string) (*openapi3.T, error) {
	dir, err := specDir()
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, specFiles[name])
	if name != Legacy {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromFile(file)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", file, err)
		}
		return doc, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	// The same decoding kin-openapi's openapi2 package uses: YAML to JSON,
	// with timestamps kept as strings.
	if _, err := yaml.Unmarshal(data, &doc2, yaml.DecodeOpts{DisableTimestamps: true}); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", file, err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("converting %s to OpenAPI 3: %w", file, err)
	}
	return doc, nil
}

// specDir finds api/testdata/openapi by walking up from the working
// directory to the module root (the directory holding go.mod).
func specDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "api", "testdata", "openapi"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// AllOperations lists every operation of the three specs, sorted by spec
// (v1, v2, legacy), then path, then method.
func (s *Specs) AllOperations() []Operation {
	var ops []Operation
	for _, name := range specNames {
		doc := s.docs[name]
		for _, path := range doc.Paths.InMatchingOrder() {
			for method, op := range doc.Paths.Value(path).Operations() {
				ops = append(ops, Operation{Spec: name, Method: method, Path: clientPath(name, path), OperationID: op.OperationID})
			}
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		if c := slices.Index(specNames, a.Spec) - slices.Index(specNames, b.Spec); c != 0 {
			return c
		}
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	})
	return ops
}

// clientPath is a spec path as the client sends it. v2 paths are
// relative to the server URL https://api.edgegap.com/v2.
func clientPath(spec, path string) string {
	if spec == V2 {
		return "/v2" + path
	}
	return path
}

// specFor picks the spec that documents a request path. Smart Fleet paths
// are in the legacy swagger only, and /v2 paths are in the v2 spec.
func specFor(path string) string {
	switch {
	case strings.HasPrefix(path, "/v2/"):
		return V2
	case path == "/v1/fleet", path == "/v1/fleets", strings.HasPrefix(path, "/v1/fleet/"), strings.HasPrefix(path, "/v1/fleets/"):
		return Legacy
	}
	return V1
}
