package parse

import (
	"strings"
	"testing"
)

// TestLayoutDetection checks that each layout's lines are detected as that
// layout, and that lines of one layout are not taken for another.
func TestLayoutDetection(t *testing.T) {
	for _, tc := range []struct {
		log  string
		want Layout
	}{
		{"2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:321] failFromResponse(_:) > Status code: 503.\n", LayoutIOS},
		{"2009-11-03 14:22:05 Service.Main DEBUG \"server issue: node reassignment\" No traceback available\n", LayoutDesktop},
		{"D/FxSync( 1): x\n", LayoutLogcat},
		{"11-24 07:13:20.298  4123  4187 D FxSync  : x\n", LayoutLogcat},
		{"1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://x/\n", LayoutDesktop},
		{`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 1` + "\n", LayoutAccess},
		{`{"Timestamp":1764000000000000000,"Logger":"syncserver-0.18.3","Fields":{}}` + "\n", LayoutMozLog},
		{"1756106023249\tX\tERROR\t{\"Timestamp\":1764000000000000000,\"Logger\":\"x\",\"Fields\":{\"code\":503}}\n", LayoutDesktop},
	} {
		e := NewExtractor(strings.NewReader(tc.log), "t.log", Options{})
		for e.Next() {
		}
		if got := e.Layout(); got != tc.want {
			t.Errorf("%q: layout %v, want %v", tc.log, got, tc.want)
		}
	}
}
