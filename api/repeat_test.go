package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// statusServer answers every status request with the same body unless
// vary is set, and counts what reached it.
func statusServer(hits *atomic.Int64, vary bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		elapsed := 0
		if vary {
			elapsed = int(n)
		}
		fmt.Fprintf(w, `{"request_id":"abc123","current_status":"Status.READY","elapsed_time":%d}`, elapsed)
	}
}

// A caller stuck in a loop on one resource whose answer never changes is
// cut off after DefaultRepeatLimit identical answers in a minute, logged
// once as a bug, and let through again when the oldest answer ages out.
func TestRepeatGuardRefusesALoop(t *testing.T) {
	var hits atomic.Int64
	var logs bytes.Buffer
	clock := newVirtualClock()
	c := newTestClient(t, statusServer(&hits, false), func(o *Options) {
		o.Clock = clock
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	start := clock.Now()
	var refused int
	var first *NotSentError
	for range 300 {
		_, err := c.DeploymentStatus(ctx, "abc123")
		if errors.Is(err, ErrRepeated) {
			refused++
			if first == nil {
				errors.As(err, &first)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := hits.Load(); got != DefaultRepeatLimit {
		t.Errorf("the server saw %d requests; the guard should stop at %d", got, DefaultRepeatLimit)
	}
	if refused != 300-DefaultRepeatLimit {
		t.Errorf("%d refused, want %d", refused, 300-DefaultRepeatLimit)
	}
	if clock.Now().Sub(start) >= RepeatWindow {
		t.Fatalf("the budget alone spread the loop over %v: the test proves nothing", clock.Now().Sub(start))
	}
	if first == nil || !first.RetryAt.Equal(start.Add(RepeatWindow)) {
		t.Errorf("refusal %+v: want RetryAt one minute after the first answer (%v)", first, start.Add(RepeatWindow))
	}
	if !strings.Contains(first.Error(), "GET /v1/status/abc123") || !strings.Contains(first.Error(), "not sent") {
		t.Errorf("refusal message %q does not name the request", first.Error())
	}
	if n := strings.Count(logs.String(), "repeat guard refused"); n != 1 {
		t.Errorf("the bug was logged %d times, want once per streak:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), testToken) {
		t.Error("the token reached the log")
	}
	// Once the oldest identical answer leaves the window, the request goes.
	clock.Sleep(ctx, first.RetryAt.Sub(clock.Now())+time.Millisecond)
	if _, err := c.DeploymentStatus(ctx, "abc123"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if got := hits.Load(); got != DefaultRepeatLimit+1 {
		t.Errorf("the server saw %d requests, want %d", got, DefaultRepeatLimit+1)
	}
}

// Answers that change are progress, not a loop: the guard never refuses
// them, whatever the rate (the budget alone paces them).
func TestRepeatGuardLetsChangingAnswersThrough(t *testing.T) {
	var hits atomic.Int64
	c := newTestClient(t, statusServer(&hits, true), func(o *Options) { o.Clock = newVirtualClock() })
	for i := range 300 {
		if _, err := c.DeploymentStatus(context.Background(), "abc123"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if hits.Load() != 300 {
		t.Errorf("the server saw %d of 300", hits.Load())
	}
}

// The console's own schedules never trip the guard: a quiet resource
// polled every 2 s (the fastest default) for ten minutes, and one polled
// at the fastest configurable interval with the limit main derives.
func TestRepeatGuardAllowsTheSchedules(t *testing.T) {
	for _, tc := range []struct {
		every time.Duration
		limit int
	}{
		{2 * time.Second, 0},
		{500 * time.Millisecond, RepeatLimitFor(500 * time.Millisecond)},
	} {
		t.Run(tc.every.String(), func(t *testing.T) {
			var hits atomic.Int64
			clock := newVirtualClock()
			c := newTestClient(t, statusServer(&hits, false), func(o *Options) { o.Clock = clock; o.RepeatLimit = tc.limit })
			ctx := context.Background()
			polls := int(10 * time.Minute / tc.every)
			for i := range polls {
				at := clock.Now()
				if _, err := c.DeploymentStatus(ctx, "abc123"); err != nil {
					t.Fatalf("poll %d: %v", i, err)
				}
				clock.Sleep(ctx, tc.every-clock.Now().Sub(at))
			}
			if int(hits.Load()) != polls {
				t.Errorf("the server saw %d of %d polls", hits.Load(), polls)
			}
		})
	}
}

// Only GETs are counted: a person repeating an action is not a loop.
func TestRepeatGuardIgnoresMutations(t *testing.T) {
	var hits atomic.Int64
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"message":"ok"}`)
	}, func(o *Options) { o.Clock = newVirtualClock(); o.RepeatLimit = 3 })
	for i := range 10 {
		if _, err := c.CreateDeploymentTag(context.Background(), "abc123", "hot"); err != nil {
			t.Fatalf("tag %d: %v", i, err)
		}
	}
	if hits.Load() != 10 {
		t.Errorf("the server saw %d of 10 mutations", hits.Load())
	}
}

func TestRepeatLimitFor(t *testing.T) {
	for _, tc := range []struct {
		fastest time.Duration
		want    int
	}{{0, DefaultRepeatLimit}, {3 * time.Second, DefaultRepeatLimit}, {2 * time.Second, DefaultRepeatLimit}, {time.Second, 120}, {500 * time.Millisecond, 240}, {700 * time.Millisecond, 172}} {
		if got := RepeatLimitFor(tc.fastest); got != tc.want {
			t.Errorf("RepeatLimitFor(%v) = %d, want %d", tc.fastest, got, tc.want)
		}
	}
}
