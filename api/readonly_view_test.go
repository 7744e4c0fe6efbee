package api

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// A read-only view refuses mutations before any I/O and shares the
// client's budget, health and token: a viewer's reads spend the same
// budget as everyone's.
func TestReadOnlyViewSharesTheBudget(t *testing.T) {
	var hits atomic.Int64
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"request_id":"abc","current_status":"Status.READY"}`))
	}, func(o *Options) { o.Clock = newVirtualClock() })
	v := c.ReadOnlyView()
	if _, err := v.StopDeployment(context.Background(), "abc", StopOptions{}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("stop through the view: %v, want ErrReadOnly", err)
	}
	if hits.Load() != 0 {
		t.Fatal("the refused stop reached the server")
	}
	if c.ReadOnly() || !v.ReadOnly() {
		t.Fatal("the view's read-only flag leaked to the client (or was lost)")
	}
	if _, err := v.DeploymentStatus(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if got := c.Stats().Group(GroupStatus).Sent; got != 1 {
		t.Errorf("the client counted %d status requests sent through the view, want 1", got)
	}
	if err := c.SetToken("new-token"); err != nil {
		t.Fatal(err)
	}
	if v.cred.Load().token != "new-token" {
		t.Error("the view does not see the client's new token")
	}
}
