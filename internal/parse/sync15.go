package parse

// sync15 handles a line of the Rust sync15 crate (Fenix, Focus, Firefox
// iOS): target is its module path ("sync15::client"), msg the text after
// it. Failed requests are responses without a body.
func (e *Extractor) sync15(target, msg []byte) {}
