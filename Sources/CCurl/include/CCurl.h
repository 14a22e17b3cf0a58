#ifndef HREC_CCURL_H
#define HREC_CCURL_H

#include <curl/curl.h>
#include <stddef.h>

/// Receives response bytes (size * count of them), like curl_write_callback.
typedef size_t (*hrec_curl_sink)(char *data, size_t size, size_t count, void *context);

/// One HTTP exchange on a reusable easy handle (connection reuse across calls on one handle).
/// `headers` is a NULL-terminated array of "Name: value" lines. The response body is delivered
/// to `body_sink`, response header lines to `header_sink`. Returns CURLE_OK or an error code;
/// the HTTP status is stored in `*status`. `error_buffer` (CURL_ERROR_SIZE bytes) gets a message.
CURLcode hrec_curl_perform(CURL *handle, const char *method, const char *url, const char *const *headers,
                           const char *body, size_t body_length, long timeout_ms, long connect_timeout_ms,
                           hrec_curl_sink body_sink, hrec_curl_sink header_sink, void *context,
                           long *status, char *error_buffer);

/// Supplies request bytes (up to size * count), like curl_read_callback: 0 at the end,
/// CURL_READFUNC_ABORT to abort the transfer.
typedef size_t (*hrec_curl_source)(char *buffer, size_t size, size_t count, void *context);

/// Like `hrec_curl_perform`, with the request body streamed from `source` (`length` bytes, or -1
/// when unknown: chunked), never held whole.
CURLcode hrec_curl_perform_upload(CURL *handle, const char *method, const char *url, const char *const *headers,
                                  hrec_curl_source source, void *source_context, long long length,
                                  long timeout_ms, long connect_timeout_ms,
                                  hrec_curl_sink body_sink, hrec_curl_sink header_sink, void *context,
                                  long *status, char *error_buffer);

#endif
