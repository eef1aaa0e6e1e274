/* The emulator's HTTP side: one libmicrohttpd daemon, a thread per connection
 * (long polls must not block other clients), routing to the service that a
 * request's shape names, SigV4 checking, faults, the control API and the
 * per-request log. Errors are rendered in each service's own protocol. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "awsorch/sigv4.h"
#include "core/internal.h"
#include "core/xml.h"
#include "internal.h"
#include "server.h"
#include "sts_internal.h"

#define MAX_REQUEST_LOG 10000
#define MAX_FAULTS 1000
#define MAX_LOGGED_PATH 1024
#define DEFAULT_MAX_BODY ((size_t)128 * 1024 * 1024)
#define SKEW_S 900

typedef enum proto { P_JSON10, P_JSON11, P_REST_JSON, P_REST_XML, P_QUERY } proto;

struct emu_server {
    struct MHD_Daemon *daemon;
    emu state;
    int port;
    bool log_requests;
    size_t max_body;
    pthread_mutex_t ctl_lock; /* faults and the request log; never held with state.lock */
    json_t *faults;
    json_t *requests;
    unsigned long seq;
};

typedef struct conn {
    char *uri;
    unsigned char *body;
    size_t len;
    size_t cap;
    bool started;
    bool too_large;
} conn;

/* What a request turned into, before it becomes an MHD response. */
typedef struct outcome {
    emu_http_reply rep;
    bool reset;
    bool truncate;
    const char *fault;
} outcome;

/* Where a request goes, from its shape alone (not from the signature it claims). */
typedef struct route {
    const char *service;      /* "glue", "sfn", "s3", "lambda", "sts", "logs", ... */
    const char *signing_name; /* the SigV4 service name it must be signed for */
    proto protocol;
    char operation[64];
} route;

/* ---- small helpers ---------------------------------------------------------------- */

static void reply_clear(emu_http_reply *rep)
{
    for (size_t i = 0; i < rep->header_count; i++) {
        free(rep->headers[i].name);
        free(rep->headers[i].value);
    }
    rep->header_count = 0;
    free(rep->body);
    rep->body = NULL;
    rep->body_len = 0;
}

/* Renders an error the way the route's protocol does on AWS. `extra` is raw XML
 * appended inside <Error> (S3's StringToSign and friends), or NULL. */
static void render_error(outcome *o, const route *r, const char *method, int status,
                         const char *code, const char *message, const char *request_id,
                         const char *extra)
{
    reply_clear(&o->rep);
    o->rep.status = status;
    switch (r->protocol) {
    case P_JSON10:
    case P_JSON11:
    case P_REST_JSON: {
        json_t *body = json_object();
        if (r->protocol == P_REST_JSON) {
            (void)json_object_set_new(body, "Type",
                                      json_string(status >= 500 ? "Service" : "User"));
            (void)json_object_set_new(body, "Message", json_string(message));
        } else {
            (void)json_object_set_new(body, "__type", json_string(code));
            (void)json_object_set_new(body, "message", json_string(message));
        }
        emu_reply_take(&o->rep, json_dumps(body, JSON_COMPACT));
        json_decref(body);
        emu_reply_header(&o->rep, "Content-Type",
                         r->protocol == P_JSON10   ? "application/x-amz-json-1.0"
                         : r->protocol == P_JSON11 ? "application/x-amz-json-1.1"
                                                   : "application/json");
        emu_reply_header(&o->rep, "x-amzn-ErrorType", code);
        break;
    }
    case P_REST_XML: {
        if (strcmp(method, "HEAD") == 0) {
            break; /* S3 answers HEAD errors with the status alone */
        }
        awsorch_buf b = AWSORCH_BUF_INIT;
        (void)awsorch_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
        awsorch__xml_escape(&b, code);
        (void)awsorch_buf_puts(&b, "</Code><Message>");
        awsorch__xml_escape(&b, message);
        (void)awsorch_buf_puts(&b, "</Message>");
        if (extra != NULL) {
            (void)awsorch_buf_puts(&b, extra);
        }
        (void)awsorch_buf_puts(&b, "<RequestId>");
        (void)awsorch_buf_puts(&b, request_id);
        (void)awsorch_buf_puts(&b, "</RequestId><HostId>awsorch-emulator</HostId></Error>");
        (void)awsorch_buf_append(&b, "", 1);
        emu_reply_take(&o->rep, (char *)b.data);
        emu_reply_header(&o->rep, "Content-Type", "application/xml");
        break;
    }
    case P_QUERY: {
        awsorch_buf b = AWSORCH_BUF_INIT;
        (void)awsorch_buf_puts(&b, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
                                   "2011-06-15/\">\n  <Error>\n    <Type>");
        (void)awsorch_buf_puts(&b, status >= 500 ? "Receiver" : "Sender");
        (void)awsorch_buf_puts(&b, "</Type>\n    <Code>");
        awsorch__xml_escape(&b, code);
        (void)awsorch_buf_puts(&b, "</Code>\n    <Message>");
        awsorch__xml_escape(&b, message);
        (void)awsorch_buf_puts(&b, "</Message>\n  </Error>\n  <RequestId>");
        (void)awsorch_buf_puts(&b, request_id);
        (void)awsorch_buf_puts(&b, "</RequestId>\n</ErrorResponse>\n");
        (void)awsorch_buf_append(&b, "", 1);
        emu_reply_take(&o->rep, (char *)b.data);
        emu_reply_header(&o->rep, "Content-Type", "text/xml");
        break;
    }
    }
}

/* ---- routing ------------------------------------------------------------------------ */

static const struct {
    const char *prefix;
    const char *service;
    const char *signing;
    proto protocol;
} json_targets[] = {
    {"AWSStepFunctions", "sfn", "states", P_JSON10},
    {"AWSGlue", "glue", "glue", P_JSON11},
    {"AmazonAthena", "athena", "athena", P_JSON11},
    {"RedshiftData", "redshift-data", "redshift-data", P_JSON11},
    {"Logs_20140328", "logs", "logs", P_JSON11},
};

static bool is_form(const emu_http_request *req)
{
    const char *ct = emu_header_get(req, "content-type");
    return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* S3's operation name, for the log, faults and the control API. */
static void s3_operation(const emu_http_request *req, bool has_key, char *out, size_t n)
{
    const char *m = req->method;
    const char *q = req->query;
    bool uploads = strstr(q, "uploads") != NULL;
    bool upload_id = strstr(q, "uploadId=") != NULL;
    const char *name = "Unknown";
    if (!has_key && req->bucket == NULL) {
        name = "ListBuckets";
    } else if (!has_key) {
        name = strcmp(m, "PUT") == 0              ? "CreateBucket"
               : strcmp(m, "DELETE") == 0         ? "DeleteBucket"
               : strcmp(m, "HEAD") == 0           ? "HeadBucket"
               : strcmp(m, "POST") == 0           ? "DeleteObjects"
               : strstr(q, "list-type=2") != NULL ? "ListObjectsV2"
               : uploads                          ? "ListMultipartUploads"
                                                  : "ListObjects";
    } else if (strcmp(m, "GET") == 0) {
        name = upload_id ? "ListParts" : "GetObject";
    } else if (strcmp(m, "HEAD") == 0) {
        name = "HeadObject";
    } else if (strcmp(m, "PUT") == 0) {
        name = upload_id                                          ? "UploadPart"
               : emu_header_get(req, "x-amz-copy-source") != NULL ? "CopyObject"
                                                                  : "PutObject";
    } else if (strcmp(m, "POST") == 0) {
        name = uploads ? "CreateMultipartUpload" : "CompleteMultipartUpload";
    } else if (strcmp(m, "DELETE") == 0) {
        name = upload_id ? "AbortMultipartUpload" : "DeleteObject";
    }
    (void)snprintf(out, n, "%s", name);
}

/* The bucket of a virtual-hosted S3 request: "b.localhost", "b.s3.localhost",
 * "b.s3.us-east-1.amazonaws.com". NULL for path-style hosts. */
static char *virtual_bucket(const char *host)
{
    if (host == NULL) {
        return NULL;
    }
    char h[256];
    (void)snprintf(h, sizeof(h), "%s", host);
    char *colon = strrchr(h, ':');
    if (colon != NULL && strchr(h, ']') == NULL) {
        *colon = '\0';
    }
    static const char *const suffixes[] = {".s3.localhost", ".localhost", ".s3.amazonaws.com"};
    size_t hl = strlen(h);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);
        if (hl > sl && strcasecmp(h + hl - sl, suffixes[i]) == 0) {
            h[hl - sl] = '\0';
            return strdup(h);
        }
    }
    char *s3 = strstr(h, ".s3.");
    if (s3 != NULL && s3 != h && strstr(s3, "amazonaws.com") != NULL) {
        *s3 = '\0';
        return strdup(h);
    }
    return NULL;
}

static void find_route_raw(route *r, emu_http_request *req, char **bucket_out);

