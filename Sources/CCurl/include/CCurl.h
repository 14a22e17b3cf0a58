#ifndef HREC_CURL_H
#define HREC_CURL_H

/* Placeholder: CCurl wrappers are added by the capability that needs them. */
int hrec_curl_placeholder(void);

#endif
