package api

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// Redacted is what a secret value is replaced by.
const Redacted = "•••"

// unreadableJSON replaces a body Redact cannot parse: it cannot tell what
// in it is secret, so none of it is kept.
var unreadableJSON = []byte(`"••• (not valid JSON: withheld, it may hold secrets)"`)

// SecretField reports whether a JSON member called name holds a secret
// whose value must never be shown, logged or written. The rule, on the
// lower-cased name:
//
//   - it contains "token", "secret", "password", "passwd" or
//     "credential" (private_token, authorization_token, delete_token,
//     secret_access_key, …);
//   - it ends in "_key" or "_key_id", or is "apikey" (access_key_id,
//     secret_key, stop_key, api_key);
//   - it is "private_username" (a registry login is half a credential).
//
// A bare "key" is not a secret: it names an environment variable or a
// location tag, which the console shows (their values are handled by
// Redact's environment rule). Booleans, null and "" are kept even under a
// secret name: a flag such as is_secret, or the absence of a value,
// reveals nothing.
func SecretField(name string) bool {
	n := strings.ToLower(name)
	for _, word := range []string{"token", "secret", "password", "passwd", "credential"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return strings.HasSuffix(n, "_key") || strings.HasSuffix(n, "_key_id") || n == "apikey" || n == "private_username"
}

// envMember reports whether a member called name holds environment
// variables ({key, value, is_hidden} objects): envs,
// environment_variables, env_vars, …
func envMember(name string) bool { return strings.Contains(strings.ToLower(name), "env") }

// Redact returns raw JSON with every secret value replaced by "•••": the
// value of every member SecretField names (at any depth), and the value
// of every environment variable ({"key", "value"} objects in a member
// whose name says env: envs, environment_variables), hidden or not. Key
// order and everything else are kept; the output is compact JSON. A body
// that is not valid JSON is withheld whole. It is the one redaction of
// raw answers: whatever keeps or shows raw JSON from the API (the raw
// JSON view, saved files, the debug log, the audit) passes it through
// Redact.
func Redact(raw []byte) []byte {
	if !mayHoldSecret(raw) {
		return raw
	}
	out, ok := redactValue(bytes.TrimSpace(raw), false)
	if !ok {
		return append([]byte(nil), unreadableJSON...)
	}
	return out
}

// RedactString is Redact for JSON held in a string.
func RedactString(raw string) string { return string(Redact([]byte(raw))) }

// mayHoldSecret is a quick test: a body without any of the words the rules
// look for has nothing to redact.
func mayHoldSecret(raw []byte) bool {
	lower := bytes.ToLower(raw)
	for _, w := range []string{"token", "secret", "passw", "passwd", "credential", "key", "env", "private_username"} {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

// redactValue rewrites one JSON value; envItem is set for the elements of
// an environment variables array.
func redactValue(raw []byte, envItem bool) ([]byte, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	switch raw[0] {
	case '{':
		return redactObject(raw, envItem)
	case '[':
		return redactArray(raw, false)
	}
	if !json.Valid(raw) {
		return nil, false
	}
	if envItem { // "KEY=value" as a plain string
		return hiddenValue(raw), true
	}
	return raw, true
}

// redactObject rewrites an object member by member, in order.
func redactObject(raw []byte, envItem bool) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for first := true; dec.More(); first = false {
		t, err := dec.Token()
		key, isString := t.(string)
		if err != nil || !isString {
			return nil, false
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false
		}
		if !first {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		out, ok := redactMember(key, bytes.TrimSpace(val), envItem)
		if !ok {
			return nil, false
		}
		b.Write(out)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, false
	}
	b.WriteByte('}')
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return b.Bytes(), true
}

// redactMember rewrites the value of the member called key; envItem is
// set inside an environment variable.
func redactMember(key string, val []byte, envItem bool) ([]byte, bool) {
	switch {
	case SecretField(key) || envItem && key == "value":
		return hiddenValue(val), true
	case envMember(key) && bytes.HasPrefix(val, []byte("[")):
		return redactArray(val, true)
	}
	return redactValue(val, false)
}

// RedactMember is Redact for the value of a member called name (a field
// kept on its own, such as a value tolerant decoding could not read).
func RedactMember(name string, val []byte) []byte {
	out, ok := redactMember(name, bytes.TrimSpace(val), false)
	if !ok {
		return append([]byte(nil), unreadableJSON...)
	}
	return out
}

// redactArray rewrites an array element by element; env marks the
// elements as environment variables.
func redactArray(raw []byte, env bool) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for first := true; dec.More(); first = false {
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false
		}
		out, ok := redactValue(bytes.TrimSpace(val), env)
		if !ok {
			return nil, false
		}
		if !first {
			b.WriteByte(',')
		}
		b.Write(out)
	}
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	b.WriteByte(']')
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return b.Bytes(), true
}

// hiddenValue is what replaces a secret value: "•••", except for null,
// "", true and false, which reveal nothing and are kept.
func hiddenValue(val json.RawMessage) []byte {
	switch v := string(bytes.TrimSpace(val)); v {
	case "null", `""`, "true", "false":
		return []byte(v)
	}
	return []byte(`"` + Redacted + `"`)
}