/* Operation names come from the client (X-Amz-Target, Action); anything but an
 * API name's characters is replaced so no client can forge lines in the log. */
static void find_route(route *r, emu_http_request *req, char **bucket_out)
{
    find_route_raw(r, req, bucket_out);
    for (char *p = r->operation; *p != '\0'; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-';
        if (!ok) {
            *p = '?';
        }
    }
}

static void find_route_raw(route *r, emu_http_request *req, char **bucket_out)
{
    memset(r, 0, sizeof(*r));
    const char *target = emu_header_get(req, "x-amz-target");
    if (target != NULL) {
        const char *dot = strchr(target, '.');
        size_t plen = dot != NULL ? (size_t)(dot - target) : strlen(target);
        for (size_t i = 0; i < sizeof(json_targets) / sizeof(json_targets[0]); i++) {
            if (strlen(json_targets[i].prefix) == plen &&
                strncmp(json_targets[i].prefix, target, plen) == 0) {
                r->service = json_targets[i].service;
                r->signing_name = json_targets[i].signing;
                r->protocol = json_targets[i].protocol;
                (void)snprintf(r->operation, sizeof(r->operation), "%s",
                               dot != NULL ? dot + 1 : "");
                return;
            }
        }
        r->service = "unknown";
        r->signing_name = NULL;
        r->protocol = P_JSON11;
        (void)snprintf(r->operation, sizeof(r->operation), "%.63s", target);
        return;
    }
    if (strncmp(req->path, "/2015-03-31/functions", 21) == 0) {
        r->service = "lambda";
        r->signing_name = "lambda";
        r->protocol = P_REST_JSON;
        bool invocations = strstr(req->path, "/invocations") != NULL;
        bool list = strcmp(req->path, "/2015-03-31/functions") == 0 ||
                    strcmp(req->path, "/2015-03-31/functions/") == 0;
        (void)snprintf(r->operation, sizeof(r->operation), "%s",
                       invocations ? "Invoke"
                       : list      ? "ListFunctions"
                                   : "GetFunction");
        return;
    }
    char *action = NULL;
    *bucket_out = virtual_bucket(req->host);
    req->bucket = *bucket_out;
    if (strcmp(req->method, "POST") == 0 && is_form(req) && req->bucket == NULL) {
        char *body = strndup((const char *)req->body, req->body_len);
        action = body != NULL ? emu_query_get(body, "Action") : NULL;
        free(body);
    } else if (strcmp(req->method, "GET") == 0 && strcmp(req->path, "/") == 0 &&
               req->bucket == NULL) {
        action = emu_query_get(req->query, "Action");
    }
    if (action != NULL) {
        r->service = "sts";
        r->signing_name = "sts";
        r->protocol = P_QUERY;
        (void)snprintf(r->operation, sizeof(r->operation), "%s", action);
        free(action);
        return;
    }
    r->service = "s3";
    r->signing_name = "s3";
    r->protocol = P_REST_XML;
    const char *p = req->path[0] == '/' ? req->path + 1 : req->path;
    bool has_key;
    if (req->bucket != NULL) {
        has_key = *p != '\0';
    } else {
        const char *slash = strchr(p, '/');
        has_key = slash != NULL && slash[1] != '\0';
    }
    s3_operation(req, has_key, r->operation, sizeof(r->operation));
}

/* ---- signatures --------------------------------------------------------------------- */

typedef struct auth_info {
    char access_key[128];
    char scope_day[16];
    char region[64];
    char service[64];
    char signed_headers[1024];
    char signature[128];
    char amz_date[32];
    long expires;
    bool presigned;
    bool sigv2; /* S3's older query form: AWSAccessKeyId, Signature, Expires (absolute) */
} auth_info;

static bool field(const char *text, const char *key, char *out, size_t n)
{
    const char *p = strstr(text, key);
    if (p == NULL) {
        return false;
    }
    p += strlen(key);
    size_t len = strcspn(p, ", ");
    if (len == 0 || len >= n) {
        return false;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* "AK/20261203/us-east-1/glue/aws4_request" into its parts. */
static bool split_scope(const char *cred, auth_info *a)
{
    char copy[512];
    if (snprintf(copy, sizeof(copy), "%s", cred) >= (int)sizeof(copy)) {
        return false;
    }
    char *parts[5];
    char *save = NULL;
    char *tok = strtok_r(copy, "/", &save);
    int n = 0;
    while (tok != NULL && n < 5) {
        parts[n++] = tok;
        tok = strtok_r(NULL, "/", &save);
    }
    if (n != 5 || tok != NULL || strcmp(parts[4], "aws4_request") != 0) {
        return false;
    }
    (void)snprintf(a->access_key, sizeof(a->access_key), "%s", parts[0]);
    (void)snprintf(a->scope_day, sizeof(a->scope_day), "%s", parts[1]);
    (void)snprintf(a->region, sizeof(a->region), "%s", parts[2]);
    (void)snprintf(a->service, sizeof(a->service), "%s", parts[3]);
    return true;
}

/* S3's query-string authentication of Signature Version 2, which `aws s3 presign` (CLI v1)
 * and boto's default presigner still produce: ?AWSAccessKeyId=..&Signature=..&Expires=EPOCH.
 * 1: present, 0: absent, -1: incomplete. */
static int parse_sigv2_query(const emu_http_request *req, auth_info *a, char *err, size_t n)
{
    char *ak = emu_query_get(req->query, "AWSAccessKeyId");
    char *sig = emu_query_get(req->query, "Signature");
    char *ex = emu_query_get(req->query, "Expires");
    int rc = 0;
    if (ak != NULL || sig != NULL) {
        char *end = NULL;
        long expires = ex != NULL ? strtol(ex, &end, 10) : 0;
        bool ok =
            ak != NULL && sig != NULL && ex != NULL && end != ex && *end == '\0' &&
            snprintf(a->access_key, sizeof(a->access_key), "%s", ak) < (int)sizeof(a->access_key) &&
            snprintf(a->signature, sizeof(a->signature), "%s", sig) < (int)sizeof(a->signature);
        if (ok) {
            /* A '+' of the base64 sent unencoded arrives as a space. */
            for (char *p = a->signature; *p != '\0'; p++) {
                if (*p == ' ') {
                    *p = '+';
                }
            }
            a->expires = expires;
            a->sigv2 = true;
            a->presigned = true;
            rc = 1;
        } else {
            (void)snprintf(err, n,
                           "Query-string authentication requires the Signature, Expires and "
                           "AWSAccessKeyId parameters");
            rc = -1;
        }
    }
    free(ak);
    free(sig);
    free(ex);
    return rc;
}

/* 1: signed and parsed, 0: unsigned, -1: malformed (message in err). */
static int parse_auth(const emu_http_request *req, bool s3, auth_info *a, char *err, size_t n)
{
    memset(a, 0, sizeof(*a));
    const char *h = emu_header_get(req, "authorization");
    char *algo = emu_query_get(req->query, "X-Amz-Algorithm");
    if (h == NULL && algo == NULL && s3) {
        return parse_sigv2_query(req, a, err, n);
    }
    if (h == NULL && algo == NULL) {
        return 0;
    }
    char cred[512];
    if (h != NULL) {
        free(algo);
        if (strncmp(h, "AWS4-HMAC-SHA256 ", 17) != 0) {
            (void)snprintf(err, n, "Unsupported Authorization Type");
            return -1;
        }
        if (!field(h, "Credential=", cred, sizeof(cred))) {
            (void)snprintf(err, n,
                           "Authorization header requires 'Credential' parameter. Authorization "
                           "header requires 'Signature' parameter. Authorization header requires "
                           "'SignedHeaders' parameter. Authorization=%.64s",
                           "AWS4-HMAC-SHA256");
            return -1;
        }
        if (!field(h, "SignedHeaders=", a->signed_headers, sizeof(a->signed_headers)) ||
            !field(h, "Signature=", a->signature, sizeof(a->signature))) {
            (void)snprintf(err, n,
                           "Authorization header requires 'Signature' and 'SignedHeaders' "
                           "parameters.");
            return -1;
        }
        const char *d = emu_header_get(req, "x-amz-date");
        if (d == NULL || snprintf(a->amz_date, sizeof(a->amz_date), "%s", d) >= 32) {
            (void)snprintf(err, n,
                           "Authorization header requires existence of either a 'X-Amz-Date' or "
                           "a 'Date' header.");
            return -1;
        }
    } else {
        bool ok = strcmp(algo, "AWS4-HMAC-SHA256") == 0;
        free(algo);
        char *c = emu_query_get(req->query, "X-Amz-Credential");
        char *sh = emu_query_get(req->query, "X-Amz-SignedHeaders");
        char *sig = emu_query_get(req->query, "X-Amz-Signature");
        char *d = emu_query_get(req->query, "X-Amz-Date");
        char *ex = emu_query_get(req->query, "X-Amz-Expires");
        ok = ok && c != NULL && sh != NULL && sig != NULL && d != NULL &&
             snprintf(cred, sizeof(cred), "%s", c) < (int)sizeof(cred) &&
             snprintf(a->signed_headers, sizeof(a->signed_headers), "%s", sh) <
                 (int)sizeof(a->signed_headers) &&
             snprintf(a->signature, sizeof(a->signature), "%s", sig) < (int)sizeof(a->signature) &&
             snprintf(a->amz_date, sizeof(a->amz_date), "%s", d) < (int)sizeof(a->amz_date);
        a->expires = ex != NULL ? strtol(ex, NULL, 10) : 604800;
        free(c);
        free(sh);
        free(sig);
        free(d);
        free(ex);
        if (!ok) {
            (void)snprintf(err, n,
                           "Query-string authentication requires the X-Amz-Algorithm, "
                           "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders "
                           "and X-Amz-Expires parameters.");
            return -1;
        }
        a->presigned = true;
    }
    if (!split_scope(cred, a)) {
        (void)snprintf(err, n,
                       "Credential should be scoped to a valid region, not ''. Credential should "
                       "be scoped with a valid terminator: 'aws4_request', not '%.64s'.",
                       cred);
        return -1;
    }
    return 1;
}

static const char *config_secret(const emu *e, const char *ak)
{
    json_t *creds = emu_config_section(e, "credentials");
    size_t i;
    json_t *c;
    json_array_foreach(creds, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "access_key_id"));
        if (id != NULL && strcmp(id, ak) == 0) {
            return json_string_value(json_object_get(c, "secret_access_key"));
        }
    }
    json_t *def = emu_config_section(e, "default_credentials");
    if (!json_is_false(def) && strcmp(ak, EMU_DEFAULT_ACCESS_KEY) == 0) {
        return EMU_DEFAULT_SECRET_KEY;
    }
    return NULL;
}

