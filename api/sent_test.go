package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// hijackAndClose acts on the request (counts it), then drops the
// connection without answering: the server did the work, the answer is
// lost.
func hijackAndClose(acted *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acted.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		_ = conn.Close()
	}
}

// A mutation whose answer is lost after the server acted is a
// RequestError with Sent set: its outcome is unknown, not failed.
func TestRequestErrorSentWhenAnswerLostAfterServerActed(t *testing.T) {
	var acted atomic.Int64
	c := newTestClient(t, hijackAndClose(&acted), nil)
	_, err := c.CreateDeploymentTag(context.Background(), "abc123", "blue")
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *RequestError", err, err)
	}
	if acted.Load() != 1 {
		t.Fatalf("server acted %d times, want 1 (a POST is never retried)", acted.Load())
	}
	if !re.Sent {
		t.Errorf("Sent = false for a request the server received and acted on: %v", re)
	}

	// A stop is retried; every attempt is lost: still sent.
	_, err = c.StopDeployment(context.Background(), "abc123", StopOptions{})
	if !errors.As(err, &re) || !re.Sent {
		t.Errorf("stop with every answer lost: err = %v, want a RequestError with Sent", err)
	}
}

// A request that could not even connect was never sent: its failure is
// certain.
func TestRequestErrorNotSentWhenDialRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: the dial is refused
	c, err := New(Options{BaseURL: "http://" + addr, Token: testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDeploymentTag(context.Background(), "abc123", "blue")
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *RequestError", err, err)
	}
	if re.Sent {
		t.Errorf("Sent = true for a request whose connection was refused: %v", re)
	}
}
