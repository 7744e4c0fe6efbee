package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The independent check: Stoplight Prism, serving the vendor's OpenAPI
// specs, validates every request the console sends and every answer the
// simulator gives (proxy), and stands in for the API with the specs' own
// examples and with seeded schema-valid random data (mock). It needs
// Prism (`npm ci --prefix .ci`) and the specs, so it runs only with
// GAPDECK_PRISM=1 (.ci/run sets it); plain `go test ./...` skips it.
//
// Three Prism processes serve the three specs: v1, v2 (whose server is
// …/v2, so its paths lack the prefix) and the legacy 2024 swagger, the
// only one describing Smart Fleets and their policies. A router in front
// (prismRouter) sends each request to the right one, counts requests per
// endpoint group and collects Prism's verdicts (the sl-violations header
// of each answer, and its own problem answers when a request is refused).

// prismEnabled reports whether the Prism stage was asked for.
func prismEnabled() bool { return os.Getenv("GAPDECK_PRISM") == "1" }

// requirePrism skips t unless GAPDECK_PRISM=1, and then insists on Prism
// and the specs being there; it returns the prism command.
func requirePrism(t *testing.T) string {
	t.Helper()
	if !prismEnabled() {
		t.Skip("the Prism stage runs with GAPDECK_PRISM=1 (see .ci/run)")
	}
	requireTmux(t)
	bin, err := prismCommand()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// prismCommand is Prism as `npm ci --prefix .ci` installs it.
func prismCommand() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, ".ci", "node_modules", ".bin", "prism")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("prism is not installed (run `npm ci --prefix .ci`): %w", err)
	}
	return bin, nil
}

// specDir holds the vendor's specs: GAPDECK_SPECS, or
// ../shared/edgegap-api/openapi beside the repository.
func specDir() (string, error) {
	if d := os.Getenv("GAPDECK_SPECS"); d != "" {
		return d, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "edgegap-api", "openapi"), nil
}

// prismSpec is one spec Prism serves.
type prismSpec struct {
	name string // v1, v2, legacy
	file string
}

// prismSpecs are the three specs.
var prismSpecs = []prismSpec{
	{"v1", "edgegap-v1-openapi.yaml"},
	{"v2", "edgegap-v2-openapi.yaml"},
	{"legacy", "edgegap-legacy-swagger-2024.yaml"},
}

// prismSpecFor names the spec that describes path: /v2/… is v2's (its
// server carries the prefix), Smart Fleets and policies are only in the
// legacy swagger, the rest is v1's.
func prismSpecFor(path string) string {
	switch {
	case path == "/v2" || strings.HasPrefix(path, "/v2/"):
		return "v2"
	case path == "/v1/fleets" || path == "/v1/fleet" || strings.HasPrefix(path, "/v1/fleet/"):
		return "legacy"
	}
	return "v1"
}

// prismProcess is one running Prism.
type prismProcess struct {
	url string
	cmd *exec.Cmd
	out *lockedBuffer
}

