/* STS over the awsQuery protocol: form-encoded request, XML reply. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/rand.h>

#include "auth_internal.h"
#include "core/failure.h"
#include "awsorch/sigv4.h"
#include "core/xml.h"

#define STS_VERSION "2011-06-15"

awsorch_status awsorch__url_parts(const char *url, char *host, size_t host_len, char *path,
                                  size_t path_len)
{
    CURLU *u = curl_url();
    if (u == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    char *h = NULL;
    char *port = NULL;
    char *p = NULL;
    char *q = NULL;
    awsorch_status st = AWSORCH_OK;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK) {
        st = awsorch__fail(AWSORCH_E_CONFIG, "'%.200s' is not a valid endpoint URL", url);
    } else {
        (void)curl_url_get(u, CURLUPART_PORT, &port, 0);
        (void)curl_url_get(u, CURLUPART_QUERY, &q, 0);
        int n1 =
            port ? snprintf(host, host_len, "%s:%s", h, port) : snprintf(host, host_len, "%s", h);
        int n2 = q ? snprintf(path, path_len, "%s?%s", p, q) : snprintf(path, path_len, "%s", p);
        if (n1 < 0 || (size_t)n1 >= host_len || n2 < 0 || (size_t)n2 >= path_len) {
            st = awsorch__fail(AWSORCH_E_CONFIG, "endpoint URL '%.200s' is too long", url);
        }
    }
    curl_free(h);
    curl_free(port);
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    return st;
}

void awsorch__default_endpoint(const char *prefix, const char *region, bool fips, char *out,
                               size_t out_len)
{
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    (void)snprintf(out, out_len, "https://%s%s.%s.%s", prefix, fips ? "-fips" : "", region, suffix);
}

static void form_encode(awsorch_buf *b, const char *s)
{
    awsorch__uri_encode(b, s, strlen(s), false);
}

static char *text_or_null(xmlNode *n, const char *path)
{
    return awsorch__xml_text_at(n, path);
}

/* Turns an STS error reply (or something that is not one) into the error record. */
static awsorch_status sts_error(const awsorch__fetch_resp *resp, const char *action, xmlDoc *doc)
{
    xmlNode *root = awsorch__xml_root(doc);
    char *code = root ? text_or_null(root, "Error/Code") : NULL;
    if (code == NULL) {
        char type[128] = "";
        (void)awsorch__fetch_header(resp, "content-type", type, sizeof(type));
        return awsorch__fail(AWSORCH_E_TRANSPORT,
                             "STS %s: unexpected reply (HTTP %ld, %s): not an AWS error", action,
                             resp->status, type[0] ? type : "no content type");
    }
    char *message = text_or_null(root, "Error/Message");
    char *request_id = text_or_null(root, "RequestId");
    char rid[128] = "";
    if (request_id == NULL) {
        (void)awsorch__fetch_header(resp, "x-amzn-requestid", rid, sizeof(rid));
    }
    awsorch_status st = awsorch__fail_service((int)resp->status, code, message ? message : "",
                                              request_id ? request_id : rid);
    free(code);
    free(message);
    free(request_id);
    return st;
}

