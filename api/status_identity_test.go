package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// A status answer is filed under the id asked for: a null body or another
// request_id is a StatusUnusableError (the caller backs off), an answer
// without request_id takes the requested one.
func TestDeploymentStatusIsKeyedByTheRequestedID(t *testing.T) {
	for _, tc := range []struct {
		body, reason, id string
	}{
		{`null`, "null", ""},
		{`{"request_id":"other","current_status":"Status.READY"}`, "another deployment (other)", ""},
		{`{"current_status":"Status.READY"}`, "", "asked"},
		{`{}`, "", "asked"},
		{`{"request_id":"asked","current_status":"Status.READY"}`, "", "asked"},
	} {
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/status/asked" {
				t.Errorf("path %s", r.URL.Path)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(tc.body))
		}, nil)
		st, err := c.DeploymentStatus(context.Background(), "asked")
		reason, unusable := StatusUnusable(err)
		switch {
		case tc.reason != "":
			if !unusable || !strings.Contains(reason, tc.reason) || st != nil {
				t.Errorf("%s: got %v, %v; want unusable mentioning %q", tc.body, st, err, tc.reason)
			}
		case err != nil || st == nil || st.RequestID != tc.id:
			t.Errorf("%s: got %+v, %v; want filed under %q", tc.body, st, err, tc.id)
		}
	}
}
