//go:build !linux

package procs

// KeepMonitorAwake does nothing here: it was measured on Linux only.
func KeepMonitorAwake() error { return nil }
