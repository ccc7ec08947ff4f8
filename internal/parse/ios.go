package parse

// parseIOS reports whether line starts a Firefox iOS app log record,
// filling h.
func parseIOS(line []byte, h *header) bool { return false }

// recordIOS handles a Firefox iOS record: the Swift client's lines and the
// Rust sync15 lines it embeds.
func (e *Extractor) recordIOS() {}
