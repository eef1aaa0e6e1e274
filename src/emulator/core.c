/* The emulator's shared helpers: errors, replies, request parsing, time, ids,
 * config lookup and in-process calls between services. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/internal.h"
#include "emu.h"

int emu_fail(emu_error *err, int status, const char *code, const char *fmt, ...)
{
    if (err == NULL) {
        return -1;
    }
    err->status = status;
    (void)snprintf(err->code, sizeof(err->code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return -1;
}

void emu_reply_header(emu_http_reply *rep, const char *name, const char *value)
{
    if (rep->header_count >= EMU_MAX_REPLY_HEADERS) {
        return;
    }
    char *n = strdup(name);
    char *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return;
    }
    rep->headers[rep->header_count].name = n;
    rep->headers[rep->header_count].value = v;
    rep->header_count++;
}

void emu_reply_body(emu_http_reply *rep, const void *data, size_t len)
{
    free(rep->body);
    rep->body = NULL;
    rep->body_len = 0;
    if (len == 0) {
        return;
    }
    rep->body = malloc(len);
    if (rep->body != NULL) {
        memcpy(rep->body, data, len);
        rep->body_len = len;
    }
}

void emu_reply_take(emu_http_reply *rep, char *s)
{
    free(rep->body);
    rep->body = (unsigned char *)s;
    rep->body_len = s != NULL ? strlen(s) : 0;
}

const char *emu_header_get(const emu_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

char *emu_uri_decode(const char *src, size_t len, bool form)
{
    char *out = malloc(len + 1);
    if (out == NULL) {
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int hi;
        int lo;
        if (src[i] == '%' && i + 2 < len &&
            (hi = awsorch__hex_value((unsigned char)src[i + 1])) >= 0 &&
            (lo = awsorch__hex_value((unsigned char)src[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (form && src[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = src[i];
        }
    }
    out[o] = '\0';
    return out;
}

bool emu_query_next(const char **cursor, emu_query_param *out)
{
    const char *p = *cursor;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, '&');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        *cursor = end != NULL ? end + 1 : p + len;
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            out->text = p;
            out->len = len;
            out->name_len = eq != NULL ? (size_t)(eq - p) : len;
            out->has_value = eq != NULL;
            return true;
        }
        p = *cursor;
    }
    return false;
}

char *emu_query_get(const char *query, const char *key)
{
    size_t klen = strlen(key);
    const char *cursor = query;
    emu_query_param q;
    while (emu_query_next(&cursor, &q)) {
        char *name = emu_uri_decode(q.text, q.name_len, true);
        bool hit = name != NULL && strlen(name) == klen && memcmp(name, key, klen) == 0;
        free(name);
        if (hit) {
            return q.has_value
                       ? emu_uri_decode(q.text + q.name_len + 1, q.len - q.name_len - 1, true)
                       : strdup("");
        }
    }
    return NULL;
}

double emu_now(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double emu_real_seconds(const emu *e, double emulated)
{
    return emulated / e->time_scale;
}

bool emu_wait_until(emu *e, double deadline)
{
    if (e->stopping) {
        return true;
    }
    if (emu_now() >= deadline) {
        return true;
    }
    /* Bounded so a deadline far away (or NaN from bad config) never parks a thread forever. */
    double capped = fmin(deadline, emu_now() + 3600.0);
    struct timespec ts;
    ts.tv_sec = (time_t)capped;
    ts.tv_nsec = (long)((capped - floor(capped)) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_nsec = 999999999L;
    }
    int rc = pthread_cond_timedwait(&e->changed, &e->lock, &ts);
    return rc == ETIMEDOUT || e->stopping || emu_now() >= deadline;
}

void emu_changed(emu *e)
{
    (void)pthread_cond_broadcast(&e->changed);
}

bool emu_stopping(const emu *e)
{
    return e->stopping;
}

void emu_uuid(char out[37])
{
    awsorch__uuid4(out);
}

void emu_hex_id(char *out, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[64];
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < sizeof(raw) * 2 ? (n - done + 1) / 2 : sizeof(raw);
        if (RAND_bytes(raw, (int)chunk) != 1) {
            memset(raw, 0, chunk);
        }
        for (size_t i = 0; i < chunk && done < n; i++) {
            out[done++] = digits[raw[i] >> 4];
            if (done < n) {
                out[done++] = digits[raw[i] & 15];
            }
        }
    }
    out[n] = '\0';
}