/* The query as sent without the presigning parameters (the signer adds them back). */
static char *strip_presign(const char *query)
{
    static const char *const drop[] = {
        "X-Amz-Algorithm=",     "X-Amz-Credential=", "X-Amz-Date=",          "X-Amz-Expires=",
        "X-Amz-SignedHeaders=", "X-Amz-Signature=",  "X-Amz-Security-Token="};
    awsorch_buf b = AWSORCH_BUF_INIT;
    const char *cursor = query;
    emu_query_param q;
    while (emu_query_next(&cursor, &q)) {
        bool skip = false;
        for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
            if (strncmp(q.text, drop[i], strlen(drop[i])) == 0) {
                skip = true;
            }
        }
        if (!skip) {
            if (b.len > 0) {
                (void)awsorch_buf_append(&b, "&", 1);
            }
            (void)awsorch_buf_append(&b, q.text, q.len);
        }
    }
    (void)awsorch_buf_append(&b, "", 1);
    return (char *)b.data;
}

/* A copy of a canonical request or string to sign with the session token's value
 * replaced: these texts go back to the client in error messages, which end up in
 * logs, and a token must never reach a log. */
static char *redacted(const char *text, size_t len)
{
    static const char *const keys[] = {"x-amz-security-token:", "X-Amz-Security-Token="};
    awsorch_buf b = AWSORCH_BUF_INIT;
    size_t i = 0;
    while (i < len) {
        size_t key_len = 0;
        for (size_t k = 0; k < 2 && key_len == 0; k++) {
            size_t n = strlen(keys[k]);
            bool line_start = k == 1 || i == 0 || text[i - 1] == '\n';
            if (line_start && i + n <= len && strncasecmp(text + i, keys[k], n) == 0) {
                key_len = n;
            }
        }
        if (key_len == 0) {
            (void)awsorch_buf_append(&b, text + i, 1);
            i++;
            continue;
        }
        (void)awsorch_buf_append(&b, text + i, key_len);
        (void)awsorch_buf_puts(&b, "<redacted>");
        i += key_len;
        while (i < len && text[i] != '\n' && text[i] != '&') {
            i++;
        }
    }
    (void)awsorch_buf_append(&b, "", 1);
    return (char *)b.data;
}

/* The elements S3 adds to a SignatureDoesNotMatch error, session token redacted:
 * the key, the string to sign, the signature sent and (SigV4) the canonical request. */
static char *mismatch_details(const char *access_key, const char *string_to_sign,
                              size_t string_to_sign_len, const char *signature,
                              const char *canonical, size_t canonical_len)
{
    awsorch_buf x = AWSORCH_BUF_INIT;
    char *safe = redacted(string_to_sign, string_to_sign_len);
    (void)awsorch_buf_puts(&x, "<AWSAccessKeyId>");
    awsorch__xml_escape(&x, access_key);
    (void)awsorch_buf_puts(&x, "</AWSAccessKeyId><StringToSign>");
    awsorch__xml_escape(&x, safe != NULL ? safe : "");
    (void)awsorch_buf_puts(&x, "</StringToSign><SignatureProvided>");
    awsorch__xml_escape(&x, signature);
    (void)awsorch_buf_puts(&x, "</SignatureProvided>");
    free(safe);
    if (canonical != NULL) {
        char *creq = redacted(canonical, canonical_len);
        (void)awsorch_buf_puts(&x, "<CanonicalRequest>");
        awsorch__xml_escape(&x, creq != NULL ? creq : "");
        (void)awsorch_buf_puts(&x, "</CanonicalRequest>");
        free(creq);
    }
    (void)awsorch_buf_append(&x, "", 1);
    return (char *)x.data;
}

typedef struct auth_failure {
    int status;
    char code[64];
    char message[1536];
    char *extra; /* S3: <StringToSign> etc. */
} auth_failure;

