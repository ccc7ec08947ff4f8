package parse

import (
	"testing"
	"time"
)

func TestMozLog(t *testing.T) {
	const env = `{"Timestamp":1764000000123456789,"Type":"syncserver:log","Logger":"syncserver-0.18.3","Hostname":"sync-1","EnvVersion":"2.0","Severity":`
	tests := []eventCase{
		{
			name: "request summaries with a status are responses",
			log: env + `6,"Pid":7,"Fields":{"agent":"Firefox/145.0","code":200,"method":"GET","path":"/1.5/42/info/collections","t":3,"errno":0}}` + "\n" +
				env + `3,"Pid":7,"Fields":{"code":503,"method":"POST","path":"/1.5/42/storage/bookmarks?batch=true","errno":0}}` + "\n" +
				env + `4,"Pid":7,"Fields":{"status":"401","uri.method":"GET","uri.path":"/1.0/sync/1.5"}}` + "\n" +
				env + `3,"Pid":7,"Fields":{"status_code":404,"url":"/1.5/42/storage/nope"}}` + "\n",
			want: []string{
				"resp 1 GET 200 /1.5/42/info/collections",
				"resp 2 POST 503 /1.5/42/storage/bookmarks?batch=true",
				"resp 3 GET 401 /1.0/sync/1.5",
				"resp 4  404 /1.5/42/storage/nope",
			},
		},
		{
			name: "records without an HTTP status are not responses",
			log: env + `6,"Pid":7,"Fields":{"msg":"Starting up"}}` + "\n" +
				env + `6,"Pid":7,"Fields":{"msg":"{\"uri.method\":\"GET\",\"uri.path\":\"/1.0/sync/1.5\",\"uid\":\"abc\"}"}}` + "\n" +
				env + `3,"Pid":7,"Fields":{"msg":"Database error: pool exhausted","error_type":"DbError","method":"GET","url":"https://sync.example/1.5/42/info/collections","tags":"{\"code\": \"503\"}"}}` + "\n" +
				env + `6,"Pid":7,"Fields":{"code":255,"method":"GET","path":"/x"}}` + "\n" +
				env + `6,"Pid":7,"Fields":{"code":"5030","path":"/x"}}` + "\n" +
				env + `6,"Pid":7,"Fields":{"nested":{"code":503},"list":[{"status":503}]}}` + "\n" +
				env + `6,"Pid":7}` + "\n",
			want: nil,
		},
		{
			name: "Python formatter spacing, key order and escapes",
			log: `{"Timestamp": 1764000000000000000, "Type": "request.summary", "Logger": "tokenserver", "Hostname": "h", "EnvVersion": "2.0", "Severity": 6, "Pid": 1, "Fields": {"path": "\/1.0\/sync\/1.5?x=\u00e9\ud83d\ude00", "code": 503, "method": "GET", "errno": 0}}` + "\n" +
				`{"Logger":"syncserver-0.18.3","Type":"syncserver:log","Hostname":"h","Pid":1,"Severity":3,"Timestamp":1764000000000000000,"Fields":{"msg":"x","code":500,"method":"get","path":"/\"q\"\ud800"}}` + "\n",
			want: []string{"resp 1 GET 503 /1.0/sync/1.5?x=é😀", "resp 2  500 /\"q\"\uFFFD"},
		},
	}
	runEvents(t, tests)
}

func TestMozLogHeader(t *testing.T) {
	line := `{"Timestamp":1764000000123456789,"Type":"syncserver:log","Logger":"syncserver-0.18.3","Severity":3,"Fields":{"code":503}}`
	var h header
	if !parseMozLog([]byte(line), &h) {
		t.Fatalf("parseMozLog = false")
	}
	if want := time.Date(2025, 11, 24, 16, 0, 0, 123e6, time.UTC); !h.when().Equal(want) {
		t.Errorf("time = %v, want %v", h.when(), want)
	}
	if string(h.logger) != "syncserver-0.18.3" || h.level != LevelError || string(h.message) != `{"code":503}` {
		t.Errorf("logger %q level %d message %q", h.logger, h.level, h.message)
	}
}

// MozLog detection is strict: desktop lines embedding JSON, JSON lines of
// other programs and damaged objects are not MozLog records.
func TestMozLogRejects(t *testing.T) {
	for _, line := range []string{
		``,
		`{`,
		`{}`,
		`{"Timestamp":1764000000000000000}`,
		`{"Logger":"syncserver"}`,
		`{"Timestamp":1764000000000000000,"Logger":"syncserver","Fields":{"code":503}`,
		`{"Timestamp":1764000000000000000,"Logger":"syncserver","Fields":{"code":503}} trailing`,
		`{"Timestamp":1764000000000000000,"Logger":syncserver}`,
		`{"Timestamp":"2025-11-24","Logger":"syncserver"}`,
		`{"Timestamp":-1,"Logger":"syncserver"}`,
		`{"Timestamp":1.5e18,"Logger":"syncserver"}`,
		`{"Timestamp":99999999999999999999,"Logger":"syncserver"}`,
		`{"level":"info","Timestamp":1764000000000000000,"Logger":"syncserver"}`,
		`{"Timestamp":1764000000000000000 "Logger":"syncserver"}`,
		`{"Timestamp":1764000000000000000,"Logger":"syncserver",}`,
		` {"Timestamp":1764000000000000000,"Logger":"syncserver"}`,
		"1756106023249\tSync.Resource\tERROR\t{\"Timestamp\":1764000000000000000,\"Logger\":\"x\",\"Fields\":{\"code\":503}}",
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 1`,
	} {
		var h header
		if parseMozLog([]byte(line), &h) {
			t.Errorf("parseMozLog(%q) = true, want false", line)
		}
	}
}

func TestUnescapeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, ``},
		{`plain`, `plain`},
		{`a\"b\\c\/d\n\t\r\b\f`, "a\"b\\c/d\n\t\r\b\f"},
		{`\u0041\u00e9\u20ac`, "Aé€"},
		{`\ud83d\ude00`, "😀"},
		{`\ud83dx`, "\uFFFDx"},
		{`\ude00`, "\uFFFD"},
		{`\u12`, `\u12`},
		{`\q\`, `\q\`},
	}
	for _, tc := range tests {
		if got := string(unescapeJSON([]byte(tc.in))); got != tc.want {
			t.Errorf("unescapeJSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSkipJSON(t *testing.T) {
	tests := []struct {
		in  string
		end int // -1: not a value
	}{
		{`"a"x`, 3},
		{`"a\"b"x`, 6},
		{`"a\\"x`, 5},
		{`"a\\\"b"x`, 8},
		{`"\\\\"x`, 6},
		{`"abc`, -1},
		{`"a\"`, -1},
		{`{"a":"}"}x`, 9},
		{`[1,{"b":[2]},"]"]x`, 17},
		{`{"a":1`, -1},
		{`-12.5e3,`, 7},
		{`true}`, 4},
		{`nul`, -1},
		{`x`, -1},
	}
	for _, tc := range tests {
		end, ok := skipJSON([]byte(tc.in), 0)
		if !ok {
			end = -1
		}
		if end != tc.end {
			t.Errorf("skipJSON(%q) = %d, want %d", tc.in, end, tc.end)
		}
	}
}
