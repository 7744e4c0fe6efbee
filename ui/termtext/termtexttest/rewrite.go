package termtexttest

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// Rewriter rewrites every JSON string value of an API answer (and the
// names of ports, which are object keys) to a hostile one: a string of
// Hostile, or a very long one, in front of the original value, so values
// stay distinct. Which one depends on the key and the value only, so a
// run is reproducible however the requests interleave. Strings that hold
// numbers or times are left alone (the API sends some numbers as strings;
// a broken time is a decode error, not hostile text), and so are request
// ids when KeepIDs is set, so a console can still open a deployment.
type Rewriter struct {
	// KeepIDs leaves the request_id values as they are.
	KeepIDs bool
}

// prefix is the hostile text put in front of value, found under key.
func (h *Rewriter) prefix(key, value string) string {
	f := fnv.New32a()
	f.Write([]byte(key))
	f.Write([]byte{0})
	f.Write([]byte(value))
	n := int(f.Sum32() % uint32(len(Hostile)+1))
	if n == len(Hostile) {
		return Long(600)
	}
	return Hostile[n]
}

// Body rewrites a JSON body; anything else comes back as it was.
func (h *Rewriter) Body(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return b
	}
	out, err := json.Marshal(h.value("", v))
	if err != nil {
		return b
	}
	return out
}

// value rewrites v, found under key.
func (h *Rewriter) value(key string, v any) any {
	switch v := v.(type) {
	case string:
		if h.keep(key, v) {
			return v
		}
		if key == "logs" || key == "crash_logs" { // every line of them
			lines := strings.Split(v, "\n")
			for i, l := range lines {
				lines[i] = h.prefix(key, l) + l
			}
			return strings.Join(lines, "\n")
		}
		return h.prefix(key, v) + v
	case []any:
		for i := range v {
			v[i] = h.value(key, v[i])
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			nk := k
			if key == "ports" {
				nk = h.prefix("", k) + k
			}
			out[nk] = h.value(k, e)
		}
		return out
	}
	return v
}

// keep reports whether the string s under key stays as it is.
func (h *Rewriter) keep(key, s string) bool {
	if h.KeepIDs && key == "request_id" {
		return true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// ConservativeWidth is the widest a terminal may draw line: the UI's
// measure (grapheme clusters) or a terminal's that adds up code points
// (tmux, wcwidth), whichever is wider.
func ConservativeWidth(line string) int {
	plain := ansi.Strip(line)
	w := 0
	for _, r := range plain {
		w += runewidth.RuneWidth(r)
	}
	return max(w, ansi.StringWidth(line))
}