static int auth_fail(auth_failure *f, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int auth_fail(auth_failure *f, int status, const char *code, const char *fmt, ...)
{
    f->status = status;
    (void)snprintf(f->code, sizeof(f->code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    return -1;
}

static bool header_signed(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (*p != '\0') {
        size_t len = strcspn(p, ";");
        if (len == n && strncasecmp(p, name, n) == 0) {
            return true;
        }
        p += len;
        if (*p == ';') {
            p++;
        }
    }
    return false;
}

/* S3's subresources that Signature Version 2 signs (as botocore's HmacV1Auth lists them). */
static const char *const sigv2_subresources[] = {"accelerate",
                                                 "acl",
                                                 "analytics",
                                                 "cors",
                                                 "defaultObjectAcl",
                                                 "delete",
                                                 "inventory",
                                                 "lifecycle",
                                                 "location",
                                                 "logging",
                                                 "metrics",
                                                 "notification",
                                                 "object-lock",
                                                 "partNumber",
                                                 "policy",
                                                 "replication",
                                                 "requestPayment",
                                                 "response-cache-control",
                                                 "response-content-disposition",
                                                 "response-content-encoding",
                                                 "response-content-language",
                                                 "response-content-type",
                                                 "response-expires",
                                                 "restore",
                                                 "select",
                                                 "select-type",
                                                 "storageClass",
                                                 "tagging",
                                                 "torrent",
                                                 "uploadId",
                                                 "uploads",
                                                 "versionId",
                                                 "versioning",
                                                 "versions",
                                                 "website",
                                                 NULL};

typedef struct sigv2_pair {
    char *name;
    char *value; /* NULL: no '=' */
} sigv2_pair;

static int sigv2_pair_cmp(const void *x, const void *y)
{
    return strcmp(((const sigv2_pair *)x)->name, ((const sigv2_pair *)y)->name);
}

/* The query's parameters, decoded, in pairs (at most `max`). */
static size_t sigv2_query_pairs(const char *query, sigv2_pair *out, size_t max)
{
    size_t n = 0;
    const char *cursor = query;
    emu_query_param q;
    while (n < max && emu_query_next(&cursor, &q)) {
        out[n].name = emu_uri_decode(q.text, q.name_len, true);
        out[n].value = q.has_value
                           ? emu_uri_decode(q.text + q.name_len + 1, q.len - q.name_len - 1, true)
                           : NULL;
        if (out[n].name != NULL) {
            n++;
        } else {
            free(out[n].value);
        }
    }
    return n;
}

/* The string a Signature Version 2 presigned URL signs: verb, Content-MD5, Content-Type,
 * Expires, the x-amz-* headers (sent as headers or, as botocore presigns them, as query
 * parameters), and the resource /bucket/key with its signed subresources. */
static char *sigv2_string_to_sign(const emu_http_request *req, bool bucket_slash)
{
    sigv2_pair q[64];
    size_t qn = sigv2_query_pairs(req->query, q, 64);
    const char *md5 = emu_header_get(req, "content-md5");
    const char *ctype = emu_header_get(req, "content-type");
    const char *expires = "";
    sigv2_pair amz[96];
    size_t an = 0;
    sigv2_pair sub[64];
    size_t sn = 0;
    for (size_t i = 0; i < qn; i++) {
        const char *v = q[i].value != NULL ? q[i].value : "";
        if (strcmp(q[i].name, "Expires") == 0) {
            expires = v;
        } else if (strcasecmp(q[i].name, "content-md5") == 0) {
            md5 = v;
        } else if (strcasecmp(q[i].name, "content-type") == 0) {
            ctype = v;
        } else if (strncasecmp(q[i].name, "x-amz-", 6) == 0 && an < 96) {
            amz[an].name = q[i].name;
            amz[an].value = q[i].value;
            an++;
        }
        for (size_t k = 0; sigv2_subresources[k] != NULL && sn < 64; k++) {
            if (strcmp(q[i].name, sigv2_subresources[k]) == 0) {
                sub[sn++] = q[i];
            }
        }
    }
    for (size_t i = 0; i < req->header_count && an < 96; i++) {
        if (strncmp(req->headers[i].name, "x-amz-", 6) != 0) {
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < an; k++) {
            dup = dup || strcasecmp(amz[k].name, req->headers[i].name) == 0;
        }
        if (!dup) {
            amz[an].name = req->headers[i].name;
            amz[an].value = req->headers[i].value;
            an++;
        }
    }
    qsort(amz, an, sizeof(amz[0]), sigv2_pair_cmp);
    qsort(sub, sn, sizeof(sub[0]), sigv2_pair_cmp);
    awsorch_buf b = AWSORCH_BUF_INIT;
    (void)awsorch_buf_puts(&b, req->method);
    (void)awsorch_buf_puts(&b, "\n");
    (void)awsorch_buf_puts(&b, md5 != NULL ? md5 : "");
    (void)awsorch_buf_puts(&b, "\n");
    (void)awsorch_buf_puts(&b, ctype != NULL ? ctype : "");
    (void)awsorch_buf_puts(&b, "\n");
    (void)awsorch_buf_puts(&b, expires);
    (void)awsorch_buf_puts(&b, "\n");
    for (size_t i = 0; i < an; i++) {
        for (const char *c = amz[i].name; *c != '\0'; c++) {
            char low = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
            (void)awsorch_buf_append(&b, &low, 1);
        }
        (void)awsorch_buf_puts(&b, ":");
        (void)awsorch_buf_puts(&b, amz[i].value != NULL ? amz[i].value : "");
        (void)awsorch_buf_puts(&b, "\n");
    }
    if (req->bucket != NULL) {
        (void)awsorch_buf_puts(&b, "/");
        (void)awsorch_buf_puts(&b, req->bucket);
    }
    (void)awsorch_buf_puts(&b, req->path);
    if (bucket_slash) {
        (void)awsorch_buf_puts(&b, "/");
    }
    for (size_t i = 0; i < sn; i++) {
        (void)awsorch_buf_puts(&b, i == 0 ? "?" : "&");
        (void)awsorch_buf_puts(&b, sub[i].name);
        if (sub[i].value != NULL) {
            (void)awsorch_buf_puts(&b, "=");
            (void)awsorch_buf_puts(&b, sub[i].value);
        }
    }
    (void)awsorch_buf_append(&b, "", 1);
    for (size_t i = 0; i < qn; i++) {
        free(q[i].name);
        free(q[i].value);
    }
    return (char *)b.data;
}

/* Whether base64(HMAC-SHA1(secret, tosign)) is `signature`. */
static bool sigv2_matches(const char *secret, const char *tosign, const char *signature)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    bool ok = HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)tosign,
                   strlen(tosign), mac, &mac_len) != NULL;
    int b64_len = ok ? EVP_EncodeBlock((unsigned char *)b64, mac, (int)mac_len) : 0;
    bool same = ok && b64_len > 0 && strlen(signature) == (size_t)b64_len &&
                CRYPTO_memcmp(signature, b64, (size_t)b64_len) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    return same;
}

/* Checks a Signature Version 2 presigned S3 URL (HMAC-SHA1, base64). 0 when valid. */
static int verify_sigv2(emu_server *s, const emu_http_request *req, const auth_info *a,
                        auth_failure *f)
{
    int64_t now = (int64_t)emu_now();
    if (now > a->expires) {
        return auth_fail(f, 403, "AccessDenied", "Request has expired");
    }
    char secret_copy[128] = "";
    char token_copy[2048] = "";
    bool expired = false;
    pthread_mutex_lock(&s->state.lock);
    const char *secret = config_secret(&s->state, a->access_key);
    const char *token = NULL;
    if (secret == NULL) {
        secret = emu_sts_secret(&s->state, a->access_key);
        token = emu_sts_token(&s->state, a->access_key, &expired);
    }
    bool known = secret != NULL;
    if (secret != NULL) {
        (void)snprintf(secret_copy, sizeof(secret_copy), "%s", secret);
    }
    if (token != NULL) {
        (void)snprintf(token_copy, sizeof(token_copy), "%s", token);
    }
    pthread_mutex_unlock(&s->state.lock);
    if (!known) {
        return auth_fail(f, 403, "InvalidAccessKeyId",
                         "The AWS Access Key Id you provided does not exist in our records.");
    }
    char *sent_token = emu_query_get(req->query, "x-amz-security-token");
    const char *hdr_token = emu_header_get(req, "x-amz-security-token");
    const char *tok = sent_token != NULL ? sent_token : hdr_token;
    int rc = 0;
    if (token_copy[0] != '\0' && (tok == NULL || strcmp(tok, token_copy) != 0)) {
        rc = auth_fail(f, 403, "InvalidToken",
                       "The provided token is malformed or otherwise invalid.");
    } else if (token_copy[0] != '\0' && expired) {
        rc = auth_fail(f, 400, "ExpiredToken",
                       "The security token included in the request is expired");
    }
    free(sent_token);
    /* A path-style request for the bucket itself ("/bucket") signs "/bucket/", as botocore
     * does; the form without the slash is taken too. */
    bool bucket_only = req->bucket == NULL && req->path[0] == '/' && req->path[1] != '\0' &&
                       strchr(req->path + 1, '/') == NULL;
    char *tosign = NULL;
    bool same = false;
    for (int pass = bucket_only ? 0 : 1; rc == 0 && pass < 2 && !same; pass++) {
        free(tosign);
        tosign = sigv2_string_to_sign(req, pass == 0);
        if (tosign == NULL) {
            rc = auth_fail(f, 500, "InternalError", "We encountered an internal error.");
            break;
        }
        same = sigv2_matches(secret_copy, tosign, a->signature);
    }
    if (rc == 0) {
        if (!same) {
            rc = auth_fail(f, 403, "SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature "
                           "you provided. Check your key and signing method.");
            f->extra =
                mismatch_details(a->access_key, tosign, strlen(tosign), a->signature, NULL, 0);
        }
    }
    free(tosign);
    OPENSSL_cleanse(secret_copy, sizeof(secret_copy));
    return rc;
}

