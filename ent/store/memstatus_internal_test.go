package store

import "testing"

// TestSQLiteMemstatusOff: SQLite's allocation statistics, one mutex for the
// whole process, are off before any database opens.
func TestSQLiteMemstatusOff(t *testing.T) {
	if sqliteMemstatus != 0 {
		t.Errorf("sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) = %d, want 0 (SQLITE_OK)", sqliteMemstatus)
	}
}

// TestLargeBlocksGiveMemoryBack: a megabyte block freed does not raise glibc's
// mmap threshold, so that the next is mapped and given back on its own.
func TestLargeBlocksGiveMemoryBack(t *testing.T) {
	if !mmapThresholdFixed {
		t.Fatal("mallopt refused M_MMAP_THRESHOLD or M_TRIM_THRESHOLD")
	}
	if !largeBlocksMapped() {
		t.Error("a 1 MiB block after one freed came from the arena, not its own mapping")
	}
}
