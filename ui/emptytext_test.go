package ui

import (
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// Never a false picture: before the first answer a table says it is
// syncing (never "none", never "no match"); after a failed first answer
// it says why; after a good answer, an empty table says none, or names
// the filter that empties it and how to clear it.

// quiet sends keys and messages to the app without running what they
// return: nothing is fetched, no answer arrives.
func (h *harness) quiet(msgs ...any) {
	h.t.Helper()
	for _, m := range msgs {
		if k, ok := m.(string); ok {
			for _, r := range k {
				h.update(keyMsg(string(r)))
			}
			continue
		}
		h.update(m)
	}
}

// TestEmptyTablesBeforeTheFirstAnswer: every tab, with and without a
// filter, before the API has answered anything.
func TestEmptyTablesBeforeTheFirstAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withoutInit())
	fleet := h.sim.PrivateFleetNames()[0]
	for _, tc := range []struct {
		tab, syncing string
		empty        bool // no row at all (Fleets lists the profile's private fleets)
	}{
		{"1", "Syncing deployments…", true},
		{"2", "syncing…", false},
		{"3", "Syncing policies…", true},
		{"4", "Syncing locations…", true},
	} {
		h.quiet(tc.tab)
		for _, filter := range []string{"", "status:error"} {
			if filter != "" {
				h.quiet("/", filter, keyMsg("enter"))
			}
			s := h.screen()
			if !strings.Contains(s, tc.syncing) {
				t.Errorf("tab %s, filter %q: no %q before the first answer:\n%s", tc.tab, filter, tc.syncing, s)
			}
			for _, lie := range []string{"No deployment", "No fleet", "No polic", "No location", "matches", "Could not load"} {
				if strings.Contains(s, lie) {
					t.Errorf("tab %s, filter %q: %q before the first answer:\n%s", tc.tab, filter, lie, s)
				}
			}
			if tc.empty && strings.Contains(h.title(), " 0") {
				t.Errorf("tab %s: the title counts 0 before the first answer: %q", tc.tab, h.title())
			}
		}
		h.quiet(keyMsg("esc"))
	}
	h.quiet(openHostsMsg{fleet: fleet}, "/", "zzz", keyMsg("enter"))
	if s := h.screen(); !strings.Contains(s, "Syncing hosts of "+fleet+"…") || strings.Contains(s, "matches") {
		t.Errorf("hosts before the first answer:\n%s", s)
	}
}

// TestEmptyTablesAfterAFailedFirstAnswer: the API answers every read
// with a 502 from the start; every tab says what failed, with and without
// a filter, and never that there is nothing.
func TestEmptyTablesAfterAFailedFirstAnswer(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/", http.StatusBadGateway, "edge down", &on))
	fleet := h.sim.PrivateFleetNames()[0]
	// The first failure may be the 502 itself or a request not sent
	// because the API is known to be down (the client's health check):
	// either way the text says it could not load, and why (edge down).
	for _, tc := range []struct{ tab, why string }{
		{"1", "Could not load deployments: "},
		{"2", "could not load: "}, // the title's note: the private fleets' rows show
		{"3", "Could not load policies: "},
		{"4", "Could not load locations: "},
	} {
		h.press(tc.tab)
		h.ticks(30)
		for _, filter := range []string{"", "zzz"} {
			if filter != "" {
				h.press("/")
				h.typeText(filter)
				h.press("enter")
			}
			s := h.screen()
			// what happens next: on the title of a tab with rows it may
			// be cut at the width; an empty table's text has room
			next := strings.Contains(s, "retrying") || (tc.tab == "2" && filter == "")
			if !strings.Contains(s, tc.why) || !strings.Contains(s, "edge down") || !next {
				t.Errorf("tab %s, filter %q: no %q with the cause and what happens next:\n%s", tc.tab, filter, tc.why, s)
			}
			for _, lie := range []string{"Syncing", "No deployment", "No fleet", "No polic", "No location", "matches"} {
				if strings.Contains(s, lie) {
					t.Errorf("tab %s, filter %q: %q after a failed answer:\n%s", tc.tab, filter, lie, s)
				}
			}
		}
		h.press("esc")
	}
	h.send(openHostsMsg{fleet: fleet})
	h.ticks(30)
	if s := h.screen(); !strings.Contains(s, "Could not load") || !strings.Contains(s, "hosts of "+fleet+": ") || !strings.Contains(s, "edge down") || strings.Contains(s, "Syncing") {
		t.Errorf("hosts after a failed first answer:\n%s", s)
	}
}

// TestEmptyTablesAfterAGoodAnswer: an organization without deployments
// says so; a filter that matches nothing on any table names the filter
// and how to clear it.
func TestEmptyTablesAfterAGoodAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withDeployments(-1))
	h.ticks(5)
	h.mustContain("No deployments")
	if !strings.HasPrefix(h.title(), "Deployments 0") {
		t.Fatalf("title %q: an answered empty list counts 0", h.title())
	}
	h.mustNotContain("Syncing")

	h = settled(t)
	fleet := h.sim.PrivateFleetNames()[0]
	for _, tc := range []struct{ tab, want string }{
		{"1", "No deployment matches zzz — esc clears the filter"},
		{"2", "No fleet matches zzz — esc clears the filter"},
		{"3", "No policy matches zzz — esc clears the filter"},
		{"4", "No location matches zzz — esc clears the filter"},
	} {
		h.press(tc.tab)
		h.ticks(3)
		h.press("/")
		h.typeText("zzz")
		h.press("enter")
		h.mustContain(tc.want, "filter: zzz")
		h.press("esc")
		h.mustNotContain("matches zzz")
	}
	h.send(openHostsMsg{fleet: fleet})
	h.settle(func() bool { return len(h.rows()) > 1 })
	h.press("/")
	h.typeText("zzz")
	h.press("enter")
	h.mustContain("No host matches zzz — esc clears the filter")
}

// The audit view reads its file when it opens (nothing to sync): it says
// when no action was recorded, and why it could not read the file.
func TestAuditViewEmptyAndUnreadable(t *testing.T) {
	t.Parallel()
	h := settled(t)
	path := withAudit(t, h)
	h.openAudit()
	h.mustContain("Audit log", "0 actions", "no actions recorded yet")
	h.press("esc")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil { // a directory: unreadable as a log
		t.Fatal(err)
	}
	h.openAudit()
	h.mustContain("Audit log  not read", "could not read the audit log: audit: read ")
	h.mustNotContain("no actions recorded yet", "0 actions")
}
