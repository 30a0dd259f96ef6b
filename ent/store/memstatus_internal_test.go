package store

import "testing"

// TestSQLiteMemstatusOff: SQLite's allocation statistics, one mutex for the
// whole process, are off before any database opens.
func TestSQLiteMemstatusOff(t *testing.T) {
	if sqliteMemstatus != 0 {
		t.Errorf("sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) = %d, want 0 (SQLITE_OK)", sqliteMemstatus)
	}
}
