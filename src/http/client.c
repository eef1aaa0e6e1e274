/* The generic client: endpoint, signing, connection reuse and retries for one
 * service. Every typed service client sends through awsorch_client_send. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/auth_internal.h"
#include "awsorch/client.h"
#include "awsorch/sigv4.h"
#include "endpoint.h"
#include "protocol/errors.h"
#include "retry.h"

#define POOL_MAX 16
#define MAX_REPLY_BYTES ((size_t)256 << 20)

/* Where requests go: resolved once per client (and per host prefix). */
typedef struct target {
    char scheme[8];
    char host[512];
    char base_path[1024]; /* an endpoint URL's own path, without a trailing '/' */
} target;

struct awsorch_client {
    awsorch_settings *settings;
    awsorch_credentials_provider *provider; /* NULL with explicit or no credentials */
    awsorch_credentials *explicit_creds;
    bool no_sign;
    bool no_verify_ssl;
    char signing_name[64];
    char endpoint_prefix[64];
    char region[64];
    char configured_url[1024];
    bool fips;
    bool dualstack;
    long connect_timeout_ms;
    long read_timeout_ms;
    awsorch__retry_strategy retry;
    awsorch_sigv4_key_cache *key_cache;
    _Atomic long long clock_offset_s; /* server time minus ours, learned from skew errors */
    target base;                      /* the endpoint without a host prefix */
    bool force_path_style;            /* S3 addressing_style = path */
    char user_agent[160];
    pthread_mutex_t pool_lock; /* idle curl handles keep their connections alive */
    CURL *pool[POOL_MAX];
    size_t pool_n;
};

static awsorch_status resolve_target(const awsorch_client *c, const char *host_prefix,
                                     const char *bucket, target *t, bool *path_style)
{
    awsorch__endpoint ep;
    awsorch__endpoint_params params = {c->endpoint_prefix,
                                       c->region,
                                       c->fips,
                                       c->dualstack,
                                       c->configured_url[0] ? c->configured_url : NULL,
                                       host_prefix,
                                       bucket,
                                       c->force_path_style};
    awsorch_status st = awsorch__endpoint_resolve(&params, &ep);
    if (path_style != NULL) {
        *path_style = ep.path_style;
    }
    if (st == AWSORCH_OK) {
        st = awsorch__url_parts(ep.url, t->host, sizeof(t->host), t->base_path,
                                sizeof(t->base_path));
    }
    if (st != AWSORCH_OK) {
        return st;
    }
    size_t bl = strlen(t->base_path);
    while (bl > 0 && t->base_path[bl - 1] == '/') {
        t->base_path[--bl] = '\0';
    }
    (void)snprintf(t->scheme, sizeof(t->scheme), "%s",
                   strncmp(ep.url, "https://", 8) == 0 ? "https" : "http");
    return AWSORCH_OK;
}

