package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// safeConversion is a conversion of a value to termtext.Safe.
var safeConversion = regexp.MustCompile(`termtext\.Safe\(`)

// TestSafeComesFromSanitizers: termtext.Safe is display-safe text, and
// only termtext's sanitizers make it from a variable; a conversion
// elsewhere would be a way around them. String constants need none (they
// convert implicitly), so no product file outside ui/termtext converts.
func TestSafeComesFromSanitizers(t *testing.T) {
	root, err := filepath.Abs("..") // go test runs in the package's directory, ui/
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == filepath.Join("ui", "termtext") || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if safeConversion.MatchString(line) {
				t.Errorf("%s:%d converts to termtext.Safe; use termtext.Line, Format or Join: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
