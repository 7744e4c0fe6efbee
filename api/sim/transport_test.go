package sim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTransportServesInProcess(t *testing.T) {
	s := New(Config{Token: "T", Seed: 1, Deployments: 5, Clock: NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	c := &http.Client{Transport: Transport(s)}
	req, _ := http.NewRequest(http.MethodGet, "http://localhost/v1/deployments", nil)
	req.Header.Set("Authorization", "token T")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"total_count":5`) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}

func TestTransportTurnsResetsAndTimeoutsIntoErrors(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, f := range []Faults{{Reset: 1}, {Timeout: 1}} {
		s := New(Config{Token: "T", Seed: 1, Deployments: 5, Clock: clock, Faults: f})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://localhost/v1/deployments", nil)
		req.Header.Set("Authorization", "token T")
		_, err := (&http.Client{Transport: Transport(s)}).Do(req)
		cancel()
		if err == nil {
			t.Errorf("faults %+v: no error", f)
		}
		if f.Reset == 1 && !errors.Is(err, errReset) {
			t.Errorf("reset: err = %v", err)
		}
	}
}