awsorch_status awsorch_client_new(awsorch_client **out, const awsorch_service *service,
                                  const awsorch_client_options *opts)
{
    if (out == NULL || service == NULL || service->signing_name == NULL ||
        service->endpoint_prefix == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "client_new: missing service description");
    }
    *out = NULL;
    awsorch_client_options defaults = AWSORCH_CLIENT_OPTIONS_INIT;
    const awsorch_client_options *o = opts ? opts : &defaults;
    awsorch_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    (void)pthread_mutex_init(&c->pool_lock, NULL);
    (void)snprintf(c->signing_name, sizeof(c->signing_name), "%s", service->signing_name);
    (void)snprintf(c->endpoint_prefix, sizeof(c->endpoint_prefix), "%s", service->endpoint_prefix);
    awsorch_settings_options so = AWSORCH_SETTINGS_OPTIONS_INIT;
    so.profile = o->profile;
    so.region = o->region;
    so.endpoint_url = o->endpoint_url;
    awsorch_status st = awsorch_settings_load(&c->settings, &so);
    const char *region = NULL;
    const char *global_url = NULL;
    if (st == AWSORCH_OK) {
        st = awsorch_region_resolve(&region, c->settings);
        if (st == AWSORCH_E_CONFIG) {
            /* A global service without a region uses its global endpoint, as the
             * AWS CLI does for `aws sts get-caller-identity`. */
            global_url = awsorch__global_endpoint(service->endpoint_prefix, &region);
            if (global_url != NULL) {
                awsorch_error_clear();
                st = AWSORCH_OK;
            }
        }
    }
    if (st == AWSORCH_OK) {
        (void)snprintf(c->region, sizeof(c->region), "%s", region);
        if (!awsorch_settings_endpoint(
                c->settings, service->service_id ? service->service_id : service->signing_name,
                c->configured_url, sizeof(c->configured_url))) {
            (void)snprintf(c->configured_url, sizeof(c->configured_url), "%s",
                           global_url ? global_url : "");
        }
        c->fips = c->settings->use_fips_endpoint;
        c->dualstack = c->settings->use_dualstack_endpoint;
        c->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
        c->read_timeout_ms = o->read_timeout_ms > 0 ? o->read_timeout_ms : 60000;
        c->no_sign = o->no_sign_request;
        c->no_verify_ssl = o->no_verify_ssl;
        awsorch__retry_config rc = {c->settings->max_attempts,
                                    strcmp(c->settings->retry_mode, "adaptive") == 0,
                                    awsorch__new_retries_2026()};
        awsorch__retry_init(&c->retry, rc, NULL, NULL, NULL);
        st = awsorch_sigv4_key_cache_new(&c->key_cache);
        (void)snprintf(c->user_agent, sizeof(c->user_agent),
                       "User-Agent: awsorch/%s os/linux lang/c md/curl#%s", AWSORCH_VERSION_STRING,
                       curl_version_info(CURLVERSION_NOW)->version);
    }
    if (st == AWSORCH_OK) {
        /* A bad endpoint or region is a configuration error at creation, not at the first call. */
        const char *style = awsorch_settings_get(c->settings, "s3.addressing_style");
        c->force_path_style = style != NULL && strcmp(style, "path") == 0;
        st = resolve_target(c, NULL, NULL, &c->base, NULL);
    }
    if (st == AWSORCH_OK && o->credentials != NULL) {
        st = awsorch_credentials_copy(&c->explicit_creds, o->credentials);
    } else if (st == AWSORCH_OK && !o->no_sign_request) {
        awsorch_credentials_options co = AWSORCH_CREDENTIALS_OPTIONS_INIT;
        co.profile = o->profile;
        st = awsorch_credentials_provider_new(&c->provider, &co);
    }
    if (st != AWSORCH_OK) {
        awsorch_client_free(c);
        return st;
    }
    *out = c;
    return AWSORCH_OK;
}

void awsorch_client_free(awsorch_client *client)
{
    if (client == NULL) {
        return;
    }
    for (size_t i = 0; i < client->pool_n; i++) {
        curl_easy_cleanup(client->pool[i]);
    }
    if (client->key_cache != NULL) {
        awsorch__retry_clean_up(&client->retry);
    }
    awsorch_sigv4_key_cache_free(client->key_cache);
    awsorch_settings_free(client->settings);
    awsorch_credentials_provider_free(client->provider);
    awsorch_credentials_free(client->explicit_creds);
    (void)pthread_mutex_destroy(&client->pool_lock);
    free(client);
}

const char *awsorch_client_region(const awsorch_client *client)
{
    return client ? client->region : NULL;
}

/* ---- connection pool ------------------------------------------------------- */

static CURL *take_handle(awsorch_client *c)
{
    /* libcurl (and with it TLS) starts with the first request, so a client
     * that is created and kept idle costs little memory. */
    if (!awsorch__curl_init()) {
        return NULL;
    }
    CURL *h = NULL;
    pthread_mutex_lock(&c->pool_lock);
    if (c->pool_n > 0) {
        h = c->pool[--c->pool_n];
    }
    pthread_mutex_unlock(&c->pool_lock);
    if (h != NULL) {
        curl_easy_reset(h); /* keeps the handle's live connections */
        return h;
    }
    return curl_easy_init();
}

