#ifndef HREC_NCURSES_H
#define HREC_NCURSES_H

/* Placeholder: CNcurses wrappers are added by the capability that needs them. */
int hrec_ncurses_placeholder(void);

#endif
