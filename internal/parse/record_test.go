package parse

import (
	"bytes"
	"testing"
)

// TestDigits8 checks the 8-bytes-at-once digit test against the byte loop
// for every byte value in every position.
func TestDigits8(t *testing.T) {
	b := []byte("17561060")
	if !digits8(b) {
		t.Fatalf("digits8(%q) = false", b)
	}
	for pos := range b {
		for c := range 256 {
			in := bytes.Clone(b)
			in[pos] = byte(c)
			if got, want := digits8(in), digits(in) == 8; got != want {
				t.Errorf("digits8(%q) = %v, want %v", in, got, want)
			}
		}
	}
}
