#include "CPosix.h"

int hrec_posix_placeholder(void) { return 0; }
