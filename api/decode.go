package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Int is an integer that tolerates the shapes the Edgegap API really sends:
// a JSON number, a numeric string ("5"), a number with a zero fraction
// (5.0, 1e3), or null (decoded as 0). It refuses fractions, overflow and
// anything that is not a JSON number, rather than guess. It always encodes
// as a JSON number.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, null, err := numberText(b, "integer")
	if err != nil || null {
		*n = 0
		return err
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return fmt.Errorf("api: %q is not a 64-bit integer", s)
	}
	*n = Int(f)
	return nil
}

// numberText extracts the text of a JSON number, or of a string holding
// one, and checks it against the JSON number grammar (so "NaN", "Inf",
// "0x1p4" and "1_000" are refused). null and "" report null.
func numberText(b []byte, what string) (text string, null bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", true, nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, fmt.Errorf("api: %s: %w", what, err)
		}
		if s = strings.TrimSpace(s); s == "" {
			return "", true, nil
		}
	}
	if !isJSONNumber(s) {
		return "", false, fmt.Errorf("api: %q is not a number (%s expected)", s, what)
	}
	return s, false, nil
}

// isJSONNumber reports whether s follows the JSON number grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if n := digits(); n == 0 || (n > 1 && s[i-n] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Float is a number that decodes from a JSON number, a numeric string
// ("45.33"), or null (decoded as 0). Non-finite values are refused. It
// always encodes as a JSON number.
type Float float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	s, null, err := numberText(b, "number")
	if err != nil || null {
		*f = 0
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return fmt.Errorf("api: %q is out of range for a number", s)
	}
	*f = Float(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(f), 'f', -1, 64), nil
}

// V1TimeLayout is the timestamp layout of the v1 API: UTC, no zone,
// microseconds ("2025-06-20 12:00:43.066217").
const V1TimeLayout = "2006-01-02 15:04:05.000000"

// v1ParseLayout accepts any number of fractional digits, or none.
const v1ParseLayout = "2006-01-02 15:04:05.999999999"

// Time is a timestamp that decodes both API generations: v1
// "2025-06-20 12:00:43.066217" (UTC, no zone) and v2 ISO-8601/RFC 3339.
// It re-encodes in the layout it was decoded from; a zero Time encodes as "".
type Time struct {
	time.Time
	iso bool
}

// V1Time wraps t for the v1 wire format.
func V1Time(t time.Time) Time { return Time{Time: t.UTC()} }

// ISOTime wraps t for the v2 (RFC 3339) wire format.
func ISOTime(t time.Time) Time { return Time{Time: t.UTC(), iso: true} }

// ParseTime parses a v1 or v2 API timestamp. Instants outside the years
// 0000–9999 (UTC) are refused: they cannot be written back.
func ParseTime(s string) (Time, error) {
	t, err := parseTime(s)
	if err == nil && !t.IsZero() {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return Time{}, fmt.Errorf("api: timestamp %q is outside the years 0000-9999", s)
		}
	}
	return t, err
}

func parseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Time{}, nil
	}
	if t, err := time.ParseInLocation(v1ParseLayout, s, time.UTC); err == nil {
		return Time{Time: t}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Time{Time: t.UTC(), iso: true}, nil
	}
	// ISO-8601 without a zone, as some v2 payloads carry: treat as UTC.
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err == nil {
		return Time{Time: t, iso: true}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.UTC); err == nil {
		return Time{Time: t}, nil
	}
	return Time{}, fmt.Errorf("api: unrecognised timestamp %q", s)
}

// String formats t in its wire layout.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	if t.iso {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return t.UTC().Format(V1TimeLayout)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("api: timestamp: %w", err)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.String())
}

// FormatMetricsTime formats t as the metrics endpoint's start_time/end_time
// query parameters must be: "%Y-%m-%d %H:%M:%S.%f" as the API reference
// documents it, UTC, with six fractional digits (truncated to the
// microsecond), e.g. "2026-12-03 08:17:36.000000".
func FormatMetricsTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// Status is a deployment status as the API sends it ("Status.READY").
// Unknown values are kept verbatim.
type Status string

// The documented deployment statuses.
const (
	StatusInitializing Status = "Status.INITIALIZING"
	StatusSeeking      Status = "Status.SEEKING"
	StatusSeeked       Status = "Status.SEEKED"
	StatusScanning     Status = "Status.SCANNING"
	StatusDeploying    Status = "Status.DEPLOYING"
	StatusReady        Status = "Status.READY"
	StatusTerminating  Status = "Status.TERMINATING"
	StatusTerminated   Status = "Status.TERMINATED"
	StatusError        Status = "Status.ERROR"
)

// AllStatuses lists the documented statuses in lifecycle order.
var AllStatuses = []Status{
	StatusInitializing, StatusSeeking, StatusSeeked, StatusScanning, StatusDeploying,
	StatusReady, StatusTerminating, StatusTerminated, StatusError,
}

// Name is the status without its "Status." prefix ("READY"); unknown values
// are returned as sent.
func (s Status) Name() string { return strings.TrimPrefix(string(s), "Status.") }

// Known reports whether s is one of the documented statuses.
func (s Status) Known() bool {
	for _, k := range AllStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Settled reports whether a stop request acts at once (READY or ERROR).
func (s Status) Settled() bool { return s == StatusReady || s == StatusError }

// Ended reports whether the deployment is terminating or gone.
func (s Status) Ended() bool { return s == StatusTerminating || s == StatusTerminated }

// ParseStatus accepts "READY", "ready", "Status.READY" or "status.ready".
func ParseStatus(s string) Status {
	s = strings.TrimSpace(s)
	if len(s) >= len("Status.") && strings.EqualFold(s[:len("Status.")], "Status.") {
		s = s[len("Status."):]
	}
	if s == "" {
		return ""
	}
	return Status("Status." + strings.ToUpper(s))
}
