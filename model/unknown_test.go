package model

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A field the API sent but the console could not read is carried by the
// row as unknown, and a later answer that has it readable clears it (the
// row changes, so the table redraws it).
func TestRowCarriesUnknownFields(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	d := NewDeployments()
	odd := decodeJSON[api.Deployment](t, `{"request_id":"a","start_time":"yesterday","ports":{"p":{"external":1},"note":"x"}}`)
	d.ApplyList([]api.Deployment{odd}, now)
	r, _ := d.Get("a")
	if !r.UnknownField("start_time") || !r.UnknownField("ports.") || r.UnknownField("sockets") || !r.Started.IsZero() || len(r.Ports) != 1 {
		t.Fatalf("row after an odd answer: unknown %v, started %v, ports %v", r.Unknown, r.Started, r.Ports)
	}
	st := decodeJSON[api.DeploymentStatus](t, `{"request_id":"a","current_status":"Status.READY","start_time":"2026-12-03 11:00:00.000000","ports":{"p":{"external":1}}}`)
	if !d.ApplyStatus(&st, now) {
		t.Fatal("a readable status did not change the row")
	}
	r, _ = d.Get("a")
	if len(r.Unknown) != 0 || r.Started.IsZero() {
		t.Errorf("row after a readable status: unknown %v, started %v", r.Unknown, r.Started)
	}
}