/* Recomputes the signature with the project's signer and compares. 0 when valid. */
static int verify(emu_server *s, const route *r, const emu_http_request *req, const auth_info *a,
                  auth_failure *f)
{
    bool s3 = r->protocol == P_REST_XML;
    if (a->sigv2) {
        return verify_sigv2(s, req, a, f);
    }
    int64_t t;
    if (awsorch_time_parse(a->amz_date, &t) != AWSORCH_OK) {
        return auth_fail(f, 400,
                         s3 ? "AuthorizationQueryParametersError" : "IncompleteSignatureException",
                         "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                         "http://en.wikipedia.org/wiki/ISO_8601",
                         a->amz_date);
    }
    int64_t now = (int64_t)emu_now();
    char nowtxt[32];
    (void)awsorch_time_format_epoch(now, AWSORCH_TIME_ISO8601_BASIC, nowtxt, sizeof(nowtxt));
    if (a->presigned) {
        if (a->expires < 1 || a->expires > 604800) {
            return auth_fail(f, 400, "AuthorizationQueryParametersError",
                             "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }
        if (now > t + a->expires) {
            return auth_fail(f, 403, s3 ? "AccessDenied" : "InvalidSignatureException",
                             "Request has expired");
        }
    }
    if (!a->presigned && (t < now - SKEW_S || t > now + SKEW_S)) {
        char edge[32];
        (void)awsorch_time_format_epoch(t < now ? now - SKEW_S : now + SKEW_S,
                                        AWSORCH_TIME_ISO8601_BASIC, edge, sizeof(edge));
        if (s3) {
            return auth_fail(f, 403, "RequestTimeTooSkewed",
                             "The difference between the request time and the current time is "
                             "too large.");
        }
        if (t < now) {
            return auth_fail(f, 403,
                             r->protocol == P_QUERY ? "SignatureDoesNotMatch"
                                                    : "InvalidSignatureException",
                             "Signature expired: %s is now earlier than %s (%s - 15 min.)",
                             a->amz_date, edge, nowtxt);
        }
        return auth_fail(
            f, 403, r->protocol == P_QUERY ? "SignatureDoesNotMatch" : "InvalidSignatureException",
            "Signature not yet current: %s is still later than %s (%s + 15 min.)", a->amz_date,
            edge, nowtxt);
    }
    if (!header_signed(a->signed_headers, "host")) {
        return auth_fail(f, 400,
                         s3 ? "AuthorizationHeaderMalformed" : "IncompleteSignatureException",
                         "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                         "Authorization.");
    }
    if (strncmp(a->amz_date, a->scope_day, 8) != 0) {
        return auth_fail(f, s3 ? 400 : 403,
                         s3 ? "AuthorizationHeaderMalformed" : "InvalidSignatureException",
                         "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                         "of date from HTTP: '%s' != '%.8s', from '%s'.",
                         a->scope_day, a->amz_date, a->amz_date);
    }
    if (r->signing_name != NULL && strcmp(a->service, r->signing_name) != 0) {
        if (s3) {
            return auth_fail(f, 400, "AuthorizationHeaderMalformed",
                             "The authorization header is malformed; incorrect service \"%s\". "
                             "This endpoint belongs to \"s3\".",
                             a->service);
        }
        return auth_fail(
            f, 403, r->protocol == P_QUERY ? "SignatureDoesNotMatch" : "InvalidSignatureException",
            "Credential should be scoped to correct service: '%s'. ", r->signing_name);
    }
    const char *secret;
    const char *token = NULL;
    pthread_mutex_lock(&s->state.lock);
    secret = config_secret(&s->state, a->access_key);
    bool expired = false;
    char secret_copy[128] = "";
    char token_copy[2048] = "";
    if (secret == NULL) {
        secret = emu_sts_secret(&s->state, a->access_key);
        token = emu_sts_token(&s->state, a->access_key, &expired);
    }
    if (secret != NULL) {
        (void)snprintf(secret_copy, sizeof(secret_copy), "%s", secret);
    }
    if (token != NULL) {
        (void)snprintf(token_copy, sizeof(token_copy), "%s", token);
    }
    pthread_mutex_unlock(&s->state.lock);
    if (secret == NULL) {
        if (s3) {
            return auth_fail(f, 403, "InvalidAccessKeyId",
                             "The AWS Access Key Id you provided does not exist in our records.");
        }
        return auth_fail(
            f, 403, r->protocol == P_QUERY ? "InvalidClientTokenId" : "UnrecognizedClientException",
            "The security token included in the request is invalid.");
    }
    char *given_token = a->presigned ? emu_query_get(req->query, "X-Amz-Security-Token") : NULL;
    const char *sent_token =
        a->presigned ? given_token : emu_header_get(req, "x-amz-security-token");
    int rc = 0;
    if (token_copy[0] != '\0' && (sent_token == NULL || strcmp(sent_token, token_copy) != 0)) {
        rc = s3 ? auth_fail(f, 403, "InvalidToken",
                            "The provided token is malformed or otherwise "
                            "invalid.")
                : auth_fail(f, 403,
                            r->protocol == P_QUERY ? "InvalidClientTokenId"
                                                   : "UnrecognizedClientException",
                            "The security token included in the request is invalid.");
    } else if (token_copy[0] != '\0' && expired) {
        rc = auth_fail(f, 400, s3 ? "ExpiredToken" : "ExpiredTokenException",
                       "The security token included in the request is expired");
    }
    if (rc != 0) {
        free(given_token);
        OPENSSL_cleanse(secret_copy, sizeof(secret_copy));
        return rc;
    }

    /* Only the headers the client says it signed, as received. */
    awsorch_sigv4_header hs[64];
    size_t hn = 0;
    for (size_t i = 0; i < req->header_count && hn < 64; i++) {
        if (header_signed(a->signed_headers, req->headers[i].name)) {
            hs[hn].name.ptr = req->headers[i].name;
            hs[hn].name.len = strlen(req->headers[i].name);
            hs[hn].value.ptr = req->headers[i].value;
            hs[hn].value.len = strlen(req->headers[i].value);
            hn++;
        }
    }
    char *query = a->presigned ? strip_presign(req->query) : strdup(req->query);
    awsorch_sigv4_request sr = AWSORCH_SIGV4_REQUEST_INIT;
    sr.method = req->method;
    sr.path.ptr = req->path;
    sr.path.len = strlen(req->path);
    sr.query.ptr = query;
    sr.query.len = query != NULL ? strlen(query) : 0;
    sr.headers = hs;
    sr.header_count = hn;
    sr.body = req->body;
    sr.body_len = req->body_len;
    const char *content_sha = emu_header_get(req, "x-amz-content-sha256");
    awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
    p.region = a->region;
    p.service = a->service;
    p.access_key_id = a->access_key;
    p.secret_access_key = secret_copy;
    p.session_token = sent_token;
    p.time_s = t;
    if (a->presigned) {
        p.mode = AWSORCH_SIGV4_QUERY;
        p.expires_s = (uint32_t)a->expires;
    } else {
        if (sent_token != NULL && !header_signed(a->signed_headers, "x-amz-security-token")) {
            p.flags |= AWSORCH_SIGV4_OMIT_SESSION_TOKEN;
        }
        if (content_sha != NULL && header_signed(a->signed_headers, "x-amz-content-sha256")) {
            p.flags |= AWSORCH_SIGV4_ADD_CONTENT_SHA256;
            if (s3) {
                sr.payload_hash = content_sha;
            }
        }
    }
    if (s3 && !a->presigned && content_sha == NULL) {
        rc = auth_fail(f, 400, "InvalidRequest",
                       "Missing required header for this request: x-amz-content-sha256");
    }
    size_t need = rc == 0 ? awsorch_sigv4_scratch_size(&sr, &p) : 0;
    char *scratch = need > 0 ? malloc(need) : NULL;
    awsorch_sigv4_result out;
    if (rc == 0 && (scratch == NULL || query == NULL ||
                    awsorch_sigv4_sign(&out, &sr, &p, scratch, need) != AWSORCH_OK)) {
        rc = auth_fail(f, 400, s3 ? "InvalidRequest" : "IncompleteSignatureException",
                       "The request could not be canonicalized for signing: %s",
                       awsorch_error_last()->message);
    }
    if (rc == 0) {
        bool same_headers =
            strlen(a->signed_headers) == out.signed_headers.len &&
            memcmp(a->signed_headers, out.signed_headers.ptr, out.signed_headers.len) == 0;
        bool same = strlen(a->signature) == 64 &&
                    CRYPTO_memcmp(a->signature, out.signature, 64) == 0 && same_headers;
        if (!same) {
            const char *base = "The request signature we calculated does not match the signature "
                               "you provided. Check your AWS Secret Access Key and signing "
                               "method. Consult the service documentation for details.";
            if (s3) {
                rc = auth_fail(f, 403, "SignatureDoesNotMatch", "%s", base);
                f->extra = mismatch_details(a->access_key, out.string_to_sign.ptr,
                                            out.string_to_sign.len, a->signature,
                                            out.canonical_request.ptr, out.canonical_request.len);
            } else {
                char *creq = redacted(out.canonical_request.ptr, out.canonical_request.len);
                rc = auth_fail(f, 403,
                               r->protocol == P_QUERY ? "SignatureDoesNotMatch"
                                                      : "InvalidSignatureException",
                               "%s\n\nThe Canonical String for this request should have "
                               "been\n'%s'\n\nThe String-to-Sign should have been\n'%.*s'\n",
                               base, creq != NULL ? creq : "", (int)out.string_to_sign.len,
                               out.string_to_sign.ptr);
                free(creq);
            }
        }
    }
    if (scratch != NULL) {
        OPENSSL_cleanse(scratch, need);
    }
    free(scratch);
    free(query);
    free(given_token);
    OPENSSL_cleanse(secret_copy, sizeof(secret_copy));
    return rc;
}

/* ---- faults ------------------------------------------------------------------------- */

static const char *const fault_types[] = {"error", "throttle", "reset", "delay", "truncate", NULL};

/* Checks one fault declaration; fills defaults. 0 when usable. */
static int fault_check(json_t *f, char *err, size_t n)
{
    if (!json_is_object(f)) {
        (void)snprintf(err, n, "a fault must be a JSON object");
        return -1;
    }
    const char *type = json_string_value(json_object_get(f, "type"));
    bool known = false;
    for (size_t i = 0; type != NULL && fault_types[i] != NULL; i++) {
        known = known || strcmp(type, fault_types[i]) == 0;
    }
    if (!known) {
        (void)snprintf(err, n,
                       "a fault needs \"type\": one of error, throttle, reset, delay, truncate");
        return -1;
    }
    json_t *count = json_object_get(f, "count");
    if (count == NULL) {
        (void)json_object_set_new(f, "count", json_integer(1));
    } else if (!json_is_integer(count) || json_integer_value(count) < 1) {
        (void)snprintf(err, n, "a fault's \"count\" must be an integer of at least 1");
        return -1;
    }
    static const char *const ints[] = {"status", "delay_ms", "skip"};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(f, ints[i]);
        if (v != NULL &&
            (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 600000)) {
            (void)snprintf(err, n, "a fault's \"%s\" must be a non-negative integer", ints[i]);
            return -1;
        }
    }
    json_t *status = json_object_get(f, "status");
    if (status != NULL && (json_integer_value(status) < 400 || json_integer_value(status) > 599)) {
        (void)snprintf(err, n, "a fault's \"status\" must be an HTTP error status (400-599)");
        return -1;
    }
    for (size_t i = 0; i < 3; i++) {
        static const char *const strs[] = {"service", "operation", "code"};
        json_t *v = json_object_get(f, strs[i]);
        if (v != NULL && !json_is_string(v)) {
            (void)snprintf(err, n, "a fault's \"%s\" must be a string", strs[i]);
            return -1;
        }
    }
    return 0;
}

static bool matches(json_t *f, const char *key, const char *value)
{
    const char *want = json_string_value(json_object_get(f, key));
    return want == NULL || strcmp(want, "*") == 0 || strcasecmp(want, value) == 0;
}

/* The fault this request gets, if one is armed for it (a copy), or NULL. */
static json_t *take_fault(emu_server *s, const route *r)
{
    json_t *hit = NULL;
    pthread_mutex_lock(&s->ctl_lock);
    size_t i;
    json_t *f;
    json_array_foreach(s->faults, i, f)
    {
        if (!matches(f, "service", r->service) || !matches(f, "operation", r->operation)) {
            continue;
        }
        json_int_t skip = json_integer_value(json_object_get(f, "skip"));
        if (skip > 0) {
            (void)json_object_set_new(f, "skip", json_integer(skip - 1));
            continue;
        }
        hit = json_deep_copy(f);
        json_int_t left = json_integer_value(json_object_get(f, "count")) - 1;
        if (left <= 0) {
            (void)json_array_remove(s->faults, i);
        } else {
            (void)json_object_set_new(f, "count", json_integer(left));
        }
        break;
    }
    pthread_mutex_unlock(&s->ctl_lock);
    return hit;
}

/* Applies a fault; true when the request ends here (the outcome is filled). */
static bool apply_fault(emu *e, json_t *f, const route *r, const char *method,
                        const char *request_id, outcome *o)
{
    const char *type = json_string_value(json_object_get(f, "type"));
    const char *code = json_string_value(json_object_get(f, "code"));
    json_t *status = json_object_get(f, "status");
    o->fault = type;
    if (strcmp(type, "reset") == 0) {
        o->reset = true;
        return true;
    }
    if (strcmp(type, "delay") == 0) {
        json_int_t ms = json_integer_value(json_object_get(f, "delay_ms"));
        double deadline = emu_now() + (double)ms / 1000.0;
        /* A timed wait, not a sleep, so that stopping the emulator ends it. */
        pthread_mutex_lock(&e->lock);
        while (!emu_wait_until(e, deadline)) {
        }
        pthread_mutex_unlock(&e->lock);
        return false;
    }
    if (strcmp(type, "truncate") == 0) {
        o->truncate = true;
        return false;
    }
    bool s3 = r->protocol == P_REST_XML;
    if (strcmp(type, "throttle") == 0) {
        int st = status != NULL               ? (int)json_integer_value(status)
                 : s3                         ? 503
                 : r->protocol == P_REST_JSON ? 429
                                              : 400;
        const char *c = code != NULL                 ? code
                        : s3                         ? "SlowDown"
                        : r->protocol == P_QUERY     ? "Throttling"
                        : r->protocol == P_REST_JSON ? "TooManyRequestsException"
                                                     : "ThrottlingException";
        render_error(o, r, method, st, c, s3 ? "Please reduce your request rate." : "Rate exceeded",
                     request_id, NULL);
        return true;
    }
    int st = status != NULL ? (int)json_integer_value(status) : 500;
    const char *c = code != NULL                 ? code
                    : st == 503                  ? "ServiceUnavailable"
                    : s3                         ? "InternalError"
                    : r->protocol == P_REST_JSON ? "ServiceException"
                                                 : "InternalFailure";
    render_error(o, r, method, st, c,
                 st == 503 ? "Service is unavailable. Please try again later."
                           : "We encountered an internal error. Please try again.",
                 request_id, NULL);
    return true;
}

/* ---- the control API ------------------------------------------------------------------ */

static void reply_json(outcome *o, int status, json_t *body)
{
    o->rep.status = status;
    emu_reply_take(&o->rep, json_dumps(body, JSON_INDENT(2)));
    emu_reply_header(&o->rep, "Content-Type", "application/json");
    json_decref(body);
}

static json_t *message(const char *text)
{
    return json_pack("{s:s}", "message", text);
}

static void control(emu_server *s, const emu_http_request *req, outcome *o)
{
    const char *what = req->path + strlen("/_awsorch/");
    const char *m = req->method;
    if (strcmp(what, "health") == 0) {
        reply_json(o, 200,
                   json_pack("{s:s, s:f}", "status", "running", "time_scale", s->state.time_scale));
        return;
    }
    if (strcmp(what, "requests") == 0) {
        pthread_mutex_lock(&s->ctl_lock);
        if (strcmp(m, "DELETE") == 0) {
            json_array_clear(s->requests);
            pthread_mutex_unlock(&s->ctl_lock);
            reply_json(o, 200, json_pack("{s:[]}", "requests"));
            return;
        }
        char *svc = emu_query_get(req->query, "service");
        char *op = emu_query_get(req->query, "operation");
        json_t *list = json_array();
        size_t i;
        json_t *rec;
        json_array_foreach(s->requests, i, rec)
        {
            if ((svc == NULL || matches(rec, "service", svc)) &&
                (op == NULL || matches(rec, "operation", op))) {
                (void)json_array_append(list, rec);
            }
        }
        pthread_mutex_unlock(&s->ctl_lock);
        free(svc);
        free(op);
        reply_json(o, 200, json_pack("{s:o}", "requests", list));
        return;
    }
    if (strcmp(what, "faults") == 0) {
        if (strcmp(m, "POST") == 0) {
            json_error_t jerr;
            json_t *body = json_loadb((const char *)req->body, req->body_len, 0, &jerr);
            json_t *list = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
            char err[256] = "";
            size_t i;
            json_t *f;
            bool ok = body != NULL;
            if (!ok) {
                (void)snprintf(err, sizeof(err), "the body is not JSON: %s", jerr.text);
            }
            json_array_foreach(list, i, f)
            {
                ok = ok && fault_check(f, err, sizeof(err)) == 0;
            }
            if (ok && json_array_size(list) + json_array_size(s->faults) > MAX_FAULTS) {
                ok = false;
                (void)snprintf(err, sizeof(err), "at most %d faults can be armed at once",
                               MAX_FAULTS);
            }
            if (ok) {
                pthread_mutex_lock(&s->ctl_lock);
                (void)json_array_extend(s->faults, list);
                json_t *all = json_deep_copy(s->faults);
                pthread_mutex_unlock(&s->ctl_lock);
                reply_json(o, 200, json_pack("{s:o}", "faults", all));
            } else {
                reply_json(o, 400, message(err));
            }
            json_decref(list);
            json_decref(body);
            return;
        }
        pthread_mutex_lock(&s->ctl_lock);
        if (strcmp(m, "DELETE") == 0) {
            json_array_clear(s->faults);
        }
        json_t *all = json_deep_copy(s->faults);
        pthread_mutex_unlock(&s->ctl_lock);
        reply_json(o, 200, json_pack("{s:o}", "faults", all));
        return;
    }
    reply_json(o, 404,
               message("unknown control path: use /_awsorch/health, "
                       "/_awsorch/requests or /_awsorch/faults"));
}

/* ---- one request ------------------------------------------------------------------------ */

static void dispatch_json(emu_server *s, const route *r, const emu_http_request *req,
                          const emu_call *call, outcome *o)
{
    emu_error err = {0};
    const emu_json_op *op = emu_json_op_find(emu_json_ops_for(r->service), r->operation);
    if (op == NULL) {
        render_error(o, r, req->method, 400, "UnknownOperationException",
                     "The emulator does not implement this operation", call->request_id, NULL);
        return;
    }
    json_t *input;
    if (req->body_len == 0) {
        input = json_object();
    } else {
        json_error_t jerr;
        input = json_loadb((const char *)req->body, req->body_len, 0, &jerr);
        if (input == NULL) {
            render_error(o, r, req->method, 400, "SerializationException", jerr.text,
                         call->request_id, NULL);
            return;
        }
    }
    json_t *output = NULL;
    const awsorch_operation *model = emu_model_operation(r->service, r->operation);
    int rc = model != NULL ? emu_validate(model->input, input, &err) : 0;
    if (rc == 0) {
        pthread_mutex_lock(&s->state.lock);
        rc = op->fn(&s->state, call, input, &output, &err);
        pthread_mutex_unlock(&s->state.lock);
    }
    json_decref(input);
    if (rc != 0) {
        json_decref(output);
        render_error(o, r, req->method, err.status > 0 ? err.status : 400,
                     err.code[0] != '\0' ? err.code : "InternalFailure", err.message,
                     call->request_id, NULL);
        return;
    }
    o->rep.status = 200;
    emu_reply_take(&o->rep, output != NULL ? json_dumps(output, JSON_COMPACT) : strdup("{}"));
    json_decref(output);
    emu_reply_header(&o->rep, "Content-Type",
                     r->protocol == P_JSON10 ? "application/x-amz-json-1.0"
                                             : "application/x-amz-json-1.1");
}

static void dispatch(emu_server *s, const route *r, const emu_http_request *req,
                     const emu_call *call, outcome *o)
{
    if (r->protocol == P_JSON10 || r->protocol == P_JSON11) {
        if (strcmp(r->service, "unknown") == 0) {
            render_error(o, r, req->method, 400, "UnknownOperationException",
                         "No service of the emulator answers this X-Amz-Target", call->request_id,
                         NULL);
            return;
        }
        dispatch_json(s, r, req, call, o);
        return;
    }
    emu_http_fn fn = r->protocol == P_REST_JSON ? emu_lambda_handle
                     : r->protocol == P_QUERY   ? emu_sts_handle
                                                : emu_s3_handle;
    emu_error err = {0};
    pthread_mutex_lock(&s->state.lock);
    int rc = fn(&s->state, call, req, &o->rep, &err);
    pthread_mutex_unlock(&s->state.lock);
    if (rc != 0) {
        render_error(o, r, req->method, err.status > 0 ? err.status : 400,
                     err.code[0] != '\0' ? err.code : "InternalFailure", err.message,
                     call->request_id, NULL);
    } else if (o->rep.status == 0) {
        o->rep.status = 200;
    }
}

static void record(emu_server *s, const route *r, const emu_http_request *req, const auth_info *a,
                   const outcome *o, double started)
{
    double ms = (emu_now() - started) * 1000.0;
    char when[32];
    emu_iso8601(started, when);
    const char *sdk = emu_header_get(req, "amz-sdk-request");
    const char *inv = emu_header_get(req, "amz-sdk-invocation-id");
    char path[MAX_LOGGED_PATH + 1];
    size_t n = 0;
    for (; req->path[n] != '\0' && n < MAX_LOGGED_PATH; n++) {
        unsigned char c = (unsigned char)req->path[n];
        path[n] = req->path[n];
        if (c < 0x20 || c >= 0x7f) {
            path[n] = '?';
        }
    }
    path[n] = '\0';
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:f}", "time", when, "service",
                            r->service, "operation", r->operation, "method", req->method, "path",
                            path, "status", o->rep.status, "latency_ms", ms);
    if (rec == NULL) {
        return;
    }
    if (a->access_key[0] != '\0') {
        (void)json_object_set_new(rec, "access_key", json_string(a->access_key));
    }
    if (sdk != NULL) {
        (void)json_object_set_new(rec, "amz_sdk_request", json_string(sdk));
    }
    if (inv != NULL) {
        (void)json_object_set_new(rec, "amz_sdk_invocation_id", json_string(inv));
    }
    if (o->fault != NULL) {
        (void)json_object_set_new(rec, "fault", json_string(o->fault));
    }
    pthread_mutex_lock(&s->ctl_lock);
    (void)json_object_set_new(rec, "seq", json_integer((json_int_t)++s->seq));
    if (json_array_size(s->requests) >= MAX_REQUEST_LOG) {
        (void)json_array_remove(s->requests, 0);
    }
    (void)json_array_append_new(s->requests, rec);
    pthread_mutex_unlock(&s->ctl_lock);
    if (s->log_requests) {
        (void)fprintf(stderr, "awsorch-emulator %s %s %d %.1f ms%s%s\n", r->service,
                      r->operation[0] != '\0' ? r->operation : "-", o->rep.status, ms,
                      o->fault != NULL ? " fault=" : "", o->fault != NULL ? o->fault : "");
    }
}

