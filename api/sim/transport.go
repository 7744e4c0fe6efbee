package sim

import (
	"errors"
	"net/http"
	"net/http/httptest"
)

// Transport serves requests with h in-process, with no network: the
// console's --demo mode talks to a simulator through it. A fault that
// aborts the connection (reset) becomes a transport error, as it would on
// a real socket.
func Transport(h http.Handler) http.RoundTripper { return inProcess{h} }

type inProcess struct{ h http.Handler }

// errReset is what a simulated connection reset looks like to a client.
var errReset = errors.New("connection reset by peer (simulated)")

func (t inProcess) RoundTrip(req *http.Request) (res *http.Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler {
				panic(r)
			}
			res, err = nil, errReset
		}
	}()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	res = rec.Result()
	res.Request = req
	return res, nil
}
