package procs

import (
	"os"
	"strings"
)

// monitorTrace is the schedtrace that keeps the runtime's monitor thread
// (sysmon) awake: a scheduler trace every 24.8 days, the longest period
// GODEBUG takes, and so none in practice.
const monitorTrace = "2147483647"

// schedtrace is the value GODEBUG gives schedtrace, the last one as for the
// runtime, and whether it gives one.
func schedtrace(godebug string) (value string, set bool) {
	for setting := range strings.SplitSeq(godebug, ",") {
		if key, v, ok := strings.Cut(setting, "="); ok && key == "schedtrace" {
			value, set = v, true
		}
	}
	return value, set
}

// monitorEnv is env with GODEBUG asking for monitorTrace, and false, env as
// it is, when GODEBUG sets schedtrace already: to this value, in a process
// KeepMonitorAwake started, or to another, by whoever runs the server.
func monitorEnv(env []string) ([]string, bool) {
	out := append([]string(nil), env...)
	for i, kv := range out {
		godebug, ok := strings.CutPrefix(kv, "GODEBUG=")
		if !ok {
			continue
		}
		if _, set := schedtrace(godebug); set {
			return env, false
		}
		if godebug != "" {
			godebug += ","
		}
		out[i] = "GODEBUG=" + godebug + "schedtrace=" + monitorTrace
		return out, true
	}
	return append(out, "GODEBUG=schedtrace="+monitorTrace), true
}

// MonitorAwake reports whether this process runs with the monitor kept awake.
func MonitorAwake() bool {
	value, _ := schedtrace(os.Getenv("GODEBUG"))
	return value == monitorTrace
}