static bool unsigned_allowed(const route *r)
{
    return strcmp(r->service, "sts") == 0 && strcmp(r->operation, "AssumeRoleWithWebIdentity") == 0;
}

static void handle(emu_server *s, emu_http_request *req, outcome *o)
{
    double started = emu_now();
    char request_id[37];
    emu_uuid(request_id);
    char *host_bucket = virtual_bucket(req->host);
    bool control_path = host_bucket == NULL && strncmp(req->path, "/_awsorch/", 10) == 0;
    free(host_bucket);
    if (control_path) {
        control(s, req, o);
        return;
    }
    route r;
    char *bucket = NULL;
    find_route(&r, req, &bucket);
    auth_info a;
    char why[512] = "";
    int parsed = parse_auth(req, r.protocol == P_REST_XML, &a, why, sizeof(why));
    if (parsed < 0) {
        render_error(o, &r, req->method, 400,
                     r.protocol != P_REST_XML ? "IncompleteSignatureException"
                     : a.sigv2 || emu_header_get(req, "authorization") == NULL
                         ? "AuthorizationQueryParametersError"
                         : "AuthorizationHeaderMalformed",
                     why, request_id, NULL);
    } else if (parsed == 0 && !unsigned_allowed(&r)) {
        if (r.protocol == P_REST_XML) {
            render_error(o, &r, req->method, 403, "AccessDenied", "Access Denied", request_id,
                         NULL);
        } else {
            render_error(o, &r, req->method, 403,
                         r.protocol == P_QUERY ? "MissingAuthenticationToken"
                                               : "MissingAuthenticationTokenException",
                         r.protocol == P_QUERY ? "Request is missing Authentication Token"
                                               : "Missing Authentication Token",
                         request_id, NULL);
        }
    } else {
        auth_failure f = {0};
        if (parsed > 0 && verify(s, &r, req, &a, &f) != 0) {
            render_error(o, &r, req->method, f.status, f.code, f.message, request_id, f.extra);
        } else {
            json_t *fault = take_fault(s, &r);
            if (fault == NULL || !apply_fault(&s->state, fault, &r, req->method, request_id, o)) {
                emu_call call = {a.region[0] != '\0' ? a.region : "us-east-1", a.access_key,
                                 request_id};
                dispatch(s, &r, req, &call, o);
            }
            if (fault != NULL) {
                /* o->fault points into the fault; keep the name for the log. */
                static const char *const names[] = {"error", "throttle", "reset", "delay",
                                                    "truncate"};
                for (size_t i = 0; i < 5 && o->fault != NULL; i++) {
                    if (strcmp(o->fault, names[i]) == 0) {
                        o->fault = names[i];
                    }
                }
                json_decref(fault);
            }
        }
        free(f.extra);
    }
    if (r.protocol == P_REST_XML) {
        emu_reply_header(&o->rep, "x-amz-request-id", request_id);
        emu_reply_header(&o->rep, "x-amz-id-2", "awsorch-emulator");
    } else if (r.protocol != P_QUERY) {
        emu_reply_header(&o->rep, "x-amzn-RequestId", request_id);
    }
    record(s, &r, req, &a, o, started);
    free(bucket);
}

