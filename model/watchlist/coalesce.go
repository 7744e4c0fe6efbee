package watchlist

import (
	"time"

	"github.com/gapdeck/gapdeck/model/events"
)

// DefaultWindow is how long a Coalescer keeps quiet about an object after
// alerting on it.
const DefaultWindow = time.Minute

// Coalescer lets one alert per object through per window: a deployment
// that crash-loops rings once a minute, not at every restart. Time is
// the events' own (Event.At), so it follows whatever clock recorded them.
// It is not safe for concurrent use.
type Coalescer struct {
	window time.Duration
	last   map[string]time.Time // object key → when it last alerted
}

// NewCoalescer lets one alert per object through per window (<= 0:
// DefaultWindow).
func NewCoalescer(window time.Duration) *Coalescer {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Coalescer{window: window, last: map[string]time.Time{}}
}

// ObjectKey names the object of e for coalescing: "deployment/<id>".
func ObjectKey(e events.Event) string { return string(e.Object.Type) + "/" + e.Object.ID }

// Allow reports whether an alert for e should go out now: true unless the
// same object alerted less than the window before e.At. It forgets
// objects whose window is over, so its memory stays bounded by the alerts
// of one window.
func (c *Coalescer) Allow(e events.Event) bool {
	key := ObjectKey(e)
	if at, ok := c.last[key]; ok && e.At.Sub(at) < c.window && !e.At.Before(at) {
		return false
	}
	c.last[key] = e.At
	if len(c.last) > 64 {
		for k, at := range c.last {
			if e.At.Sub(at) >= c.window {
				delete(c.last, k)
			}
		}
	}
	return true
}
