package e2e

import "testing"

// The Prism mock check counts the engine's list watches apart: it must
// know them by their query, encoded as the router counts requests.
func TestIsListWatch(t *testing.T) {
	for _, c := range []struct {
		req  string
		want bool
	}{
		{"GET /v1/deployments?limit=100&page=1&query=%7B%22filters%22%3A%5B%7B%22field%22%3A%22status%22%2C%22operator%22%3A%22eq%22%2C%22value%22%3A%22error%22%7D%5D%2C%22order_by%22%3A%5B%7B%22field%22%3A%22created_at%22%2C%22order%22%3A%22desc%22%7D%5D%7D", true},
		{"GET /v1/deployments?limit=100&page=1&query=%7B%22filters%22%3A%5B%7B%22field%22%3A%22created_at%22%2C%22operator%22%3A%22gte%22%2C%22value%22%3A%222026-04-22+12%3A00%3A46.444265%22%7D%5D%2C%22order_by%22%3A%5B%7B%22field%22%3A%22created_at%22%2C%22order%22%3A%22desc%22%7D%5D%7D", true},
		{"GET /v1/deployments?limit=100&page=1&query=%7B%22order_by%22%3A%5B%7B%22field%22%3A%22created_at%22%2C%22order%22%3A%22desc%22%7D%5D%7D", false},
	} {
		if got := isListWatch(c.req); got != c.want {
			t.Errorf("isListWatch(%s) = %v", c.req, got)
		}
	}
}
