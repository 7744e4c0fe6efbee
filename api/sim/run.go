package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// DefaultListen is the address Run listens on when RunConfig.Listen is empty.
const DefaultListen = "127.0.0.1:8787"

// shutdownGrace bounds the graceful shutdown once the context is done.
const shutdownGrace = 5 * time.Second

// RunConfig configures Run: where to listen and the simulator itself.
type RunConfig struct {
	Listen string // like "127.0.0.1:8787"; port 0 picks a free port
	Config
}

// Run serves the simulator on rc.Listen until ctx is done, then shuts down
// gracefully. The first line written to out is the base URL (with the real
// port); the second says where v1 and v2 live.
func Run(ctx context.Context, rc RunConfig, out io.Writer) error {
	addr := rc.Listen
	if addr == "" {
		addr = DefaultListen
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sim: listen: %w", err)
	}
	base := baseURL(ln.Addr())
	fmt.Fprintln(out, base)
	fmt.Fprintf(out, "Edgegap API simulator: v1 under %s/v1, v2 under %s/v2\n", base, base)

	srv := &http.Server{
		Handler:           New(rc.Config),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("sim: serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("sim: shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sim: serve: %w", err)
	}
	return nil
}

// baseURL is the URL clients use for the listener; an unspecified host
// (0.0.0.0, ::) is reached through loopback.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
