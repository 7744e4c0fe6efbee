package api

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzRedact: Redact never panics; for valid JSON it returns valid JSON
// with the same shape, in which no member a rule names holds anything
// but "•••", a boolean, null or ""; it is idempotent; and invalid JSON
// that may hold a secret is withheld. Run it with
//
//	go test -run='^$' -fuzz=FuzzRedact -fuzztime=30s ./api/
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"private_token":"x","envs":[{"key":"A","value":"b","is_hidden":false}]}`,
		`{"a":{"b":[{"secret":{"c":1}}]},"is_secret":true,"api_key":null}`,
		`[{"environment_variables":["A=1",{"key":"B","value":2}]}]`,
		`{"request_id":"abc","ports":{"gameport":{"external":31000}}}`,
		`{"token":"\u00e9\ud83d\ude00"}`, `"token"`, `{"key":"k"}`, `{"a":1}{"b":2}`, `{"password":`, `12`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := Redact(in)
		if !json.Valid(in) {
			if mayHoldSecret(in) && !bytes.Equal(out, unreadableJSON) {
				t.Fatalf("invalid JSON with a secret word came back: %q", out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("Redact(%q) = %q: not JSON", in, out)
		}
		if again := Redact(out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
		var v any // numbers as written: valid JSON may hold one no float64 holds (1e400)
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		checkHidden(t, v, false)
	})
}

// checkHidden fails when a member a rule names holds a readable value.
func checkHidden(t *testing.T, v any, envItem bool) {
	t.Helper()
	hidden := func(x any) bool {
		switch x := x.(type) {
		case nil, bool:
			return true
		case string:
			return x == "" || x == Redacted
		}
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch _, isList := x.([]any); {
			case SecretField(k) || envItem && k == "value":
				if !hidden(x) {
					t.Fatalf("member %q keeps %v", k, x)
				}
			case envMember(k) && isList:
				for _, item := range x.([]any) {
					if _, isObj := item.(map[string]any); !isObj && !hidden(item) {
						if _, isList := item.([]any); !isList {
							t.Fatalf("env entry %v kept", item)
						}
					}
					checkHidden(t, item, true)
				}
			default:
				checkHidden(t, x, false)
			}
		}
	case []any:
		for _, x := range v {
			checkHidden(t, x, false)
		}
	}
}
