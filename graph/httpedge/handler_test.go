package httpedge

import (
	"strings"
	"testing"
	"time"
)

// The zero value of Limits means the documented defaults, field by field, and
// a 0 that is set turns a number off.
func TestLimitsZeroValueIsTheDefaults(t *testing.T) {
	want := limits{
		maxBodyBytes: 16 << 20, bodyTimeout: 5 * time.Second, timeout: 15 * time.Second, ratePerSecond: 10, burst: 40,
		maxInFlight: 64, maxRunning: DefaultMaxRunning(), maxInFlightPerClient: 8, maxResponseBytes: 16 << 20, maxStreams: 1000, maxStreamsPerClient: 4,
	}
	if got := (Limits{}).resolve(); got != want {
		t.Errorf("zero Limits: got %+v, want %+v", got, want)
	}
	partly := Limits{MaxInFlight: new(8)}
	if got := partly.resolve(); got.maxInFlight != 8 || got.ratePerSecond != 10 || got.timeout != 15*time.Second {
		t.Errorf("a partly filled Limits lost the other defaults: %+v", got)
	}
	off := Limits{
		MaxBodyBytes: new(int64(0)), BodyTimeout: new(time.Duration(0)), Timeout: new(time.Duration(0)), RatePerSecond: new(0.0),
		MaxInFlight: new(0), MaxRunning: new(0), MaxInFlightPerClient: new(0), MaxResponseBytes: new(0), MaxStreams: new(0), MaxStreamsPerClient: new(0),
	}
	if got := off.resolve(); got != (limits{burst: 40}) {
		t.Errorf("limits set to 0: got %+v, want them off", got)
	}
}

// A client's request ID is taken when it is one short line of printable
// ASCII; anything else, which would garble the log, gets a new one.
func TestRequestID(t *testing.T) {
	for _, given := range []string{"abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", strings.Repeat("x", maxRequestIDLength)} {
		if got := requestID(given); got != given {
			t.Errorf("requestID(%q) = %q, want it kept", given, got)
		}
	}
	for _, given := range []string{"", "two words", "line\nbreak", "tab\t", "naïve", strings.Repeat("x", maxRequestIDLength+1)} {
		if got := requestID(given); got == given || got == "" || len(got) > maxRequestIDLength {
			t.Errorf("requestID(%q) = %q, want a new one", given, got)
		}
	}
}
