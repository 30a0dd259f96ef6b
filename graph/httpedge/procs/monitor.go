package procs

import "strings"

// monitorTrace is the schedtrace that keeps the runtime's monitor thread
// (sysmon) awake: a scheduler trace every 24.8 days, the longest period
// GODEBUG takes, and so none in practice.
const monitorTrace = "2147483647"

// setsSchedtrace tells whether GODEBUG gives schedtrace a value.
func setsSchedtrace(godebug string) bool {
	for setting := range strings.SplitSeq(godebug, ",") {
		if key, _, ok := strings.Cut(setting, "="); ok && key == "schedtrace" {
			return true
		}
	}
	return false
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
		if setsSchedtrace(godebug) {
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