static void give_handle(awsorch_client *c, CURL *h)
{
    pthread_mutex_lock(&c->pool_lock);
    if (c->pool_n < POOL_MAX) {
        c->pool[c->pool_n++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->pool_lock);
    if (h != NULL) {
        curl_easy_cleanup(h);
    }
}

/* ---- one attempt ----------------------------------------------------------- */

typedef struct sink {
    awsorch_buf *buf;
    bool too_big;
    CURL *handle;
    awsorch_write_fn write;
    void *write_userdata;
    size_t delivered; /* bytes handed to the caller's writer: no retry after that */
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
    sink *s = userdata;
    size_t bytes = size * n;
    if (s->write != NULL) {
        long status = 0;
        (void)curl_easy_getinfo(s->handle, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status <= 299) {
            size_t taken = s->write(s->write_userdata, p, bytes);
            s->delivered += taken;
            return taken;
        }
    }
    if (s->buf->len + bytes > MAX_REPLY_BYTES) {
        s->too_big = true;
        return 0;
    }
    return awsorch_buf_append(s->buf, p, bytes) == AWSORCH_OK ? bytes : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *userdata)
{
    awsorch_buf *b = userdata;
    size_t bytes = size * n;
    if (bytes >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        b->len = 0; /* a new block after 100-continue */
    }
    if (b->len + bytes > 65536) {
        return 0;
    }
    return awsorch_buf_append(b, p, bytes) == AWSORCH_OK ? bytes : 0;
}

static int header_of(const char *block, size_t len, const char *name, char *out, size_t out_len)
{
    return awsorch__header_value(block, len, name, out, out_len) ? 1 : 0;
}

int awsorch_response_header(const awsorch_response *r, const char *name, char *out, size_t out_len)
{
    if (r == NULL || name == NULL || out == NULL || out_len == 0) {
        return 0;
    }
    return header_of(r->headers, r->headers_len, name, out, out_len);
}

void awsorch_response_free(awsorch_response *r)
{
    if (r == NULL) {
        return;
    }
    free(r->headers);
    if (r->body != NULL) {
        OPENSSL_cleanse(r->body, r->body_len); /* replies can carry credentials */
    }
    free(r->body);
    free(r);
}

static void log_headers(const char *dir, struct curl_slist *h)
{
    for (; h != NULL; h = h->next) {
        if (strcmp(h->data, "Expect:") == 0) {
            continue; /* a libcurl directive, not a header that is sent */
        }
        const char *colon = strchr(h->data, ':');
        size_t n = colon ? (size_t)(colon - h->data) : strlen(h->data);
        if (awsorch__header_is_secret(h->data, n)) {
            awsorch__log(AWSORCH_LOG_DEBUG, "%s %.*s: <redacted>", dir, (int)n, h->data);
        } else {
            awsorch__log(AWSORCH_LOG_DEBUG, "%s %s", dir, h->data);
        }
    }
}

typedef struct attempt {
    CURLcode rc;
    long status;
    awsorch_buf headers;
    awsorch_buf body;
    bool too_big;
    size_t delivered;
} attempt;

/* libcurl's read callback over the caller's. */
static size_t on_read(char *buf, size_t size, size_t n, void *userdata)
{
    const awsorch_request *req = userdata;
    return req->body_read(req->body_userdata, buf, size * n);
}

/* Builds, signs and sends one attempt. */
static awsorch_status send_attempt(awsorch_client *c, const awsorch_request *req, const char *url,
                                   const char *host, const char *path, const char *invocation,
                                   unsigned attempt_no, const awsorch_credentials *creds,
                                   attempt *a)
{
    char sdk_request[64];
    (void)snprintf(sdk_request, sizeof(sdk_request), "attempt=%u; max=%u", attempt_no,
                   c->retry.cfg.max_attempts);
    size_t n = req->header_count + 8;
    awsorch_sigv4_header *sh = calloc(n, sizeof(*sh));
    if (sh == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    size_t k = 0;
    sh[k++] = (awsorch_sigv4_header){{"Host", 4}, {host, strlen(host)}};
    sh[k++] = (awsorch_sigv4_header){{"amz-sdk-invocation-id", 21}, {invocation, 36}};
    sh[k++] = (awsorch_sigv4_header){{"amz-sdk-request", 15}, {sdk_request, strlen(sdk_request)}};
    for (size_t i = 0; i < req->header_count; i++) {
        const char *h = req->headers[i];
        const char *colon = strchr(h, ':');
        if (colon == NULL) {
            free(sh);
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "header '%.60s' has no ':'", h);
        }
        const char *v = colon + 1;
        while (*v == ' ') {
            v++;
        }
        sh[k++] = (awsorch_sigv4_header){{h, (size_t)(colon - h)}, {v, strlen(v)}};
    }
    struct curl_slist *list = NULL;
    char line[4096];
    awsorch_status st = AWSORCH_OK;
    awsorch_sigv4_result res;
    void *scratch = NULL;
    size_t need = 0;
    char stack_scratch[8192];
    if (creds != NULL) {
        awsorch_sigv4_request sr = AWSORCH_SIGV4_REQUEST_INIT;
        sr.method = req->method;
        sr.path = (awsorch_sigv4_str){path, strlen(path)};
        sr.query = (awsorch_sigv4_str){req->query, req->query ? strlen(req->query) : 0};
        sr.headers = sh;
        sr.header_count = k;
        sr.body = req->body;
        /* A streamed body is signed by the hash computed for it, not read here. */
        sr.body_len = req->body != NULL ? req->body_len : 0;
        sr.payload_hash = req->payload_hash;
        awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
        p.region = c->region;
        p.service = c->signing_name;
        p.access_key_id = creds->access_key_id;
        p.secret_access_key = creds->secret_access_key;
        p.session_token = creds->session_token;
        p.time_s = awsorch_time_now() + (int64_t)atomic_load(&c->clock_offset_s);
        p.key_cache = c->key_cache;
        need = awsorch_sigv4_scratch_size(&sr, &p);
        scratch = need <= sizeof(stack_scratch) ? stack_scratch : malloc(need);
        st = scratch ? awsorch_sigv4_sign(&res, &sr, &p, scratch, need)
                     : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    for (size_t i = 1; st == AWSORCH_OK && i < k; i++) {
        (void)snprintf(line, sizeof(line), "%.*s: %.*s", (int)sh[i].name.len, sh[i].name.ptr,
                       (int)sh[i].value.len, sh[i].value.ptr);
        struct curl_slist *next = curl_slist_append(list, line);
        list = next ? next : list;
    }
    for (size_t i = 0; st == AWSORCH_OK && creds != NULL && i < res.add_header_count; i++) {
        size_t len = res.add_headers[i].name.len + res.add_headers[i].value.len + 4;
        char *hl = malloc(len);
        if (hl != NULL) {
            (void)snprintf(hl, len, "%.*s: %.*s", (int)res.add_headers[i].name.len,
                           res.add_headers[i].name.ptr, (int)res.add_headers[i].value.len,
                           res.add_headers[i].value.ptr);
            struct curl_slist *next = curl_slist_append(list, hl);
            list = next ? next : list;
            awsorch__free_secret(hl);
        }
    }
    free(sh);
    if (scratch != NULL) {
        OPENSSL_cleanse(scratch, need);
        if (scratch != stack_scratch) {
            free(scratch);
        }
    }
    if (st != AWSORCH_OK) {
        curl_slist_free_all(list);
        return st;
    }
    struct curl_slist *next = curl_slist_append(list, c->user_agent);
    list = next ? next : list;
    next = curl_slist_append(list, "Expect:");
    list = next ? next : list;
    if (awsorch__log_enabled(AWSORCH_LOG_DEBUG)) {
        awsorch__log(AWSORCH_LOG_DEBUG, "> %s %s (attempt %u)", req->method, url, attempt_no);
        log_headers(">", list);
    }

    CURL *h = take_handle(c);
    if (h == NULL) {
        curl_slist_free_all(list);
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot create a libcurl handle");
    }
    long read_ms = req->read_timeout_ms > 0 ? req->read_timeout_ms : c->read_timeout_ms;
    sink body = {&a->body, false, h, req->reply_write, req->reply_userdata, 0};
    FILE *upload = NULL;
    (void)curl_easy_setopt(h, CURLOPT_URL, url);
    (void)curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    /* A reply that stalls (no byte for the read timeout) is a timeout. */
    (void)curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    (void)curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (read_ms + 999) / 1000);
    if (c->settings->ca_bundle != NULL) {
        (void)curl_easy_setopt(h, CURLOPT_CAINFO, c->settings->ca_bundle);
    }
    if (c->no_verify_ssl) {
        (void)curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        (void)curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (req->body_read != NULL) {
        if (req->body_rewind != NULL && req->body_rewind(req->body_userdata) != 0) {
            give_handle(c, h);
            curl_slist_free_all(list);
            return awsorch__fail(AWSORCH_E_IO, "the body callback cannot rewind");
        }
        (void)curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        (void)curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        (void)curl_easy_setopt(h, CURLOPT_READDATA, (void *)req);
        (void)curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_len);
    } else if (req->body_file != NULL) {
        upload = fopen(req->body_file, "rb");
        if (upload == NULL) {
            give_handle(c, h);
            curl_slist_free_all(list);
            return awsorch__fail(AWSORCH_E_IO, "cannot open %s", req->body_file);
        }
        (void)fseek(upload, 0, SEEK_END);
        long size = ftell(upload);
        rewind(upload);
        (void)curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        (void)curl_easy_setopt(h, CURLOPT_READDATA, upload);
        (void)curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(size > 0 ? size : 0));
    } else if (strcmp(req->method, "HEAD") == 0) {
        (void)curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (req->body != NULL || strcmp(req->method, "GET") != 0) {
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    (void)curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    (void)curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    (void)curl_easy_setopt(h, CURLOPT_HEADERDATA, &a->headers);
    a->rc = curl_easy_perform(h);
    a->too_big = body.too_big;
    a->delivered = body.delivered;
    if (upload != NULL) {
        (void)fclose(upload);
    }
    if (a->rc == CURLE_OK) {
        (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
        awsorch__log(AWSORCH_LOG_DEBUG, "< HTTP %ld (%zu bytes)", a->status, a->body.len);
    } else {
        awsorch__log(AWSORCH_LOG_DEBUG, "< %s", curl_easy_strerror(a->rc));
    }
    give_handle(c, h);
    curl_slist_free_all(list);
    return AWSORCH_OK;
}

static int attempt_header(void *ctx, const char *name, char *out, size_t out_len)
{
    const attempt *a = ctx;
    return header_of(a->headers.data, a->headers.len, name, out, out_len);
}

/* Hands an attempt's reply over to the caller's response (which then owns it). */
static void fill_response(awsorch_response *r, attempt *a, unsigned attempts)
{
    r->status = (int)a->status;
    r->headers = a->headers.data;
    r->headers_len = a->headers.len;
    r->body = a->body.data ? a->body.data : strdup("");
    r->body_len = a->body.len;
    r->attempts = attempts;
}

static void sleep_s(double s)
{
    if (s <= 0) {
        return;
    }
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The SHA-256 of a callback body: read it through, then rewind it for sending. */
static awsorch_status hash_callback(const awsorch_request *req, char hex[65])
{
    if (req->body_rewind == NULL || req->body_rewind(req->body_userdata) != 0) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "a callback body needs a rewind function or a payload hash");
    }
    awsorch__sha256 ctx;
    awsorch__sha256_init(&ctx);
    unsigned char chunk[65536];
    size_t n;
    size_t total = 0;
    while ((n = req->body_read(req->body_userdata, chunk, sizeof(chunk))) > 0) {
        awsorch__sha256_update(&ctx, chunk, n);
        total += n;
    }
    unsigned char digest[32];
    awsorch__sha256_final(&ctx, digest);
    if (total != req->body_len) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "the body callback gave %zu bytes, not the %zu announced", total,
                             req->body_len);
    }
    return awsorch_hex_encode(digest, sizeof(digest), hex, 65);
}

