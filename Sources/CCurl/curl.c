#include "CCurl.h"

int hrec_curl_placeholder(void) { return 0; }
