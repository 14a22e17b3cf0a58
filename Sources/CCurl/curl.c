#include "CCurl.h"

#include <string.h>

/* The options every exchange shares; returns the header list to free after the transfer. */
static struct curl_slist *prepare(CURL *handle, const char *method, const char *url, const char *const *headers,
                                  long timeout_ms, long connect_timeout_ms, hrec_curl_sink body_sink,
                                  hrec_curl_sink header_sink, void *context, char *error_buffer) {
    struct curl_slist *list = NULL;
    for (const char *const *line = headers; line && *line; line++) list = curl_slist_append(list, *line);
    /* Let curl set Expect: nothing, so bodies go at once. */
    list = curl_slist_append(list, "Expect:");

    curl_easy_reset(handle);
    error_buffer[0] = 0;
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  /* gzip etc., decoded by curl */
    curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
    /* Result pages are hundreds of KB: read them 256 KiB at a time, not 16. */
    curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, (curl_write_callback)body_sink);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, (curl_write_callback)header_sink);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
    return list;
}

static CURLcode finish(CURL *handle, struct curl_slist *list, long *status) {
    CURLcode result = curl_easy_perform(handle);
    *status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(list);
    return result;
}

CURLcode hrec_curl_perform(CURL *handle, const char *method, const char *url, const char *const *headers,
                           const char *body, size_t body_length, long timeout_ms, long connect_timeout_ms,
                           hrec_curl_sink body_sink, hrec_curl_sink header_sink, void *context,
                           long *status, char *error_buffer) {
    struct curl_slist *list = prepare(handle, method, url, headers, timeout_ms, connect_timeout_ms, body_sink,
                                      header_sink, context, error_buffer);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else if (body != NULL) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    }
    return finish(handle, list, status);
}

CURLcode hrec_curl_perform_upload(CURL *handle, const char *method, const char *url, const char *const *headers,
                                  hrec_curl_source source, void *source_context, long long length,
                                  long timeout_ms, long connect_timeout_ms,
                                  hrec_curl_sink body_sink, hrec_curl_sink header_sink, void *context,
                                  long *status, char *error_buffer) {
    struct curl_slist *list = prepare(handle, method, url, headers, timeout_ms, connect_timeout_ms, body_sink,
                                      header_sink, context, error_buffer);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, (curl_read_callback)source);
    curl_easy_setopt(handle, CURLOPT_READDATA, source_context);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
    return finish(handle, list, status);
}
