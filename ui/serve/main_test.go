package serve

import (
	"testing"

	"go.uber.org/goleak"
)

// No test may leave a session, the server or the engine running. Bubble
// Tea's tick commands (the clock, a flash, the idle check) are goroutines
// that end when their timer fires, up to idleCheck after their program
// ended, with the batches waiting for them: those are not leaks.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/charmbracelet/bubbletea.Tick.func1"),
		goleak.IgnoreAnyFunction("github.com/charmbracelet/bubbletea.(*Program).execBatchMsg"),
	)
}
