package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// answerTypes are the types decoded from the API's answers, each with a
// zero value to fill.
var answerTypes = []any{
	&DeploymentList{}, &DeploymentStatus{}, &StopResponse{}, &BulkStopResult{}, &ContainerLogs{},
	&Metrics{}, &DeployV1Response{}, &DeployV2Response{}, &DeploymentTagList{}, &DeploymentTag{},
	&LocationList{}, &FleetList{}, &Fleet{}, &FleetAppVersion{}, &PolicyList{}, &Policy{},
	&MessageResponse{}, &HostList{},
}

// unclipped are the text fields kept whole: container logs are tailed and
// capped line by line by the logs view, not cut at MaxTextBytes.
var unclipped = map[string]bool{"ContainerLogs.Logs": true, "ContainerLogs.CrashLogs": true}

// fill sets every string the value v can hold (struct fields, pointers,
// one element of each slice, one entry of each map, the key included) to
// text.
func fill(v reflect.Value, text string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(text)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), text)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), text)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // json.RawMessage
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), text)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		e := reflect.New(v.Type().Elem()).Elem()
		fill(k, text)
		fill(e, text)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// texts calls fn with the path and value of every string v holds, map keys
// included.
func texts(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				texts(v.Field(i), v.Type().Name()+"."+f.Name, fn)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			texts(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			texts(v.Index(i), path, fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			texts(it.Key(), path+"[key]", fn)
			texts(it.Value(), path, fn)
		}
	}
}

// hugeText is a text of n bytes with a multi-byte rune across every
// possible cut.
func hugeText(n int) string {
	return strings.Repeat("é", n/2)[:n/2*2]
}

// TestEveryAnswerTextIsClipped: whatever string field of whatever answer
// the API fills with 100 KB, decoding keeps at most MaxTextBytes of it,
// cut on a rune boundary and marked with its size; logs excepted.
func TestEveryAnswerTextIsClipped(t *testing.T) {
	huge := hugeText(100_000)
	marker := fmt.Sprintf("… (clipped, %d bytes)", len(huge))
	for _, zero := range answerTypes {
		typ := reflect.TypeOf(zero).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			v := reflect.New(typ)
			fill(v.Elem(), huge)
			body, err := json.Marshal(v.Interface())
			if err != nil {
				t.Fatal(err)
			}
			got := reflect.New(typ)
			decodeInto(t, got, body)
			n := 0
			texts(got.Elem(), typ.Name(), func(path, s string) {
				n++
				if unclipped[path] {
					if s != huge {
						t.Errorf("%s: a log was changed (%d bytes)", path, len(s))
					}
					return
				}
				if len(s) > MaxTextBytes+len(marker) || !strings.HasSuffix(s, marker) {
					t.Errorf("%s: %d bytes kept, ending %q; want at most %d and the marker %q", path, len(s), s[max(0, len(s)-40):], MaxTextBytes, marker)
				}
				if !utf8.ValidString(s) {
					t.Errorf("%s: clipped inside a rune", path)
				}
			})
			if n == 0 {
				t.Fatalf("%s holds no text: the walk is broken", typ.Name())
			}
		})
	}
}

// decodeInto decodes body as a 200 answer into the *T in ptr, through the
// client's decode.
func decodeInto(t *testing.T, ptr reflect.Value, body []byte) {
	t.Helper()
	resp := &response{status: http.StatusOK, body: body}
	var out any
	var err error
	switch ptr.Interface().(type) {
	case *DeploymentList:
		out, err = decode[DeploymentList]("GET", "/x", resp)
	case *DeploymentStatus:
		out, err = decode[DeploymentStatus]("GET", "/x", resp)
	case *StopResponse:
		out, err = decode[StopResponse]("GET", "/x", resp)
	case *BulkStopResult:
		out, err = decode[BulkStopResult]("GET", "/x", resp)
	case *ContainerLogs:
		out, err = decode[ContainerLogs]("GET", "/x", resp)
	case *Metrics:
		out, err = decode[Metrics]("GET", "/x", resp)
	case *DeployV1Response:
		out, err = decode[DeployV1Response]("GET", "/x", resp)
	case *DeployV2Response:
		out, err = decode[DeployV2Response]("GET", "/x", resp)
	case *DeploymentTagList:
		out, err = decode[DeploymentTagList]("GET", "/x", resp)
	case *DeploymentTag:
		out, err = decode[DeploymentTag]("GET", "/x", resp)
	case *LocationList:
		out, err = decode[LocationList]("GET", "/x", resp)
	case *FleetList:
		out, err = decode[FleetList]("GET", "/x", resp)
	case *Fleet:
		out, err = decode[Fleet]("GET", "/x", resp)
	case *FleetAppVersion:
		out, err = decode[FleetAppVersion]("GET", "/x", resp)
	case *PolicyList:
		out, err = decode[PolicyList]("GET", "/x", resp)
	case *Policy:
		out, err = decode[Policy]("GET", "/x", resp)
	case *MessageResponse:
		out, err = decode[MessageResponse]("GET", "/x", resp)
	case *HostList:
		out, err = decode[HostList]("GET", "/x", resp)
	default:
		t.Fatalf("decodeInto: add %T", ptr.Interface())
	}
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	ptr.Elem().Set(reflect.ValueOf(out).Elem())
}

