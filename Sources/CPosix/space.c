#define _GNU_SOURCE
#include "CPosix.h"

#include <errno.h>
#include <fcntl.h>

int hrec_reserve_space(int fd, off_t offset, off_t length) {
    int result;
    do {
        result = fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length);
    } while (result != 0 && errno == EINTR);
    return result;
}
