package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"synclog/internal/summary"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestHandler(t *testing.T) {
	s := sample(2)
	srv := httptest.NewServer(Handler(NewCollector(func(fn func(*summary.Summary)) { fn(s) })))
	defer srv.Close()
	if code, body := get(t, srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}
	code, body := get(t, srv.URL+"/metrics")
	if code != 200 || !strings.Contains(body, `synclog_escalations_total{key="a"} 3`+"\n") {
		t.Errorf("/metrics = %d\n%s\nwant 200 with a's 3 escalations", code, body)
	}
	if strings.Contains(body, "go_goroutines") || strings.Contains(body, "process_") {
		t.Errorf("/metrics has Go or process metrics:\n%s", body)
	}
	if code, _ := get(t, srv.URL+"/other"); code != 404 {
		t.Errorf("/other = %d, want 404", code)
	}
}

// badCollector describes a family with no name, which a registry refuses.
type badCollector struct{}

func (badCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- prometheus.NewDesc("", "h", nil, nil)
}
func (badCollector) Collect(chan<- prometheus.Metric) {}

func TestHandlerBadCollector(t *testing.T) {
	srv := httptest.NewServer(Handler(badCollector{}))
	defer srv.Close()
	if code, _ := get(t, srv.URL+"/metrics"); code != 500 {
		t.Errorf("/metrics = %d, want 500", code)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200", code)
	}
}

func TestListen(t *testing.T) {
	s := sample(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, err := Listen(ctx, "127.0.0.1:0", NewCollector(func(fn func(*summary.Summary)) { fn(s) }))
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr.String()
	if code, body := get(t, url+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if _, err := Listen(ctx, addr.String(), badCollector{}); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("second Listen on %s: %v, want EADDRINUSE", addr, err)
	}
	cancel()
	// Once ctx is done the server closes; wait for it, 100 times at most.
	for range 100 {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return
		}
		resp.Body.Close()
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("%s still serves after its context is done", addr)
}