// lockedBuffer is Prism's output, kept for a failure message.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep the start: it says why Prism did not start
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort is a loopback port nobody listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startPrism runs `prism <args…>` on a free loopback port and waits until
// it listens (spec parsing takes seconds on a loaded machine). stop kills it.
func startPrism(bin string, args ...string) (*prismProcess, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args = append(args, "--host", "127.0.0.1", "--port", fmt.Sprint(port), "--cors", "false", "--verboseLevel", "warn")
	cmd := exec.Command(bin, args...)
	// Prism's dependencies report installs to a telemetry service; CI
	// never asks for it, and a CI machine may have no network.
	cmd.Env = append(os.Environ(), "SCARF_ANALYTICS=false", "DO_NOT_TRACK=1", "NO_COLOR=1")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &prismProcess{url: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, out: out}
	deadline := time.Now().Add(90 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return p, nil
		}
		if cmd.ProcessState != nil || time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("prism %s did not listen on %d in 90 s:\n%s", strings.Join(args, " "), port, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop kills the Prism process.
func (p *prismProcess) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// startPrismSet runs one Prism per spec: `prism proxy SPEC upstream` (the
// v2 proxy's upstream is upstream+"/v2") or `prism mock SPEC extra…`.
func startPrismSet(bin, mode, upstream string, extra ...string) (map[string]*prismProcess, error) {
	dir, err := specDir()
	if err != nil {
		return nil, err
	}
	set := map[string]*prismProcess{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, s := range prismSpecs {
		args := []string{mode, filepath.Join(dir, s.file)}
		if mode == "proxy" {
			up := upstream
			if s.name == "v2" {
				up += "/v2"
			}
			args = append(args, up)
		}
		args = append(args, extra...)
		wg.Add(1)
		go func(name string, args []string) {
			defer wg.Done()
			p, err := startPrism(bin, args...)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			set[name] = p
		}(s.name, args)
	}
	wg.Wait()
	if firstErr != nil {
		for _, p := range set {
			p.stop()
		}
		return nil, firstErr
	}
	return set, nil
}

// prismViolation is one thing Prism found wrong with a request or answer.
type prismViolation struct {
	Method, Path string // the request as the console sent it
	Spec         string
	Location     string // request.query.start_time, response.body.data.0.ports…
	Code         string // format, type, required, NO_PATH_MATCHED_ERROR…
	Severity     string
	Message      string
	Allowed      string // the allow-list entry's reason, or ""
}

func (v prismViolation) String() string {
	return fmt.Sprintf("%s %s (%s spec): %s [%s] %s", v.Method, v.Path, v.Spec, v.Location, v.Code, v.Message)
}

// prismRouter is the API as the console sees it: a path router over the
// three Prism processes, counting requests per endpoint group and
// collecting violations.
type prismRouter struct {
	srv      *httptest.Server
	allow    []allowEntry
	simBase  string // proxy mode: the simulator, where Prism's back end forwards
	prisms   map[string]*prismProcess
	proxies  map[string]*httputil.ReverseProxy
	direct   *httputil.ReverseProxy // to the simulator, for requests Prism refused for an allowed defect
	started  time.Time
	mu       sync.Mutex
	counts   map[api.Group]int
	uris     map[string]int // method and URI: the most repeated show in the report
	requests int
	checked  int // answers Prism validated
	viols    []prismViolation
}

// simHeader carries the simulator's base URL through a shared Prism proxy
// to prismBackend (Prism forwards request headers).
const simHeader = "X-Gapdeck-Sim"

// newPrismRouter routes to prisms; in proxy mode simBase is the simulator
// the requests are for.
func newPrismRouter(prisms map[string]*prismProcess, allow []allowEntry, simBase string) *prismRouter {
	r := &prismRouter{prisms: prisms, allow: allow, simBase: simBase, proxies: map[string]*httputil.ReverseProxy{}, counts: map[api.Group]int{}, uris: map[string]int{}, started: time.Now()}
	for name, p := range prisms {
		target, _ := url.Parse(p.url)
		rp := httputil.NewSingleHostReverseProxy(target)
		rp.ModifyResponse = r.inspect
		rp.ErrorHandler = r.proxyError
		r.proxies[name] = rp
	}
	if simBase != "" {
		target, _ := url.Parse(simBase)
		r.direct = httputil.NewSingleHostReverseProxy(target)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

// URL is the router's base URL: the console's api_url.
func (r *prismRouter) URL() string { return r.srv.URL }

// Close stops the router (not the Prism processes).
func (r *prismRouter) Close() { r.srv.Close() }

// exchangeKey carries, in a request's context, what the router needs
// after Prism answered: the request as the console sent it.
type exchangeKey struct{}

// exchange is the request as the console sent it.
type exchange struct {
	uri  string // path and query before routing
	path string
	body []byte
}

// errAllowedRefusal is inspect's word that Prism refused a request only
// for allowed spec defects: the simulator answers it directly.
var errAllowedRefusal = errors.New("prism refused the request for allowed spec defects only")

// serve sends one request to the Prism process of its spec.
func (r *prismRouter) serve(w http.ResponseWriter, req *http.Request) {
	path := req.URL.Path
	spec := prismSpecFor(path)
	r.mu.Lock()
	r.requests++
	r.counts[api.GroupForPath(req.Method, path)]++
	r.uris[req.Method+" "+req.URL.RequestURI()]++
	r.mu.Unlock()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	ex := &exchange{uri: req.URL.RequestURI(), path: path, body: body}
	out := req.Clone(context.WithValue(req.Context(), exchangeKey{}, ex))
	out.Body = io.NopCloser(bytes.NewReader(body))
	if r.simBase != "" {
		out.Header.Set(simHeader, r.simBase)
	}
	if spec == "v2" {
		out.URL.Path = strings.TrimPrefix(path, "/v2")
		out.URL.RawPath = ""
		if out.URL.Path == "" {
			out.URL.Path = "/"
		}
	}
	r.proxies[spec].ServeHTTP(w, out)
}

// proxyError answers a request Prism refused for allowed defects from the
// simulator (unvalidated), and any other failure with a 502.
func (r *prismRouter) proxyError(w http.ResponseWriter, req *http.Request, err error) {
	ex, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if errors.Is(err, errAllowedRefusal) && r.direct != nil && ex != nil {
		direct := req.Clone(req.Context())
		direct.URL, _ = url.ParseRequestURI(ex.uri)
		direct.Body = io.NopCloser(bytes.NewReader(ex.body))
		direct.ContentLength = int64(len(ex.body))
		r.direct.ServeHTTP(w, direct)
		return
	}
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, `{"message":"prism router: %s"}`, strings.ReplaceAll(err.Error(), `"`, `'`))
}

// inspect reads Prism's verdict on one exchange.
func (r *prismRouter) inspect(resp *http.Response) error {
	req := resp.Request
	path := req.URL.Path
	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		path = ex.path
	}
	spec := prismSpecFor(path)
	var found []prismViolation
	if h := resp.Header.Get("sl-violations"); h != "" {
		found = append(found, parseViolations(req.Method, path, spec, h)...)
	}
	problem := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json")
	if problem {
		// Prism itself answered: a request it refused (no such route,
		// invalid request, missing token) or could not serve.
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		var p struct {
			Type       string `json:"type"`
			Title      string `json:"title"`
			Detail     string `json:"detail"`
			Validation []struct {
				Location []string `json:"location"`
				Severity string   `json:"severity"`
				Code     any      `json:"code"`
				Message  string   `json:"message"`
			} `json:"validation"`
		}
		_ = json.Unmarshal(raw, &p)
		kind := p.Type[strings.LastIndex(p.Type, "#")+1:]
		if len(p.Validation) > 0 && len(found) == 0 {
			for _, v := range p.Validation {
				found = append(found, prismViolation{Method: req.Method, Path: path, Spec: spec, Location: strings.Join(v.Location, "."), Code: violationCode(v.Code), Severity: v.Severity, Message: v.Message})
			}
		} else if len(found) == 0 && kind != "" {
			found = append(found, prismViolation{Method: req.Method, Path: path, Spec: spec, Location: "request", Code: kind, Severity: "Error", Message: p.Title + ": " + p.Detail})
		}
	}
	allAllowed := true
	for i := range found {
		found[i].Allowed = allowedBy(r.allow, found[i])
		if found[i].Allowed == "" {
			allAllowed = false
		}
	}
	r.mu.Lock()
	if !problem {
		r.checked++
	}
	r.viols = append(r.viols, found...)
	r.mu.Unlock()
	if problem && len(found) > 0 && allAllowed && r.direct != nil {
		return errAllowedRefusal
	}
	return nil
}

// parseViolations reads an sl-violations header. Prism cuts a long one
// ("Too many violations! [{…},{…},{…"): the whole entries before the cut
// are read, and the cut itself is one more entry (code "truncated", its
// location the last one read, so the allow-list can name it).
func parseViolations(method, path, spec, h string) []prismViolation {
	type entry struct {
		Location []string `json:"location"`
		Severity string   `json:"severity"`
		Code     any      `json:"code"`
		Message  string   `json:"message"`
	}
	cut := strings.HasPrefix(h, "Too many violations! ")
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(h, "Too many violations! ")))
	var out []prismViolation
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return []prismViolation{{Method: method, Path: path, Spec: spec, Location: "?", Code: "unreadable", Severity: "Error", Message: h}}
	}
	for dec.More() {
		var e entry
		if err := dec.Decode(&e); err != nil {
			cut = true
			break
		}
		out = append(out, prismViolation{Method: method, Path: path, Spec: spec, Location: strings.Join(e.Location, "."), Code: violationCode(e.Code), Severity: e.Severity, Message: e.Message})
	}
	if cut {
		last := "?"
		if len(out) > 0 {
			last = out[len(out)-1].Location
		}
		out = append(out, prismViolation{Method: method, Path: path, Spec: spec, Location: last, Code: "truncated", Severity: "Error", Message: "Prism cut the list of violations after " + fmt.Sprint(len(out))})
	}
	return out
}

