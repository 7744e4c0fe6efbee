package model

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// A replica synced from snapshots holds the source's rows with its own
// sort and filter, incrementally or by a rebuild when it fell behind the
// change log; a snapshot does not move when the source changes after it.
func TestReplicaSyncsFromSnapshots(t *testing.T) {
	src := NewDeployments()
	replica := NewDeployments()
	if err := replica.SetSort(Sort{Column: "id", Desc: true}); err != nil {
		t.Fatal(err)
	}
	page := func(from, to int) []api.Deployment {
		var out []api.Deployment
		for i := from; i < to; i++ {
			out = append(out, listItem(fmt.Sprintf("d%03d", i), time.Duration(i)*time.Second))
		}
		return out
	}
	src.BeginCycle()
	src.ApplyList(page(0, 50), t0)
	src.EndCycle()
	frozen := src.Snapshot()
	if !replica.Sync(frozen) || replica.Total() != 50 {
		t.Fatalf("first sync: %d rows, want 50", replica.Total())
	}
	if replica.Sync(frozen) {
		t.Error("a second sync of the same snapshot changed something")
	}
	// The source goes on: a status, two passes that drop d000..d009.
	row, _ := src.Get("d020")
	src.ApplyStatus(statusOf(api.Deployment{RequestID: "d020", StartTime: api.V1Time(row.Started)}, api.StatusError, "a", "v", "c"), t0)
	for range 2 {
		src.BeginCycle()
		src.ApplyList(page(10, 60), t0)
		src.EndCycle()
	}
	if frozen.Len() != 50 {
		t.Fatalf("the frozen snapshot moved: %d rows", frozen.Len())
	}
	if r, _ := frozen.Get("d020"); r.Status == api.StatusError {
		t.Fatal("the frozen snapshot sees a later status")
	}
	replica.Sync(src.Snapshot())
	want := slices.Sorted(slices.Values(IDs(src.All())))
	slices.Reverse(want)
	if got := IDs(replica.All()); !slices.Equal(got, want) {
		t.Fatalf("replica rows %v\nwant %v", got, want)
	}
	if r, _ := replica.Get("d020"); r.Status != api.StatusError {
		t.Error("the replica missed the status")
	}
	// Filtered on its own: the source is not.
	f, err := ParseFilter("status:error")
	if err != nil {
		t.Fatal(err)
	}
	replica.SetFilter(f)
	if replica.Len() != 1 || src.Len() != 50 {
		t.Errorf("replica shows %d, source %d: filters must be per store", replica.Len(), src.Len())
	}
	// A replica behind the change log's reach rebuilds.
	late := NewDeployments()
	for i := range maxChanges {
		src.MarkStatusProblem("d030", fmt.Sprint("reason ", i), t0)
	}
	late.Sync(src.Snapshot())
	if late.Total() != src.Total() {
		t.Errorf("rebuilt replica has %d rows, source %d", late.Total(), src.Total())
	}
}
