// Package serve is gapdeck's team console over SSH: one engine for the
// organization, one console per person, public-key authentication with
// roles. The Edgegap token stays on the server.
package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Role is what a person may do in the console.
type Role string

// Roles.
const (
	RoleOperator Role = "operator" // may act: stop, tag, deploy…
	RoleViewer   Role = "viewer"   // read-only, enforced in the API client
)

// Person is who connected: the name shown to the others, the role, and
// the key that identified them.
type Person struct {
	Name        string
	Role        Role
	Fingerprint string // SHA256:… of the public key
	Remote      string // the connection's remote address
}

// Keyring is the authorized keys of each role, read from OpenSSH
// authorized_keys files and read again when a file changes (Watch) or on
// demand (Reload, on SIGHUP). A key in both files is a viewer: the
// smaller right wins. It is safe for concurrent use.
type Keyring struct {
	files map[Role]string
	names map[string]string // key comment or fingerprint → name to show
	log   *slog.Logger

	mu       sync.RWMutex
	people   map[string]Person    // by fingerprint
	stamps   map[string]time.Time // each file's modification time when read
	onChange []func()             // called after each successful Reload
}

// OnChange calls fn after every successful Reload (the server closes the
// sessions of keys no longer authorized).
func (k *Keyring) OnChange(fn func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.onChange = append(k.onChange, fn)
}

// Current is the person a fingerprint belongs to now.
func (k *Keyring) Current(fingerprint string) (Person, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	p, ok := k.people[fingerprint]
	return p, ok
}

// ErrNoKeys is the refusal to serve without any authorized key.
var ErrNoKeys = errors.New("no authorized keys: give --operator-keys and/or --viewer-keys (OpenSSH authorized_keys files), or serve.operator_keys / serve.viewer_keys in the config file")

// LoadKeyring reads the operators' and viewers' authorized_keys files
// (either may be empty, not both). names maps a key's comment or
// fingerprint to the name shown for it (default: the comment, else the
// fingerprint).
func LoadKeyring(operatorKeys, viewerKeys string, names map[string]string, log *slog.Logger) (*Keyring, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	k := &Keyring{files: map[Role]string{}, names: names, log: log}
	if operatorKeys != "" {
		k.files[RoleOperator] = operatorKeys
	}
	if viewerKeys != "" {
		k.files[RoleViewer] = viewerKeys
	}
	if len(k.files) == 0 {
		return nil, ErrNoKeys
	}
	if err := k.Reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload reads every file again. On an error the keys in use are kept.
func (k *Keyring) Reload() error {
	people := map[string]Person{}
	stamps := map[string]time.Time{}
	for _, role := range []Role{RoleOperator, RoleViewer} { // viewer last: it wins
		path, ok := k.files[role]
		if !ok {
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("%s keys: %w", role, err)
		}
		stamps[path] = st.ModTime()
		found, err := readAuthorizedKeys(path)
		if err != nil {
			return fmt.Errorf("%s keys: %w", role, err)
		}
		for fp, comment := range found {
			if prev, ok := people[fp]; ok && prev.Role != role {
				k.log.Warn("serve: a key is both an operator and a viewer: it is a viewer", "fingerprint", fp)
			}
			people[fp] = Person{Name: k.nameOf(fp, comment), Role: role, Fingerprint: fp}
		}
	}
	if len(people) == 0 {
		return ErrNoKeys
	}
	k.mu.Lock()
	k.people, k.stamps = people, stamps
	hooks := slices.Clone(k.onChange)
	k.mu.Unlock()
	k.log.Info("serve: authorized keys read", "keys", len(people))
	for _, fn := range hooks {
		fn()
	}
	return nil
}

// nameOf is the name shown for a key.
func (k *Keyring) nameOf(fp, comment string) string {
	if n := k.names[fp]; n != "" {
		return n
	}
	if n := k.names[comment]; n != "" {
		return n
	}
	if comment != "" {
		return comment
	}
	return fp
}

// Lookup is the person a public key belongs to.
func (k *Keyring) Lookup(key gossh.PublicKey) (Person, bool) {
	fp := gossh.FingerprintSHA256(key)
	k.mu.RLock()
	defer k.mu.RUnlock()
	p, ok := k.people[fp]
	return p, ok
}

// Len is the number of authorized keys.
func (k *Keyring) Len() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.people)
}

// Changed reports whether a file changed since it was read.
func (k *Keyring) Changed() bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, path := range k.files {
		st, err := os.Stat(path)
		if err != nil || !st.ModTime().Equal(k.stamps[path]) {
			return true
		}
	}
	return false
}

// Watch reads the files again whenever one changes, checking every
// interval until done is closed. A file that cannot be read keeps the
// keys in use and is logged.
func (k *Keyring) Watch(done <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if k.Changed() {
				if err := k.Reload(); err != nil {
					k.log.Error("serve: authorized keys not re-read; the keys in use are kept", "err", err)
				}
			}
		}
	}
}

// readAuthorizedKeys parses an OpenSSH authorized_keys file: fingerprint
// → comment. Blank lines and comments are skipped; a line that is not a
// key is an error naming it.
func readAuthorizedKeys(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, comment, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not an authorized key (%v): use one OpenSSH public key per line, as ssh-keygen writes them", path, n, err)
		}
		out[gossh.FingerprintSHA256(key)] = comment
	}
	return out, sc.Err()
}
