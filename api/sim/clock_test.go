package sim

import (
	"sync"
	"testing"
	"time"
)

func TestFakeClock(t *testing.T) {
	c := NewFakeClock(epoch)
	if !c.Now().Equal(epoch) {
		t.Fatalf("Now = %v, want %v", c.Now(), epoch)
	}
	c.Advance(90 * time.Second)
	if got := c.Now().Sub(epoch); got != 90*time.Second {
		t.Fatalf("after Advance: %v", got)
	}
	c.Set(epoch.Add(time.Hour))
	if got := c.Now().Sub(epoch); got != time.Hour {
		t.Fatalf("after Set: %v", got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Advance(time.Millisecond)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if got := c.Now().Sub(epoch); got != time.Hour+800*time.Millisecond {
		t.Fatalf("concurrent advances: %v", got)
	}
}

func TestRealClock(t *testing.T) {
	if d := time.Since(RealClock{}.Now()); d < 0 || d > time.Second {
		t.Fatalf("RealClock off by %v", d)
	}
}
