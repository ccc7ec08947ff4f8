package scan

import (
	"testing"

	"synclog/internal/classify"
	"synclog/internal/parse"
)

func TestNarrowKeep(t *testing.T) {
	resp := func(status int, url string) *parse.Event {
		return &parse.Event{Kind: parse.KindResponse, Status: status, URL: []byte(url)}
	}
	neterr := &parse.Event{Kind: parse.KindNetworkError, URL: []byte("https://sync-1.example.com/x")}
	backoff := &parse.Event{Kind: parse.KindBackoff, Detail: []byte("Retry-After")}
	pool := &classify.Class{Kind: classify.Infra, Key: "server issue: pool exhausted"}
	free := &classify.Class{Kind: classify.Unknown, Text: []byte("Something Odd")}
	tests := []struct {
		name string
		n    Narrow
		ev   *parse.Event
		c    *classify.Class
		want bool
	}{
		{"host exact, any case", Narrow{Hosts: []string{"SYNC-1.example.com"}}, resp(503, "https://sync-1.example.com/a"), nil, true},
		{"host other", Narrow{Hosts: []string{"sync-1.example.com"}}, resp(503, "https://sync-2.example.com/a"), nil, false},
		{"host without its port", Narrow{Hosts: []string{"sync-1.example.com"}}, resp(503, "https://sync-1.example.com:8443/a"), nil, true},
		{"host with its port", Narrow{Hosts: []string{"sync-1.example.com:8443"}}, resp(503, "https://sync-1.example.com:8443/a"), nil, true},
		{"domain suffix", Narrow{Hosts: []string{".example.com"}}, resp(503, "https://sync-1.example.com/a"), nil, true},
		{"domain itself", Narrow{Hosts: []string{".example.com"}}, resp(503, "https://example.com/a"), nil, true},
		{"domain is not a substring", Narrow{Hosts: []string{".example.com"}}, resp(503, "https://badexample.com/a"), nil, false},
		{"no URL", Narrow{Hosts: []string{"x"}}, resp(503, ""), nil, false},
		{"network error by host", Narrow{Hosts: []string{".example.com"}}, neterr, nil, true},
		{"backoff has no host", Narrow{Hosts: []string{".example.com"}}, backoff, nil, false},
		{"status", Narrow{Statuses: []int{503, 500}}, resp(500, "https://h/"), nil, true},
		{"status other", Narrow{Statuses: []int{503}}, resp(500, "https://h/"), nil, false},
		{"status drops network errors", Narrow{Statuses: []int{503}}, neterr, nil, false},
		{"key any case", Narrow{Keys: []string{"Server Issue: pool exhausted"}}, resp(503, "https://h/"), pool, true},
		{"key of free text", Narrow{Keys: []string{"something odd"}}, resp(500, "https://h/"), free, true},
		{"key other", Narrow{Keys: []string{"14"}}, resp(503, "https://h/"), pool, false},
		{"key needs a body", Narrow{Keys: []string{"14"}}, resp(503, "https://h/"), nil, false},
		{"key drops backoffs", Narrow{Keys: []string{"14"}}, backoff, nil, false},
		{"all at once", Narrow{Hosts: []string{"h"}, Keys: []string{"server issue: pool exhausted"}, Statuses: []int{503}}, resp(503, "https://h/"), pool, true},
		{"one fails", Narrow{Hosts: []string{"g"}, Keys: []string{"server issue: pool exhausted"}, Statuses: []int{503}}, resp(503, "https://h/"), pool, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.n.keep(tc.ev, tc.c); got != tc.want {
				t.Errorf("keep = %v, want %v", got, tc.want)
			}
		})
	}
}
