#ifndef HREC_VTERM_H
#define HREC_VTERM_H

/* Placeholder: CVterm wrappers are added by the capability that needs them. */
int hrec_vterm_placeholder(void);

#endif
