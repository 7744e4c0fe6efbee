package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestKeyringRolesNamesAndErrors(t *testing.T) {
	alice, bob, both := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk"), newPerson(t, "carol")
	ops := writeKeys(t, alice, both)
	viewers := writeKeys(t, bob, both)
	k, err := LoadKeyring(ops, viewers, map[string]string{"alice@laptop": "Alice (live-ops)"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p          person
		name       string
		role       Role
		authorized bool
	}{
		{alice, "Alice (live-ops)", RoleOperator, true},
		{bob, "bob@desk", RoleViewer, true},
		{both, "carol", RoleViewer, true}, // in both files: the smaller right
		{newPerson(t, "mallory"), "", "", false},
	} {
		got, ok := k.Lookup(tc.p.signer.PublicKey())
		if ok != tc.authorized || got.Name != tc.name || got.Role != tc.role {
			t.Errorf("%s: %+v %v, want %q %q %v", tc.p.name, got, ok, tc.name, tc.role, tc.authorized)
		}
		if ok && !strings.HasPrefix(got.Fingerprint, "SHA256:") {
			t.Errorf("%s: fingerprint %q", tc.p.name, got.Fingerprint)
		}
	}
	if _, err := LoadKeyring("", "", nil, nil); err != ErrNoKeys {
		t.Errorf("no files: %v, want ErrNoKeys", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("# nobody yet\n"), 0o600)
	if _, err := LoadKeyring(empty, "", nil, nil); err != ErrNoKeys {
		t.Errorf("a file of comments: %v, want ErrNoKeys", err)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("# ok\nssh-ed25519 not-base64 me\n"), 0o600)
	if _, err := LoadKeyring(bad, "", nil, nil); err == nil || !strings.Contains(err.Error(), bad+":2: not an authorized key") {
		t.Errorf("a bad line: %v, want file:line", err)
	}
	if _, err := LoadKeyring(filepath.Join(t.TempDir(), "missing"), "", nil, nil); err == nil || !strings.Contains(err.Error(), "operator keys") {
		t.Errorf("a missing file: %v", err)
	}
}

// A changed file is read again by Watch; a broken one keeps the keys in
// use.
func TestKeyringWatchReadsChanges(t *testing.T) {
	alice, bob := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk")
	ops := writeKeys(t, alice)
	k, err := LoadKeyring(ops, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer close(done)
	go k.Watch(done, 20*time.Millisecond)
	data, _ := os.ReadFile(writeKeys(t, alice, bob))
	time.Sleep(10 * time.Millisecond) // a later modification time
	if err := os.WriteFile(ops, data, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := k.Lookup(bob.signer.PublicKey()); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not read the new key")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(ops, []byte("garbage\n"), 0o600)
	time.Sleep(200 * time.Millisecond)
	if _, ok := k.Lookup(alice.signer.PublicKey()); !ok {
		t.Error("a broken file dropped the keys in use")
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr     string
		explicit bool
		ok       bool
	}{
		{"127.0.0.1:2222", false, true}, {"localhost:2222", false, true}, {"[::1]:2222", false, true},
		{"0.0.0.0:2222", false, false}, {"0.0.0.0:2222", true, true}, {"10.0.0.5:22", false, false}, {"nonsense", true, false},
	} {
		if err := CheckListen(tc.addr, tc.explicit); (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %v) = %v", tc.addr, tc.explicit, err)
		}
	}
}
