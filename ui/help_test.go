package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The help screen (?): its sections, layout and scrolling.

func TestHelpScreen(t *testing.T) {
	t.Parallel()
	h := settled(t)
	seen := map[Action]bool{}
	views := []struct {
		name string
		keys []string
		sort []Action
	}{
		{"deployments", []string{"1"}, []Action{ActSortID, ActSortStatus, ActSortApp, ActSortVersion, ActSortLocation, ActSortAge, ActSortIP, ActSortSockets}},
		{"fleets", []string{"2"}, []Action{ActSortName}},
		{"policies", []string{"3"}, []Action{ActSortName}},
		{"locations", []string{"4"}, []Action{ActSortLocation, ActSortCount, ActSortCountry}},
		{"detail", []string{"1", "enter"}, nil},
		{"logs", []string{"1", "l"}, nil},
		{"events", []string{"1", "E"}, nil},
		{"apps", []string{"1", "v"}, []Action{ActSortName}},
		{"watches", []string{"1", ":", "w", "a", "t", "c", "h", "enter"}, nil},
	}
	km := h.env.Keys
	for _, v := range views {
		h.press(v.keys...)
		help := h.app.viewHelp().FullHelp()
		h.press("?")
		if h.app.mode != modeHelp {
			t.Fatalf("%s: ? did not open help", v.name)
		}
		screen := helpScreens(h)
		for _, sec := range []string{"GENERAL", "NAVIGATION", "COMMANDS", "FILTER"} {
			if !strings.Contains(screen, sec) {
				t.Fatalf("%s: help lacks %s:\n%s", v.name, sec, screen)
			}
		}
		// Every global binding, and every binding of the view.
		for _, b := range defaultBindings {
			global := b.group == groupGeneral || b.group == groupNavigation
			inView := false
			for _, group := range help {
				for _, hb := range group {
					inView = inView || (slices.Equal(hb.Keys(), km.Binding(b.action).Keys()) && hb.Help().Desc == b.help)
				}
			}
			if !global && !inView {
				continue
			}
			seen[b.action] = true
			line := helpLine(screen, helpKeyNames(b.keys), b.help)
			if line == "" {
				t.Fatalf("%s: help lacks %q %q:\n%s", v.name, helpKeyNames(b.keys), b.help, screen)
			}
		}
		if len(v.sort) > 0 && !strings.Contains(screen, "SORT (again to reverse)") {
			t.Fatalf("%s: no sort section:\n%s", v.name, screen)
		}
		for _, a := range v.sort {
			if helpLine(screen, km.Binding(a).Help().Key, km.Binding(a).Help().Desc) == "" {
				t.Fatalf("%s: help lacks sort key %s", v.name, a)
			}
		}
		for _, c := range commands {
			if got := strings.Contains(screen, ":"+c.usage); got != !c.shared {
				t.Fatalf("%s: help lists :%s %v; a local console lists every command but the shared ones", v.name, c.usage, got)
			}
		}
		h.press("esc")
		if h.app.mode != modeNormal {
			t.Fatalf("%s: esc did not close help", v.name)
		}
		h.press("esc") // leave the detail view
	}
	for _, b := range defaultBindings {
		if b.group == groupDialogs {
			continue // new with the dialog keymap: in each dialog's hint and the key reference (TestDialogHintsComeFromTheKeymap)
		}
		if !seen[b.action] {
			t.Errorf("binding %s (%v %q) appears in no view's help", b.action, b.keys, b.help)
		}
	}
}

// helpScreens is the open help, every page of it: when its columns are
// taller than the screen they scroll together (pgdown) under a "↓ more".
func helpScreens(h *harness) string {
	page := ansi.Strip(h.view())
	screen := page
	for i := 0; i < 8 && strings.Contains(page, "↓ more"); i++ {
		h.press("pgdown")
		page = ansi.Strip(h.view())
		screen += "\n" + page
	}
	h.press("g")
	return screen
}

// helpHeadings are the section titles of the help screen.
var helpHeadings = []string{"GENERAL", "NAVIGATION", "VIEW", "SORT (again to reverse)", "COMMANDS", "FILTER"}

// TestHelpSectionsStayTogether: laid out in columns, every section title
// must be followed, in its column, by an entry of its section: no title
// alone at the bottom of a column with its entries at the top of the next,
// and no title of an empty section.
func TestHelpSectionsStayTogether(t *testing.T) {
	t.Parallel()
	h := settled(t)
	for _, open := range [][]string{{"1"}, {"2"}, {"3"}, {"4"}, {"1", "enter"}, {"2", "enter"}} {
		h.press(open...)
		h.press("?")
		lines := h.lines()
		body := lines[2 : len(lines)-1]
		for r, l := range body {
			for _, hd := range helpHeadings {
				i := strings.Index(l, hd)
				if i < 0 || (i > 0 && !strings.HasSuffix(l[:i], "  ")) {
					continue
				}
				col := ansi.StringWidth(l[:i])
				next := ""
				if r+1 < len(body) {
					next = ansi.Cut(body[r+1], col, col+4)
				}
				if !regexp.MustCompile(`^  \S`).MatchString(next) {
					t.Errorf("help of %v: %q at line %d, column %d is not followed by one of its entries (next: %q):\n%s",
						open, hd, r, col, next, strings.Join(body, "\n"))
				}
			}
		}
		h.press("esc", "esc")
	}
}

func TestHelpScrollsWhenSmall(t *testing.T) {
	t.Parallel()
	h := settled(t, withSize(60, 16))
	h.press("?")
	h.mustContain("↓ more (j/k, pgdown)", "GENERAL")
	h.press("pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	h.mustContain("FILTER")
	h.mustNotContain("↓ more")
	h.press("g")
	h.mustContain("GENERAL")
	h.press("q") // q closes help, it does not quit
	if h.app.mode != modeNormal || h.quits != 0 {
		t.Fatalf("q in help: mode %d, quits %d", h.app.mode, h.quits)
	}
}
