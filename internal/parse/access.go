package parse

// parseAccess reports whether line is an nginx or Apache access log line
// (common or combined format), filling h.
func parseAccess(line []byte, h *header) bool { return false }

// recordAccess handles an access log line: one response.
func (e *Extractor) recordAccess() {}
