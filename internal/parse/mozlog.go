package parse

// parseMozLog reports whether line is a syncstorage-rs MozLog JSON object,
// filling h.
func parseMozLog(line []byte, h *header) bool { return false }

// recordMozLog handles a MozLog record: a response when its fields carry
// an HTTP status.
func (e *Extractor) recordMozLog() {}
