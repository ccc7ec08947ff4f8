package parse

// Layout is the record layout of an input: which client or server wrote
// it. An Extractor detects it from the first line that starts a record of
// any layout, and reads the rest of the input in that layout only.
type Layout uint8

const (
	// LayoutNone: no record recognised (yet). An input that ends with
	// this layout held no Sync log record.
	LayoutNone Layout = iota
	// LayoutDesktop is Firefox desktop's sync log (about:sync-log,
	// weave/logs), Weave-era lines included.
	LayoutDesktop
	// LayoutLogcat is Android logcat (threadtime, brief or time): Fennec's
	// FxSync/FxAccounts lines and the Rust sync15 lines of Fenix and Focus.
	LayoutLogcat
	// LayoutIOS is the Firefox iOS app log: the Swift client's lines and
	// the Rust sync15 lines it embeds.
	LayoutIOS
	// LayoutAccess is an nginx or Apache access log (common or combined):
	// one line, one response, status and size only.
	LayoutAccess
	// LayoutMozLog is syncstorage-rs's MozLog JSON, one object per line.
	LayoutMozLog
	numLayouts
)

var layoutNames = [numLayouts]string{"", "desktop", "logcat", "ios", "access", "mozlog"}

// String returns the name of l as reports show it ("" for LayoutNone).
func (l Layout) String() string {
	if l < numLayouts {
		return layoutNames[l]
	}
	return ""
}

// detectOrder is the order in which the layouts are tried on a line of an
// input whose layout is not known yet: the most specific shapes first, so
// that no layout takes a line that another one would read as its own.
var detectOrder = [...]Layout{LayoutMozLog, LayoutAccess, LayoutLogcat, LayoutIOS, LayoutDesktop}

// startsRecord reports whether line starts a record of layout l, filling
// h when it does.
func (e *Extractor) startsRecord(l Layout, line []byte, h *header) bool {
	switch l {
	case LayoutDesktop:
		return parseHeader(line, h)
	case LayoutLogcat:
		return parseLogcat(line, h, e.year)
	case LayoutIOS:
		return parseIOS(line, h)
	case LayoutAccess:
		return parseAccess(line, h)
	case LayoutMozLog:
		return parseMozLog(line, h)
	}
	return false
}

// header reports whether line starts a record of the input's layout,
// detecting the layout on the first line that starts a record of any.
func (e *Extractor) header(line []byte) bool {
	if e.layout != LayoutNone {
		return e.startsRecord(e.layout, line, &e.h)
	}
	for _, l := range detectOrder {
		if e.startsRecord(l, line, &e.h) {
			e.layout = l
			return true
		}
	}
	return false
}

// dispatch handles the record just started, by layout.
func (e *Extractor) dispatch() {
	switch e.layout {
	case LayoutDesktop:
		e.record()
	case LayoutLogcat:
		e.recordLogcat()
	case LayoutIOS:
		e.recordIOS()
	case LayoutAccess:
		e.recordAccess()
	case LayoutMozLog:
		e.recordMozLog()
	}
}

// Layout returns the layout of the current input, LayoutNone while no
// record has been recognised.
func (e *Extractor) Layout() Layout { return e.layout }

// SetYear sets the year of logcat times, which carry none (by default, the
// current year); call it after Reset. Callers take it from the input's
// modification time.
func (e *Extractor) SetYear(y int) { e.year = y }
