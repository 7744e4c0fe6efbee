package engine_test

import (
	"testing"

	"go.uber.org/goleak"
)

// No test may leave an engine goroutine (Run, a fetch) behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
