package procs

import (
	"os"
	"syscall"
)

// KeepMonitorAwake starts this program again in the same process, with the
// same arguments, and GODEBUG asking for a scheduler trace so seldom that it
// never comes (monitorTrace). Its side effect is the point: the Go runtime's
// monitor thread (sysmon), which otherwise sleeps whenever no goroutine runs
// and is woken by the next system call, stays awake, and its checks space
// out to one every 10 ms. A server that answers one request at a time is idle
// between requests and while the database works, so that the runtime put the
// monitor to sleep and woke it again, to check every 20 µs, a few times per
// request (README, "Settings").
//
// It returns nil, without starting anything, when GODEBUG sets schedtrace
// already (this process was so started, or whoever runs it chose a value),
// and the error when the program cannot be started again; the caller goes on
// as it is then.
func KeepMonitorAwake() error {
	env, restart := monitorEnv(os.Environ())
	if !restart {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, env)
}
