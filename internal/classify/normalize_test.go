package classify

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	tests := []struct {
		in, text string
		levels   int
	}{
		{"", "", 0},
		{" 14\r\n", "14", 0},
		{`"14"`, "14", 1},
		{`" 14 "`, "14", 1},
		{`"\"14\""`, "14", 2},
		{`" \" 14 \" "`, "14", 2},
		{`\"14\"`, "14", 2},
		{`""14""`, "14", 1},
		{`"""14"""`, `"14"`, 1},
		{`"`, `"`, 0},
		{`""`, "", 1},
		{`\"`, `\"`, 0},
		{`\"\"`, "", 2},
		{`"\"`, `"\"`, 0},
		{`"a\\"`, `a\\`, 1},
		{`"a\\\"`, `"a\\\"`, 0},
		{`"a" "b"`, `a" "b`, 1},
	}
	for _, tc := range tests {
		text, levels := normalise([]byte(tc.in))
		if string(text) != tc.text || levels != tc.levels {
			t.Errorf("normalise(%q) = %q, %d; want %q, %d", tc.in, text, levels, tc.text, tc.levels)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		text     string
		levels   int
		want     string
		complete bool
	}{
		{"Server Issue", 0, "server issue", true},
		{`Illegal method\/protocol`, 0, `illegal method\/protocol`, true},
		{`Illegal method\/protocol`, 1, "illegal method/protocol", true},
		{`Illegal method\\\/protocol`, 2, "illegal method/protocol", true},
		{`\u0031\u0034`, 1, "14", true},
		{`\\u0031\\u0034`, 2, "14", true},
		{`\u00C9T\u00c9`, 1, "\u00c9t\u00c9", true}, // only ASCII is folded
		{`\ud800`, 1, "\ufffd", true},
		{`\n\t 14 \r\n`, 1, "14", true},
		{`a\x`, 1, `a\x`, true},
		{`a\u12`, 1, `a\u12`, true},
		{`a\\x`, 2, `a\x`, true},
		{`a\\u12zz`, 2, `a\u12zz`, true},
		{`a\`, 1, `a\`, true},
		{`a\"`, 2, `a"`, true},
		{`\\u0\u003000`, 2, "\x00", true}, // level-2 hex digit written as \u0030 (fuzz c4805fd09b09ef64)
		{`\u005c\u0022`, 2, `"`, true},
		{strings.Repeat("A", MaxKeyBytes), 0, strings.Repeat("a", MaxKeyBytes), true},
		{strings.Repeat("A", MaxKeyBytes+1), 0, strings.Repeat("a", MaxKeyBytes), false},
		{strings.Repeat(`\"`, MaxKeyBytes+1), 1, strings.Repeat(`"`, MaxKeyBytes), false},
		{strings.Repeat(`é`, MaxKeyBytes), 1, strings.Repeat(`é`, MaxKeyBytes/2), false},
		{strings.Repeat(`\u00e9`, MaxKeyBytes), 1, strings.Repeat(`é`, MaxKeyBytes/2), false},
	}
	for _, tc := range tests {
		var buf [MaxKeyBytes]byte
		n, complete := decode(&buf, []byte(tc.text), tc.levels)
		if string(buf[:n]) != tc.want || complete != tc.complete {
			t.Errorf("decode(%.40q, %d) = %.40q, %v; want %.40q, %v", tc.text, tc.levels, buf[:n], complete, tc.want, tc.complete)
		}
	}
}

// checkDecodeJSON compares decode with encoding/json for text under one or
// two levels of escaping, where encoding/json accepts the text and the
// result is short printable ASCII.
func checkDecodeJSON(t *testing.T, text []byte, levels int) {
	if levels == 0 {
		return
	}
	s := string(text)
	for range levels {
		var out string
		if json.Unmarshal([]byte(`"`+s+`"`), &out) != nil {
			return
		}
		s = out
	}
	for i := range len(s) {
		if s[i] >= 0x80 {
			return
		}
	}
	want := strings.ToLower(strings.Trim(s, " \t\r\n"))
	if len(want) > MaxKeyBytes {
		return
	}
	var buf [MaxKeyBytes]byte
	n, complete := decode(&buf, text, levels)
	if !complete || string(buf[:n]) != want {
		t.Fatalf("decode(%q, %d) = %q, %v; encoding/json says %q", text, levels, buf[:n], complete, want)
	}
}
