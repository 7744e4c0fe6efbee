package ui

import (
	"errors"
	"strings"
	"testing"
)

func TestKeyMapValidate(t *testing.T) {
	if err := DefaultKeyMap().Validate(); err != nil {
		t.Fatalf("default keys: %v", err)
	}
	for _, tc := range []struct {
		rebind map[string][]string
		want   string // "" valid
	}{
		{map[string][]string{"stop": {"ctrl+x"}, "logs": {"l", "ctrl+o"}}, ""},
		{map[string][]string{"logs": {"L"}}, `deployments view: key "L" is bound to both "logs" and "sort-location"`},
		{map[string][]string{"follow": {"/"}}, `logs view: key "/" is bound to both "filter" and "follow"`},
		{map[string][]string{"metrics-panel": {"q"}}, `detail view: key "q" is bound to both "quit" and "metrics-panel"`},
		{map[string][]string{"sort-name": {" "}}, `hosts view: key "space" is bound to both "mark" and "sort-name"`},
		{map[string][]string{"stop": {"ctrl+shift+d"}}, `action "stop": "ctrl+shift+d" is not a key`},
		// Same key in views never open together: allowed.
		{map[string][]string{"save-logs": {"S"}}, ""},
	} {
		km := DefaultKeyMap()
		if err := km.Rebind(tc.rebind); err != nil {
			t.Fatal(err)
		}
		err := km.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.rebind, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want %q", tc.rebind, err, tc.want)
		}
	}
	km := DefaultKeyMap()
	_ = km.Rebind(map[string][]string{"logs": {"L"}})
	var kc *KeyConflictError
	if err := km.Validate(); !errors.As(err, &kc) {
		t.Fatalf("conflict error %T", err)
	}
	if k, acts := kc.Conflict(); k != "L" || acts != [2]string{"logs", "sort-location"} {
		t.Errorf("Conflict() = %q %q", k, acts)
	}
}

// TestKeyViewsCoverEveryAction: every action belongs to a view in
// keyViews, so Validate checks its conflicts. A new action must be added to
// the views that handle it.
func TestKeyViewsCoverEveryAction(t *testing.T) {
	in := map[Action]bool{}
	for _, v := range keyViews {
		for _, a := range v.actions {
			in[a] = true
		}
	}
	for _, a := range DefaultKeyMap().Actions() {
		if !in[a] {
			t.Errorf("action %q is in no keyViews entry (ui/keyparse.go)", a)
		}
	}
}
