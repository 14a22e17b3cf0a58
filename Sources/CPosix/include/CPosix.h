#ifndef HREC_POSIX_H
#define HREC_POSIX_H

/* Placeholder: CPosix wrappers are added by the capability that needs them. */
int hrec_posix_placeholder(void);

#endif
