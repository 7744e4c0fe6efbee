package sim

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunConfig{Listen: "127.0.0.1:0", Config: Config{Token: testToken, Deployments: 20}}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("no output: %v", <-done)
	}
	base := lines.Text()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(base) {
		t.Fatalf("first line %q is not the base URL", base)
	}
	if !lines.Scan() || !strings.Contains(lines.Text(), base+"/v1") || !strings.Contains(lines.Text(), base+"/v2") {
		t.Fatalf("second line %q", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/deployments?limit=3", nil)
	req.Header.Set("Authorization", "token "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET: %d %v", resp.StatusCode, resp.Header)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	if _, err := http.Get(base + "/v1/locations"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestRunListenError(t *testing.T) {
	if err := Run(context.Background(), RunConfig{Listen: "256.0.0.1:99999"}, io.Discard); err == nil {
		t.Fatal("no error for a bad address")
	}
}

func TestRunShutsDownHangingRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunConfig{Listen: "127.0.0.1:0", Config: Config{Token: testToken, Deployments: 5, Faults: Faults{Timeout: 1}}}, pw)
	}()
	lines := bufio.NewScanner(pr)
	lines.Scan()
	base := lines.Text()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/locations", nil)
		req.Header.Set("Authorization", "token "+testToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(4 * time.Second):
		t.Fatal("a hanging request blocked the shutdown")
	}
	<-reqDone
}