// violationCode is Prism's code of a violation as text; "-" when it gave
// none (an answer's status code missing from the spec has none).
func violationCode(c any) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprint(c)
}

// idRun is a run of digits or a request id in a path or location, folded
// by violationKind so that one defect is reported once.
var idRun = regexp.MustCompile(`\b[0-9a-f]{12}\b|\b[0-9]+\b`)

// violationKind is v without its ids and indexes.
func violationKind(v prismViolation) string {
	return fmt.Sprintf("%s %s (%s spec): %s [%s] %s", v.Method, idRun.ReplaceAllString(v.Path, "N"), v.Spec, idRun.ReplaceAllString(v.Location, "N"), v.Code, idRun.ReplaceAllString(v.Message, "N"))
}

// allowEntry is one line of .ci/prism-allow.txt: a documented spec defect.
type allowEntry struct {
	method, path, location, code *regexp.Regexp
	reason                       string
}

// loadAllowList reads .ci/prism-allow.txt: per entry, the comment lines
// above it are its reason, then `METHOD PATH LOCATION CODE`, each a
// whole-string regexp (* is any).
func loadAllowList() ([]allowEntry, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, ".ci", "prism-allow.txt"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []allowEntry
	var reason []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			reason = nil
		case strings.HasPrefix(line, "#"):
			reason = append(reason, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		default:
			f := strings.Fields(line)
			if len(f) != 4 {
				return nil, fmt.Errorf("prism-allow.txt:%d: want METHOD PATH-RE LOCATION-RE CODE, got %q", n, line)
			}
			if len(reason) == 0 {
				return nil, fmt.Errorf("prism-allow.txt:%d: an entry needs a comment saying which spec defect it is", n)
			}
			var re [4]*regexp.Regexp
			for i, pat := range f {
				if pat == "*" {
					pat = ".*"
				}
				if re[i], err = regexp.Compile("^(?:" + pat + ")$"); err != nil {
					return nil, fmt.Errorf("prism-allow.txt:%d: %v", n, err)
				}
			}
			out = append(out, allowEntry{method: re[0], path: re[1], location: re[2], code: re[3], reason: strings.Join(reason, " ")})
		}
	}
	return out, sc.Err()
}

