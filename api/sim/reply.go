package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// reply is what a handler answers: a status, an optional JSON body and
// extra headers. A nil body writes no body (204).
type reply struct {
	status int
	body   any
	header http.Header
}

// ok answers 200 with v.
func ok(v any) reply { return reply{status: http.StatusOK, body: v} }

// jsonReply answers status with v.
func jsonReply(status int, v any) reply { return reply{status: status, body: v} }

// noContent answers 204 without a body.
func noContent() reply { return reply{status: http.StatusNoContent} }

// messageBody is the v1 error body.
type messageBody struct {
	Message string `json:"message"`
}

// errorf answers status with {"message": ...}.
func errorf(status int, format string, args ...any) reply {
	return jsonReply(status, messageBody{Message: fmt.Sprintf(format, args...)})
}

// v2ErrorBody is the v2 error body: a message and an object of details.
type v2ErrorBody struct {
	Message string            `json:"message"`
	Details map[string]string `json:"details"`
}

// v2Error answers status with {"message", "details"}; field names the
// offending request field, if any.
func v2Error(status int, field, format string, args ...any) reply {
	msg := fmt.Sprintf(format, args...)
	details := map[string]string{}
	if field != "" {
		details[field] = msg
	}
	return jsonReply(status, v2ErrorBody{Message: msg, Details: details})
}

// withHeader returns r with header k set to v.
func (r reply) withHeader(k, v string) reply {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(k, v)
	return r
}

// encode renders the body as JSON (no HTML escaping, newline-terminated).
func (r reply) encode() []byte {
	if r.body == nil {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.body); err != nil {
		return []byte(`{"message":"Internal Server Error"}` + "\n")
	}
	return b.Bytes()
}

// write sends the reply; body is the encoded body (nil for none).
func (r reply) write(w http.ResponseWriter, body []byte) {
	for k, vs := range r.header {
		w.Header()[k] = vs
	}
	if body != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(r.status)
	if body != nil {
		_, _ = w.Write(body)
	}
}

// decodeBody decodes a JSON request body into v.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("invalid JSON body: %v", err)
	}
	return nil
}