/* The SHA-256 of a file, read in chunks, for a streamed body's signature. */
static awsorch_status hash_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return awsorch__fail(AWSORCH_E_IO, "cannot open %s", path);
    }
    awsorch__sha256 ctx;
    awsorch__sha256_init(&ctx);
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        awsorch__sha256_update(&ctx, chunk, n);
    }
    bool failed = ferror(f) != 0;
    (void)fclose(f);
    unsigned char digest[32];
    awsorch__sha256_final(&ctx, digest);
    if (failed) {
        return awsorch__fail(AWSORCH_E_IO, "cannot read %s", path);
    }
    return awsorch_hex_encode(digest, sizeof(digest), hex, 65);
}

awsorch_status awsorch_client_send(awsorch_response **out, awsorch_client *c,
                                   const awsorch_request *req_in)
{
    if (req_in == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "client_send: NULL request");
    }
    awsorch_request streamed = *req_in;
    const awsorch_request *req = &streamed;
    char file_hash[65];
    if ((req_in->body_file != NULL || req_in->body_read != NULL) && req_in->payload_hash == NULL) {
        awsorch_status hs = req_in->body_file != NULL ? hash_file(req_in->body_file, file_hash)
                                                      : hash_callback(req_in, file_hash);
        if (hs != AWSORCH_OK) {
            return hs;
        }
        streamed.payload_hash = file_hash;
    }
    if (out == NULL || c == NULL || req == NULL || req->method == NULL || req->path == NULL ||
        req->path[0] != '/') {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "client_send: needs a method and a path starting with '/'");
    }
    *out = NULL;
    target prefixed;
    const target *t = &c->base;
    awsorch_status st = AWSORCH_OK;
    const char *req_path = req->path;
    bool path_style = true;
    if ((req->host_prefix != NULL && req->host_prefix[0] != '\0') || req->bucket != NULL) {
        if ((st = resolve_target(c, req->host_prefix, req->bucket, &prefixed, &path_style)) !=
            AWSORCH_OK) {
            return st;
        }
        t = &prefixed;
    }
    if (req->bucket != NULL && !path_style) {
        /* Virtual-hosted S3: the bucket moved into the host, so it leaves the path. */
        size_t bl = strlen(req->bucket);
        if (strncmp(req_path + 1, req->bucket, bl) == 0 &&
            (req_path[1 + bl] == '/' || req_path[1 + bl] == '\0')) {
            req_path = req_path[1 + bl] == '/' ? req_path + 1 + bl : "/";
        }
    }
    const char *host = t->host;
    char url[4096];
    /* An endpoint URL with a path ("http://proxy/aws") prefixes the request's. */
    char path[4096];
    int pn = snprintf(path, sizeof(path), "%s%s", t->base_path, req_path);
    int un = snprintf(url, sizeof(url), "%s://%s%s%s%s", t->scheme, host, path,
                      req->query ? "?" : "", req->query ? req->query : "");
    if (pn < 0 || (size_t)pn >= sizeof(path) || un < 0 || (size_t)un >= sizeof(url)) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "request URL is too long");
    }
    char invocation[37];
    awsorch__uuid4(invocation);
    awsorch__retry_call call = {0};
    awsorch_response *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    for (;;) {
        /* Explicit credentials never change; the provider's are copied per attempt
         * because another thread may refresh them meanwhile. */
        awsorch_credentials *fetched = NULL;
        const awsorch_credentials *creds = c->explicit_creds;
        if (!c->no_sign && creds == NULL) {
            st = awsorch_credentials_provider_get(&fetched, c->provider);
            if (st != AWSORCH_OK) {
                free(r);
                return st;
            }
            creds = fetched;
        }
        if (c->no_sign) {
            creds = NULL;
        }
        sleep_s(awsorch__retry_before_send(&c->retry));
        attempt a = {CURLE_OK, 0, AWSORCH_BUF_INIT, AWSORCH_BUF_INIT, false, 0};
        st = send_attempt(c, req, url, host, path, invocation, call.attempt + 1, creds, &a);
        awsorch_credentials_free(fetched);
        if (st != AWSORCH_OK) {
            awsorch_buf_free(&a.headers);
            awsorch_buf_free_secret(&a.body);
            free(r);
            return st;
        }
        awsorch_status transport = AWSORCH_OK;
        if (a.too_big) {
            transport = AWSORCH_E_UNSUPPORTED;
        } else if (a.rc == CURLE_OPERATION_TIMEDOUT) {
            transport = AWSORCH_E_TIMEOUT;
        } else if (a.rc != CURLE_OK) {
            transport = AWSORCH_E_TRANSPORT;
        }
        awsorch__aws_error err = {"", "", ""};
        if (transport == AWSORCH_OK && (a.status < 200 || a.status > 299)) {
            awsorch__parse_aws_error(a.body.data ? a.body.data : "", a.body.len, attempt_header, &a,
                                     &err);
        }
        awsorch__failure failure =
            awsorch__classify(transport, (int)a.status, err.code[0] ? err.code : NULL);
        awsorch__retry_after_reply(&c->retry, failure == AWSORCH__THROTTLE);
        if (failure == AWSORCH__OK) {
            call.attempt++;
            awsorch__retry_succeeded(&c->retry, &call);
            fill_response(r, &a, call.attempt);
            awsorch_error_clear();
            *out = r;
            return AWSORCH_OK;
        }
        if (failure == AWSORCH__SKEW) {
            char date[128];
            if (attempt_header(&a, "date", date, sizeof(date))) {
                time_t server = curl_getdate(date, NULL);
                if (server > 0) {
                    atomic_store(&c->clock_offset_s,
                                 (long long)((int64_t)server - awsorch_time_now()));
                }
            }
        }
        char retry_after[32] = "";
        long retry_after_ms = -1;
        if (attempt_header(&a, "x-amz-retry-after", retry_after, sizeof(retry_after))) {
            char *end = NULL;
            long v = strtol(retry_after, &end, 10);
            retry_after_ms = (end != retry_after && *end == '\0' && v >= 0) ? v : -1;
        }
        if (a.delivered > 0) {
            /* Part of the reply already reached the caller: a retry would repeat it. */
            failure = AWSORCH__FATAL;
        }
        awsorch__retry_decision d =
            awsorch__retry_decide(&c->retry, &call, failure, retry_after_ms, req->long_poll);
        if (d.retry) {
            awsorch__log(AWSORCH_LOG_DEBUG, "retrying in %.3f s", d.delay_s);
            awsorch_buf_free(&a.headers);
            awsorch_buf_free_secret(&a.body);
            sleep_s(d.delay_s);
            continue;
        }
        sleep_s(d.delay_s); /* a long poll out of quota waits before giving up */
        if (transport != AWSORCH_OK) {
            st = awsorch__fail(transport == AWSORCH_E_UNSUPPORTED ? AWSORCH_E_TRANSPORT : transport,
                               "%s %s: %s (after %u attempts; %s)", req->method, url,
                               a.too_big ? "the reply is too large" : curl_easy_strerror(a.rc),
                               call.attempt, d.why);
            awsorch_buf_free(&a.headers);
            awsorch_buf_free_secret(&a.body);
            free(r);
        } else {
            char code[32];
            if (err.code[0] == '\0') {
                /* Not an AWS error (a proxy's page): name the HTTP status instead. */
                (void)snprintf(code, sizeof(code), "%ld", a.status);
                (void)snprintf(err.message, sizeof(err.message),
                               "HTTP %ld with a reply that is not an AWS error", a.status);
            }
            st = awsorch__fail_service((int)a.status, err.code[0] ? err.code : code, err.message,
                                       err.request_id);
            fill_response(r, &a, call.attempt);
            *out = r;
        }
        awsorch__error_set_attempts(call.attempt);
        return st;
    }
}