// allowedBy is the reason of the allow-list entry matching v, or "".
func allowedBy(list []allowEntry, v prismViolation) string {
	for _, e := range list {
		if e.method.MatchString(v.Method) && e.path.MatchString(v.Path) && e.location.MatchString(v.Location) && e.code.MatchString(v.Code) {
			return e.reason
		}
	}
	return ""
}

// report is the router's tally: requests, answers validated, violations
// allowed and not (each kind once, with its count), and requests per
// group per second.
func (r *prismRouter) report() (summary string, bad []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := time.Since(r.started).Seconds()
	allowed, notAllowed := map[string]int{}, map[string]int{}
	nBad := 0
	for _, v := range r.viols {
		if v.Allowed != "" {
			allowed[violationKind(v)]++
		} else {
			notAllowed[violationKind(v)]++
			nBad++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "prism: %d requests in %.0f s, %d answers validated, %d violations allowed, %d not allowed\n",
		r.requests, secs, r.checked, len(r.viols)-nBad, nBad)
	for _, k := range sortedKeys(allowed) {
		fmt.Fprintf(&b, "prism:   allowed %5d× %s\n", allowed[k], k)
	}
	for _, k := range sortedKeys(notAllowed) {
		fmt.Fprintf(&b, "prism:   NOT ALLOWED %5d× %s\n", notAllowed[k], k)
		bad = append(bad, fmt.Sprintf("%d× %s", notAllowed[k], k))
	}
	top := sortedKeys(r.uris)
	sort.SliceStable(top, func(i, j int) bool { return r.uris[top[i]] > r.uris[top[j]] })
	for i, k := range top {
		if i == 5 || r.uris[k] < 2 {
			break
		}
		fmt.Fprintf(&b, "prism:   repeated %4d× %s\n", r.uris[k], k)
	}
	fmt.Fprintf(&b, "prism: %-10s %8s %8s %10s\n", "group", "requests", "per s", "documented")
	groups := make(map[string]int, len(r.counts))
	for g, n := range r.counts {
		groups[string(g)] = n
	}
	for _, g := range sortedKeys(groups) {
		lim, ok := api.DocumentedLimit(api.Group(g))
		doc := "-"
		if ok {
			doc = fmt.Sprintf("%g/s", lim)
		}
		fmt.Fprintf(&b, "prism: %-10s %8d %8.2f %10s\n", g, groups[g], float64(groups[g])/secs, doc)
	}
	return b.String(), bad
}

// sortedKeys are m's keys in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rates are the requests per second since the router started, per
// endpoint group and per resource (method and URI).
func (r *prismRouter) rates() (groups map[api.Group]float64, uris map[string]float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := time.Since(r.started).Seconds()
	groups, uris = map[api.Group]float64{}, map[string]float64{}
	for g, n := range r.counts {
		groups[g] = float64(n) / secs
	}
	for u, n := range r.uris {
		uris[u] = float64(n) / secs
	}
	return groups, uris
}

// The proxy run: with GAPDECK_PRISM=1, startSim hands the end-to-end
// tests the router's URL instead of the simulator's. One set of Prism
// proxies serves the whole test binary (starting three takes seconds);
// they forward to prismBackend, which sends each request on to the
// simulator named in its X-Gapdeck-Sim header.
var proxyShared struct {
	once    sync.Once
	err     error
	prisms  map[string]*prismProcess
	backend *httptest.Server
	allow   []allowEntry
	mu      sync.Mutex
	total   []string // each simulator's summary, printed at the end
}

// proxiedSim puts Prism proxies in front of the simulator at simBase and
// returns the router's URL. At cleanup it fails t on any violation the
// allow-list does not name, and prints the tally.
func proxiedSim(t *testing.T, simBase string) string {
	t.Helper()
	bin, err := prismCommand()
	if err != nil {
		t.Fatal(err)
	}
	sh := &proxyShared
	sh.once.Do(func() {
		if sh.allow, sh.err = loadAllowList(); sh.err != nil {
			return
		}
		sh.backend = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			target, err := url.Parse(req.Header.Get(simHeader))
			if err != nil || target.Host == "" {
				http.Error(w, `{"message":"prism backend: no simulator named"}`, http.StatusBadGateway)
				return
			}
			req.Header.Del(simHeader)
			httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, req)
		}))
		sh.prisms, sh.err = startPrismSet(bin, "proxy", sh.backend.URL)
	})
	if sh.err != nil {
		t.Fatal(sh.err)
	}
	r := newPrismRouter(sh.prisms, sh.allow, simBase)
	t.Cleanup(func() {
		r.Close()
		summary, bad := r.report()
		t.Logf("through Prism proxies:\n%s", summary)
		sh.mu.Lock()
		sh.total = append(sh.total, t.Name()+"\n"+summary)
		sh.mu.Unlock()
		for _, v := range bad {
			t.Errorf("Prism: violation not in .ci/prism-allow.txt: %s", v)
		}
	})
	return r.URL()
}

