package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// gateTransport holds every non-GET request until open is closed.
type gateTransport struct {
	next http.RoundTripper
	open chan struct{}
}

func (g gateTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		<-g.open
	}
	return g.next.RoundTrip(r)
}

func TestMutationsInFlightCountsOnlyMutations(t *testing.T) {
	s := sim.New(sim.Config{Token: simToken, Seed: 5, Deployments: 10, DisableRateLimits: true})
	gate := gateTransport{next: sim.Transport(s), open: make(chan struct{})}
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: simToken, HTTPClient: &http.Client{Transport: gate}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := s.LiveRequestIDs()[0]
	if _, err := c.DeploymentStatus(ctx, id); err != nil || c.MutationsInFlight() != 0 {
		t.Fatalf("after a GET: %v, %d mutations in flight", err, c.MutationsInFlight())
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.StopDeployment(ctx, id, api.StopOptions{})
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for c.MutationsInFlight() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d mutations in flight while a stop waits, want 1", c.MutationsInFlight())
		}
		time.Sleep(time.Millisecond)
	}
	close(gate.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := c.MutationsInFlight(); n != 0 {
		t.Fatalf("%d mutations in flight after the stop answered", n)
	}
}
