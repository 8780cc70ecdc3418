#ifndef SLIME_CCURL_SHIM_H
#define SLIME_CCURL_SHIM_H
#include <curl/curl.h>

// Swift cannot call C variadic functions, so every curl_*_setopt use goes
// through one of these typed entry points.

static inline CURLcode slime_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode slime_easy_setopt_pointer(CURL *h, CURLoption o, const void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode slime_easy_setopt_offset(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode slime_easy_setopt_write_function(CURL *h, curl_write_callback f) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode slime_easy_setopt_header_function(CURL *h, curl_write_callback f) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
// CURLOPT_PREREQFUNCTION needs libcurl 7.80 or later.
static inline CURLcode slime_easy_setopt_prereq_function(CURL *h, curl_prereq_callback f) {
    return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, f);
}
static inline CURLcode slime_easy_setopt_close_socket_function(CURL *h, curl_closesocket_callback f) {
    return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, f);
}
static inline long slime_easy_os_errno(CURL *h) {
    long value = 0;
    return curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &value) == CURLE_OK ? value : 0;
}
static inline CURLMcode slime_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLMcode slime_multi_setopt_pointer(CURLM *m, CURLMoption o, void *v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLMcode slime_multi_setopt_socket_function(CURLM *m, curl_socket_callback f) {
    return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f);
}
static inline CURLMcode slime_multi_setopt_timer_function(CURLM *m, curl_multi_timer_callback f) {
    return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f);
}
#endif
