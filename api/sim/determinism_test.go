package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// script is a request sequence touching most endpoints, with clock moves.
func script(e *testEnv) [][]byte {
	var out [][]byte
	record := func(r response) { out = append(out, append([]byte(fmt.Sprintf("%d ", r.status)), r.body...)) }
	ids := e.srv.LiveRequestIDs()
	for round := 0; round < 3; round++ {
		record(e.do(http.MethodGet, "/v1/deployments?limit=100&page=2", nil))
		record(e.do(http.MethodGet, queryURL(`{"filters":[{"field":"status","operator":"eq","value":"ready"}],"order_by":[{"field":"available_session_sockets","order":"desc"}]}`, "limit=50"), nil))
		for _, id := range ids[round*7 : round*7+5] {
			record(e.do(http.MethodGet, "/v1/status/"+id, nil))
			record(e.do(http.MethodGet, "/v1/deployment/"+id+"/container-logs", nil))
			record(e.do(http.MethodGet, "/v1/metrics/deployment/"+id+"?steps=5m", nil))
		}
		record(e.do(http.MethodDelete, "/v1/stop/"+ids[round], nil))
		record(e.do(http.MethodPost, "/v2/deployments", map[string]any{
			"application": "arena-shooter", "version": "v1.9.3", "tags": []string{"canary"},
			"users": []map[string]any{{"user_type": "ip_address", "user_data": map[string]string{"ip_address": "81.2.69.160"}}},
		}))
		record(e.do(http.MethodGet, "/v2/private-fleets/alpha-fleet/hosts", nil))
		e.clock.Advance(7*time.Minute + 13*time.Second)
	}
	return out
}

func TestDeterminism(t *testing.T) {
	a := script(newEnv(t, Config{Seed: 7, DisableRateLimits: true}))
	b := script(newEnv(t, Config{Seed: 7, DisableRateLimits: true}))
	if len(a) != len(b) {
		t.Fatalf("%d vs %d answers", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("answer %d differs:\n%.300s\n%.300s", i, a[i], b[i])
		}
	}
	c := script(newEnv(t, Config{Seed: 8, DisableRateLimits: true}))
	if bytes.Equal(a[0], c[0]) {
		t.Fatal("different seeds gave the same world")
	}
}
