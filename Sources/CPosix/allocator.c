#include <malloc.h>
#include "CPosix.h"

int hrec_tune_allocator(size_t mmap_threshold, size_t trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1 ? 0 : -1;
}
