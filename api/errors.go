package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrReadOnly is returned by every mutating method when the client is in
// read-only mode; no request is sent.
var ErrReadOnly = errors.New("read-only mode: this action would change the organization and is disabled")

// APIError is a non-2xx answer from the API.
type APIError struct {
	Method     string
	Path       string // path and query, never the host or the token
	StatusCode int
	Message    string // the body's "message", or the start of a non-JSON body
	Details    string // the body's "details" (v2), as JSON text
	RequestID  string // v2 deploy 422: the deployment that was created in error
	RetryAfter time.Duration
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Details != "" {
		b.WriteString(" (")
		b.WriteString(e.Details)
		b.WriteString(")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request_id ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return b.String()
}

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsRateLimited reports whether err is a 429 from the API.
func IsRateLimited(err error) bool { return StatusOf(err) == http.StatusTooManyRequests }

// IsUnauthorized reports whether err is a 401 or 403 from the API.
func IsUnauthorized(err error) bool {
	s := StatusOf(err)
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}