char *emu_base64_encode(const void *data, size_t n)
{
    if (n > INT_MAX / 2) {
        return NULL;
    }
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out != NULL) {
        (void)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
    }
    return out;
}

void emu_iso8601(double t, char out[32])
{
    time_t s = (time_t)floor(t);
    int ms = (int)((t - floor(t)) * 1000.0);
    struct tm tm;
    if (gmtime_r(&s, &tm) == NULL) {
        (void)snprintf(out, 32, "1970-01-01T00:00:00.000Z");
        return;
    }
    char date[24];
    if (strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
        date[0] = '\0';
    }
    (void)snprintf(out, 32, "%.19s.%03dZ", date, ms % 1000);
}

json_t *emu_config_section(const emu *e, const char *section)
{
    return json_object_get(e->config, section);
}

/* Weak so a build without one service still links; the service's file overrides it. */
__attribute__((weak)) const emu_json_op emu_glue_ops[] = {{NULL, NULL}};
__attribute__((weak)) const emu_json_op emu_logs_ops[] = {{NULL, NULL}};
__attribute__((weak)) const emu_json_op emu_athena_ops[] = {{NULL, NULL}};
__attribute__((weak)) const emu_json_op emu_redshift_ops[] = {{NULL, NULL}};
__attribute__((weak)) const emu_json_op emu_sfn_ops[] = {{NULL, NULL}};

const emu_json_op *emu_json_ops_for(const char *service)
{
    static const struct {
        const char *name;
        const emu_json_op *ops;
    } table[] = {{"glue", emu_glue_ops},
                 {"logs", emu_logs_ops},
                 {"athena", emu_athena_ops},
                 {"redshift-data", emu_redshift_ops},
                 {"redshiftdata", emu_redshift_ops},
                 {"sfn", emu_sfn_ops},
                 {"states", emu_sfn_ops}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].name, service) == 0) {
            return table[i].ops;
        }
    }
    return NULL;
}

const emu_json_op *emu_json_op_find(const emu_json_op *ops, const char *name)
{
    for (size_t i = 0; ops != NULL && ops[i].name != NULL; i++) {
        if (strcmp(ops[i].name, name) == 0) {
            return &ops[i];
        }
    }
    return NULL;
}

int emu_json_call(emu *e, const emu_call *call, const char *service, const char *operation,
                  json_t *input, json_t **output, emu_error *err)
{
    *output = NULL;
    const emu_json_op *op = emu_json_op_find(emu_json_ops_for(service), operation);
    if (op == NULL) {
        return emu_fail(err, 400, "UnknownOperationException",
                        "The emulator does not implement %s.%s", service, operation);
    }
    json_t *in = input != NULL ? input : json_object();
    int rc = op->fn(e, call, in, output, err);
    if (input == NULL) {
        json_decref(in);
    }
    if (rc == 0 && *output == NULL) {
        *output = json_object();
    }
    return rc;
}

/* Weak fallbacks so the emulator links while a service is absent from a build;
 * each service's own file replaces them. */
static int not_served(emu_error *err)
{
    return emu_fail(err, 501, "NotImplemented", "This build of the emulator lacks the service");
}

__attribute__((weak)) int emu_s3_handle(emu *e, const emu_call *call, const emu_http_request *req,
                                        emu_http_reply *rep, emu_error *err)
{
    (void)e;
    (void)call;
    (void)req;
    (void)rep;
    return not_served(err);
}

__attribute__((weak)) int emu_lambda_handle(emu *e, const emu_call *call,
                                            const emu_http_request *req, emu_http_reply *rep,
                                            emu_error *err)
{
    (void)e;
    (void)call;
    (void)req;
    (void)rep;
    return not_served(err);
}

__attribute__((weak)) int emu_lambda_invoke(emu *e, const emu_call *call, const char *function,
                                            json_t *payload, json_t **result, char **error_type,
                                            char **error_message, emu_error *err)
{
    (void)e;
    (void)call;
    (void)function;
    (void)payload;
    *result = NULL;
    *error_type = NULL;
    *error_message = NULL;
    return not_served(err);
}

__attribute__((weak)) void emu_logs_put(emu *e, const char *group, const char *stream, double time,
                                        const char *message)
{
    (void)e;
    (void)group;
    (void)stream;
    (void)time;
    (void)message;
}

__attribute__((weak)) void emu_glue_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_logs_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_lambda_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_athena_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_redshift_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_s3_free(emu *e)
{
    (void)e;
}
__attribute__((weak)) void emu_sfn_free(emu *e)
{
    (void)e;
}
