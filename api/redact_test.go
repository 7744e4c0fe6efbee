package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestSecretField(t *testing.T) {
	for name, want := range map[string]bool{
		"private_token": true, "private_username": true, "authorization_token": true, "access_key_id": true,
		"secret_access_key": true, "Secret": true, "api_key": true, "APIKEY": true, "password": true,
		"db_passwd": true, "stop_key": true, "delete_token": true, "credentials": true, "is_secret": true,
		"key": false, "value": false, "name": false, "endpoint": false, "bucket": false, "request_id": false,
		"keyboard": false, "monkey": false, "is_hidden": false, "docker_image": false, "endpoint_storage": false,
	} {
		if got := SecretField(name); got != want {
			t.Errorf("SecretField(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"version", `{"name":"v1","private_username":"robot","private_token":"ghp_x","envs":[{"key":"MODE","value":"ranked","is_hidden":false},{"key":"K","value":"","is_hidden":true}],"docker_image":"img"}`,
			`{"name":"v1","private_username":"•••","private_token":"•••","envs":[{"key":"MODE","value":"•••","is_hidden":false},{"key":"K","value":"","is_hidden":true}],"docker_image":"img"}`},
		{"endpoint", `{"endpoints":[{"name":"s3","access_key_id":"AKIA1","secret_access_key":"zzz","bucket":"b"}]}`,
			`{"endpoints":[{"name":"s3","access_key_id":"•••","secret_access_key":"•••","bucket":"b"}]}`},
		{"relay session", `{"sessions":[{"session_id":"s","relay":{"authorization_token":{"server":12,"client":99}}}]}`,
			`{"sessions":[{"session_id":"s","relay":{"authorization_token":"•••"}}]}`},
		{"flags and absences stay", `{"is_secret":false,"private_token":null,"api_key":"","secret_count":3}`,
			`{"is_secret":false,"private_token":null,"api_key":"","secret_count":"•••"}`},
		{"location tags stay", `{"tags":[{"key":"region","value":"eu-west"}],"note":"key"}`,
			`{"tags":[{"key":"region","value":"eu-west"}],"note":"key"}`},
		{"v2 environment variables", `{"environment_variables":[{"key":"A","value":"1"},"B=2"]}`,
			`{"environment_variables":[{"key":"A","value":"•••"},"•••"]}`},
		{"order and numbers kept", `{"z":1.50,"token":"t","a":[1,{"b":2}]}`, `{"z":1.50,"token":"•••","a":[1,{"b":2}]}`},
		{"nothing to hide", ` {"request_id": "abc"} `, ` {"request_id": "abc"} `},
		{"top-level array", `[{"password":"p"}]`, `[{"password":"•••"}]`},
		{"not JSON", `{"private_token": "x"`, string(unreadableJSON)},
		{"trailing data", `{"token":"x"} {"token":"y"}`, string(unreadableJSON)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Redact([]byte(tc.in))); got != tc.want {
				t.Errorf("Redact(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

// The raw JSON the client keeps (status Raw, the values tolerant decoding
// could not read, error details) goes through Redact; typed versions and
// endpoints never hold the secrets.
func TestClientKeepsNoSecret(t *testing.T) {
	const secret = "s3cr3t-value-42"
	var logs bytes.Buffer
	bodies := map[string]string{
		"/v1/status/abc123": `{"request_id":"abc123","current_status":"Status.READY","sessions":[{"session_id":"x","authorization_token":"` + secret + `"}]}`,
		"/v1/app/a/version/v": `{"name":"v","private_username":"` + secret + `","private_token":"` + secret + `",` +
			`"envs":[{"key":"A","value":"` + secret + `","is_hidden":false},7],"req_cpu":"lots","ports":[{"port":7777,"protocol":"UDP","name":"` + secret + `x"}]}`,
		"/v1/storage/endpoints": `{"endpoints":[{"name":"e","access_key_id":"` + secret + `","bucket":"b","endpoint":"https://x","create_time":{"secret_key":"` + secret + `"}}]}`,
		"/v1/app/a":             `{"message":"bad","details":{"private_token":"` + secret + `"}}`,
	}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/app/a" {
			w.WriteHeader(http.StatusBadRequest)
		}
		fmt.Fprint(w, bodies[r.URL.Path])
	}, func(o *Options) {
		o.Clock = newVirtualClock()
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()

	st, err := c.DeploymentStatus(ctx, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(st.Raw()), secret) || !strings.Contains(string(st.Raw()), "authorization_token") {
		t.Errorf("status Raw: %s", st.Raw())
	}

	v, err := c.AppVersion(ctx, "a", "v")
	if err != nil {
		t.Fatal(err)
	}
	if !v.HasPrivateToken || !v.HasPrivateUsername || !v.Loose.Unknown("envs") || !v.Loose.Unknown("req_cpu") {
		t.Errorf("version %+v, problems %+v", v, v.Loose.Problems())
	}
	dump := fmt.Sprintf("%+v %s", v, problemsText(v.Loose))
	if n := strings.Count(dump, secret); n != 1 || !strings.Contains(dump, secret+"x") {
		t.Errorf("the decoded version holds a secret (only the port name %sx may appear): %s", secret, dump)
	}

	eps, err := c.AllStorageEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dump := fmt.Sprintf("%+v %s", eps, problemsText(eps[0].Loose)); strings.Contains(dump, secret) || !eps[0].HasAccessKeyID || !eps[0].Loose.Unknown("create_time") {
		t.Errorf("decoded endpoints: %s", dump)
	}

	_, err = c.App(ctx, "a")
	var ae *APIError
	if !errors.As(err, &ae) || strings.Contains(ae.Error(), secret) || !strings.Contains(ae.Details, "private_token") {
		t.Errorf("error details: %v", err)
	}

	if !strings.Contains(logs.String(), "api field not understood") || strings.Contains(logs.String(), secret) {
		t.Errorf("the debug log (the unread values are logged) holds the secret or logged nothing:\n%s", logs.String())
	}

	b, _ := json.Marshal([]AppVersionEnv{{Key: "A", HasValue: true}, {Key: "B", IsHidden: true}})
	if string(b) != `[{"key":"A","value":"•••","is_hidden":false},{"key":"B","value":"","is_hidden":true}]` {
		t.Errorf("envs encode as %s", b)
	}
}

// problemsText is the values tolerant decoding kept, as text.
func problemsText(l Loose) string {
	var b strings.Builder
	for _, p := range l.Problems() {
		fmt.Fprintf(&b, "%s=%s ", p.Field, p.Raw)
	}
	return b.String()
}