static awsorch_status sts_call_once(const awsorch__sts_ctx *ctx, const char *action,
                                    const awsorch__param *params, size_t n, xmlDoc **doc,
                                    xmlNode **result)
{
    *doc = NULL;
    *result = NULL;
    char url[1024];
    if (!awsorch_settings_endpoint(ctx->settings, "STS", url, sizeof(url))) {
        awsorch__default_endpoint("sts", ctx->region,
                                  ctx->settings && ctx->settings->use_fips_endpoint, url,
                                  sizeof(url));
    }
    char host[512];
    char path[1024];
    awsorch_status st = awsorch__url_parts(url, host, sizeof(host), path, sizeof(path));
    if (st != AWSORCH_OK) {
        return st;
    }
    awsorch_buf body = AWSORCH_BUF_INIT;
    (void)awsorch_buf_puts(&body, "Action=");
    form_encode(&body, action);
    (void)awsorch_buf_puts(&body, "&Version=" STS_VERSION);
    for (size_t i = 0; i < n; i++) {
        if (params[i].value == NULL) {
            continue;
        }
        (void)awsorch_buf_puts(&body, "&");
        form_encode(&body, params[i].name);
        (void)awsorch_buf_puts(&body, "=");
        form_encode(&body, params[i].value);
    }
    if (body.data == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }

    static const char content_type[] = "application/x-www-form-urlencoded; charset=utf-8";
    char *headers[6];
    size_t hn = 0;
    char host_h[600];
    char date_h[64];
    char auth_h[2048];
    char *token_h = NULL;
    (void)snprintf(host_h, sizeof(host_h), "Host: %s", host);
    headers[hn++] = host_h;
    headers[hn++] = "Content-Type: application/x-www-form-urlencoded; charset=utf-8";
    headers[hn++] = "User-Agent: awsorch/" AWSORCH_VERSION_STRING;
    if (ctx->creds != NULL) {
        awsorch_sigv4_header sh[2] = {
            {{"Host", 4}, {host, strlen(host)}},
            {{"Content-Type", 12}, {content_type, sizeof(content_type) - 1}}};
        char *qmark = strchr(path, '?');
        awsorch_sigv4_request r = AWSORCH_SIGV4_REQUEST_INIT;
        r.method = "POST";
        r.path = (awsorch_sigv4_str){path, qmark ? (size_t)(qmark - path) : strlen(path)};
        r.query = (awsorch_sigv4_str){qmark ? qmark + 1 : NULL, qmark ? strlen(qmark + 1) : 0};
        r.headers = sh;
        r.header_count = 2;
        r.body = body.data;
        r.body_len = body.len;
        awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
        p.region = ctx->region;
        p.service = "sts";
        p.access_key_id = ctx->creds->access_key_id;
        p.secret_access_key = ctx->creds->secret_access_key;
        p.session_token = ctx->creds->session_token;
        p.time_s = awsorch_time_now();
        char scratch[8192];
        awsorch_sigv4_result res;
        if ((st = awsorch_sigv4_sign(&res, &r, &p, scratch, sizeof(scratch))) != AWSORCH_OK) {
            awsorch_buf_free(&body);
            return st;
        }
        (void)snprintf(date_h, sizeof(date_h), "X-Amz-Date: %s", res.amz_date);
        (void)snprintf(auth_h, sizeof(auth_h), "Authorization: %.*s", (int)res.authorization.len,
                       res.authorization.ptr);
        headers[hn++] = date_h;
        headers[hn++] = auth_h;
        if (ctx->creds->session_token != NULL) {
            size_t len = strlen(ctx->creds->session_token) + 32;
            token_h = malloc(len);
            if (token_h == NULL) {
                awsorch_buf_free(&body);
                return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
            }
            (void)snprintf(token_h, len, "X-Amz-Security-Token: %s", ctx->creds->session_token);
            headers[hn++] = token_h;
        }
    }
    awsorch__fetch_req req = {.method = "POST",
                              .url = url,
                              .headers = (const char *const *)headers,
                              .header_count = hn,
                              .body = body.data,
                              .body_len = body.len,
                              .connect_timeout_ms = ctx->connect_timeout_ms,
                              .timeout_ms = ctx->timeout_ms,
                              .ca_bundle = ctx->settings ? ctx->settings->ca_bundle : NULL,
                              .max_body = 1u << 20};
    awsorch__fetch_resp resp;
    st = awsorch__fetch(&req, &resp);
    awsorch_buf_free_secret(&body);
    awsorch__free_secret(token_h);
    if (st != AWSORCH_OK) {
        return st;
    }
    xmlDoc *d = NULL;
    if ((st = awsorch__xml_read_memory(&d, resp.body.data, resp.body.len)) != AWSORCH_OK) {
        awsorch__fetch_resp_free(&resp);
        return st;
    }
    if (resp.status < 200 || resp.status > 299) {
        st = sts_error(&resp, action, d);
        awsorch__xml_free_doc(d);
        awsorch__fetch_resp_free(&resp);
        return st;
    }
    char result_name[128];
    (void)snprintf(result_name, sizeof(result_name), "%sResult", action);
    xmlNode *root = awsorch__xml_root(d);
    xmlNode *res_node = awsorch__xml_child(root, result_name);
    if (res_node == NULL) {
        st = awsorch__fail(AWSORCH_E_PARSE, "STS %s: the reply (HTTP %ld) has no <%s>", action,
                           resp.status, result_name);
        awsorch__xml_free_doc(d);
    } else {
        *doc = d;
        *result = res_node;
    }
    awsorch__fetch_resp_free(&resp);
    return st;
}

awsorch_status awsorch__sts_credentials(xmlNode *result, const char *source,
                                        awsorch_credentials **out)
{
    char *akid = awsorch__xml_text_at(result, "Credentials/AccessKeyId");
    char *secret = awsorch__xml_text_at(result, "Credentials/SecretAccessKey");
    char *token = awsorch__xml_text_at(result, "Credentials/SessionToken");
    char *exp = awsorch__xml_text_at(result, "Credentials/Expiration");
    int64_t exp_s = 0;
    awsorch_status st;
    if (akid == NULL || secret == NULL || token == NULL || exp == NULL) {
        st =
            awsorch__fail(AWSORCH_E_PARSE, "%s: the STS reply lacks part of <Credentials>", source);
    } else if ((st = awsorch_time_parse(exp, &exp_s)) == AWSORCH_OK) {
        st = awsorch__credentials_make(out, akid, secret, token, exp_s, source);
    }
    free(akid);
    awsorch__free_secret(secret);
    awsorch__free_secret(token);
    free(exp);
    return st;
}

/* Waits a full-jitter backoff, as the client's standard retry mode does. */
static void backoff(unsigned attempt, awsorch__failure failure)
{
    double cap = awsorch__backoff_cap(awsorch__new_retries_2026(), failure, attempt);
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1) {
        r = UINT_MAX / 2;
    }
    double s = cap * ((double)r / 4294967296.0);
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    (void)nanosleep(&ts, NULL);
}

awsorch_status awsorch__sts_call(const awsorch__sts_ctx *ctx, const char *action,
                                 const awsorch__param *params, size_t n, xmlDoc **doc,
                                 xmlNode **result)
{
    /* The credential providers sit below the client and its retry strategy, so STS
     * calls retry here, on the same classification, up to the configured attempts. */
    unsigned max =
        ctx->settings != NULL && ctx->settings->max_attempts > 0 ? ctx->settings->max_attempts : 3;
    for (unsigned attempt = 1;; attempt++) {
        awsorch_status st = sts_call_once(ctx, action, params, n, doc, result);
        if (st == AWSORCH_OK) {
            awsorch__error_set_attempts(attempt);
            return st;
        }
        const awsorch_error *e = awsorch_error_last();
        awsorch_status transport = st == AWSORCH_E_SERVICE ? AWSORCH_OK : st;
        awsorch__failure f = awsorch__classify(transport, e->http_status,
                                               e->service_code[0] != '\0' ? e->service_code : NULL);
        bool retry = f == AWSORCH__TRANSIENT || f == AWSORCH__THROTTLE || f == AWSORCH__TIMEOUT;
        if (!retry || attempt >= max) {
            awsorch__error_set_attempts(attempt);
            return st;
        }
        backoff(attempt, f);
    }
}
