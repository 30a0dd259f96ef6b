package procs

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"testing"
)

// TestMonitorEnv: GODEBUG asks for the trace beside what it sets already,
// and is left alone when it sets schedtrace, to any value.
func TestMonitorEnv(t *testing.T) {
	awake := "schedtrace=" + monitorTrace
	for _, c := range []struct {
		env, want []string
		restart   bool
	}{
		{[]string{"PATH=/bin"}, []string{"PATH=/bin", "GODEBUG=" + awake}, true},
		{[]string{"GODEBUG=", "A=1"}, []string{"GODEBUG=" + awake, "A=1"}, true},
		{[]string{"GODEBUG=madvdontneed=1,gctrace=0"}, []string{"GODEBUG=madvdontneed=1,gctrace=0," + awake}, true},
		{[]string{"GODEBUG=notschedtrace=1"}, []string{"GODEBUG=notschedtrace=1," + awake}, true},
		{[]string{"GODEBUG=schedtrace=0"}, []string{"GODEBUG=schedtrace=0"}, false},
		{[]string{"GODEBUG=gctrace=1,schedtrace=1000"}, []string{"GODEBUG=gctrace=1,schedtrace=1000"}, false},
		{[]string{"GODEBUG=" + awake}, []string{"GODEBUG=" + awake}, false},
	} {
		env := slices.Clone(c.env)
		got, restart := monitorEnv(env)
		if restart != c.restart || !slices.Equal(got, c.want) {
			t.Errorf("monitorEnv(%q) = %q, %v; want %q, %v", c.env, got, restart, c.want, c.restart)
		}
		if !slices.Equal(env, c.env) {
			t.Errorf("monitorEnv(%q) changed its argument to %q", c.env, env)
		}
	}
}

// TestKeepMonitorAwake runs this test binary again as a server would start:
// KeepMonitorAwake starts it once more with the trace asked for, keeping
// what GODEBUG set and the arguments, and then returns in the new process.
func TestKeepMonitorAwake(t *testing.T) {
	if os.Getenv("PROCS_TEST_CHILD") == "1" {
		if err := KeepMonitorAwake(); err != nil {
			fmt.Println("error:", err)
		}
		fmt.Printf("godebug=%s args=%d\n", os.Getenv("GODEBUG"), len(os.Args))
		os.Exit(0)
	}
	if runtime.GOOS != "linux" {
		t.Skip("KeepMonitorAwake starts the program again on Linux only")
	}
	for _, c := range []struct{ godebug, want string }{
		{"madvdontneed=1", "godebug=madvdontneed=1,schedtrace=" + monitorTrace},
		{"schedtrace=0", "godebug=schedtrace=0"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKeepMonitorAwake$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PROCS_TEST_CHILD=1", "GODEBUG="+c.godebug)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if want := c.want + " args=3\n"; string(out) != want {
			t.Errorf("GODEBUG=%s: child printed %q, want %q once", c.godebug, out, want)
		}
	}
}
