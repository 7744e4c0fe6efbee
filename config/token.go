package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// TokenEnv is the environment variable holding the API token. It beats
// every profile's token_file and token_command.
const TokenEnv = "EDGEGAP_API_TOKEN"

// ErrNoToken means no source gave a token.
var ErrNoToken = errors.New("no API token")

// TokenCommandTimeout bounds a token_command run.
var TokenCommandTimeout = 10 * time.Second

// Token is an API token and where it came from. String and errors never
// show Value.
type Token struct {
	Value  string
	Source string // "EDGEGAP_API_TOKEN", "token_file <path>" or "token_command"
}

// String names the source only.
func (t Token) String() string { return "token from " + t.Source }

// ResolveToken finds the profile's token: the EDGEGAP_API_TOKEN variable
// (read through getenv), else token_file, else token_command. None set is
// ErrNoToken. Errors name the configuration entry and never contain the
// token.
func (p *Profile) ResolveToken(ctx context.Context, getenv func(string) string) (Token, error) {
	if v := strings.TrimSpace(getenv(TokenEnv)); v != "" {
		return Token{Value: v, Source: TokenEnv}, nil
	}
	if p.TokenFile != "" {
		v, err := readTokenFile(p.TokenFile)
		if err != nil {
			return Token{}, p.errAt("token_file", err)
		}
		return Token{Value: v, Source: "token_file " + p.TokenFile}, nil
	}
	if len(p.TokenCommand) > 0 {
		v, err := runTokenCommand(ctx, p.TokenCommand)
		if err != nil {
			return Token{}, p.errAt("token_command", err)
		}
		return Token{Value: v, Source: "token_command"}, nil
	}
	return Token{}, ErrNoToken
}

// CheckNotifyCommand reports a notify_command whose program is not found
// (nil when it is, or none is set). The command is not run.
func (c *Config) CheckNotifyCommand() error {
	if len(c.NotifyCommand) == 0 {
		return nil
	}
	if _, err := exec.LookPath(commandPath(c.NotifyCommand[0])); err != nil {
		return fmt.Errorf("%s: notify_command: program %q not found: %v", c.Path, c.NotifyCommand[0], unwrapExec(err))
	}
	return nil
}

// CheckTokenSources checks the profile's token sources without using the
// token: token_file exists, is private and holds one word; token_command's
// program is found. The command is not run (it may prompt).
func (p *Profile) CheckTokenSources() []error {
	var errs []error
	if p.TokenFile != "" {
		if _, err := readTokenFile(p.TokenFile); err != nil {
			errs = append(errs, p.errAt("token_file", err))
		}
	}
	if len(p.TokenCommand) > 0 {
		if _, err := exec.LookPath(commandPath(p.TokenCommand[0])); err != nil {
			errs = append(errs, p.errAt("token_command", fmt.Errorf("program %q not found: %v", p.TokenCommand[0], unwrapExec(err))))
		}
	}
	return errs
}

// errAt positions err at the profile's key entry (token_file, …).
func (p *Profile) errAt(key string, err error) error {
	e := &Error{File: p.file, Msg: fmt.Sprintf("profile %q: %s: %v", p.Name, key, err)}
	if n := p.pos[key]; n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

// readTokenFile reads a token file, refusing one other users could read.
func readTokenFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s does not exist; put the token from the Edgegap dashboard in it (then `chmod 600 %s`)", path, path)
		}
		return "", err
	}
	if fi.IsDir() {
		return "", fmt.Errorf("%s is a directory; point token_file at the file holding the token", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("%s is readable or writable by group or others (mode %04o); run `chmod 600 %s`", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(data))
	switch {
	case tok == "":
		return "", fmt.Errorf("%s is empty; put the token from the Edgegap dashboard in it", path)
	case strings.ContainsAny(tok, " \t\r\n"):
		return "", fmt.Errorf("%s holds more than one word; it must hold only the token", path)
	}
	return tok, nil
}

// runTokenCommand runs argv without a shell and returns its stdout, the
// token. stderr goes into errors; whatever the command printed on stdout is
// redacted from them.
func runTokenCommand(ctx context.Context, argv []string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, TokenCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, commandPath(argv[0]), argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second // a child left holding the pipes cannot hang us
	err := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	if msg := tokenCommandProblem(ctx, err, out, stderr.String()); msg != "" {
		return "", errors.New(redact(quoteArgv(argv)+" "+msg, out))
	}
	return out, nil
}

// tokenCommandProblem says what went wrong with a token_command run ("" if
// nothing did).
func tokenCommandProblem(ctx context.Context, err error, out, stderr string) string {
	errText := stderrSummary(stderr)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("did not finish within %v%s; check that it runs without prompting", TokenCommandTimeout, errText)
	case err != nil:
		return fmt.Sprintf("failed: %v%s", unwrapExec(err), errText)
	case out == "":
		return "printed nothing on stdout" + errText + "; it must print the token"
	case strings.ContainsAny(out, " \t\r\n"):
		return "printed more than one word on stdout; it must print only the token"
	}
	return ""
}

// redact replaces every word of what the command printed on stdout (a
// token, or part of one) in msg, whatever path it took there.
func redact(msg, stdout string) string {
	for _, w := range strings.Fields(stdout) {
		msg = strings.ReplaceAll(msg, w, "[redacted]")
	}
	return msg
}

// commandPath expands a leading ~/ in a program name.
func commandPath(name string) string {
	if strings.HasPrefix(name, "~/") {
		return expandPath(name, ".")
	}
	return name
}

// unwrapExec drops exec's wrapping ("exec: \"x\": executable file not
// found in $PATH" reads fine as is).
func unwrapExec(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}

// stderrSummary is the end of a command's stderr on one line, as
// " (stderr: …)" (or "" when empty).
func stderrSummary(stderr string) string {
	s := strings.Join(strings.Fields(stderr), " ")
	if s == "" {
		return ""
	}
	const keep = 300
	if len(s) > keep {
		s = "…" + s[len(s)-keep:]
	}
	return " (stderr: " + s + ")"
}

func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
