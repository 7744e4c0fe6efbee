package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the tolerant decoders. Decoding must never panic. A
// value that decodes must re-encode, and the re-encoding must decode to an
// equal value (reflect.DeepEqual) after normalize. normalize applies only
// the documented normalizations of the wire format. Run one with, e.g.,
//
//	go test -run='^$' -fuzz=FuzzTime -fuzztime=30s ./api/

func FuzzInt(f *testing.F) {
	addSeeds(f, `5`, `"5"`, `" 7 "`, `5.0`, `null`, `""`, `"abc"`, `{}`, `true`, `"10"`, `-1`,
		`9223372036854775807`, `"-9223372036854775808"`, `1e30`, `"1e400"`, `"0x1p4"`, `"NaN"`, `5.9`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[Int](t, data) })
}

func FuzzFloat(f *testing.F) {
	addSeeds(f, `"45.3324097"`, `-73.56`, `null`, `""`, `"2458"`, `0.1`, `-0`, `1e308`, `"1e400"`, `5e-324`, `"abc"`, `[]`, `"Inf"`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[Float](t, data) })
}

func FuzzTime(f *testing.F) {
	addSeeds(f, `"2025-06-20 12:00:43.066217"`, `"2021-07-14 14:17:37.711"`, `"2022-01-01 00:00:00.000000"`,
		`"2026-03-01T10:00:00Z"`, `"2026-03-01T10:00:00.123+02:00"`, `"2025-11-26T16:32:30.825138Z"`, `"2026-03-01T10:00:00"`,
		`"2026-03-01"`, `null`, `""`, `"0001-01-01T00:00:00Z"`, `"2025-06-20 12:00:43.0662171234"`, `"yesterday"`, `12`,
		`"0000-01-01T00:00:00+01:00"`, `"9999-12-31T23:59:59-01:00"`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[Time](t, data) })
}

func FuzzDeploymentStatus(f *testing.F) {
	addExampleSeeds(f, "get_v1_status_request_id.json", "delete_v1_stop_request_id.json")
	addSeeds(f, `{}`, `null`, `{"ports":{},"sessions":[],"tags":[]}`, `{"removal_time":null,"location":null,"sockets":"5"}`,
		`{"start_time":"2026-03-01T10:00:00Z","elapsed_time":"12","location":{"latitude":"45.5","tags":[]}}`,
		`{"current_status":"Status.MIGRATING","ports":{"x":{"proxy":null}}}`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[DeploymentStatus](t, data) })
}

func FuzzContainerLogs(f *testing.F) {
	addExampleSeeds(f, "get_v1_deployment_request_id_container-logs.json")
	addSeeds(f, `{}`, `{"logs":"","crash_logs":null,"crash_data":null,"logs_link":null}`, `{"crash_data":{"exit_code":"137"}}`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[ContainerLogs](t, data) })
}

func FuzzMetrics(f *testing.F) {
	addExampleSeeds(f, "get_v1_metrics_deployment_request_id.json")
	addSeeds(f, `{}`, `{"cpu":{"labels":[],"datasets":[1.5,"2"],"timestamps":["2021-07-14 14:17:37.711",null]}}`,
		`{"cpu_throttle_rate":null,"network":{"receive":{"datasets":null}}}`)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[Metrics](t, data) })
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// addExampleSeeds adds the response of each documented example.
func addExampleSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "examples", name))
		if err != nil {
			f.Fatal(err)
		}
		var ex struct{ Response json.RawMessage }
		if err := json.Unmarshal(b, &ex); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(ex.Response))
	}
}

// roundTrip checks the decode → encode → decode property for T on data.
func roundTrip[T any](t *testing.T, data []byte) {
	var v T
	if json.Unmarshal(data, &v) != nil {
		return
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s decodes to %+v but does not re-encode: %v", data, v, err)
	}
	var back T
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s re-encodes as %s, which does not decode: %v", data, out, err)
	}
	want := normalize(v)
	if !reflect.DeepEqual(want, back) {
		t.Fatalf("%s decodes to\n%+v\nbut its re-encoding %s decodes to\n%+v", data, want, out, back)
	}
}

