#include "CNcurses.h"

int hrec_ncurses_placeholder(void) { return 0; }
