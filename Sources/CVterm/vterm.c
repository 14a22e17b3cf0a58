#include "CVterm.h"

int hrec_vterm_placeholder(void) { return 0; }
