package ui

import (
	"flag"
	"os"
	"strings"
	"testing"
)

// readmePath is the README whose key reference KeyReference writes.
const readmePath = "../README.md"

// Markers around the generated key reference in the README.
const (
	keysBegin = "<!-- BEGIN KEYS -->\n"
	keysEnd   = "<!-- END KEYS -->"
)

// updating reports whether the test run was given -update (the flag is
// defined by the golden-file package the teatest goldens use).
func updating() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	on, _ := g.Get().(bool)
	return on
}

// TestReadmeKeyReference keeps the README's key reference equal to the
// keymap. Regenerate with: go test ./ui -run TestReadmeKeyReference -update
func TestReadmeKeyReference(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	begin := strings.Index(readme, keysBegin)
	end := strings.Index(readme, keysEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md has no %q … %q section", strings.TrimSpace(keysBegin), keysEnd)
	}
	got := readme[begin+len(keysBegin) : end]
	want := KeyReference(DefaultKeyMap())
	if got == want {
		return
	}
	if updating() {
		if err := os.WriteFile(readmePath, []byte(readme[:begin+len(keysBegin)]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README's key reference differs from the keymap; regenerate it with\n"+
		"  go test ./ui -run TestReadmeKeyReference -update\n--- README\n%s\n--- keymap\n%s", got, want)
}

// TestKeyReference checks the rendering: every visible action once, keys as
// help names them, mutating actions marked, hidden ones left out.
func TestKeyReference(t *testing.T) {
	km := DefaultKeyMap()
	ref := KeyReference(km)
	for _, a := range km.Actions() {
		if n := strings.Count(ref, "| `"+string(a)+"` |"); n != 1 {
			t.Errorf("action %q appears %d times", a, n)
		}
	}
	for _, want := range []string{
		"#### General\n\n| key | action | what it does |\n|---|---|---|\n| `?` | `help` | help |\n",
		"| `space` | `mark` |",
		"| `ctrl+space` | `mark-range` |",
		"| `k` `up` | `up` | up |",
		"| `/` | `filter` |",
		"| `ctrl+d` | `stop` | stop (marked: bulk-stop) (refused with `--readonly`) |",
		"#### Sort (again to reverse)\n",
	} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference lacks %q:\n%s", want, ref)
		}
	}

	if err := km.Rebind(map[string][]string{"refresh": {"ctrl+x", "f5"}}); err != nil {
		t.Fatal(err)
	}
	if ref := KeyReference(km); !strings.Contains(ref, "| `ctrl+x` `f5` | `refresh` |") {
		t.Errorf("reference ignores a rebinding:\n%s", ref)
	}
	km.HideMutating()
	ref = KeyReference(km)
	if strings.Contains(ref, "`stop`") || strings.Contains(ref, "--readonly") {
		t.Errorf("read-only reference still offers mutating actions:\n%s", ref)
	}
	if !strings.Contains(ref, "| `ctrl+l` | `redraw` |") {
		t.Errorf("read-only reference lost a harmless action:\n%s", ref)
	}
}
