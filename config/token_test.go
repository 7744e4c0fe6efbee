package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tokenProfile parses a profile with the given settings from a config file
// in dir, so errors carry real positions.
func tokenProfile(t *testing.T, dir, body string) *Profile {
	t.Helper()
	c, err := Parse(filepath.Join(dir, "config.yaml"), []byte("profiles:\n  p:\n"+body), Schema{})
	if err != nil {
		t.Fatal(err)
	}
	return c.Profiles[0]
}

func noEnv(string) string { return "" }

func writeToken(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask-proof
		t.Fatal(err)
	}
}

// TestTokenSourceOrder: EDGEGAP_API_TOKEN beats token_file, which beats
// token_command.
func TestTokenSourceOrder(t *testing.T) {
	dir := t.TempDir()
	writeToken(t, filepath.Join(dir, "tok"), "file-token\n", 0o600)
	p := tokenProfile(t, dir, "    token_file: tok\n    token_command: [echo, command-token]\n")
	ctx := context.Background()

	tok, err := p.ResolveToken(ctx, func(k string) string {
		if k == TokenEnv {
			return "env-token"
		}
		return ""
	})
	if err != nil || tok.Value != "env-token" || tok.Source != TokenEnv {
		t.Errorf("env: %v %v", tok, err)
	}
	tok, err = p.ResolveToken(ctx, noEnv)
	if err != nil || tok.Value != "file-token" || !strings.HasPrefix(tok.Source, "token_file ") {
		t.Errorf("file: %v %v", tok, err)
	}
	p.TokenFile = ""
	tok, err = p.ResolveToken(ctx, noEnv)
	if err != nil || tok.Value != "command-token" || tok.Source != "token_command" {
		t.Errorf("command: %v %v", tok, err)
	}
	if s := tok.String(); strings.Contains(s, "command-token") {
		t.Errorf("Token.String shows the token: %q", s)
	}
	p.TokenCommand = nil
	if _, err := p.ResolveToken(ctx, noEnv); !errors.Is(err, ErrNoToken) {
		t.Errorf("no source: %v", err)
	}
}

// TestTokenFileTooOpen: a group- or world-readable token file is refused
// with the chmod fix, at the token_file entry, without the token.
func TestTokenFileTooOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tok")
	writeToken(t, path, "s3cr3t-token\n", 0o644)
	p := tokenProfile(t, dir, "    readonly: true\n    token_file: tok\n")
	_, err := p.ResolveToken(context.Background(), noEnv)
	if err == nil {
		t.Fatal("a 0644 token file was accepted")
	}
	msg := err.Error()
	for _, want := range []string{filepath.Join(dir, "config.yaml") + ":4:5: ", "mode 0644", "run `chmod 600 " + path + "`"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "s3cr3t") {
		t.Errorf("error shows the token: %q", msg)
	}
	if errs := p.CheckTokenSources(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "chmod 600") {
		t.Errorf("CheckTokenSources: %v", errs)
	}
	writeToken(t, path, "s3cr3t-token\n", 0o600)
	if errs := p.CheckTokenSources(); len(errs) != 0 {
		t.Errorf("CheckTokenSources after chmod 600: %v", errs)
	}
}

func TestTokenFileProblems(t *testing.T) {
	dir := t.TempDir()
	p := tokenProfile(t, dir, "    token_file: tok\n")
	for _, tc := range []struct{ content, want string }{
		{"", "is empty"},
		{"  \n", "is empty"},
		{"abc def\n", "more than one word"},
	} {
		writeToken(t, filepath.Join(dir, "tok"), tc.content, 0o600)
		if _, err := p.ResolveToken(context.Background(), noEnv); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v", tc.content, err)
		}
	}
	os.Remove(filepath.Join(dir, "tok"))
	if _, err := p.ResolveToken(context.Background(), noEnv); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}

// TestTokenCommand: trailing newline trimmed; failures, empty output and
// timeouts are errors with stderr but never the token.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	old := TokenCommandTimeout
	TokenCommandTimeout = 300 * time.Millisecond
	t.Cleanup(func() { TokenCommandTimeout = old })
	ctx := context.Background()
	for _, tc := range []struct {
		name, argv string
		token      string   // want this token, or
		want       []string // an error with these
	}{
		{"trims newline", `[printf, "tok-abc\n"]`, "tok-abc", nil},
		{"string form", `echo tok-def`, "tok-def", nil},
		{"fails", `[sh, -c, "echo tok-leak; echo 'denied for tok-leak' >&2; exit 3"]`, "", []string{":3:5: ", "exit status 3", "stderr: denied for [redacted]"}},
		{"empty output", `[sh, -c, "echo please log in >&2"]`, "", []string{"printed nothing on stdout", "stderr: please log in"}},
		{"timeout", `[sh, -c, "echo tok-leak; sleep 5"]`, "", []string{"did not finish within 300ms"}},
		{"not found", `[gapdeck-no-such-program]`, "", []string{"executable file not found"}},
		{"two words", `[echo, tok-leak, tok-leak]`, "", []string{"more than one word"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tokenProfile(t, dir, "    token_command: "+tc.argv+"\n")
			start := time.Now()
			tok, err := p.ResolveToken(ctx, noEnv)
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %v: the timeout did not stop it", time.Since(start))
			}
			if tc.want == nil {
				if err != nil || tok.Value != tc.token {
					t.Fatalf("got %q, %v; want %q", tok.Value, err, tc.token)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; token %q", tok.Value)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "tok-leak") {
				t.Errorf("error shows the token: %q", msg)
			}
		})
	}
}

func TestCheckTokenCommandProgram(t *testing.T) {
	dir := t.TempDir()
	p := tokenProfile(t, dir, "    token_command: [gapdeck-no-such-program, x]\n")
	errs := p.CheckTokenSources()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `program "gapdeck-no-such-program" not found`) || !strings.Contains(errs[0].Error(), ":3:5: ") {
		t.Errorf("CheckTokenSources: %v", errs)
	}
	p = tokenProfile(t, dir, "    token_command: [sh, -c, 'exit 1']\n")
	if errs := p.CheckTokenSources(); len(errs) != 0 {
		t.Errorf("sh exists: %v", errs)
	}
}
