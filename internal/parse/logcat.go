package parse

// parseLogcat reports whether line starts an Android logcat record
// (threadtime, brief or time layout), filling h; year is the year of its
// time (logcat logs none; 0 means the current year).
func parseLogcat(line []byte, h *header, year int) bool { return false }

// recordLogcat handles a logcat record: Fennec's FxSync/FxAccounts lines
// and the Rust sync15 lines of Fenix and Focus.
func (e *Extractor) recordLogcat() {}
