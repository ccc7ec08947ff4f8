// Package classify sorts Sync HTTP response bodies into server codes, infra
// strings and unknown values, using a table that is data.
package classify

// Kind is the class of a response body.
type Kind uint8

const (
	// Unknown is any body that is neither a server code nor an infra string.
	Unknown Kind = iota
	// ServerCode is a numeric code produced by the Sync servers (1..17).
	ServerCode
	// Infra is a string (or numeric twin) produced by the load balancers;
	// in a 503 it must be escalated to Services Operations.
	Infra
	// NumKinds is the number of kinds, for arrays indexed by Kind.
	NumKinds
)

// kindNames are the JSON names of the kinds.
var kindNames = [NumKinds]string{Unknown: "unknown", ServerCode: "server_code", Infra: "infra"}

// String returns the JSON name of k: "unknown", "server_code" or "infra".
func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return kindNames[Unknown]
}

// ParseKind returns the Kind whose String is name.
func ParseKind(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), true
		}
	}
	return Unknown, false
}

// Class is the result of classifying one body.
type Class struct {
	Kind Kind
	// Key identifies the value: the table key ("14", "server issue: pool
	// exhausted"), or one of the fixed keys for unknown bodies (KeyEmpty,
	// KeyHTML, KeyJSON, ...). Key is "" for unknown free text: then Text
	// holds the normalised body.
	Key string
	// Description is the table's description of Key, a fixed description
	// for the fixed keys, or "" for unknown free text.
	Description string
	// Text is the normalised body (trimmed, outer JSON quoting removed),
	// a sub-slice of the input, valid as long as the input is. Set for
	// every class.
	Text []byte
	// Whole reports that every byte of Text was compared with the table
	// (its lookup form fits MaxKeyBytes). A body cut before Classify saw it
	// and classified Whole might have matched a key had it been longer;
	// one not Whole was decided on its first MaxKeyBytes, which a cut
	// further on cannot change.
	Whole bool
}

// Unlisted reports whether c is an infra value that the table does not
// list, recognised by its shape ("server issue: ..."). Its key in reports
// is the value as seen (Text).
func (c *Class) Unlisted() bool { return c.Kind == Infra && c.Key == "" }

// DescUnlisted describes an unlisted infra value (see Class.Unlisted);
// reports recognise it by this description.
const DescUnlisted = "UNLISTED infra string: not in the code table, escalated by its shape (server issue: ...)"

// Fixed keys of unknown bodies that are not in the table.
const (
	// KeyEmpty is the key of a body that is empty after normalisation.
	KeyEmpty = "(empty)"
	// KeyHTML is the key of an HTML or XML page, typically from a proxy or
	// load balancer.
	KeyHTML = "(html page)"
	// KeyJSON is the key of a JSON object, such as a tokenserver (cornice)
	// error {"status": "error", "errors": [...]}.
	KeyJSON = "(json object)"
	// KeyJSONArray is the key of a JSON array.
	KeyJSONArray = "(json array)"
)

// Descriptions of the fixed keys.
const (
	descEmpty     = "empty body"
	descHTML      = "HTML page (proxy or load balancer)"
	descJSON      = "JSON object (e.g. tokenserver error)"
	descJSONArray = "JSON array"
)
