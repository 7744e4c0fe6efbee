package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

// The command line (:): switching views by command, completion, errors.

func TestCommandsSwitchTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		line string
		want string
	}{
		{"fl", "Fleets"}, {"dp", "Deployments"}, {"po", "Policies"}, {"lo", "Locations"},
		{"deployments", "Deployments"}, {"fleets", "Fleets"}, {"policies", "Policies"}, {"locations", "Locations"},
		{"deploy", "Deployments"}, {"fleet", "Fleets"}, {"pol", "Policies"}, {"loc", "Locations"},
		{"deployment", "Deployments"}, {"policy", "Policies"}, {"location", "Locations"},
		{"loca", "Locations"}, {"fle", "Fleets"}, // a unique prefix runs its command
	}
	for _, tt := range tests {
		from := "1" // start elsewhere than where the command leads
		if tt.want == "Deployments" {
			from = "2"
		}
		h.press(from, ":")
		if h.app.mode != modeCommand {
			t.Fatalf(": did not open the command line")
		}
		h.typeText(tt.line)
		if !strings.HasPrefix(h.line(-2), ":"+tt.line) {
			t.Fatalf("input line %q does not show :%s", h.line(-2), tt.line)
		}
		h.press("enter")
		if h.app.mode != modeNormal || h.activeName() != tt.want {
			t.Fatalf(":%s shows %s (mode %d), want %s", tt.line, h.activeName(), h.app.mode, tt.want)
		}
	}
}

func TestHostsCommand(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press(":")
	h.typeText("hosts alpha-fleet")
	h.press("enter")
	hv, ok := h.app.sub.(*hostsView)
	if !ok || hv.fleet != "alpha-fleet" {
		t.Fatalf(":hosts alpha-fleet opened %T", h.app.sub)
	}
	if v, arg := h.app.engine.Schedule().View(); v != model.ViewHosts || arg != "alpha-fleet" {
		t.Fatalf("scheduler polls %v %q", v, arg)
	}
	want := []string{"alpha-europe-0d9e5c41", "alpha-europe-b84f2a10", "alpha-north-america-3c1d77e2", "alpha-north-america-95fab093"}
	if got := h.rowIDs(); !slices.Equal(got, want) {
		t.Fatalf("hosts rows %v, want %v\n%s", got, want, h.view())
	}
	h.mustContain("Hosts of alpha-fleet 4", "ACTIVE", "PENDING", "Montreal")
	h.mustNotContain("beta-")
	h.press("esc")
	if h.app.sub != nil || h.activeName() != "Deployments" {
		t.Fatalf("esc left %T / %s", h.app.sub, h.activeName())
	}

	// Without a fleet, the usage names the private fleets.
	h.press(":")
	h.typeText("hosts")
	h.press("enter")
	if h.app.sub != nil || !strings.Contains(h.footer(), "usage: :hosts <fleet> (private fleets: alpha-fleet, beta-fleet)") {
		t.Fatalf(":hosts without a fleet: sub %T, footer %q", h.app.sub, h.footer())
	}
}

func TestCommandCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed string
		want  string // the input after tab
		hint  string // completions shown on the input line before tab
	}{
		{"fl", "fleets", "fleets"},
		{"lo", "locations", "locations"},
		{"ho", "hosts ", "hosts"},
		{"hosts al", "hosts alpha-fleet", "hosts alpha-fleet"},
		{"hosts be", "hosts beta-fleet", "hosts beta-fleet"},
		{"hosts ", "hosts alpha-fleet", "hosts alpha-fleet  hosts beta-fleet"},
		{"zz", "zz", ""},
	}
	h := newHarness(t)
	for _, tt := range tests {
		h.press(":")
		h.typeText(tt.typed)
		if tt.hint != "" && !strings.Contains(h.line(-2), tt.hint) {
			t.Errorf("%q: input line %q lacks the hint %q", tt.typed, h.line(-2), tt.hint)
		}
		h.press("tab")
		if got := h.app.input.Value(); got != tt.want {
			t.Errorf("%q + tab = %q, want %q", tt.typed, got, tt.want)
		}
		h.press("esc")
		if h.app.mode != modeNormal {
			t.Fatalf("esc did not close the command line")
		}
	}

	// Complete a fleet name, then run it.
	h.press(":")
	h.typeText("hosts b")
	h.press("tab", "enter")
	if hv, ok := h.app.sub.(*hostsView); !ok || hv.fleet != "beta-fleet" {
		t.Fatalf("completed :hosts b opened %T", h.app.sub)
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.press(":")
	h.typeText("frobnicate")
	h.press("enter")
	if h.app.mode != modeCommand {
		t.Fatalf("an unknown command closed the command line")
	}
	in := h.line(-2)
	if !strings.HasPrefix(in, ":frobnicate") || !strings.Contains(in, `unknown command "frobnicate"`) {
		t.Fatalf("input line %q does not show the error", in)
	}
	// Editing clears the error; esc leaves.
	h.press("backspace")
	if strings.Contains(h.line(-2), "unknown command") {
		t.Fatalf("the error stays while editing: %q", h.line(-2))
	}
	h.press("esc")
	if h.app.mode != modeNormal || h.activeName() != "Deployments" {
		t.Fatalf("esc: mode %d, tab %s", h.app.mode, h.activeName())
	}
}
