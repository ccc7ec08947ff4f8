package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// readHeaderTimeout bounds how long a client may take to send a request's
// headers, so that idle connections do not pile up.
const readHeaderTimeout = 10 * time.Second

// shutdownTimeout is how long Listen lets requests in flight finish once
// its context is done.
const shutdownTimeout = 5 * time.Second

// Handler serves c's metrics at /metrics in the Prometheus exposition
// formats, and /healthz, which answers 200 "ok\n". c is registered in a
// registry of the handler's own (no global registration, no Go or process
// metrics). If c cannot be registered, /metrics answers 500 with the
// reason; /healthz still answers.
func Handler(c prometheus.Collector) http.Handler {
	mux := http.NewServeMux()
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "register the metrics: "+err.Error(), http.StatusInternalServerError)
		})
	} else {
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// Listen binds addr ("127.0.0.1:9464", ":9464", "localhost:0") and serves
// Handler(c) there until ctx is done; then it stops accepting, lets the
// requests in flight finish (for a few seconds at most) and closes. It
// returns once bound: the bound address (the port chosen for port 0), or
// the error of binding.
func Listen(ctx context.Context, addr string, c prometheus.Collector) (net.Addr, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: Handler(c), ReadHeaderTimeout: readHeaderTimeout}
	go func() {
		// Serve returns http.ErrServerClosed after Shutdown; any other
		// error (the listener failing) ends serving, with nobody to tell.
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = ln.Close()
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
	}()
	return ln.Addr(), nil
}
