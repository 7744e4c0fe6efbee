package sim

import (
	"math"
	"time"

	"golang.org/x/time/rate"

	"github.com/gapdeck/gapdeck/api"
)

// allow takes a token from the group's bucket at the simulated time now and
// otherwise says how many whole seconds until one is available. Buckets
// refill at the documented per-second limit with a burst of one second's
// worth. The caller holds s.mu.
func (s *Server) allow(group api.Group, now time.Time) (bool, int) {
	lim, ok := s.limiters[group]
	if !ok {
		perSecond, _ := api.DocumentedLimit(group)
		lim = rate.NewLimiter(rate.Limit(perSecond), int(perSecond))
		s.limiters[group] = lim
	}
	if lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - lim.TokensAt(now)
	return false, int(math.Ceil(missing / float64(lim.Limit())))
}