/* ---- libmicrohttpd glue ------------------------------------------------------------------ */

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    conn *x = calloc(1, sizeof(*x));
    if (x != NULL) {
        x->uri = strdup(uri != NULL ? uri : "/");
    }
    return x;
}

typedef struct header_vec {
    emu_header items[128];
    size_t count;
} header_vec;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    header_vec *v = cls;
    if (v->count >= 128 || key == NULL) {
        return MHD_YES;
    }
    char *name = strdup(key);
    char *val = strdup(value != NULL ? value : "");
    if (name == NULL || val == NULL) {
        free(name);
        free(val);
        return MHD_YES;
    }
    for (char *p = name; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    v->items[v->count].name = name;
    v->items[v->count].value = val;
    v->count++;
    return MHD_YES;
}

typedef struct truncated {
    unsigned char *data;
    size_t len;
    size_t sent;
} truncated;

static ssize_t truncated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    truncated *t = cls;
    size_t half = t->len / 2;
    if (pos >= half) {
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = half - (size_t)pos < max ? half - (size_t)pos : max;
    memcpy(buf, t->data + pos, n);
    return (ssize_t)n;
}

static void truncated_free(void *cls)
{
    truncated *t = cls;
    free(t->data);
    free(t);
}

static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    (void)pos;
    (void)buf;
    (void)max;
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static enum MHD_Result respond(struct MHD_Connection *connection, const char *method, outcome *o)
{
    struct MHD_Response *resp;
    bool head = strcmp(method, "HEAD") == 0;
    const char *length = NULL;
    for (size_t i = 0; i < o->rep.header_count; i++) {
        if (strcasecmp(o->rep.headers[i].name, "content-length") == 0) {
            length = o->rep.headers[i].value;
        }
    }
    if (o->truncate && o->rep.body_len > 1) {
        truncated *t = calloc(1, sizeof(*t));
        if (t == NULL) {
            return MHD_NO;
        }
        t->data = o->rep.body;
        t->len = o->rep.body_len;
        o->rep.body = NULL;
        resp = MHD_create_response_from_callback(t->len, 4096, truncated_read, t, truncated_free);
    } else if (head && length != NULL) {
        /* HEAD announces the object's size; MHD sends no body for HEAD, so the
         * reader is never asked for bytes. */
        resp = MHD_create_response_from_callback(strtoull(length, NULL, 10), 4096, no_body, NULL,
                                                 NULL);
    } else {
        resp = MHD_create_response_from_buffer(o->rep.body_len, o->rep.body, MHD_RESPMEM_MUST_COPY);
    }
    if (resp == NULL) {
        return MHD_NO;
    }
    for (size_t i = 0; i < o->rep.header_count; i++) {
        if (strcasecmp(o->rep.headers[i].name, "content-length") == 0) {
            continue;
        }
        (void)MHD_add_response_header(resp, o->rep.headers[i].name, o->rep.headers[i].value);
    }
    enum MHD_Result r = MHD_queue_response(connection, (unsigned)o->rep.status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url;
    (void)version;
    emu_server *s = cls;
    conn *c = *con_cls;
    if (c == NULL || c->uri == NULL) {
        return MHD_NO;
    }
    if (!c->started) {
        c->started = true;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (c->too_large || c->len + n > s->max_body) {
            c->too_large = true;
            return MHD_YES;
        }
        if (c->len + n > c->cap) {
            size_t cap = c->cap == 0 ? 65536 : c->cap;
            while (cap < c->len + n) {
                cap *= 2;
            }
            unsigned char *grown = realloc(c->body, cap);
            if (grown == NULL) {
                c->too_large = true;
                return MHD_YES;
            }
            c->body = grown;
            c->cap = cap;
        }
        memcpy(c->body + c->len, upload_data, n);
        c->len += n;
        return MHD_YES;
    }
    header_vec hv;
    hv.count = 0;
    (void)MHD_get_connection_values(connection, MHD_HEADER_KIND, collect, &hv);
    char *q = strchr(c->uri, '?');
    char *path = q != NULL ? strndup(c->uri, (size_t)(q - c->uri)) : strdup(c->uri);
    emu_http_request req = {method,
                            path != NULL ? path : "/",
                            q != NULL ? q + 1 : "",
                            NULL,
                            hv.items,
                            hv.count,
                            c->body,
                            c->len,
                            NULL};
    req.host = emu_header_get(&req, "host");
    outcome o;
    memset(&o, 0, sizeof(o));
    if (c->too_large) {
        route r;
        char *bucket = NULL;
        find_route(&r, &req, &bucket);
        free(bucket);
        char rid[37];
        emu_uuid(rid);
        render_error(&o, &r, method, 413, "RequestEntityTooLarge",
                     "The request body is larger than the emulator accepts (max_request_bytes)",
                     rid, NULL);
    } else {
        handle(s, &req, &o);
    }
    enum MHD_Result rc = o.reset ? MHD_NO : respond(connection, method, &o);
    reply_clear(&o.rep);
    for (size_t i = 0; i < hv.count; i++) {
        free(hv.items[i].name);
        free(hv.items[i].value);
    }
    free(path);
    return rc;
}

static void on_done(void *cls, struct MHD_Connection *connection, void **con_cls,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)connection;
    (void)code;
    conn *c = *con_cls;
    if (c != NULL) {
        free(c->uri);
        free(c->body);
        free(c);
        *con_cls = NULL;
    }
}

