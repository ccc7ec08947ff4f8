package scan

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"synclog/internal/parse"
	"synclog/internal/summary"
)

// needTar returns the path of the tar tool, and skips the test when there
// is none, unless CI=true: CI must run it.
func needTar(t *testing.T) string { return needTool(t, "tar") }

// needTool returns the path of the tool name, and skips the test when
// there is none, unless CI=true: CI must run it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no %s tool: %v", name, err)
		}
		t.Skipf("no %s tool", name)
	}
	return p
}

// TestTarMemberTypes archives, with the real tar tool in the GNU and PAX
// formats, a log, a sparse log (a hole made by truncate between two
// copies of a log), a symbolic link, a hard link, a FIFO and a folder.
// Both logs are read (a GNU sparse member has typeflag 'S', a PAX one
// GNU.sparse records) and give what the files themselves give; every
// other member is listed in the report as not read, with why.
func TestTarMemberTypes(t *testing.T) {
	tarTool := needTar(t)
	trace, err := os.ReadFile(filepath.Join(logs, "modern-trace.log"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	sparse := filepath.Join(src, "sparse.log")
	for _, step := range []func() error{
		func() error { return os.MkdirAll(filepath.Join(src, "sub"), 0o755) },
		func() error { return os.WriteFile(filepath.Join(src, "a.log"), trace, 0o644) },
		func() error { return os.WriteFile(sparse, trace, 0o644) },
		func() error { return os.Truncate(sparse, 4<<20) },
		func() error { return appendFile(sparse, append([]byte("\n"), trace...)) },
		func() error { return os.Symlink("a.log", filepath.Join(src, "link.log")) },
		func() error { return os.Link(filepath.Join(src, "a.log"), filepath.Join(src, "hard.log")) },
		func() error { return syscall.Mkfifo(filepath.Join(src, "pipe.log"), 0o644) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	want, errs := scanReport(t, []string{filepath.Join(src, "a.log"), sparse}, Options{Jobs: 1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, format := range []string{"gnu", "pax"} {
		t.Run(format, func(t *testing.T) {
			arch := filepath.Join(dir, format+".tar")
			out, err := exec.Command(tarTool, "--sparse", "--format="+format, "-cf", arch, "-C", src,
				"a.log", "sparse.log", "link.log", "hard.log", "pipe.log", "sub").CombinedOutput()
			if err != nil {
				t.Fatalf("tar: %v\n%s", err, out)
			}
			checkSparseMember(t, arch, format)
			got, errs := scanReport(t, []string{arch}, Options{Jobs: 1})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(want["totals"], got["totals"]); diff != "" {
				t.Errorf("totals differ from the files' own (-files +archive):\n%s", diff)
			}
			if diff := cmp.Diff(escalationCounts(want), escalationCounts(got)); diff != "" {
				t.Errorf("escalations differ from the files' own (-files +archive):\n%s", diff)
			}
			rows := map[string]bool{}
			for _, in := range got["inputs"].([]any) {
				in := in.(map[string]any)
				rows[in["path"].(string)] = in["complete"].(bool)
			}
			if diff := cmp.Diff(map[string]bool{"INPUT": true, "INPUT:a.log": true, "INPUT:sparse.log": true}, rows); diff != "" {
				t.Errorf("input rows, complete (-want +got):\n%s", diff)
			}
			skipped := map[string]string{}
			list, _ := got["skipped"].([]any)
			for _, s := range list {
				s := s.(map[string]any)
				skipped[s["path"].(string)] = s["why"].(string)
			}
			wantSkipped := map[string]string{
				"INPUT:link.log": "not a regular file: symbolic link to a.log",
				"INPUT:hard.log": "not a regular file: hard link to a.log (read under that name)",
				"INPUT:pipe.log": "not a regular file: FIFO",
				"INPUT:sub/":     "not a regular file: directory",
			}
			if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
				t.Errorf("members not read (-want +got):\n%s", diff)
			}
		})
	}
}

// escalationCounts returns the escalation list of a JSON report as key ->
// count.
func escalationCounts(m map[string]any) map[string]float64 {
	c := map[string]float64{}
	for _, e := range m["escalations"].([]any) {
		e := e.(map[string]any)
		c[e["key"].(string)] += e["count"].(float64)
	}
	return c
}

// appendFile appends b to the file name.
func appendFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkSparseMember checks that tar wrote sparse.log into arch as a sparse
// member of format; a file system without holes gives none (a skip, but
// CI must have holes).
func checkSparseMember(t *testing.T, arch, format string) {
	t.Helper()
	f, err := os.Open(arch)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no sparse.log in %s: %v", arch, err)
		}
		if hdr.Name != "sparse.log" {
			continue
		}
		if hdr.Typeflag == tar.TypeGNUSparse || hdr.PAXRecords["GNU.sparse.major"] != "" {
			return
		}
		msg := fmt.Sprintf("tar wrote sparse.log as type %q, not sparse: no holes in %s?", hdr.Typeflag, arch)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// tib is 1 TiB, the size the crafted sparse members declare.
const tib = 1 << 40

// escalation is a log record whose 503 carries an infra string.
const escalation = "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/info/collections\n" +
	"1756106023250\tSync.Resource\tTRACE\tGET body: server issue: pool exhausted\n"

// TestTarSparseLimit reads crafted archives (no tar tool) whose sparse
// member big.log declares 1 TiB, nearly all of it a hole: expanding the
// hole counts toward --max-ratio, so the member stops with LIMIT in its
// own row, and the scan ends, rather than reading 1 TiB of zeros.
func TestTarSparseLimit(t *testing.T) {
	data := []byte(escalation)
	for _, gnu := range []bool{true, false} {
		name := map[bool]string{true: "gnu", false: "pax"}[gnu]
		t.Run(name, func(t *testing.T) {
			arch := filepath.Join(t.TempDir(), name+".tar")
			if err := os.WriteFile(arch, sparseTar(gnu, data, tib-int64(len(data)), tib), 0o644); err != nil {
				t.Fatal(err)
			}
			got, errs := scanReport(t, []string{arch}, Options{Jobs: 1})
			if len(errs) != 1 || parse.FaultOf(errs[0]) != parse.Limit || !strings.Contains(errs[0].Error(), "raise --max-ratio") {
				t.Fatalf("errors = %v, want one LIMIT", errs)
			}
			var states []string
			for _, in := range got["inputs"].([]any) {
				in := in.(map[string]any)
				states = append(states, fmt.Sprintf("%s %v %s", in["path"], in["complete"], in["state"]))
			}
			if diff := cmp.Diff([]string{"INPUT:big.log false LIMIT", "INPUT true "}, states); diff != "" {
				t.Errorf("input rows (-want +got):\n%s", diff)
			}
		})
	}
}

// sparseTar returns a tar archive (GNU, or PAX when !gnu) of one sparse
// member, big.log, of size bytes: data at offset at, a hole elsewhere.
func sparseTar(gnu bool, data []byte, at, size int64) []byte {
	var b bytes.Buffer
	if gnu {
		h := tarBlock("big.log", tar.TypeGNUSparse, int64(len(data)), true)
		base256(h[386:398], at) // the first sparse entry: offset,
		base256(h[398:410], int64(len(data)))
		base256(h[483:495], size) // and the real size
		b.Write(sealBlock(h))
	} else {
		recs := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
			paxRecord("GNU.sparse.name", "big.log") + paxRecord("GNU.sparse.realsize", fmt.Sprint(size))
		b.Write(sealBlock(tarBlock("PaxHeaders/big.log", tar.TypeXHeader, int64(len(recs)), false)))
		b.Write(padBlock([]byte(recs)))
		spmap := padBlock(fmt.Appendf(nil, "1\n%d\n%d\n", at, len(data)))
		b.Write(sealBlock(tarBlock("GNUSparseFile.0/big.log", tar.TypeReg, int64(len(spmap)+len(data)), false)))
		b.Write(spmap)
	}
	b.Write(padBlock(data))
	b.Write(make([]byte, 1024)) // the end of the archive
	return b.Bytes()
}

// tarBlock returns a header block, its checksum not yet set (sealBlock):
// USTAR magic, or GNU's.
func tarBlock(name string, flag byte, size int64, gnu bool) []byte {
	h := make([]byte, 512)
	copy(h, name)
	copy(h[100:], "0000644\x00")
	copy(h[108:], "0000000\x00")
	copy(h[116:], "0000000\x00")
	copy(h[124:], fmt.Sprintf("%011o\x00", size))
	copy(h[136:], fmt.Sprintf("%011o\x00", 1756106023))
	h[156] = flag
	if gnu {
		copy(h[257:], "ustar  \x00")
	} else {
		copy(h[257:], "ustar\x0000")
	}
	return h
}

// sealBlock sets the checksum of the header block h, and returns h.
func sealBlock(h []byte) []byte {
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

// base256 writes v in the GNU base-256 form of a numeric field.
func base256(field []byte, v int64) {
	clear(field)
	field[0] = 0x80
	binary.BigEndian.PutUint64(field[len(field)-8:], uint64(v))
}

// padBlock pads b with zeros to a multiple of 512 bytes.
func padBlock(b []byte) []byte {
	return append(b, make([]byte, (512-len(b)%512)%512)...)
}

// paxRecord returns the PAX record "<len> k=v\n", whose length counts
// its own digits.
func paxRecord(k, v string) string {
	n := len(k) + len(v) + 3
	for n != len(fmt.Sprint(n))+len(k)+len(v)+3 {
		n = len(fmt.Sprint(n)) + len(k) + len(v) + 3
	}
	return fmt.Sprintf("%d %s=%s\n", n, k, v)
}

// TestTarCancel cancels a scan while the 1 TiB hole of a sparse member
// (with no ratio limit) is being read: the first event of the member,
// which lies before the hole, cancels it. scanTar must then return the
// cancellation, not read on through the zeros.
func TestTarCancel(t *testing.T) {
	data := []byte(strings.Repeat(escalation, 3) + "1756106023251\tSync.Service\tINFO\tdone\n")
	for _, gnu := range []bool{true, false} {
		t.Run(map[bool]string{true: "gnu", false: "pax"}[gnu], func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := Options{Opener: parse.OpenerOptions{MaxRatio: -1}}
			ex := parse.NewExtractor(nil, "", o.Parse)
			sum := newSink(&o)
			defer sum.Close()
			events := 0
			emit := func(*parse.Event) {
				events++
				cancel()
			}
			err := scanTar(ctx, bytes.NewReader(sparseTar(gnu, data, 0, tib)), "a.tar", ex, emit, sum, o)
			if !errors.Is(err, context.Canceled) || events == 0 {
				t.Errorf("scanTar = %v after %d events, want context.Canceled after some", err, events)
			}
		})
	}
}

// TestTarManyMembers scans an archive of more members than Limits.Inputs
// rows: the members not read whole are listed first, the others up to the
// limit, the archive's own row is folded like any other, and every count
// is the same as with room for every row.
func TestTarManyMembers(t *testing.T) {
	clean, err := os.ReadFile(filepath.Join(logs, "clean.log"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(clean)
	zw.Close()
	cut := gz.Bytes()[:gz.Len()/2] // TRUNCATED
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := range 40 {
		data := clean
		if i == 10 || i == 30 {
			data = cut
		}
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("m%02d.log", i), Mode: 0o644, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	arch := filepath.Join(t.TempDir(), "many.tar")
	if err := os.WriteFile(arch, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	capped, errs := scanReport(t, []string{arch}, Options{Limits: summary.Limits{Inputs: 5}})
	if len(errs) != 1 {
		t.Errorf("errors = %v, want the first damaged member's", errs)
	}
	var rows []string
	for _, in := range capped["inputs"].([]any) {
		rows = append(rows, in.(map[string]any)["path"].(string))
	}
	if want := []string{"INPUT:m00.log", "INPUT:m01.log", "INPUT:m02.log", "INPUT:m10.log", "INPUT:m30.log"}; !slices.Equal(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
	f := capped["folded_inputs"].(map[string]any)
	if f["inputs"] != 36.0 || f["incomplete"] != 0.0 || f["records"] == 0.0 {
		t.Errorf("folded_inputs = %v, want 36 inputs (the archive's row among them), none incomplete", f)
	}
	whole, _ := scanReport(t, []string{arch}, Options{})
	for _, k := range []string{"totals", "classes", "escalations", "reviews", "verdict"} {
		if diff := cmp.Diff(whole[k], capped[k]); diff != "" {
			t.Errorf("%s differs with 5 rows (-all rows +5):\n%s", k, diff)
		}
	}
}
