package spectest

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// timestampFormat is the format patch puts on the v1 timestamp fields
// that the vendor spec marks as date-time. validateTimestamp checks it.
const timestampFormat = "edgegap-timestamp"

// validateTimestamp accepts what the format means in practice. That is
// the v1 layout "2006-01-02 15:04:05[.fraction]" (UTC, no zone), which
// the live API sends and the spec's own examples use, or RFC 3339, which
// is what the spec says. Anything else fails, as with date-time.
func validateTimestamp(s string) error {
	if _, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
		return nil
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return nil
	}
	return fmt.Errorf("%q is neither a v1 timestamp (2006-01-02 15:04:05.999999) nor RFC 3339", s)
}

// patch fixes the known defects of the vendor spec name in place, so that
// doc.Validate passes and the spec describes the API the docs document.
// Every fix states what is broken and why the fix does not weaken
// validation. A fix that changes a different number of places than
// expected returns an error, so a new vendor spec gets reviewed instead
// of being patched blindly.
func patch(name string, doc *openapi3.T) error {
	var errs []error
	expect := func(what string, want, got int) {
		if got != want {
			errs = append(errs, fmt.Errorf("%s: patched %d places, want %d", what, got, want))
		}
	}

	switch name {
	case V1:
		// (v1-a) `time_to_deploy` has `default: 10` and `example: 10` but
		// `minimum: 15`. This happens in the app-version create body, the
		// app-version update body and the AppVersion schema. Validate
		// rejects a default or an example that breaks its own schema. The
		// real default is not documented, so both are removed (the spec's
		// request examples use 30). Defaults and examples never limit
		// which values validate, so `minimum: 15` still applies in full.
		expect("v1 time_to_deploy default and example", 3, walkSchemas(doc, func(ptr string, s *openapi3.Schema) bool {
			if !strings.HasSuffix(ptr, "/properties/time_to_deploy") || s.Default == nil {
				return false
			}
			s.Default, s.Example = nil, nil
			return true
		}))

		// (v1-b) Every v1 timestamp is declared `format: date-time` (RFC 3339).
		// The spec's own examples ('2026-04-22 12:00:46.444265'), the
		// docs and the live API all use the v1 layout: space separator, no
		// zone, UTC. kin-openapi checks date-time against RFC 3339 by
		// default, so every real status, tag and metrics query would fail.
		// MetricsModel.timestamps items have the same problem: they are
		// declared `format: date` but hold timestamps ('2021-07-14
		// 14:17:37.711'). These schemas get timestampFormat instead, a
		// format registered on this document only. It accepts the v1
		// layout or RFC 3339 and nothing else, so garbage strings still
		// fail. kin-openapi's global formats are not changed.
		doc.SetStringFormatValidator(timestampFormat, openapi3.NewCallbackValidator(validateTimestamp))
		expect("v1 timestamp formats", 10, walkSchemas(doc, func(ptr string, s *openapi3.Schema) bool {
			metrics := s.Format == "date" && strings.HasSuffix(ptr, "/MetricsModel/properties/timestamps/items")
			if s.Format != "date-time" && !metrics {
				return false
			}
			s.Format = timestampFormat
			return true
		}))

		// (v1-c) Some query parameters have a parameter-level example
		// that breaks their own schema. `page` and `limit` (16 operations)
		// have `example: 0` while the schema says `minimum: 1` (and gives
		// its own example, 2 or 20). The metrics `raw` flag has
		// `example: 'false'`, a string for a boolean. Validate rejects
		// these. Examples are documentation and are never used to validate
		// traffic, so these parameter-level examples are dropped. The
		// schemas are unchanged.
		n := 0
		_ = doc.WalkParameters(func(_ string, p *openapi3.ParameterRef) error {
			if v := p.Value; v.Example != nil && v.Schema != nil && v.Schema.Value.VisitJSON(v.Example) != nil {
				v.Example = nil
				n++
			}
			return nil
		})
		expect("v1 parameter examples", 17, n)

	case Legacy:
		// (legacy-a) The swagger has no `host`, so the conversion yields the
		// server "/". The Smart Fleet endpoints are served by
		// https://api.edgegap.com (API-NOTES §1). Routing needs the real
		// server. This has nothing to do with validation.
		doc.Servers = openapi3.Servers{{URL: apiServer}}

		// (legacy-b) `info.version` is missing, but it is required in
		// Swagger 2.0 and OpenAPI 3, so Validate fails. It is set to the
		// month of the dump. This is metadata only.
		if doc.Info.Version == "" {
			doc.Info.Version = "2024-05"
		}

		// (legacy-c) Only Smart Fleets come from the swagger (it is the
		// only spec for them). Everything else it describes is covered by
		// the official v1 spec, and the Transport never routes those
		// requests here. Its other paths and its unused component schemas
		// are removed. Those unused schemas carry broken examples, such as
		// pagination given as the string "{}" and matchmaker data items
		// given as "". The Smart Fleet operations and every schema they
		// reference stay as they are.
		n := 0
		for path := range doc.Paths.Map() {
			if specFor(path) != Legacy {
				doc.Paths.Delete(path)
				n++
			}
		}
		if n == 0 || doc.Paths.Len() != 6 {
			errs = append(errs, fmt.Errorf("legacy scope: %d Smart Fleet paths left, want 6", doc.Paths.Len()))
		}
		pruneUnusedSchemas(doc)

		// (legacy-d) DELETE /v1/fleet/{fleet_name}/policies/{policy_name}
		// declares only 400/401/404, so any success would break the spec.
		// The documented example
		// (examples/delete_v1_fleet_fleet_name_policies_policy_name.json),
		// like fleet delete, answers 200 {"message": ...}. The 200 answer
		// is added with the swagger's own FleetDeleteResponse schema
		// ({message} required). Other statuses stay undeclared.
		if op := doc.Paths.Value("/v1/fleet/{fleet_name}/policies/{policy_name}"); op == nil || op.Delete == nil {
			errs = append(errs, errors.New("legacy: policy delete operation not found"))
		} else if op.Delete.Responses.Value("200") != nil {
			errs = append(errs, errors.New("legacy: policy delete already declares 200; drop the patch"))
		} else {
			errs = append(errs, setJSONResponse(doc, op.Delete, http.StatusOK, "FleetDeleteResponse"))
		}

		// (legacy-e) Smart Fleets were deprecated on 2026-03-01 (docs page
		// "Private Fleets"). API-NOTES §1 says accounts without them get an
		// error, typically 404 {"message"}. The 2024 swagger predates that:
		// 10 of its 12 fleet operations declare 404 with the Error schema,
		// but POST /v1/fleet and GET /v1/fleets do not. Those two get the
		// same 404 answer as their siblings. Only this one status is
		// added, and its body is checked like every other error.
		n = 0
		for _, path := range doc.Paths.InMatchingOrder() {
			for _, op := range doc.Paths.Value(path).Operations() {
				if op.Responses.Value("404") == nil {
					errs = append(errs, setJSONResponse(doc, op, http.StatusNotFound, "Error"))
					n++
				}
			}
		}
		expect("legacy 404 after the deprecation", 2, n)
	}

	// (all) No spec declares 429. API-NOTES §2.3 documents it as the
	// rate-limit answer, with a JSON {"message": ...} body. Every
	// operation gets a 429 answer that uses the document's own Error
	// schema ({message} required). Only this one status is added, and its
	// body is checked as strictly as the other error answers.
	n := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.Responses.Value("429") != nil {
				errs = append(errs, fmt.Errorf("%s %s already declares 429; drop the patch", name, path))
				continue
			}
			errs = append(errs, setJSONResponse(doc, op, http.StatusTooManyRequests, "Error"))
			n++
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("%s: no operation got a 429 answer", name))
	}
	return errors.Join(errs...)
}

