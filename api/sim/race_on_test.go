//go:build race

package sim

// raceEnabled: the race detector slows the simulator about eightfold;
// TestLargeWorldIsCheap measures its speed and skips under it.
const raceEnabled = true
