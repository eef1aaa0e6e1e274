#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "internal.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void init_curl(void)
{
    curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct sink {
    awsorch_buf *buf;
    size_t max;
    bool too_big;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
    sink *s = userdata;
    size_t bytes = size * n;
    if (s->buf->len + bytes > s->max) {
        s->too_big = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    return awsorch_buf_append(s->buf, p, bytes) == AWSORCH_OK ? bytes : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *userdata)
{
    awsorch_buf *b = userdata;
    size_t bytes = size * n;
    /* A redirect or 100-continue starts a new header block: keep the last. */
    if (bytes >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        b->len = 0;
    }
    if (b->len + bytes > 65536) {
        return 0;
    }
    return awsorch_buf_append(b, p, bytes) == AWSORCH_OK ? bytes : 0;
}

bool awsorch__curl_init(void)
{
    pthread_once(&curl_once, init_curl);
    return curl_init_result == CURLE_OK;
}

awsorch_status awsorch__fetch(const awsorch__fetch_req *req, awsorch__fetch_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    if (!awsorch__curl_init()) {
        return awsorch__fail(AWSORCH_E_TRANSPORT, "libcurl failed to initialise");
    }
    CURL *h = curl_easy_init();
    if (h == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot create a libcurl handle");
    }
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < req->header_count; i++) {
        struct curl_slist *n = curl_slist_append(headers, req->headers[i]);
        if (n == NULL) {
            curl_slist_free_all(headers);
            curl_easy_cleanup(h);
            return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        headers = n;
    }
    /* libcurl would add "Expect: 100-continue" to larger bodies and wait for it. */
    struct curl_slist *n = curl_slist_append(headers, "Expect:");
    headers = n ? n : headers;
    sink body = {&resp->body, req->max_body ? req->max_body : (size_t)16 << 20, false};
    (void)curl_easy_setopt(h, CURLOPT_URL, req->url);
    (void)curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                           req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 10000L);
    if (req->timeout_ms > 0) {
        (void)curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    }
    if (req->ca_bundle != NULL) {
        (void)curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_bundle);
    }
    if (strcmp(req->method, "HEAD") == 0) {
        (void)curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (req->body != NULL || strcmp(req->method, "GET") != 0) {
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    (void)curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    (void)curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    (void)curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp->headers);
    CURLcode rc = curl_easy_perform(h);
    awsorch_status st = AWSORCH_OK;
    if (body.too_big) {
        st = awsorch__fail(AWSORCH_E_TRANSPORT, "the reply from %s is larger than %zu bytes",
                           req->url, body.max);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        st = awsorch__fail(AWSORCH_E_TIMEOUT, "no reply from %s in time", req->url);
    } else if (rc != CURLE_OK) {
        st = awsorch__fail(AWSORCH_E_TRANSPORT, "request to %s failed: %s", req->url,
                           curl_easy_strerror(rc));
    } else {
        (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
        if (resp->body.data == NULL) {
            st = awsorch_buf_append(&resp->body, "", 0);
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    if (st != AWSORCH_OK) {
        awsorch__fetch_resp_free(resp);
    }
    return st;
}

bool awsorch__header_value(const char *block, size_t len, const char *name, char *out,
                           size_t out_len)
{
    size_t n = strlen(name);
    const char *p = block;
    const char *end = block ? block + len : NULL;
    while (p != NULL && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol ? eol : end;
        if ((size_t)(line_end - p) > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
            const char *v = p + n + 1;
            while (v < line_end && (*v == ' ' || *v == '\t')) {
                v++;
            }
            const char *ve = line_end;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) {
                ve--;
            }
            size_t vlen = (size_t)(ve - v);
            if (vlen >= out_len) {
                vlen = out_len - 1;
            }
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = eol ? eol + 1 : end;
    }
    return false;
}

bool awsorch__fetch_header(const awsorch__fetch_resp *resp, const char *name, char *out,
                           size_t out_len)
{
    return awsorch__header_value(resp->headers.data, resp->headers.len, name, out, out_len);
}

void awsorch__fetch_resp_free(awsorch__fetch_resp *resp)
{
    awsorch_buf_free(&resp->headers);
    awsorch_buf_free_secret(&resp->body);
}
