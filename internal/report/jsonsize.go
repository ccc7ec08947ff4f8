package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxJSONBytes is the size of the largest report ReadJSON reads. A scan's
// report lists at most Limits.Inputs inputs, Limits.Keys keys per list and
// summary.MaxFoldedPrints prints of folded inputs: a few MiB, unless its
// paths or log lines are very long or --samples very high.
const MaxJSONBytes = 16 << 20

// MaxDecodeBytes bounds what decoding a report may take, as estimated by
// decodeCost before it is decoded: a report of many small values takes
// far more memory decoded than its size (an input row of 30 bytes takes
// 200 and more), so its size alone does not bound that. A scan's report at
// the default limits costs at most about 90 MiB by that estimate, and
// typically less than 5.
const MaxDecodeBytes = 128 << 20

// jsonBounds are the bounds of the reports ReadJSON reads; tests lower
// them.
type jsonBounds struct{ size, cost int64 }

var defaultBounds = jsonBounds{size: MaxJSONBytes, cost: MaxDecodeBytes}

// read reads the report r, which must be one JSON value within b.
func (b jsonBounds) read(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(&capReader{r: r, left: b.size})
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("larger than %s, more than a scan writes: not read", sizeText(b.size))
	case err != nil:
		return nil, err
	case len(bytes.TrimSpace(raw)) == 0:
		return nil, errors.New("empty input, want a synclog JSON report")
	}
	cost, end := decodeCost(raw)
	if len(bytes.TrimSpace(raw[end:])) > 0 {
		return nil, errors.New("more data after the report (one report per input)")
	}
	if cost > b.cost {
		return nil, fmt.Errorf("it lists too much to be read in bounded memory (about %s decoded, at most %s), "+
			"more than a scan writes: not read", sizeText(cost), sizeText(b.cost))
	}
	return raw, nil
}

// Costs of decoding JSON values into a view, on 64-bit platforms: an
// object is at most a viewFinding (208 bytes) or a map, a value in a list
// or an object at most a map entry or a slot of a slice of statusCount,
// and slices may take twice their length as they grow. String bytes may
// take three times their size (an invalid byte becomes U+FFFD).
const (
	objectCost = 2 * 256
	valueCost  = 2 * 48
	stringCost = 3
)

// decodeCost returns an upper bound of the memory that decoding the JSON
// value at the start of b into a view takes, and where that value ends
// (len(b) when it does not). It does not validate b: json.Unmarshal does.
func decodeCost(b []byte) (cost int64, end int) {
	var objects, values, strBytes int64
	depth := 0
	inString, escaped := false, false
	for i, c := range b {
		if inString {
			strBytes++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			objects++
			fallthrough
		case '[':
			depth++
			values++ // its first value, if any
		case ',':
			values++
		case '}', ']':
			if depth--; depth == 0 {
				return objects*objectCost + values*valueCost + strBytes*stringCost, i + 1
			}
		}
	}
	return objects*objectCost + values*valueCost + strBytes*stringCost, len(b)
}

// sizeText writes n bytes in MiB, or in bytes below 1 MiB.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// errTooLarge reports a report larger than its bound.
var errTooLarge = errors.New("report: read json: report too large")

// capReader reads r, and fails with errTooLarge once more than left bytes
// are read from it.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1] // one byte more than allowed tells a larger input
	}
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return 0, errTooLarge
	}
	return n, err
}
