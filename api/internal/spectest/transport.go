package spectest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Transport is an http.RoundTripper that checks every request against the
// spec that documents it, and every response as a response of that
// operation. It records problems and never fails the exchange: the caller
// gets the response (body included) exactly as next returned it. Use
// Problems or Check once the client is done. Transport is safe for
// concurrent use.
type Transport struct {
	specs *Specs
	next  http.RoundTripper

	mu       sync.Mutex
	problems []string
	seen     map[string]bool // "operation-id status"
}

// Transport wraps next (http.DefaultTransport if nil) in a checking
// Transport.
func (s *Specs) Transport(next http.RoundTripper) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Transport{specs: s, next: next, seen: map[string]bool{}}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := drain(req.Body)
	if err != nil {
		return nil, err
	}
	send := req.Clone(req.Context())
	setBody(send, reqBody)

	ex, err := t.specs.route(context.WithoutCancel(req.Context()), req.Method, req.URL, req.Header, reqBody)
	if err != nil {
		t.record("%s %s: %v", req.Method, req.URL.Path, err)
	} else if err := ex.validateRequest(); err != nil {
		t.record("%s %s request: %v", req.Method, ex.op.Path, err)
	}

	resp, err := t.next.RoundTrip(send)
	if err != nil || ex == nil {
		return resp, err
	}
	respBody, err := drain(resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	t.mu.Lock()
	t.seen[fmt.Sprintf("%s %d", ex.op.ID(), resp.StatusCode)] = true
	t.mu.Unlock()
	if err := ex.validateResponse(resp.StatusCode, resp.Header, respBody); err != nil {
		t.record("%s %s → %d: %v", req.Method, ex.op.Path, resp.StatusCode, err)
	}
	return resp, nil
}

func (t *Transport) record(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.problems = append(t.problems, fmt.Sprintf(format, args...))
}

// Problems returns the violations seen so far, in order. Each one starts
// with the method and the path template, for example
// "GET /v1/status/{deployment_id} → 200: <validation error>" for a response
// or "POST /v1/deploy request: <validation error>" for a request.
func (t *Transport) Problems() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.problems)
}

// Operations returns, sorted, every operation that got a response, paired
// with the response's status code, for example "deployment-get 200" or
// "deployment-delete 410". The id is Operation.ID(). Compare it with
// AllOperations to check coverage.
func (t *Transport) Operations() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.seen))
	for k := range t.seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Check reports every problem through tb.Errorf.
func (t *Transport) Check(tb testing.TB) {
	tb.Helper()
	for _, p := range t.Problems() {
		tb.Errorf("OpenAPI violation: %s", p)
	}
}

// ValidateResponse checks one response, outside any client, as the
// answer to method and path. path may be a concrete path
// ("/v1/status/c0653765de3b", query allowed) or a template with
// {placeholders}, which are replaced with dummy values. header may be nil;
// a JSON Content-Type is then assumed when body is not empty.
func (s *Specs) ValidateResponse(method, path string, status int, header http.Header, body []byte) error {
	ex, err := s.exchangeFor(method, path, nil, nil)
	if err != nil {
		return err
	}
	return ex.validateResponse(status, jsonHeader(header, body), body)
}

// ValidateRequest checks one request, outside any client, in the same
// way as ValidateResponse. An Authorization header is added if header
// has none, because credentials are not the point here.
func (s *Specs) ValidateRequest(method, path string, header http.Header, body []byte) error {
	h := jsonHeader(header, body)
	if h.Get("Authorization") == "" {
		h.Set("Authorization", "token spectest")
	}
	ex, err := s.exchangeFor(method, path, h, body)
	if err != nil {
		return err
	}
	return ex.validateRequest()
}

var placeholder = regexp.MustCompile(`\{[^{}/]+\}`)

func (s *Specs) exchangeFor(method, path string, header http.Header, body []byte) (*exchange, error) {
	u, err := url.Parse(placeholder.ReplaceAllStringFunc(path, func(p string) string { return "x" + p[1:len(p)-1] }))
	if err != nil {
		return nil, err
	}
	return s.route(context.Background(), method, u, header, body)
}

// jsonHeader copies h and, if the body is not empty and h has no
// Content-Type, sets application/json.
func jsonHeader(h http.Header, body []byte) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	if len(body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return h
}

// exchange is a request matched to its operation.
type exchange struct {
	op    Operation
	input *openapi3filter.RequestValidationInput
	body  []byte
}

// route finds the operation of a request. It uses a copy of the request
// that is addressed to the real API server, so the spec's servers match.
func (s *Specs) route(ctx context.Context, method string, u *url.URL, header http.Header, body []byte) (*exchange, error) {
	name := specFor(u.Path)
	target := *u
	target.Scheme, target.Host = "https", strings.TrimPrefix(apiServer, "https://")
	req, err := http.NewRequestWithContext(ctx, method, target.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	var route *routers.Route
	var params map[string]string
	for _, r := range s.routers[name] {
		if route, params, err = r.FindRoute(req); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("not an operation of the %s spec: %w", name, err)
	}
	doc := s.docs[name]
	opts := &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		AuthenticationFunc:      requireAuthHeader,
		SchemaValidationOptions: doc.GetSchemaValidationOptions(),
	}
	return &exchange{
		op:    Operation{Spec: name, Method: method, Path: clientPath(name, route.Path), OperationID: route.Operation.OperationID},
		input: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		body:  body,
	}, nil
}

func (ex *exchange) validateRequest() error {
	setBody(ex.input.Request, ex.body)
	return openapi3filter.ValidateRequest(ex.input.Request.Context(), ex.input)
}

func (ex *exchange) validateResponse(status int, header http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ex.input,
		Status:                 status,
		Header:                 header,
		Options:                ex.input.Options,
	}
	return openapi3filter.ValidateResponse(ex.input.Request.Context(), in.SetBodyBytes(body))
}

// requireAuthHeader is the AuthenticationFunc. Every security scheme of
// the three specs is an API key in a header (Authorization: token
// <uuid>). The header must be there and not empty. Its value is not
// checked: the simulator decides which tokens it accepts.
func requireAuthHeader(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	if scheme.Type != "apiKey" || scheme.In != openapi3.ParameterInHeader {
		return in.NewError(fmt.Errorf("spectest supports header API keys only, not %s in %s", scheme.Type, scheme.In))
	}
	if in.RequestValidationInput.Request.Header.Get(scheme.Name) == "" {
		return in.NewError(fmt.Errorf("missing %s header", scheme.Name))
	}
	return nil
}

// drain reads and closes a body, which may be nil.
func drain(body io.ReadCloser) ([]byte, error) {
	if body == nil || body == http.NoBody {
		return nil, nil
	}
	defer body.Close()
	return io.ReadAll(body)
}

// setBody gives req a body that can be read again.
func setBody(req *http.Request, body []byte) {
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
}
