package ui

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestLeafPackages: ui's sub-packages are leaves. None imports ui or the
// API, the model or the engine, directly or through another gapdeck
// package, so a view's vocabulary cannot leak into the table or the theme
// (and they stay reusable by any number of views).
func TestLeafPackages(t *testing.T) {
	const mod = "github.com/gapdeck/gapdeck/"
	allowed := map[string][]string{
		"ui/theme":    nil,
		"ui/keys":     nil,
		"ui/termtext": nil,
		"ui/table":    {"ui/theme", "ui/termtext"},
	}
	for pkg, ok := range allowed {
		seen := map[string]bool{}
		var walk func(path string)
		walk = func(path string) {
			p, err := build.Import(path, ".", 0)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, imp := range p.Imports {
				rel, ours := strings.CutPrefix(imp, mod)
				if !ours || seen[rel] {
					continue
				}
				seen[rel] = true
				if !slices.Contains(ok, rel) {
					t.Errorf("%s imports %s (through %s); it may import only %v of gapdeck", pkg, rel, strings.TrimPrefix(path, mod), ok)
				}
				walk(imp)
			}
		}
		walk(mod + pkg)
	}
}
