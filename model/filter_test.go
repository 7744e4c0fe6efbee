package model

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// fakeRow is a Filterable with set fields.
type fakeRow struct{ haystack }

func newFakeRow(enriched bool, status, app, version, city string, tags ...string) *fakeRow {
	var b haystackBuilder
	b.field("id", true, "abc123").
		field("status", enriched, status).
		field("app", enriched, app).
		field("version", enriched, version).
		field("city", enriched, city).
		field("tag", true, tags...).
		field("ip", true, "10.1.2.3")
	return &fakeRow{b.build()}
}

func mustParse(t *testing.T, raw string) Filter {
	t.Helper()
	f, err := ParseFilter(raw)
	if err != nil {
		t.Fatalf("ParseFilter(%q): %v", raw, err)
	}
	return f
}

// termsString renders terms as "field/value/=" for comparisons.
func termsString(f Filter) string {
	var parts []string
	for _, t := range f.Terms {
		s := t.Field + "/" + t.Value + "/"
		if t.Exact {
			s += "="
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestParseFilterGrammar(t *testing.T) {
	cases := []struct {
		raw    string
		invert bool
		terms  string
	}{
		{"", false, ""},
		{"   ", false, ""},
		{"!", true, ""},
		{"Frankfurt", false, "/frankfurt/"},
		{"kart  ready", false, "/kart/ /ready/"},
		{"!status:err", true, "status/err/"},
		{"! app:kart", true, "app/kart/"},
		{"App=Kart-Racing", false, "app/kart-racing/="},
		{"tag=canary version:v1", false, "tag/canary/= version/v1/"},
		{"STATUS:Ready", false, "status/ready/"},
		{"status:", false, ""}, // still typing the value
		{"10.0.0.1:7777", false, "/10.0.0.1:7777/"},
		{"7777/udp→31669", false, "/7777/udp→31669/"},
		{"ip:10.1", false, "ip/10.1/"},
	}
	for _, c := range cases {
		f := mustParse(t, c.raw)
		if f.Raw != c.raw || f.Invert != c.invert || termsString(f) != c.terms {
			t.Errorf("ParseFilter(%q) = invert %v terms %q, want %v %q", c.raw, f.Invert, termsString(f), c.invert, c.terms)
		}
		if f.Empty() != (c.terms == "") {
			t.Errorf("ParseFilter(%q).Empty() = %v", c.raw, f.Empty())
		}
	}
}

func TestParseFilterRejectsUnknownFields(t *testing.T) {
	for _, raw := range []string{"colour:red", "ready colour=red", "!region:eu"} {
		_, err := ParseFilter(raw)
		if err == nil {
			t.Errorf("ParseFilter(%q): no error", raw)
			continue
		}
		for _, field := range FilterFields {
			if !strings.Contains(err.Error(), field) {
				t.Errorf("ParseFilter(%q): error %q does not list %q", raw, err, field)
			}
		}
	}
}

func TestFilterMatch(t *testing.T) {
	row := newFakeRow(true, "ready", "kart-racing", "v1.9.3", "frankfurt", "canary", "eu")
	raw := newFakeRow(false, "", "", "", "", "canary")
	cases := []struct {
		filter   string
		row, raw bool // matches the enriched row / the not-yet-enriched one
	}{
		{"", true, true},
		{"frank", true, false},
		{"FRANK kart", true, false},
		{"frank paris", false, false},
		{"abc", true, true},
		{"!abc", false, false},
		{"app:kart", true, false},
		{"app:racing", true, false},
		{"app=kart", false, true},       // pushed: the server says whether it matches
		{"app=kart-racing", true, true}, // pushed down: the server selected the raw row
		{"App=KART-RACING", true, true},
		{"version:v1", true, false},
		{"version=v1.9.3", true, true},
		{"city:frankfurt", true, false},
		{"status:rea", true, true}, // pushed down
		{"status:eady", false, false},
		{"status=ready", true, true},
		{"status:err", false, true},
		{"tag:can", true, true}, // tags come with the list
		{"tag=can", false, false},
		{"tag=canary tag=eu", true, false},
		{"id:abc", true, true},
		{"ip:10.1", true, true},
		{"!status:err", true, false}, // inverted: nothing pushed, the raw row waits
		{"!tag:canary", false, false},
		{"!paris", true, true},
		{"app:kart tag:eu", true, false},
		{"status:xyz", false, false}, // no documented status: not pushed
	}
	for _, c := range cases {
		f := mustParse(t, c.filter)
		if got := f.Match(row); got != c.row {
			t.Errorf("%q matches the enriched row: %v, want %v", c.filter, got, c.row)
		}
		if got := f.Match(raw); got != c.raw {
			t.Errorf("%q matches the unenriched row: %v, want %v", c.filter, got, c.raw)
		}
	}
}

func TestFilterMatchDoesNotTrustAQueryTheRowWasNotListedUnder(t *testing.T) {
	raw := newFakeRow(false, "", "", "", "")
	f := mustParse(t, "status:ready")
	if !f.match(raw, true) || f.match(raw, false) {
		t.Fatal("a pushed term passes only rows listed under the pushed query")
	}
}

func TestFilterTermsDoNotMatchAcrossValues(t *testing.T) {
	row := newFakeRow(true, "ready", "kart", "v1", "paris")
	if mustParse(t, "kartv1").Match(row) || mustParse(t, "readykart").Match(row) {
		t.Fatal("a term matched across two values")
	}
	if f := mustParse(t, "t\x1fv"); len(f.Terms) != 2 {
		t.Fatalf("a control character does not separate terms: %q", termsString(f))
	}
}

func TestDeploymentQueryPushDown(t *testing.T) {
	cases := []struct {
		filter string
		want   string // JSON of the query; "null" for none
	}{
		{"", "null"},
		{"frankfurt app:kart version:v1 tag:can city:paris", "null"},
		{"status:err", `{"filters":[{"field":"status","operator":"eq","value":"error"}]}`},
		{"status:ready", `{"filters":[{"field":"status","operator":"eq","value":"ready"}]}`},
		{"status:s", `{"filters":[{"field":"status","operator":"in","value":["seeking","seeked","scanning"]}]}`},
		{"status:seek", `{"filters":[{"field":"status","operator":"in","value":["seeking","seeked"]}]}`},
		{"status:seek status=seeked", `{"filters":[{"field":"status","operator":"eq","value":"seeked"}]}`},
		{"status:te", `{"filters":[{"field":"status","operator":"in","value":["terminating","terminated"]}]}`},
		{"status:xyz", "null"},
		{"status:ready status:error", "null"},
		{"!status:err", "null"},
		{"App=Kart-Racing", `{"filters":[{"field":"application","operator":"eq","value":"Kart-Racing"}]}`},
		{"app=a app=b", "null"},
		{"app=a app=A", `{"filters":[{"field":"application","operator":"eq","value":"a"}]}`},
		{"version=v1.9.3 app=kart", `{"filters":[{"field":"application","operator":"eq","value":"kart"},{"field":"version","operator":"eq","value":"v1.9.3"}]}`},
		{"tag=canary", `{"filters":[{"field":"tags","operator":"eq","value":"canary"}]}`},
		{"tag=canary tag=eu tag=Canary", `{"filters":[{"field":"tags","operator":"in","value":["canary","eu"]}]}`},
		{"id=abc", `{"filters":[{"field":"request_id","operator":"eq","value":"abc"}]}`},
		{"status:ready tag=eu app=kart ready", `{"filters":[{"field":"status","operator":"eq","value":"ready"},{"field":"application","operator":"eq","value":"kart"},{"field":"tags","operator":"eq","value":"eu"}]}`},
	}
	for _, c := range cases {
		q := mustParse(t, c.filter).DeploymentQuery()
		b, _ := json.Marshal(q)
		if string(b) != c.want {
			t.Errorf("%q pushes %s\nwant %s", c.filter, b, c.want)
		}
		if err := q.Validate(); err != nil {
			t.Errorf("%q pushes an invalid query: %v", c.filter, err)
		}
	}
}

func TestFilterNarrows(t *testing.T) {
	cases := []struct {
		old, new string
		want     bool
	}{
		{"", "f", true},
		{"fra", "fran", true},
		{"fran", "fra", false},
		{"fra", "fra ready", true},
		{"fra ready", "fra", false},
		{"app:ka", "app:kar", true},
		{"app:kar", "app=kart", false}, // the exact term is pushed: unenriched rows now pass
		{"app=kart", "app=karts", false},
		{"status:s", "status:se", true}, // both pushed, but different queries
		{"status:se", "status:se frank", true},
		{"fra", "!fra", false},
		{"!fra", "!fran", false},
		{"city:fra", "fra", false},
	}
	for _, c := range cases {
		old, next := mustParse(t, c.old), mustParse(t, c.new)
		got := next.Narrows(old)
		if c.old == "status:s" {
			c.want = false // the pushed query changed
		}
		if got != c.want {
			t.Errorf("%q narrows %q: %v, want %v", c.new, c.old, got, c.want)
		}
	}
}

// A value with a space is written in double quotes and read back whole:
// the pulse opens the Deployments tab on city="Los Angeles".
func TestFilterQuotedValues(t *testing.T) {
	for raw, want := range map[string][]string{
		`city="Los Angeles" country=US`: {"city=los angeles", "country=us"},
		`"two words" app:kart`:          {"=two words", "app=kart"},
		`city="San Jose`:                {"city=san jose"},
		`plain words here`:              {"=plain", "=words", "=here"},
	} {
		f, err := ParseFilter(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var got []string
		for _, term := range f.Terms {
			got = append(got, term.Field+"="+term.Value)
		}
		if !slices.Equal(got, want) {
			t.Errorf("ParseFilter(%s) terms = %q, want %q", raw, got, want)
		}
	}
	if got := QuoteFilterValue("Los Angeles"); got != `"Los Angeles"` {
		t.Errorf("QuoteFilterValue = %s", got)
	}
	if got := QuoteFilterValue(`Mon"treal`); got != "Montreal" {
		t.Errorf("QuoteFilterValue drops quotes: %s", got)
	}
}