/* ---- start and stop ------------------------------------------------------------------------ */

static int load_config(emu_server *s, const emu_server_options *opts, char *err, size_t n)
{
    json_error_t jerr;
    json_t *cfg = NULL;
    if (opts->config_path != NULL) {
        cfg = json_load_file(opts->config_path, JSON_REJECT_DUPLICATES, &jerr);
    } else if (opts->config_json != NULL) {
        cfg = json_loads(opts->config_json, JSON_REJECT_DUPLICATES, &jerr);
    } else {
        cfg = json_object();
    }
    if (cfg == NULL) {
        (void)snprintf(err, n, "config %s: line %d: %s",
                       opts->config_path != NULL ? opts->config_path : "(text)", jerr.line,
                       jerr.text);
        return -1;
    }
    if (!json_is_object(cfg)) {
        (void)snprintf(err, n, "config: the top level must be a JSON object");
        json_decref(cfg);
        return -1;
    }
    s->state.config = cfg;
    json_t *scale = json_object_get(cfg, "time_scale");
    s->state.time_scale = 1.0;
    if (scale != NULL) {
        if (!json_is_number(scale) || json_number_value(scale) < 1e-6 ||
            json_number_value(scale) > 1e9) {
            (void)snprintf(err, n, "config: \"time_scale\" must be a number between 1e-6 and 1e9");
            return -1;
        }
        s->state.time_scale = json_number_value(scale);
    }
    json_t *max = json_object_get(cfg, "max_request_bytes");
    s->max_body = DEFAULT_MAX_BODY;
    if (max != NULL) {
        if (!json_is_integer(max) || json_integer_value(max) < 1024) {
            (void)snprintf(err, n, "config: \"max_request_bytes\" must be an integer >= 1024");
            return -1;
        }
        s->max_body = (size_t)json_integer_value(max);
    }
    json_t *creds = json_object_get(cfg, "credentials");
    size_t i;
    json_t *c;
    if (creds != NULL && !json_is_array(creds)) {
        (void)snprintf(err, n, "config: \"credentials\" must be an array of key pairs");
        return -1;
    }
    json_array_foreach(creds, i, c)
    {
        if (!json_is_string(json_object_get(c, "access_key_id")) ||
            !json_is_string(json_object_get(c, "secret_access_key"))) {
            (void)snprintf(err, n,
                           "config: credentials[%zu] needs \"access_key_id\" and "
                           "\"secret_access_key\" strings",
                           i);
            return -1;
        }
    }
    json_t *faults = json_object_get(cfg, "faults");
    if (faults != NULL && !json_is_array(faults)) {
        (void)snprintf(err, n, "config: \"faults\" must be an array");
        return -1;
    }
    json_array_foreach(faults, i, c)
    {
        json_t *copy = json_deep_copy(c);
        char why[200];
        if (fault_check(copy, why, sizeof(why)) != 0) {
            (void)snprintf(err, n, "config: faults[%zu]: %s", i, why);
            json_decref(copy);
            return -1;
        }
        (void)json_array_append_new(s->faults, copy);
    }
    return 0;
}

int emu_server_start(emu_server **out, const emu_server_options *opts, char *err, size_t err_len)
{
    *out = NULL;
    emu_server *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        (void)snprintf(err, err_len, "out of memory");
        return -1;
    }
    (void)pthread_mutex_init(&s->state.lock, NULL);
    (void)pthread_cond_init(&s->state.changed, NULL);
    (void)pthread_mutex_init(&s->ctl_lock, NULL);
    s->faults = json_array();
    s->requests = json_array();
    s->log_requests = opts->log_requests;
    if (load_config(s, opts, err, err_len) != 0) {
        emu_server_stop(s);
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    const char *bind_to = opts->bind != NULL ? opts->bind : "127.0.0.1";
    if (opts->port < 0 || opts->port > 65535 || inet_pton(AF_INET, bind_to, &addr.sin_addr) != 1) {
        (void)snprintf(err, err_len, "cannot listen on %s:%d: not an IPv4 address and port",
                       bind_to, opts->port);
        emu_server_stop(s);
        return -1;
    }
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                                 (uint16_t)opts->port, NULL, NULL, on_request, s,
                                 MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_URI_LOG_CALLBACK,
                                 uri_logger, s, MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300, MHD_OPTION_END);
    if (s->daemon == NULL) {
        (void)snprintf(err, err_len, "cannot listen on %s:%d (is the port in use?)", bind_to,
                       opts->port);
        emu_server_stop(s);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : opts->port;
    *out = s;
    return 0;
}

int emu_server_port(const emu_server *s)
{
    return s->port;
}

emu *emu_server_state(emu_server *s)
{
    return &s->state;
}

void emu_server_stop(emu_server *s)
{
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->state.lock);
    s->state.stopping = true;
    emu_changed(&s->state);
    pthread_mutex_unlock(&s->state.lock);
    if (s->daemon != NULL) {
        MHD_stop_daemon(s->daemon);
    }
    emu *e = &s->state;
    emu_sfn_free(e);
    emu_glue_free(e);
    emu_athena_free(e);
    emu_redshift_free(e);
    emu_lambda_free(e);
    emu_logs_free(e);
    emu_s3_free(e);
    emu_sts_free(e);
    json_decref(e->config);
    json_decref(s->faults);
    json_decref(s->requests);
    (void)pthread_cond_destroy(&e->changed);
    (void)pthread_mutex_destroy(&e->lock);
    (void)pthread_mutex_destroy(&s->ctl_lock);
    free(s);
}
