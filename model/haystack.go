package model

import "strings"

// haystack is the precomputed, lowercase text a row offers the `/` filter:
// the free-text haystack and the values of each filter field. Rows build it
// once, when they are made, so filtering allocates nothing.
type haystack struct {
	text   string
	fields []fieldValues
}

// fieldValues are the lowercase values of one filter field; known is false
// while the row cannot tell yet (a deployment before its status arrived).
type fieldValues struct {
	name   string
	values []string
	known  bool
}

// haystackBuilder collects a row's fields.
type haystackBuilder struct {
	text   []string // the lowercase values, in order
	fields []fieldValues
	spans  [][2]int // each field's values in text
}

// field adds a field whose values are also free text.
func (b *haystackBuilder) field(name string, known bool, values ...string) *haystackBuilder {
	start := len(b.text)
	for _, v := range values {
		if v != "" {
			b.text = append(b.text, strings.ToLower(v))
		}
	}
	b.fields = append(b.fields, fieldValues{name: name, known: known})
	b.spans = append(b.spans, [2]int{start, len(b.text)})
	return b
}

// extra adds free text that no field names.
func (b *haystackBuilder) extra(values ...string) *haystackBuilder {
	for _, v := range values {
		if v != "" {
			b.text = append(b.text, strings.ToLower(v))
		}
	}
	return b
}

// build joins the free text with a separator no one types, so a term never
// matches across two values. Every row keeps its haystack, so it is built
// small (issue 16: it was the largest part of the heap at 50,000
// deployments): the field values are substrings of the text, their
// headers one array, and nothing has spare capacity.
func (b *haystackBuilder) build() haystack {
	text := strings.Join(b.text, "\x1f")
	vals := make([]string, len(b.text))
	off := 0
	for i, v := range b.text {
		vals[i] = text[off : off+len(v)]
		off += len(v) + 1
	}
	fields := make([]fieldValues, len(b.fields))
	for i, f := range b.fields {
		from, to := b.spans[i][0], b.spans[i][1]
		f.values = vals[from:to:to]
		fields[i] = f
	}
	return haystack{text: text, fields: fields}
}

// Text is the lowercase free-text haystack.
func (h *haystack) Text() string { return h.text }

// Field returns the lowercase values of a filter field and whether they are
// known yet; a field the row does not have reports (nil, true): known to
// have no value.
func (h *haystack) Field(name string) ([]string, bool) {
	for i := range h.fields {
		if h.fields[i].name == name {
			return h.fields[i].values, h.fields[i].known
		}
	}
	return nil, true
}