// TestMain stops the shared Prism proxies after the tests and, when
// GAPDECK_PRISM_REPORT names a file, appends every router's tally to it.
func TestMain(m *testing.M) {
	code := m.Run()
	sh := &proxyShared
	for _, p := range sh.prisms {
		p.stop()
	}
	if sh.backend != nil {
		sh.backend.Close()
	}
	if f := os.Getenv("GAPDECK_PRISM_REPORT"); f != "" && len(sh.total) > 0 {
		if out, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprint(out, strings.Join(sh.total, ""))
			out.Close()
		}
	}
	os.Exit(code)
}

// prismSeconds is how long each mock run watches the console:
// GAPDECK_PRISM_SECONDS, 60 by default.
func prismSeconds(t *testing.T) time.Duration {
	t.Helper()
	if v := os.Getenv("GAPDECK_PRISM_SECONDS"); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n < 5 {
			t.Fatalf("GAPDECK_PRISM_SECONDS=%q: want a whole number of seconds, at least 5", v)
		}
		return time.Duration(n) * time.Second
	}
	return 60 * time.Second
}

// prismConsole runs the console in tmux against base through a config
// profile (api_url, token_file, private_fleets), as a user would.
func prismConsole(t *testing.T, bin, base, token string, privateFleets []string) *tmuxSession {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fleets := "[]"
	if len(privateFleets) > 0 {
		fleets = "[" + strings.Join(privateFleets, ", ") + "]"
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`profiles:
  prism:
    api_url: %s
    token_file: %s
    private_fleets: %s
`, base, tokenFile, fleets)), 0o600); err != nil {
		t.Fatal(err)
	}
	return startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q NO_COLOR=1 %q --config %q --profile prism --log-file %q; echo GAPDECK-EXITED $?; sleep 60",
		filepath.Join(dir, "state"), bin, cfg, filepath.Join(dir, "log")))
}

