package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

// TestRawViewOfAHugeAnswerSaysItIsClipped: a status answer over
// api.MaxRawBytes is not kept whole; the raw JSON view shows the decoded,
// clipped value (valid JSON) under a line saying so.
func TestRawViewOfAHugeAnswerSaysItIsClipped(t *testing.T) {
	detail := strings.Repeat("E", 300_000)
	body := fmt.Sprintf(`{"request_id":"r1","current_status":"Status.ERROR","error_detail":%q}`, detail)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
	t.Cleanup(srv.Close)
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: harnessToken, HTTPClient: srv.Client(), BudgetFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.DeploymentStatus(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	out := prettyJSON(st)
	note, doc, _ := strings.Cut(out, "\n")
	if want := fmt.Sprintf("the answer was %d bytes, over the 64 KiB kept", len(body)); !strings.Contains(note, want) {
		t.Fatalf("first line %q, want %q", note, want)
	}
	if !json.Valid([]byte(doc)) || len(out) > 16<<10 || !strings.Contains(doc, "(clipped, 300000 bytes)") {
		t.Fatalf("raw view of %d bytes, valid %v:\n%.300s", len(out), json.Valid([]byte(doc)), doc)
	}
}