var (
	timeType  = reflect.TypeFor[Time]()
	looseType = reflect.TypeFor[Loose]()
)

// normalize returns v with the documented normalizations of the wire
// format applied to every value it holds:
//   - a v1 Time loses everything below the microsecond, because
//     V1TimeLayout has 6 fractional digits;
//   - a zero Time encodes as "", which decodes as the zero v1 Time, so
//     the zero Time loses its layout;
//   - an empty non-nil slice or map under an omitempty field is left out
//     of the encoding, so it decodes as nil;
//   - values tolerant decoding could not read (Loose) are not encoded:
//     what re-encodes is what was understood.
func normalize[T any](v T) T {
	walk(reflect.ValueOf(&v).Elem(), false, func(v reflect.Value, omitEmpty bool) {
		switch {
		case v.Type() == looseType:
			v.SetZero()
		case v.Type() == timeType:
			t := v.Addr().Interface().(*Time)
			if t.IsZero() {
				*t = Time{}
			} else if !t.iso {
				t.Time = t.Time.Truncate(time.Microsecond)
			}
		case (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && omitEmpty && !v.IsNil() && v.Len() == 0:
			v.SetZero()
		}
	})
	return v
}

// walk calls fn on v and on every value v holds, through exported struct
// fields, pointers, slices and map values. fn may change the value it
// gets when v is addressable (map values are copied and stored back).
// omitEmpty tells fn whether the value sits under an omitempty field.
func walk(v reflect.Value, omitEmpty bool, fn func(v reflect.Value, omitEmpty bool)) {
	fn(v, omitEmpty)
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				walk(v.Field(i), strings.Contains(f.Tag.Get("json"), ",omitempty"), fn)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), false, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), false, fn)
		}
	case reflect.Map:
		for iter := v.MapRange(); iter.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			walk(e, false, fn)
			v.SetMapIndex(iter.Key(), e)
		}
	}
}

// oddFields are the keys FuzzOneOddValue puts an arbitrary value under.
var oddFields = []string{"start_time", "ports", "sockets", "tags", "ready", "public_ip", "is_joinable_by_session", "sockets_usage", "unknown_key"}

// FuzzOneOddValue: whatever value one field of a row holds, the page
// decodes, the row keeps its id and its other fields, and the next row is
// untouched.
func FuzzOneOddValue(f *testing.F) {
	for i, v := range []string{`"yesterday"`, `{"a":1}`, `[1,"x"]`, `null`, `"5"`, `{"p":{"external":"x"},"q":"no"}`, `1e400`, `-0`, `"\u0000"`} {
		f.Add(uint8(i), []byte(v))
	}
	f.Fuzz(func(t *testing.T, which uint8, value []byte) {
		field := oddFields[int(which)%len(oddFields)]
		page := `{"data":[{"request_id":"a","fqdn":"f",` + strconv.Quote(field) + `:` + string(value) + `},` +
			`{"request_id":"b","start_time":"2025-06-20 12:00:43.066217","ports":{"p":{"external":1}}}],"total_count":2}`
		if !json.Valid([]byte(page)) {
			return
		}
		var l DeploymentList
		if err := json.Unmarshal([]byte(page), &l); err != nil {
			t.Fatalf("the page failed for %s=%s: %v", field, value, err)
		}
		var r looseReport
		l.tidy(&r)
		if len(l.Data) != 2 || l.Data[0].RequestID != "a" || l.Data[0].FQDN != "f" {
			t.Fatalf("%s=%s: rows %+v, want a (fqdn f) and b", field, value, l.Data)
		}
		b := l.Data[1]
		if b.RequestID != "b" || b.StartTime.IsZero() || b.Ports["p"].External != 1 || len(b.Loose.Problems()) != 0 {
			t.Fatalf("%s=%s: the next row changed: %+v", field, value, b)
		}
		if err := json.Unmarshal([]byte(page), new(DeploymentStatus)); err != nil {
			t.Fatalf("a status failed on any bytes: %v", err)
		}
	})
}