// settleWait is how long a view may take to leave "Loading…" (Prism
// answers in milliseconds; the console's first fetches are immediate).
const settleWait = 20 * time.Second

// waitSettled waits until the pane shows the view (ready) and nothing is
// loading any more. A view still on "Loading…" after settleWait is an
// error (not fatal: the tour goes on to check the other views).
func waitSettled(s *tmuxSession, view string, ready func(scr string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(settleWait)
	for {
		scr := s.screen()
		if ready(scr) && !loading(scr) {
			return scr
		}
		if strings.Contains(scr, "GAPDECK-EXITED") {
			s.t.Fatalf("the console exited on %s:\n%s", view, scr)
		}
		if time.Now().After(deadline) {
			s.t.Errorf("%s: after %s the view still waits (Loading…) or is not shown; the screen is:\n%s", view, settleWait, scr)
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// loading reports whether the screen still waits for a first answer:
// "Syncing …" as a table's text, "syncing…" in a cell, "Loading …" elsewhere.
func loading(scr string) bool {
	s := strings.ToLower(scr)
	return strings.Contains(s, "loading") || strings.Contains(s, "syncing")
}

// shows is what a settled view shows, in one line for the report: its
// rows, or its first message line.
func shows(scr string) string {
	lines := strings.Split(scr, "\n")
	var body []string
	for i, l := range lines {
		if i < 3 || strings.TrimSpace(l) == "" {
			continue
		}
		body = append(body, strings.TrimSpace(l))
	}
	if len(body) == 0 {
		return "(nothing)"
	}
	if len(body) > 3 {
		return fmt.Sprintf("%d lines: %s | %s | …", len(body), body[0], body[1])
	}
	return strings.Join(body, " | ")
}

// tabTitle reports whether the screen is on the tab called title.
func tabTitle(title string) func(string) bool {
	return func(scr string) bool {
		lines := strings.Split(scr, "\n")
		return len(lines) > 2 && strings.HasPrefix(lines[2], title)
	}
}

// tourConsole visits every view the console has — deployments, a
// deployment's detail (with its metrics panel), its logs, its tags,
// Fleets, Policies, Locations and a private fleet's hosts — and checks
// that each shows data or a specific message, never "Loading…" for
// longer than settleWait. Then it watches the deployments for watch and
// checks that no row is still "enriching…". The log view must show
// wantLogs (when not ""). It returns one line per view.
func tourConsole(t *testing.T, s *tmuxSession, privateFleet, wantLogs string, watch time.Duration) []string {
	t.Helper()
	var seen []string
	note := func(view, scr string) {
		seen = append(seen, fmt.Sprintf("%-12s %s", view, shows(scr)))
	}

	scr := waitSettled(s, "deployments", tabTitle("Deployments"))
	note("deployments", scr)
	if rowRE.MatchString(scr) {
		s.keys("Enter")
		scr = waitSettled(s, "detail", func(scr string) bool { return !tabTitle("Deployments")(scr) })
		note("detail", scr)
		if !strings.Contains(scr, "metrics") && !strings.Contains(scr, "METRICS") {
			s.keys("m") // the metrics panel
			scr = waitSettled(s, "detail metrics", func(string) bool { return true })
			note("metrics", scr)
		}
		s.escape()
		waitSettled(s, "deployments", tabTitle("Deployments"))

		s.keys("l")
		scr = waitSettled(s, "logs", func(scr string) bool {
			return !tabTitle("Deployments")(scr) && strings.Contains(scr, wantLogs)
		})
		note("logs", scr)
		s.escape()
		waitSettled(s, "deployments", tabTitle("Deployments"))

		s.keys("T")
		scr = waitSettled(s, "tags", func(scr string) bool { return !tabTitle("Deployments")(scr) })
		note("tags", scr)
		s.escape()
		waitSettled(s, "deployments", tabTitle("Deployments"))
	}
	for _, tab := range []struct{ key, title string }{{"2", "Fleets"}, {"3", "Policies"}, {"4", "Locations"}} {
		s.keys(tab.key)
		note(strings.ToLower(tab.title), waitSettled(s, tab.title, tabTitle(tab.title)))
	}
	if privateFleet != "" {
		s.keys(":")
		s.literal("hosts " + privateFleet)
		s.keys("Enter")
		scr = waitSettled(s, "hosts", func(scr string) bool { return strings.Contains(scr, privateFleet) && !strings.Contains(scr, ":hosts") })
		note("hosts", scr)
		s.escape()
	}
	s.keys("1")
	waitSettled(s, "deployments", tabTitle("Deployments"))
	time.Sleep(watch)
	scr = s.screen()
	note("deployments", scr)
	if strings.Contains(scr, "enriching…") {
		t.Errorf("after %s a row is still enriching…:\n%s", watch, scr)
	}
	if loading(scr) {
		t.Errorf("after %s the deployments still show Loading…:\n%s", watch, scr)
	}
	if strings.Contains(scr, "GAPDECK-EXITED") {
		t.Fatalf("the console exited:\n%s", scr)
	}
	return seen
}

// TestPrismProxyTour drives every view of the console against the
// simulator through the Prism proxies (startSim puts them in front): each
// request and answer is validated against the vendor's specs.
func TestPrismProxyTour(t *testing.T) {
	requirePrism(t)
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	s := prismConsole(t, bin, base, e2eToken, []string{"alpha-fleet"})
	for _, l := range tourConsole(t, s, "alpha-fleet", "", 10*time.Second) {
		t.Log(l)
	}
}

// TestPrismMock runs the console against Prism mocks of the three specs,
// first serving the specs' own examples, then seeded schema-valid random
// data (two seeds), for GAPDECK_PRISM_SECONDS each (the empty-pages seed
// half that): every view shows data or a specific message, and never a
// failure to read an answer (every mock answer is valid by the specs); no
// row stays enriching…; the static example's log line shows; no endpoint
// group uses more than half the console's default budget and no single
// page or row is asked for once a second or more.
func TestPrismMock(t *testing.T) {
	prism := requirePrism(t)
	bin := gapdeckBinary(t)
	allow, err := loadAllowList()
	if err != nil {
		t.Fatal(err)
	}
	watch := prismSeconds(t)
	for _, run := range []struct {
		name     string
		extra    []string
		wantLogs string // the spec's example log, a single line without \n
		watch    time.Duration
	}{
		{"static", nil, "Logs of the container", watch},
		// Seed 1: rows whose loose fields (start_time, extra ports keys)
		// hold random text, as the specs allow.
		{"dynamic", []string{"--dynamic", "--seed", "1"}, "", watch},
		// Seed 1103: every list is an empty page claiming millions of
		// rows and pages, previous_page_number null.
		{"dynamic-empty", []string{"--dynamic", "--seed", "1103"}, "", watch / 2},
	} {
		t.Run(run.name, func(t *testing.T) {
			prisms, err := startPrismSet(prism, "mock", "", run.extra...)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				for _, p := range prisms {
					p.stop()
				}
			}()
			r := newPrismRouter(prisms, allow, "")
			defer r.Close()
			s := prismConsole(t, bin, r.URL(), "prism-mock-token", []string{"mock-private-fleet"})
			seen := tourConsole(t, s, "mock-private-fleet", run.wantLogs, run.watch)
			summary, bad := r.report()
			t.Logf("views:\n%s\n%s", strings.Join(seen, "\n"), summary)
			if os.Getenv("GAPDECK_PRISM_REPORT") != "" {
				proxyShared.mu.Lock()
				proxyShared.total = append(proxyShared.total, t.Name()+"\n"+strings.Join(seen, "\n")+"\n"+summary)
				proxyShared.mu.Unlock()
			}
			for _, v := range bad {
				t.Errorf("Prism: the console sent a request the specs do not allow: %s", v)
			}
			// Every answer of a mock is valid by the specs: a view that
			// cannot show it fails the console, not the API.
			for _, l := range seen {
				if strings.Contains(l, "Could not load") || strings.Contains(l, "error: ") {
					t.Errorf("a view failed on data the specs allow: %s", l)
				}
			}
			groups, uris := r.rates()
			// The list watches (ERROR, new deployments) are the scheduler's
			// own spend, which it holds to at most half the list budget;
			// everything else stays under the other half.
			watches := 0.0
			for u, rate := range uris {
				if isListWatch(u) {
					watches += rate
				}
			}
			groups[api.GroupList] -= watches
			for g, rate := range groups {
				lim, _ := api.DocumentedLimit(g)
				if ceiling := 0.5 * api.DefaultBudgetFraction * lim; rate > ceiling {
					t.Errorf("endpoint group %s: %.2f requests/s, over half the console's default budget (%.2f/s)", g, rate, ceiling)
				}
			}
			if lim, _ := api.DocumentedLimit(api.GroupList); watches > 0.5*api.DefaultBudgetFraction*lim {
				t.Errorf("list watches: %.2f requests/s, over half the console's default list budget", watches)
			}
			for u, rate := range uris {
				if rate >= 1 {
					t.Errorf("%s: %.2f requests/s; one page or one row needs well under 1/s", u, rate)
				}
			}
		})
	}
}

// isListWatch reports whether a request ("GET /v1/deployments?…", as the
// router counts them) is one of the engine's list watches: the list
// filtered on status=error or on created_at.
func isListWatch(request string) bool {
	uri, ok := strings.CutPrefix(request, http.MethodGet+" ")
	if !ok {
		return false
	}
	u, err := url.Parse(uri)
	if err != nil || u.Path != "/v1/deployments" {
		return false
	}
	q := u.Query().Get("query")
	return strings.Contains(q, `"field":"status","operator":"eq","value":"error"`) ||
		strings.Contains(q, `"field":"created_at","operator":"gte"`)
}
