package summary

import (
	"testing"
)

func TestHostOf(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://scl2-sync405.services.mozilla.com/1.1/u/info/collections", "scl2-sync405.services.mozilla.com"},
		{"https://scl2-sync405.services.mozilla.com:443/1.1/u", "scl2-sync405.services.mozilla.com"},
		{"HTTPS://h:443/", "h"},
		{"https://h:8443/x", "h:8443"},
		{"http://10.8.0.6:8000/1.0/sync/1.5", "10.8.0.6:8000"},
		{"http://h:80/x", "h"},
		{"http://h:443/x", "h:443"},
		{"https://user:pw@h.example/x", "h.example"},
		{"https://u@x:p@h.example:443?q=1", "h.example"},
		{"https://[::1]:8000/x", "[::1]:8000"},
		{"https://[::1]:443/x", "[::1]"},
		{"https://h.example#frag", "h.example"},
		{"https://h.example", "h.example"},
		{"https://scl2-sync4…", "scl2-sync4…"},
		{"//h.example/x", "h.example"},
		{"/1.5/123/storage/bookmarks", ""},
		{"", ""},
		{"not a url", ""},
		{"1://h/", ""},
		{"wss://push.services.mozilla.com:443/", "push.services.mozilla.com"},
	}
	for _, tc := range tests {
		if got := string(HostOf([]byte(tc.in))); got != tc.want {
			t.Errorf("HostOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestURLString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://user:secret@h.example:8443/1.5/1?x=a@b", "https://h.example:8443/1.5/1?x=a@b"},
		{"https://h.example/a@b", "https://h.example/a@b"},
		{"https://h.example", "https://h.example"},
		{"/1.5/1/storage", "/1.5/1/storage"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := URLString([]byte(tc.in)); got != tc.want {
			t.Errorf("URLString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCutUTF8(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"ab€", 4, "ab"},  // € is 3 bytes
		{"ab€", 5, "ab€"}, // fits
		{"a\x80\x80\x80\x80\x80", 3, "a\x80\x80"},
	}
	for _, tc := range tests {
		if got := string(CutUTF8([]byte(tc.in), tc.n)); got != tc.want {
			t.Errorf("CutUTF8(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