// walkSchemas calls fix on every schema of doc and counts the calls that
// return true.
func walkSchemas(doc *openapi3.T, fix func(ptr string, s *openapi3.Schema) bool) int {
	n := 0
	_ = doc.WalkSchemas(func(ptr string, sr *openapi3.SchemaRef) error {
		if fix(ptr, sr.Value) {
			n++
		}
		return nil
	})
	return n
}

// setJSONResponse declares on op an application/json answer with the
// given status, whose body is the named component schema of doc.
func setJSONResponse(doc *openapi3.T, op *openapi3.Operation, status int, schema string) error {
	target := doc.Components.Schemas[schema]
	if target == nil {
		return fmt.Errorf("component schema %q not found", schema)
	}
	ref := &openapi3.SchemaRef{Ref: "#/components/schemas/" + schema, Value: target.Value}
	op.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Value: openapi3.NewResponse().
		WithDescription(http.StatusText(status)).
		WithJSONSchemaRef(ref)})
	return nil
}

// pruneUnusedSchemas deletes the component schemas that no path reaches.
func pruneUnusedSchemas(doc *openapi3.T) {
	used := map[*openapi3.Schema]bool{}
	pathsOnly := &openapi3.T{Paths: doc.Paths}
	_ = pathsOnly.WalkSchemas(func(_ string, sr *openapi3.SchemaRef) error {
		used[sr.Value] = true
		return nil
	})
	for name, sr := range doc.Components.Schemas {
		if !used[sr.Value] {
			delete(doc.Components.Schemas, name)
		}
	}
}
