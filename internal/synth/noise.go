package synth

import "strconv"

// Noise of the layouts other than desktop: lines that carry no status and
// no body, so that a parser has to pick the Sync lines out of them.

// Logcat lines of other apps and of the system, and the sync lines of each
// client that carry no response.
var (
	logcatNoise = []struct {
		level    byte
		tag, msg string
	}{
		{'D', "ConnectivityService", "NetworkAgentInfo [WIFI () - 101] validation passed"},
		{'I', "chatty", "uid=1000(system) ActivityManager identical 2 lines"},
		{'W', "System.err", "at android.os.Handler.dispatchMessage(Handler.java:106)"},
		{'D', "WifiStateMachine", "ConnectedState: handle CMD_RSSI_POLL rssi=-61"},
		{'I', "GeckoConsole", "[JavaScript Warning: \"Cookie has been rejected because it is already expired.\"]"},
		{'D', "BatteryService", "Processing new values: level=81, scale=100, plugged=0"},
	}
	fennecNoise = []string{
		"GlobalSession :: Running next stage syncBookmarks (org.mozilla.gecko.sync.stage.BookmarksServerSyncStage@1f3a2b7).",
		"ServerSyncStage :: Wiping server complete.",
		"RecordsChannel :: Flow complete: fetched 12, stored 12.",
		"GlobalSession :: Advancing to next stage.",
		"SyncAccounts :: Account has sync enabled.",
	}
	rustNoise = []struct {
		target, msg string
	}{
		{"sync15::sync_multiple", "Syncing 6 engines"},
		{"sync15::engine::bridged_engine", "Staging 12 incoming records"},
		{"sync15::state", "Our engines are up to date"},
		{"places::storage::bookmarks", "Applying incoming changes"},
		{"sync_manager::manager", "Sync complete"},
	}
	swiftNoise = []struct {
		level, file, fn, msg string
	}{
		{"Debug", "SyncStateMachine.swift:147", "advance()", "Advancing to state: HasMetaGlobal."},
		{"Info", "BrowserProfile.swift:975", "syncCollections(_:)", "Syncing collections: bookmarks, history, tabs."},
		{"Debug", "TabManager.swift:412", "preserveTabs()", "Preserving tabs."},
		{"Debug", "SQLiteHistory.swift:820", "attachHistory()", "Applied 12 incoming history records."},
		{"Info", "Profile.swift:298", "shutdown()", "Shutting down profile."},
	}
)

// heartbeats are what monitoring asks a self-hosted server: responses, so
// they count.
var heartbeats = [][]byte{[]byte("/__heartbeat__"), []byte("/__lbheartbeat__")}

// otherNoise writes n noise lines of g.layout.
func (g *gen) otherNoise(n int) {
	for range n {
		switch g.cl {
		case fennec:
			if g.r.IntN(2) == 0 {
				g.sysNoise(1 + g.r.IntN(len(logcatNoise)))
				continue
			}
			g.logcatHead('D', "FxSync")
			g.buf = append(g.buf, fennecNoise[g.r.IntN(len(fennecNoise))]...)
			g.end()
		case rustLogcat, rustIOS:
			if g.cl == rustLogcat && g.r.IntN(2) == 0 {
				g.sysNoise(1 + g.r.IntN(len(logcatNoise)))
				continue
			}
			l := rustNoise[g.r.IntN(len(rustNoise))]
			g.rustHead('I', l.target)
			g.buf = append(g.buf, l.msg...)
			g.end()
		case swift:
			l := swiftNoise[g.r.IntN(len(swiftNoise))]
			g.iosLine(l.level, l.file, l.fn, l.msg)
		default:
			if g.r.IntN(8) != 0 {
				continue
			}
			ip, agent := g.ip, g.agent
			g.ip, g.agent = "10.0.0.2", "kube-probe/1.31"
			g.accessLine("GET", heartbeats[g.r.IntN(len(heartbeats))], 200, 2)
			g.response(200, "")
			g.ip, g.agent = ip, agent
		}
	}
}

// sysNoise writes logcatNoise[i-1] from another process, or for i == 0 the
// system starting the app's process.
func (g *gen) sysNoise(i int) {
	if i == 0 {
		g.logcatHeadOf(1234, 1260, 'I', "ActivityManager")
		g.buf = append(g.buf, "Start proc "...)
		g.buf = strconv.AppendInt(g.buf, int64(g.pid), 10)
		if g.cl == fennec {
			g.buf = append(g.buf, ":org.mozilla.firefox/u0a123 for service {org.mozilla.firefox/org.mozilla.gecko.sync.SyncService}"...)
		} else {
			g.buf = append(g.buf, ":org.mozilla.fenix/u0a187 for broadcast {org.mozilla.fenix/androidx.work.impl.background.systemalarm.RescheduleReceiver}"...)
		}
		g.end()
		return
	}
	l := logcatNoise[i-1]
	g.logcatHeadOf(1234, 1234+g.r.IntN(300), l.level, l.tag)
	g.buf = append(g.buf, l.msg...)
	g.end()
}
