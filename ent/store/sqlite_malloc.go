package store

// SQLite builds each answer of the one-statement reads as a string in C
// memory, a megabyte for the largest, which grows by doubling. glibc serves
// a block that large with mmap, but it raises that threshold to the size of
// each such block freed, so after the first large answer the next ones came
// from its arenas, which keep what they held: a fixed threshold gives every
// large block back to the system when SQLite frees it.

/*
#include <malloc.h>
#include <stdlib.h>

static int fix_mmap_threshold(void) {
	return mallopt(M_MMAP_THRESHOLD, 128 * 1024) && mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

// large_blocks_mapped tells whether blocks of a megabyte are each mapped on
// their own, the second after the first was freed too, which glibc's rising
// threshold stops.
static int large_blocks_mapped(void) {
	// volatile, or the compiler removes a malloc whose block is only freed
	void *volatile small = malloc(16); // the thread's arena is there before the large blocks
	free(small);
	int mapped = 1;
	for (int i = 0; i < 2; i++) {
		size_t before = mallinfo2().hblks;
		void *volatile p = malloc(1 << 20);
		mapped = mapped && mallinfo2().hblks == before + 1;
		free(p);
	}
	return mapped;
}
*/
import "C"

// mmapThresholdFixed is mallopt's answer, true when glibc took the threshold.
var mmapThresholdFixed = C.fix_mmap_threshold() == 1

// largeBlocksMapped tells whether a block of a megabyte is mapped on its own
// after one was freed.
func largeBlocksMapped() bool { return C.large_blocks_mapped() == 1 }
