package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
)

// Tolerant decoding. The specs type many fields loosely (timestamps as
// plain strings, numbers that may come as strings), so an answer the specs
// allow may hold a value the console cannot read. One such value must not
// fail the row, and one bad row must not fail the page:
//
//   - a row type decodes strictly first (the common case, no extra cost);
//     if that fails, it decodes key by key, and a key whose value does not
//     parse is kept raw in the row's Loose and left at its zero value. An
//     object value (ports, centroid, pagination) is tried entry by entry,
//     so one odd port does not lose the others ("ports.note");
//   - a row that is not a JSON object, or has no usable id, is skipped and
//     counted (see keepRows);
//   - the client logs each kind of problem once and counts it in its
//     health (see noteLoose).
//
// Keys the types do not declare are ignored by the typed fields; the raw
// JSON view shows them from the body the client keeps (DeploymentStatus.Raw).

// FieldProblem is one value of an answer the console could not read.
type FieldProblem struct {
	// Field is the JSON key ("start_time"), or key.entry for an entry of
	// an object value ("ports.note", "centroid.radius_km").
	Field string
	// Raw is the value as the API sent it, clipped to MaxTextBytes, its
	// secrets replaced by "•••" (see Redact).
	Raw json.RawMessage
	// Err says why it did not parse.
	Err string
}

// Loose records what tolerant decoding could not put in a value's typed
// fields. The zero value means everything was understood. It is never
// encoded.
type Loose struct {
	fields   []FieldProblem
	unusable string // why the value is no row at all ("not a JSON object")
	sent     int    // for a page: the rows the answer held, skipped ones included
}

// sentRows is the number of rows a page's answer held, the skipped ones
// included (kept: the rows left): the pager counts what the API sent.
func (l Loose) sentRows(kept int) int { return max(kept, l.sent) }

// Field returns the raw value of field when it did not parse (the field
// is then at its zero value and must be shown as unknown).
func (l Loose) Field(field string) (json.RawMessage, bool) {
	for _, p := range l.fields {
		if p.Field == field {
			return p.Raw, true
		}
	}
	return nil, false
}

// Unknown reports whether field did not parse.
func (l Loose) Unknown(field string) bool {
	_, ok := l.Field(field)
	return ok
}

// Problems lists the values that did not parse, by key.
func (l Loose) Problems() []FieldProblem { return slices.Clone(l.fields) }

// looseDecode decodes b into v (a type without its own UnmarshalJSON, the
// plain twin of a row type), tolerating values that do not parse; it
// records them in l. It never fails: a b that is not an object leaves v
// zero and l marked unusable.
func looseDecode[P any](b []byte, v *P, l *Loose) error {
	*l = Loose{}
	strictErr := json.Unmarshal(b, v)
	if strictErr == nil {
		return nil
	}
	var zero P
	*v = zero // the failed decode may have set some fields: start over
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		l.unusable = "not a JSON object"
		return nil
	}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		raw := obj[key]
		err := decodeKey(v, key, raw)
		if err == nil {
			continue
		}
		// An object for a field that takes objects (an empty one decodes):
		// try its entries one by one.
		var entries map[string]json.RawMessage
		if json.Unmarshal(raw, &entries) != nil || len(entries) == 0 || decodeKey(new(P), key, json.RawMessage("{}")) != nil {
			l.add(key, raw, err)
			continue
		}
		for _, e := range slices.Sorted(maps.Keys(entries)) {
			one, _ := json.Marshal(map[string]json.RawMessage{e: entries[e]})
			if err := decodeKey(v, key, one); err != nil {
				l.add(key+"."+e, entries[e], err)
			}
		}
	}
	return nil
}

// decodeKey decodes {key: raw} into v, and only if it decodes on its own
// (so a failure leaves v untouched).
func decodeKey[P any](v *P, key string, raw json.RawMessage) error {
	one, err := json.Marshal(map[string]json.RawMessage{key: raw})
	if err != nil {
		return err
	}
	var trial P
	if err := json.Unmarshal(one, &trial); err != nil {
		return err
	}
	return json.Unmarshal(one, v)
}

func (l *Loose) add(field string, raw json.RawMessage, err error) {
	raw = bytes.TrimSpace(raw)
	// A secret or env values are never kept, even unread.
	raw = RedactMember(field[strings.LastIndex(field, ".")+1:], raw)
	if len(raw) > MaxTextBytes { // keep it valid JSON: a string of its start
		raw, _ = json.Marshal(strings.ToValidUTF8(string(raw[:MaxTextBytes]), "") + "…")
	}
	l.fields = append(l.fields, FieldProblem{Field: field, Raw: append(json.RawMessage(nil), raw...), Err: decodeReason(err)})
}

// decodeReason says why a value did not parse, without encoding/json's Go
// type names.
func decodeReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "a JSON " + te.Value + " is not what the console expects here"
	}
	return strings.TrimPrefix(err.Error(), "api: ")
}

// row is a list item that tolerant decoding may skip: it needs an id.
type row interface {
	row() (id string, l *Loose)
}

// looseReport gathers the decode problems of one answer for the client's
// health and log.
type looseReport struct {
	fields  []FieldProblem // Field is kind.field ("deployment.start_time")
	skipped map[string]int // rows skipped, by kind ("deployment")
}

func (r *looseReport) empty() bool { return len(r.fields) == 0 && len(r.skipped) == 0 }

// add files l's problems under kind.
func (r *looseReport) add(kind string, l *Loose) {
	for _, p := range l.fields {
		p.Field = kind + "." + p.Field
		r.fields = append(r.fields, p)
	}
}

// keepRows drops the rows that are not objects or have no id, counting
// them under kind, and reports the problems of the others.
func keepRows[T any, P interface {
	*T
	row
}](kind string, rows []T, r *looseReport) []T {
	out := rows[:0]
	for i := range rows {
		id, l := P(&rows[i]).row()
		if l.unusable != "" || strings.TrimSpace(id) == "" {
			if r.skipped == nil {
				r.skipped = map[string]int{}
			}
			r.skipped[kind]++
			continue
		}
		r.add(kind, l)
		out = append(out, rows[i])
	}
	clear(rows[len(out):])
	return out
}

// tidyPage reports the problems of a page (its own fields under "kind
// page") and of its rows, and drops the rows without an id.
func tidyPage[T any, P interface {
	*T
	row
}](r *looseReport, kind string, page *Loose, rows *[]T) {
	r.add(kind+" page", page)
	page.sent = len(*rows)
	*rows = keepRows[T, P](kind, *rows, r)
}

// tidier is an answer that reports (and drops) what it could not read.
type tidier interface{ tidy(r *looseReport) }
