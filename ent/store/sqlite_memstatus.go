package store

// SQLite counts every allocation in its memory statistics under one mutex
// for the whole process unless told not to, so that requests reading on
// several connections at once wait on each other's allocations. We read none
// of those statistics (nor set a soft heap limit, which needs them), so they
// are off, as SQLITE_DEFAULT_MEMSTATUS=0 would build them; go-sqlite3 builds
// them on. It must be said before SQLite starts: at package initialisation.

/*
#define SQLITE_CONFIG_MEMSTATUS 9
int sqlite3_config(int, ...);
static int sqlite_memstatus_off(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
*/
import "C"

// sqliteMemstatus is SQLite's answer to turning the statistics off: 0 when it
// did, 21 (SQLITE_MISUSE) when SQLite had started before this package did.
var sqliteMemstatus = int(C.sqlite_memstatus_off())