// TestClipTextKeepsShortTextAndCutsOnRunes: text up to MaxTextBytes is
// kept as it is; longer text is cut on a rune boundary.
func TestClipTextKeepsShortTextAndCutsOnRunes(t *testing.T) {
	for _, s := range []string{"", "Status.READY", strings.Repeat("x", MaxTextBytes), strings.Repeat("é", MaxTextBytes/2)} {
		if got := clipText(s); got != s {
			t.Errorf("clipText changed a %d-byte text", len(s))
		}
	}
	for _, n := range []int{MaxTextBytes + 1, MaxTextBytes + 2, 3 * MaxTextBytes} {
		for _, r := range []string{"x", "é", "€", "😀"} {
			s := strings.Repeat(r, n/len(r)+1)
			got := clipText(s)
			if !utf8.ValidString(got) || len(got) > MaxTextBytes+40 || !strings.HasSuffix(got, fmt.Sprintf("… (clipped, %d bytes)", len(s))) {
				t.Errorf("clipText of %d bytes of %q: %d bytes, valid %v, ends %q", len(s), r, len(got), utf8.ValidString(got), got[max(0, len(got)-30):])
			}
		}
	}
}

// TestHugeStatusAnswersKeepMemoryBounded: status answers whose
// error_detail is 1 MiB (the fault run saw 569 MB and rising) are kept
// clipped, their raw body dropped past MaxRawBytes: the heap a store
// holding 60 of them retains stays small.
func TestHugeStatusAnswersKeepMemoryBounded(t *testing.T) {
	const n = 60
	detail := strings.Repeat("E", 1<<20)
	body := fmt.Sprintf(`{"request_id":"r1","current_status":"Status.ERROR","error":true,"error_detail":%q,"fqdn":%q,"tags":[%q]}`,
		detail, detail[:300_000], detail[:200_000])
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}, func(o *Options) { o.Clock = newVirtualClock(); o.BudgetFraction = 1 })

	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	kept := make([]*DeploymentStatus, 0, n)
	for range n {
		st, err := c.DeploymentStatus(context.Background(), "r1")
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, st)
	}
	after := heap()
	perStatus := (int64(after) - int64(before)) / n
	runtime.KeepAlive(kept)
	t.Logf("retained %d bytes per status (answer %d bytes)", perStatus, len(body))
	if perStatus > 64<<10 {
		t.Errorf("each status retains %d bytes, want under 64 KiB (the answer is %d bytes)", perStatus, len(body))
	}
	st := kept[0]
	if len(st.ErrorDetail) > MaxTextBytes+40 || !strings.Contains(st.ErrorDetail, "(clipped, 1048576 bytes)") {
		t.Errorf("error_detail kept %d bytes: %q…", len(st.ErrorDetail), st.ErrorDetail[:min(40, len(st.ErrorDetail))])
	}
	if len(st.Raw()) > MaxRawBytes {
		t.Errorf("raw body kept: %d bytes, over MaxRawBytes", len(st.Raw()))
	}
	if st.RawSize() != len(body) {
		t.Errorf("RawSize %d, want the answer's %d bytes", st.RawSize(), len(body))
	}
	if st.CurrentStatus != StatusError || st.RequestID != "r1" || !st.Error {
		t.Errorf("the short fields changed: %+v", st)
	}
}

// TestHugeListPageIsClipped: a list page whose fields are hundreds of KB
// decodes, with every field clipped and the rows intact.
func TestHugeListPageIsClipped(t *testing.T) {
	big := strings.Repeat("d", 200_000)
	var rows []string
	for i := range 5 {
		rows = append(rows, fmt.Sprintf(`{"request_id":"id%d%s","fqdn":%q,"public_ip":%q,"tags":[%q,"ok"],"ports":{%q:{"name":%q,"link":%q,"external":7777}}}`,
			i, big, big, big, big, big, big, big))
	}
	body := `{"data":[` + strings.Join(rows, ",") + `],"total_count":5,"message":[` + fmt.Sprintf("%q", big) + `]}`
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body)
	}, func(o *Options) { o.Clock = newVirtualClock(); o.BudgetFraction = 1 })
	list, err := c.ListDeployments(context.Background(), ListDeploymentsParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 5 || list.TotalCount != 5 {
		t.Fatalf("%d rows, total %d", len(list.Data), list.TotalCount)
	}
	for i, d := range list.Data {
		if !strings.HasPrefix(d.RequestID, fmt.Sprintf("id%d", i)) || d.Tags[1] != "ok" {
			t.Errorf("row %d: id %.8q tags[1] %q", i, d.RequestID, d.Tags[1])
		}
		for name, s := range map[string]string{"request_id": d.RequestID, "fqdn": d.FQDN, "public_ip": d.PublicIP, "tag": d.Tags[0]} {
			if len(s) > MaxTextBytes+40 || !strings.Contains(s, "(clipped, 200") {
				t.Errorf("row %d %s: %d bytes", i, name, len(s))
			}
		}
		for k, p := range d.Ports {
			if len(k) > MaxTextBytes+40 || len(p.Name) > MaxTextBytes+40 || len(p.Link) > MaxTextBytes+40 || p.External != 7777 {
				t.Errorf("row %d port: key %d bytes, name %d, link %d, external %d", i, len(k), len(p.Name), len(p.Link), p.External)
			}
		}
	}
	if len(list.Message[0]) > MaxTextBytes+40 {
		t.Errorf("message: %d bytes", len(list.Message[0]))
	}
}

// TestAnswerOverTheBodyCapSaysSo: an answer longer than the client reads
// fails with the cap named, not as "unexpected end of JSON input".
func TestAnswerOverTheBodyCapSaysSo(t *testing.T) {
	_, err := decode[DeploymentList]("GET", "/v1/deployments", &response{status: http.StatusOK, body: []byte(`{"data":[` + strings.Repeat(" ", maxBodyBytes))})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("larger than the %d MiB", maxBodyBytes>>20)) {
		t.Fatalf("err = %v, want one naming the cap", err)
	}
}
