package procs

import (
	"slices"
	"strings"
)

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
	awake := "schedtrace=" + monitorTrace
	for i, kv := range env {
		godebug, ok := strings.CutPrefix(kv, "GODEBUG=")
		switch {
		case !ok:
			continue
		case setsSchedtrace(godebug):
			return env, false
		case godebug != "":
			awake = godebug + "," + awake
		}
		out := slices.Clone(env)
		out[i] = "GODEBUG=" + awake
		return out, true
	}
	return append(slices.Clone(env), "GODEBUG="+awake), true
}
