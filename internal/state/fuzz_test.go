package state

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecodeSaved feeds state files, mostly laid out as Save writes them,
// to the fast reading: it must never panic, and whatever it accepts
// encoding/json must read the same.
func FuzzDecodeSaved(f *testing.F) {
	good := sum([]byte("x"))
	f.Add([]byte("{\n  \"version\": 1,\n  \"entries\": []\n}\n"))
	f.Add([]byte("{\n  \"version\": 1,\n  \"entries\": [\n    {\"prefix\":1,\"hash\":\"" + good + "\",\"offset\":7,\"lines\":2,\"end\":9,\"member\":{\"raw\":1,\"decoded\":2,\"tail\":\"" + good + "\"},\"file\":{\"dev\":1,\"ino\":2,\"size\":3,\"mtime_ns\":-4},\"name\":\"a\",\"seen\":\"2026-11-28T10:00:00Z\"}\n  ]\n}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, err := decodeSaved(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		slow, err := decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("the fast reading accepts what encoding/json refuses (%v):\n%q", err, data)
		}
		if !reflect.DeepEqual(fast.Entries, slow.Entries) || fast.Version != slow.Version {
			t.Fatalf("the fast reading and encoding/json disagree:\n%+v\n%+v\n%q", fast, slow, data)
		}
	})
}
