/* awsorch-emulator: Amazon S3 (restXml) kept in memory — buckets, objects with
 * ranges and conditions, listings (v1 and v2), copies, batch deletes and
 * multipart uploads, with S3's own XML replies and errors. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <openssl/evp.h>

#include "emu.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_OWNER_ID "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
#define S3_OWNER_NAME "awsorch"
#define S3_DEFAULT_MAX_OBJECT ((size_t)64 << 20)
#define S3_DEFAULT_MIN_PART ((size_t)5 << 20)
#define S3_MAX_KEY 1024
#define S3_MAX_META 2048
#define S3_MAX_PARTS 10000
#define S3_MAX_DELETE 1000
#define S3_MAX_XEXTRA 4
/* Reply slots left for the core's own headers (request id, date, ...). */
#define S3_CORE_HEADERS 4

/* Bytes for n pointers to this file's structs (all struct pointers share one size,
 * C11 6.2.5p28); the arrays of buckets, objects and uploads hold such pointers. */
#define PTRS(n) ((n) * sizeof(struct s3_object *)) /* NOLINT(bugprone-sizeof-expression) */

/* ---- state ------------------------------------------------------------------------ */

typedef struct s3_kv {
    char *name; /* user metadata: the part after "x-amz-meta-", lowercase */
    char *value;
} s3_kv;

/* Representation headers S3 stores with an object and returns on GET/HEAD. */
enum { STD_CACHE, STD_DISPOSITION, STD_ENCODING, STD_LANGUAGE, STD_EXPIRES, STD_COUNT };
static const char *const std_in[STD_COUNT] = {"cache-control", "content-disposition",
                                              "content-encoding", "content-language", "expires"};
static const char *const std_out[STD_COUNT] = {"Cache-Control", "Content-Disposition",
                                               "Content-Encoding", "Content-Language", "Expires"};
static const char *const std_override[STD_COUNT] = {
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-expires"};

typedef struct s3_attrs {
    char *content_type;
    char *std[STD_COUNT];
    char *storage_class; /* NULL: STANDARD */
    s3_kv *meta;
    size_t meta_n;
} s3_attrs;

typedef struct s3_object {
    char *key;
    unsigned char *data;
    size_t len;
    char etag[48]; /* without quotes: md5 hex, or md5-of-md5s "-N" */
    double mtime;  /* whole seconds, as S3 keeps them */
    s3_attrs a;
} s3_object;

typedef struct s3_part {
    int number;
    unsigned char *data;
    size_t len;
    unsigned char md5[16];
    char etag[33];
    double mtime;
} s3_part;

typedef struct s3_upload {
    char id[65];
    char *key;
    s3_attrs a;
    double initiated;
    s3_part *parts; /* sorted by number */
    size_t n, cap;
} s3_upload;

typedef struct s3_bucket {
    char *name;
    char region[32];
    double created;
    s3_object **objs; /* sorted by key, bytewise (UTF-8 binary order) */
    size_t n, cap;
    s3_upload **ups;
    size_t up_n, up_cap;
} s3_bucket;

typedef struct s3_state {
    s3_bucket **b; /* sorted by name */
    size_t n, cap;
    size_t max_object;
    size_t min_part;
    char region[32];
} s3_state;

/* One request on its way through. */
typedef struct s3_ctx {
    emu *e;
    s3_state *st;
    const emu_call *call;
    const emu_http_request *req;
    emu_http_reply *rep;
    bool head;
    size_t core_headers; /* reply headers the core set before calling us */
    char *bucket;        /* decoded; NULL for the service (ListBuckets) */
    char *key;           /* decoded; NULL for bucket operations */
    const unsigned char *body;
    size_t body_len;
    unsigned char *body_owned; /* decoded aws-chunked body */
    bool have_md5;
    unsigned char md5[16];
    /* the error, rendered as S3 does (with its extra elements) */
    int err_status;
    char err_code[64];
    char err_msg[512];
    size_t nx;
    char xname[S3_MAX_XEXTRA][40];
    char *xval[S3_MAX_XEXTRA];
} s3_ctx;

/* ---- small helpers ---------------------------------------------------------------- */

static int fail(s3_ctx *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(s3_ctx *c, int status, const char *code, const char *fmt, ...)
{
    c->err_status = status;
    (void)snprintf(c->err_code, sizeof(c->err_code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
    va_end(ap);
    return -1;
}

/* Adds an element to the error (Key, BucketName, ...); returns -1 for chaining. */
static int extra(s3_ctx *c, const char *name, const char *value)
{
    if (c->nx < S3_MAX_XEXTRA && value != NULL) {
        char *v = strdup(value);
        if (v != NULL) {
            (void)snprintf(c->xname[c->nx], sizeof(c->xname[0]), "%s", name);
            c->xval[c->nx++] = v;
        }
    }
    return -1;
}

static int extra_num(s3_ctx *c, const char *name, unsigned long long v)
{
    char buf[32];
    (void)snprintf(buf, sizeof(buf), "%llu", v);
    return extra(c, name, buf);
}

static int internal(s3_ctx *c)
{
    return fail(c, 500, "InternalError", "We encountered an internal error. Please try again.");
}

static int no_such_bucket(s3_ctx *c, const char *name)
{
    fail(c, 404, "NoSuchBucket", "The specified bucket does not exist");
    return extra(c, "BucketName", name);
}

static int no_such_key(s3_ctx *c, const char *key)
{
    fail(c, 404, "NoSuchKey", "The specified key does not exist.");
    return extra(c, "Key", key);
}

static int no_such_upload(s3_ctx *c, const char *id)
{
    fail(c, 404, "NoSuchUpload",
         "The specified upload does not exist. The upload ID may be invalid, or the upload may "
         "have been aborted or completed.");
    return extra(c, "UploadId", id);
}

static int malformed_xml(s3_ctx *c)
{
    return fail(c, 400, "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
}

static void hdr(s3_ctx *c, const char *name, const char *value)
{
    if (c->rep->header_count < EMU_MAX_REPLY_HEADERS) {
        emu_reply_header(c->rep, name, value);
    }
}

static bool digest(const EVP_MD *md, const void *d, size_t n, unsigned char *out)
{
    unsigned int olen = 0;
    return EVP_Digest(n ? d : "", n, out, &olen, md, NULL) == 1;
}

/* Strict base64 (padded); NULL when s is not base64. */
static unsigned char *b64_decode(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    if (n == 0 || n % 4 != 0 || n > INT_MAX / 2) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool pad = ch == '=' && i >= n - 2 && (i == n - 1 || s[n - 1] == '=');
        if (!isalnum(ch) && ch != '+' && ch != '/' && !pad) {
            return NULL;
        }
    }
    unsigned char *o = malloc(n / 4 * 3 + 1);
    if (o == NULL) {
        return NULL;
    }
    int r = EVP_DecodeBlock(o, (const unsigned char *)s, (int)n);
    if (r < 0) {
        free(o);
        return NULL;
    }
    size_t len = (size_t)r;
    len -= (s[n - 1] == '=') + (s[n - 2] == '=');
    *out_len = len;
    return o;
}

/* Percent-encoding keeping '/': form-style (space as '+') for S3's encoding-type=url,
 * which clients undo with unquote_plus; plain for URLs. */
static char *url_encode(const char *s, bool form)
{
    size_t n = strlen(s);
    char *o = malloc(3 * n + 1);
    if (o == NULL) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '/') {
            o[k++] = (char)ch;
        } else if (ch == ' ' && form) {
            o[k++] = '+';
        } else {
            (void)snprintf(o + k, 4, "%%%02X", ch);
            k += 3;
        }
    }
    o[k] = '\0';
    return o;
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n;
        unsigned min;
        unsigned cp;
        if (*p < 0x80) {
            p++;
            continue;
        } else if ((*p & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = *p & 0x1F;
        } else if ((*p & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = *p & 0x0F;
        } else if ((*p & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = *p & 0x07;
        } else {
            return false;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        p += n + 1;
    }
    return true;
}

/* Is `name` a parameter of the query string (with or without a value)? */
static bool has_param(const char *query, const char *name)
{
    size_t nl = strlen(name);
    const char *cursor = query;
    emu_query_param q;
    while (emu_query_next(&cursor, &q)) {
        if (q.name_len == nl && strncmp(q.text, name, nl) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* RFC 1123, as HTTP dates are ("Wed, 03 Dec 2025 02:00:00 GMT"). */
static void http_date(double t, char out[64])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL) {
        memset(&tm, 0, sizeof(tm));
    }
    (void)snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7],
                   tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                   tm.tm_sec);
}

static bool take_int(const char **p, size_t digits, int *out)
{
    int v = 0;
    for (size_t i = 0; i < digits; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += digits;
    *out = v;
    return true;
}

static bool take_lit(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0) {
        return false;
    }
    *p += n;
    return true;
}

/* HTTP dates (RFC 1123) and ISO 8601 ("2025-12-03T02:00:00Z"), as S3 accepts both. */
static bool parse_date(const char *s, double *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *p = s;
    int y, mo = -1, d, hh, mm, ss;
    const char *comma = strchr(s, ',');
    if (comma != NULL) {
        p = comma + 1;
        while (*p == ' ') {
            p++;
        }
        if (!take_int(&p, 2, &d) || !take_lit(&p, " ")) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (strncasecmp(p, months[i], 3) == 0) {
                mo = i;
            }
        }
        p += mo >= 0 ? 3 : 0;
        if (mo < 0 || !take_lit(&p, " ") || !take_int(&p, 4, &y) || !take_lit(&p, " ")) {
            return false;
        }
    } else {
        if (!take_int(&p, 4, &y) || !take_lit(&p, "-") || !take_int(&p, 2, &mo) ||
            !take_lit(&p, "-") || !take_int(&p, 2, &d) || !take_lit(&p, "T")) {
            return false;
        }
        mo--;
    }
    if (!take_int(&p, 2, &hh) || !take_lit(&p, ":") || !take_int(&p, 2, &mm) ||
        !take_lit(&p, ":") || !take_int(&p, 2, &ss) || mo < 0 || mo > 11 || d < 1 || d > 31 ||
        hh > 23 || mm > 59 || ss > 60) {
        return false;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    time_t t = timegm(&tm);
    if (t == (time_t)-1) {
        return false;
    }
    *out = (double)t;
    return true;
}

/* ---- XML out ------------------------------------------------------------------------ */

typedef struct xw {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    bool bad;
} xw;

static bool xw_begin(xw *x, const char *root, bool ns)
{
    x->bad = false;
    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (x->w == NULL) {
        if (x->buf != NULL) {
            xmlBufferFree(x->buf);
        }
        x->buf = NULL;
        return false;
    }
    if (xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElement(x->w, BAD_CAST root) < 0 ||
        (ns && xmlTextWriterWriteAttribute(x->w, BAD_CAST "xmlns", BAD_CAST S3_NS) < 0)) {
        x->bad = true;
    }
    return true;
}

static void xw_open(xw *x, const char *name)
{
    if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) {
        x->bad = true;
    }
}

static void xw_close(xw *x)
{
    if (xmlTextWriterEndElement(x->w) < 0) {
        x->bad = true;
    }
}

static void xw_text(xw *x, const char *name, const char *text)
{
    if (xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST(text ? text : "")) < 0) {
        x->bad = true;
    }
}

/* A text element, url-encoded when the request asked for encoding-type=url. */
static void xw_key(xw *x, const char *name, const char *text, bool url)
{
    if (!url) {
        xw_text(x, name, text);
        return;
    }
    char *enc = url_encode(text, true);
    if (enc == NULL) {
        x->bad = true;
        return;
    }
    xw_text(x, name, enc);
    free(enc);
}

static void xw_num(xw *x, const char *name, unsigned long long v)
{
    char buf[32];
    (void)snprintf(buf, sizeof(buf), "%llu", v);
    xw_text(x, name, buf);
}

static void xw_bool(xw *x, const char *name, bool v)
{
    xw_text(x, name, v ? "true" : "false");
}

static void xw_time(xw *x, const char *name, double t)
{
    char buf[32];
    emu_iso8601(t, buf);
    xw_text(x, name, buf);
}

static void xw_etag(xw *x, const char *name, const char *etag)
{
    char buf[64];
    (void)snprintf(buf, sizeof(buf), "\"%s\"", etag);
    xw_text(x, name, buf);
}

static void xw_owner(xw *x, const char *name)
{
    xw_open(x, name);
    xw_text(x, "ID", S3_OWNER_ID);
    xw_text(x, "DisplayName", S3_OWNER_NAME);
    xw_close(x);
}

/* Finishes the document; a malloc'd string, or NULL when anything failed. */
static char *xw_end(xw *x)
{
    char *out = NULL;
    if (xmlTextWriterEndDocument(x->w) < 0) {
        x->bad = true;
    }
    xmlFreeTextWriter(x->w);
    if (!x->bad) {
        out = strdup((const char *)xmlBufferContent(x->buf));
    }
    xmlBufferFree(x->buf);
    return out;
}

/* Sends a finished document as the reply. */
static int reply_xml(s3_ctx *c, int status, xw *x)
{
    char *doc = xw_end(x);
    if (doc == NULL) {
        return internal(c);
    }
    c->rep->status = status;
    hdr(c, "Content-Type", "application/xml");
    emu_reply_take(c->rep, doc);
    return 0;
}

static void render_error(s3_ctx *c)
{
    emu_http_reply *rep = c->rep;
    /* Anything a handler set before it failed does not belong in an error reply. */
    for (size_t i = c->core_headers; i < rep->header_count; i++) {
        free(rep->headers[i].name);
        free(rep->headers[i].value);
    }
    rep->header_count = c->core_headers;
    free(rep->body);
    rep->body = NULL;
    rep->body_len = 0;
    rep->status = c->err_status;
    if (c->head) {
        return; /* HEAD replies carry no body, errors included */
    }
    xw x;
    if (!xw_begin(&x, "Error", false)) {
        return;
    }
    xw_text(&x, "Code", c->err_code);
    xw_text(&x, "Message", c->err_msg);
    for (size_t i = 0; i < c->nx; i++) {
        xw_text(&x, c->xname[i], c->xval[i]);
    }
    xw_text(&x, "RequestId", c->call && c->call->request_id ? c->call->request_id : "");
    xw_text(&x, "HostId", "awsorch-emulator");
    char *doc = xw_end(&x);
    if (doc != NULL) {
        emu_reply_header(rep, "Content-Type", "application/xml");
        emu_reply_take(rep, doc);
    }
}

/* ---- XML in ------------------------------------------------------------------------- */

static xmlDocPtr parse_xml(const unsigned char *body, size_t len)
{
    if (len == 0 || len > INT_MAX) {
        return NULL;
    }
    /* No network, no entity substitution: request bodies are untrusted. */
    return xmlReadMemory((const char *)body, (int)len, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* The trimmed text of an element (malloc'd). */
static char *node_text(xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (t == NULL) {
        return strdup("");
    }
    const char *s = (const char *)t;
    char *out = strdup(s);
    xmlFree(t);
    return out;
}

static char *child_text(xmlNode *parent, const char *name)
{
    for (xmlNode *k = parent->children; k != NULL; k = k->next) {
        if (is_elem(k, name)) {
            return node_text(k);
        }
    }
    return NULL;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    size_t i = 0;
    while (isspace((unsigned char)s[i])) {
        i++;
    }
    memmove(s, s + i, n - i + 1);
}

/* ---- attributes --------------------------------------------------------------------- */

static void attrs_free(s3_attrs *a)
{
    free(a->content_type);
    for (size_t i = 0; i < STD_COUNT; i++) {
        free(a->std[i]);
    }
    free(a->storage_class);
    for (size_t i = 0; i < a->meta_n; i++) {
        free(a->meta[i].name);
        free(a->meta[i].value);
    }
    free(a->meta);
    memset(a, 0, sizeof(*a));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static bool attrs_copy(s3_attrs *dst, const s3_attrs *src)
{
    memset(dst, 0, sizeof(*dst));
    bool ok = true;
    dst->content_type = dup_or_null(src->content_type);
    ok = ok && (src->content_type == NULL || dst->content_type != NULL);
    for (size_t i = 0; i < STD_COUNT; i++) {
        dst->std[i] = dup_or_null(src->std[i]);
        ok = ok && (src->std[i] == NULL || dst->std[i] != NULL);
    }
    dst->storage_class = dup_or_null(src->storage_class);
    ok = ok && (src->storage_class == NULL || dst->storage_class != NULL);
    if (src->meta_n > 0) {
        dst->meta = calloc(src->meta_n, sizeof(s3_kv));
        ok = ok && dst->meta != NULL;
        for (size_t i = 0; ok && i < src->meta_n; i++) {
            dst->meta[i].name = strdup(src->meta[i].name);
            dst->meta[i].value = strdup(src->meta[i].value);
            dst->meta_n = i + 1;
            ok = dst->meta[i].name != NULL && dst->meta[i].value != NULL;
        }
    }
    if (!ok) {
        attrs_free(dst);
    }
    return ok;
}

static const char *const storage_classes[] = {
    "STANDARD",       "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",        "DEEP_ARCHIVE",       "OUTPOSTS",    "GLACIER_IR", "SNOW",
    "EXPRESS_ONEZONE"};

/* Content-Type, representation headers, storage class and x-amz-meta-* of a request. */
static int attrs_from_request(s3_ctx *c, s3_attrs *a)
{
    const emu_http_request *r = c->req;
    memset(a, 0, sizeof(*a));
    const char *ct = emu_header_get(r, "content-type");
    a->content_type = strdup(ct && *ct ? ct : "binary/octet-stream");
    if (a->content_type == NULL) {
        return internal(c);
    }
    for (size_t i = 0; i < STD_COUNT; i++) {
        const char *v = emu_header_get(r, std_in[i]);
        if (v == NULL) {
            continue;
        }
        char *copy = strdup(v);
        if (copy == NULL) {
            attrs_free(a);
            return internal(c);
        }
        if (i == STD_ENCODING) {
            /* aws-chunked describes the transfer, not the object. */
            char *out = copy;
            char *save = NULL;
            char buf[512];
            buf[0] = '\0';
            for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                trim(tok);
                if (*tok != '\0' && strcasecmp(tok, "aws-chunked") != 0) {
                    size_t bl = strlen(buf);
                    (void)snprintf(buf + bl, sizeof(buf) - bl, "%s%s", bl ? "," : "", tok);
                }
            }
            free(out);
            copy = buf[0] ? strdup(buf) : NULL;
            if (copy == NULL) {
                continue;
            }
        }
        a->std[i] = copy;
    }
    const char *sc = emu_header_get(r, "x-amz-storage-class");
    if (sc != NULL) {
        bool known = false;
        for (size_t i = 0; i < sizeof(storage_classes) / sizeof(storage_classes[0]); i++) {
            known = known || strcmp(sc, storage_classes[i]) == 0;
        }
        if (!known) {
            attrs_free(a);
            fail(c, 400, "InvalidStorageClass", "The storage class you specified is not valid");
            return extra(c, "StorageClassRequested", sc);
        }
        if (strcmp(sc, "STANDARD") != 0 && (a->storage_class = strdup(sc)) == NULL) {
            attrs_free(a);
            return internal(c);
        }
    }
    size_t meta_bytes = 0;
    for (size_t i = 0; i < r->header_count; i++) {
        const char *name = r->headers[i].name;
        if (strncasecmp(name, "x-amz-meta-", 11) != 0 || name[11] == '\0') {
            continue;
        }
        const char *v = r->headers[i].value ? r->headers[i].value : "";
        meta_bytes += strlen(name + 11) + strlen(v);
        s3_kv *dup = NULL;
        for (size_t j = 0; j < a->meta_n; j++) {
            if (strcasecmp(a->meta[j].name, name + 11) == 0) {
                dup = &a->meta[j];
            }
        }
        if (dup != NULL) {
            /* Repeated headers join with commas, as HTTP folds them. */
            size_t len = strlen(dup->value) + strlen(v) + 2;
            char *joined = malloc(len);
            if (joined == NULL) {
                attrs_free(a);
                return internal(c);
            }
            (void)snprintf(joined, len, "%s,%s", dup->value, v);
            free(dup->value);
            dup->value = joined;
            continue;
        }
        s3_kv *m = realloc(a->meta, (a->meta_n + 1) * sizeof(*m));
        if (m == NULL) {
            attrs_free(a);
            return internal(c);
        }
        a->meta = m;
        m[a->meta_n].name = strdup(name + 11);
        m[a->meta_n].value = strdup(v);
        a->meta_n++;
        if (m[a->meta_n - 1].name == NULL || m[a->meta_n - 1].value == NULL) {
            attrs_free(a);
            return internal(c);
        }
        for (char *p = m[a->meta_n - 1].name; *p; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
    }
    if (meta_bytes > S3_MAX_META) {
        attrs_free(a);
        fail(c, 400, "MetadataTooLarge",
             "Your metadata headers exceed the maximum allowed metadata size");
        extra_num(c, "Size", meta_bytes);
        return extra_num(c, "MaxSizeAllowed", S3_MAX_META);
    }
    return 0;
}

/* ---- state management ---------------------------------------------------------------- */

static void object_free(s3_object *o)
{
    if (o == NULL) {
        return;
    }
    free(o->key);
    free(o->data);
    attrs_free(&o->a);
    free(o);
}

static void upload_free(s3_upload *u)
{
    if (u == NULL) {
        return;
    }
    free(u->key);
    attrs_free(&u->a);
    for (size_t i = 0; i < u->n; i++) {
        free(u->parts[i].data);
    }
    free(u->parts);
    free(u);
}

static void bucket_free(s3_bucket *b)
{
    if (b == NULL) {
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        object_free(b->objs[i]);
    }
    free(b->objs);
    for (size_t i = 0; i < b->up_n; i++) {
        upload_free(b->ups[i]);
    }
    free(b->ups);
    free(b->name);
    free(b);
}

static size_t bucket_lower(const s3_state *st, const char *name)
{
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(st->b[mid]->name, name) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static s3_bucket *bucket_find(const s3_state *st, const char *name)
{
    size_t i = bucket_lower(st, name);
    return i < st->n && strcmp(st->b[i]->name, name) == 0 ? st->b[i] : NULL;
}

static s3_bucket *bucket_add(s3_state *st, const char *name, const char *region)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        s3_bucket **nb = realloc(st->b, PTRS(cap));
        if (nb == NULL) {
            return NULL;
        }
        st->b = nb;
        st->cap = cap;
    }
    s3_bucket *b = calloc(1, sizeof(*b));
    if (b == NULL || (b->name = strdup(name)) == NULL) {
        free(b);
        return NULL;
    }
    (void)snprintf(b->region, sizeof(b->region), "%s", region);
    b->created = floor(emu_now());
    size_t i = bucket_lower(st, name);
    memmove(&st->b[i + 1], &st->b[i], PTRS(st->n - i));
    st->b[i] = b;
    st->n++;
    return b;
}

static size_t obj_lower(const s3_bucket *b, const char *key)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(b->objs[mid]->key, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static s3_object *obj_find(const s3_bucket *b, const char *key)
{
    size_t i = obj_lower(b, key);
    return i < b->n && strcmp(b->objs[i]->key, key) == 0 ? b->objs[i] : NULL;
}

/* Stores o under its key, replacing what was there; false (o untouched) when out of memory. */
static bool obj_put(s3_bucket *b, s3_object *o)
{
    size_t i = obj_lower(b, o->key);
    if (i < b->n && strcmp(b->objs[i]->key, o->key) == 0) {
        object_free(b->objs[i]);
        b->objs[i] = o;
        return true;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        s3_object **no = realloc(b->objs, PTRS(cap));
        if (no == NULL) {
            return false;
        }
        b->objs = no;
        b->cap = cap;
    }
    memmove(&b->objs[i + 1], &b->objs[i], PTRS(b->n - i));
    b->objs[i] = o;
    b->n++;
    return true;
}

static void obj_delete(s3_bucket *b, const char *key)
{
    size_t i = obj_lower(b, key);
    if (i < b->n && strcmp(b->objs[i]->key, key) == 0) {
        object_free(b->objs[i]);
        memmove(&b->objs[i], &b->objs[i + 1], PTRS(b->n - i - 1));
        b->n--;
    }
}

/* A new object owning `data` (on success); attrs are moved in. */
static s3_object *obj_new(const char *key, unsigned char *data, size_t len, s3_attrs *a)
{
    s3_object *o = calloc(1, sizeof(*o));
    if (o == NULL || (o->key = strdup(key)) == NULL) {
        free(o);
        return NULL;
    }
    unsigned char md5[16];
    if (!digest(EVP_md5(), data, len, md5)) {
        free(o->key);
        free(o);
        return NULL;
    }
    (void)awsorch_hex_encode(md5, 16, o->etag, sizeof(o->etag));
    o->data = data;
    o->len = len;
    o->mtime = floor(emu_now());
    o->a = *a;
    memset(a, 0, sizeof(*a));
    return o;
}

static void state_free(s3_state *st)
{
    for (size_t i = 0; i < st->n; i++) {
        bucket_free(st->b[i]);
    }
    free(st->b);
    free(st);
}

static size_t config_size(json_t *section, const char *name, size_t dflt, size_t min)
{
    json_t *v = section ? json_object_get(section, name) : NULL;
    if (json_is_integer(v) && json_integer_value(v) >= (json_int_t)min) {
        return (size_t)json_integer_value(v);
    }
    return dflt;
}

/* Buckets and objects the config declares:
 * "s3": {"buckets": ["raw"], "objects": {"raw/input/a.csv": "id,v\n1,2\n"}}. */
static void seed(s3_state *st, json_t *cfg)
{
    json_t *buckets = json_object_get(cfg, "buckets");
    size_t i;
    json_t *v;
    json_array_foreach(buckets, i, v)
    {
        const char *name = json_string_value(v);
        if (name != NULL && bucket_find(st, name) == NULL) {
            (void)bucket_add(st, name, st->region);
        }
    }
    json_t *objects = json_object_get(cfg, "objects");
    const char *path;
    json_object_foreach(objects, path, v)
    {
        const char *slash = strchr(path, '/');
        json_t *body_v = json_is_object(v) ? json_object_get(v, "body") : v;
        json_t *ct_v = json_is_object(v) ? json_object_get(v, "content_type") : NULL;
        if (slash == NULL || slash == path || slash[1] == '\0' || !json_is_string(body_v)) {
            (void)fprintf(stderr,
                          "awsorch-emulator: s3.objects: skipping '%s' (want \"bucket/key\": "
                          "\"text\")\n",
                          path);
            continue;
        }
        char *bname = strndup(path, (size_t)(slash - path));
        s3_bucket *b = bname ? bucket_find(st, bname) : NULL;
        if (bname != NULL && b == NULL) {
            b = bucket_add(st, bname, st->region);
        }
        free(bname);
        size_t len = json_string_length(body_v);
        unsigned char *data = malloc(len + 1);
        s3_attrs a = {0};
        a.content_type =
            strdup(json_is_string(ct_v) ? json_string_value(ct_v) : "binary/octet-stream");
        s3_object *o = NULL;
        if (b != NULL && data != NULL && a.content_type != NULL) {
            memcpy(data, json_string_value(body_v), len);
            o = obj_new(slash + 1, data, len, &a);
        }
        if (o == NULL || !obj_put(b, o)) {
            if (o != NULL) {
                object_free(o);
            } else {
                free(data);
            }
        }
        attrs_free(&a);
    }
}

static s3_state *state_get(emu *e)
{
    if (e->s3 != NULL) {
        return (s3_state *)e->s3;
    }
    s3_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    xmlInitParser();
    json_t *cfg = emu_config_section(e, "s3");
    if (!json_is_object(cfg)) {
        cfg = NULL;
    }
    st->max_object = config_size(cfg, "max_object_bytes", S3_DEFAULT_MAX_OBJECT, 1);
    st->min_part = config_size(cfg, "min_part_size", S3_DEFAULT_MIN_PART, 0);
    json_t *region = cfg ? json_object_get(cfg, "region") : NULL;
    (void)snprintf(st->region, sizeof(st->region), "%s",
                   json_is_string(region) ? json_string_value(region) : "us-east-1");
    if (cfg != NULL) {
        seed(st, cfg);
    }
    e->s3 = (emu_service_state *)st;
    return st;
}

void emu_s3_free(emu *e)
{
    if (e == NULL || e->s3 == NULL) {
        return;
    }
    state_free((s3_state *)e->s3);
    e->s3 = NULL;
}

/* ---- request body --------------------------------------------------------------------- */

/* aws-chunked: "<hex>[;chunk-signature=...]\r\n<data>\r\n" ... "0...\r\n[trailers]\r\n". */
static int decode_chunked(s3_ctx *c)
{
    const unsigned char *in = c->req->body;
    size_t len = c->req->body_len;
    unsigned char *out = malloc(len ? len : 1);
    if (out == NULL) {
        return internal(c);
    }
    size_t pos = 0, k = 0;
    bool done = false;
    while (!done) {
        size_t size = 0, digits = 0;
        while (pos < len && isxdigit(in[pos]) && digits <= 15) {
            int d = isdigit(in[pos]) ? in[pos] - '0' : tolower(in[pos]) - 'a' + 10;
            size = size * 16 + (size_t)d;
            digits++;
            pos++;
        }
        size_t eol = pos;
        while (eol + 1 < len && !(in[eol] == '\r' && in[eol + 1] == '\n')) {
            eol++;
        }
        if (digits == 0 || digits > 15 || eol + 1 >= len) {
            break;
        }
        pos = eol + 2;
        if (size == 0) {
            done = true; /* trailers (checksums) may follow; the body is complete */
            break;
        }
        if (size > len - pos || len - pos - size < 2 || in[pos + size] != '\r' ||
            in[pos + size + 1] != '\n') {
            break;
        }
        memcpy(out + k, in + pos, size);
        k += size;
        pos += size + 2;
    }
    if (!done) {
        free(out);
        return fail(c, 400, "IncompleteBody",
                    "The request body is not valid aws-chunked encoding (a chunk is truncated or "
                    "its size line is malformed)");
    }
    const char *declared = emu_header_get(c->req, "x-amz-decoded-content-length");
    if (declared != NULL) {
        char *end = NULL;
        unsigned long long want = strtoull(declared, &end, 10);
        if (end == declared || *end != '\0' || want != k) {
            free(out);
            return fail(c, 400, "IncompleteBody",
                        "You did not provide the number of bytes specified by the "
                        "x-amz-decoded-content-length HTTP header");
        }
    }
    c->body_owned = out;
    c->body = out;
    c->body_len = k;
    return 0;
}

/* The payload as signed: decoded, size-capped, checked against x-amz-content-sha256 and
 * Content-MD5. */
static int prepare_body(s3_ctx *c)
{
    c->body = c->req->body;
    c->body_len = c->req->body_len;
    const char *sha = emu_header_get(c->req, "x-amz-content-sha256");
    if (sha != NULL && strncmp(sha, "STREAMING-", 10) == 0) {
        if (strcmp(sha, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") != 0 &&
            strcmp(sha, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") != 0 &&
            strcmp(sha, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") != 0 &&
            strcmp(sha, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD") != 0 &&
            strcmp(sha, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER") != 0) {
            goto bad_sha;
        }
        if (decode_chunked(c) != 0) {
            return -1;
        }
    } else if (sha != NULL && strcmp(sha, "UNSIGNED-PAYLOAD") != 0) {
        size_t n = strlen(sha);
        bool is_hex = n == 64;
        for (size_t i = 0; is_hex && i < n; i++) {
            is_hex = isxdigit((unsigned char)sha[i]) != 0;
        }
        if (!is_hex) {
            goto bad_sha;
        }
        unsigned char d[32];
        char got[65];
        if (!digest(EVP_sha256(), c->body, c->body_len, d)) {
            return internal(c);
        }
        (void)awsorch_hex_encode(d, 32, got, sizeof(got));
        if (strcasecmp(got, sha) != 0) {
            fail(c, 400, "XAmzContentSHA256Mismatch",
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
            extra(c, "ClientComputedContentSHA256", sha);
            return extra(c, "S3ComputedContentSHA256", got);
        }
    }
    if (c->body_len > c->st->max_object) {
        fail(c, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
        extra_num(c, "ProposedSize", c->body_len);
        return extra_num(c, "MaxSizeAllowed", c->st->max_object);
    }
    const char *md5h = emu_header_get(c->req, "content-md5");
    if (md5h != NULL) {
        size_t dl = 0;
        unsigned char *want = b64_decode(md5h, &dl);
        if (want == NULL || dl != 16) {
            free(want);
            fail(c, 400, "InvalidDigest", "The Content-MD5 you specified was not valid.");
            return extra(c, "Content-MD5", md5h);
        }
        if (!digest(EVP_md5(), c->body, c->body_len, c->md5)) {
            free(want);
            return internal(c);
        }
        c->have_md5 = true;
        bool same = memcmp(want, c->md5, 16) == 0;
        free(want);
        if (!same) {
            char *calc = emu_base64_encode(c->md5, 16);
            fail(c, 400, "BadDigest",
                 "The Content-MD5 you specified did not match what we "
                 "received.");
            extra(c, "ExpectedDigest", md5h);
            extra(c, "CalculatedDigest", calc);
            free(calc);
            return -1;
        }
    }
    return 0;
bad_sha:
    fail(c, 400, "InvalidArgument",
         "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
         "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
         "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
    extra(c, "ArgumentName", "x-amz-content-sha256");
    return extra(c, "ArgumentValue", sha);
}

/* A copy of the payload that the caller owns. */
static unsigned char *body_copy(s3_ctx *c)
{
    unsigned char *d = malloc(c->body_len ? c->body_len : 1);
    if (d != NULL && c->body_len > 0) {
        memcpy(d, c->body, c->body_len);
    }
    return d;
}

/* ---- validation ---------------------------------------------------------------------- */

static bool valid_bucket_name(const char *n)
{
    size_t len = strlen(n);
    if (len < 3 || len > 63 || !isalnum((unsigned char)n[0]) ||
        !isalnum((unsigned char)n[len - 1])) {
        return false;
    }
    bool all_ip = true;
    for (size_t i = 0; i < len; i++) {
        char ch = n[i];
        if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) || ch == '.' || ch == '-')) {
            return false;
        }
        if (ch == '.' && (n[i + 1] == '.' || n[i + 1] == '-' || (i > 0 && n[i - 1] == '-'))) {
            return false;
        }
        all_ip = all_ip && (isdigit((unsigned char)ch) || ch == '.');
    }
    int dots = 0;
    for (size_t i = 0; i < len; i++) {
        dots += n[i] == '.';
    }
    if (all_ip && dots == 3) {
        return false; /* looks like an IP address */
    }
    if (strncmp(n, "xn--", 4) == 0 || strncmp(n, "sthree-", 7) == 0 ||
        (len > 8 && strcmp(n + len - 8, "-s3alias") == 0) ||
        (len > 6 && strcmp(n + len - 6, "--ol-s3") == 0)) {
        return false;
    }
    return true;
}

static int check_key(s3_ctx *c)
{
    size_t len = strlen(c->key);
    if (len > S3_MAX_KEY) {
        fail(c, 400, "KeyTooLongError", "Your key is too long");
        extra_num(c, "Size", len);
        return extra_num(c, "MaxSizeAllowed", S3_MAX_KEY);
    }
    if (!valid_utf8(c->key)) {
        return fail(c, 400, "InvalidArgument", "Object key is not valid UTF-8");
    }
    return 0;
}

static s3_bucket *need_bucket(s3_ctx *c)
{
    s3_bucket *b = bucket_find(c->st, c->bucket);
    if (b == NULL) {
        (void)no_such_bucket(c, c->bucket);
    }
    return b;
}

/* Parses a decimal query parameter; dflt when absent; -1 with the error when invalid. */
static int query_int(s3_ctx *c, const char *name, long dflt, long max, long *out)
{
    char *v = emu_query_get(c->req->query, name);
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 0) {
        fail(c, 400, "InvalidArgument", "Provided %s not an integer or within integer range", name);
        extra(c, "ArgumentName", name);
        extra(c, "ArgumentValue", v);
        free(v);
        return -1;
    }
    free(v);
    *out = n > max ? max : n;
    return 0;
}

/* ---- ETags and conditions ------------------------------------------------------------- */

/* Does a client-supplied ETag list ("a", W/"b", *) name this ETag? */
static bool etag_matches(const char *list, const char *etag)
{
    size_t el = strlen(etag);
    const char *p = list;
    while (*p != '\0') {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        const char *t = p;
        if (len >= 2 && strncmp(t, "W/", 2) == 0) {
            t += 2;
            len -= 2;
        }
        if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
            t++;
            len -= 2;
        }
        if ((len == 1 && *t == '*') || (len == el && strncmp(t, etag, el) == 0)) {
            return true;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    return false;
}

/* RFC 7232 order, as S3 applies it: 412 on If-Match / If-Unmodified-Since, 304 on
 * If-None-Match / If-Modified-Since (412 for copy sources, which have no 304).
 * prefix is "" for GET/HEAD and "x-amz-copy-source-" for copies. */
static int check_conditions(s3_ctx *c, const s3_object *o, const char *prefix, bool copy)
{
    char name[64];
    double t;
    (void)snprintf(name, sizeof(name), "%sif-match", prefix);
    const char *im = emu_header_get(c->req, name);
    (void)snprintf(name, sizeof(name), "%sif-unmodified-since", prefix);
    const char *ius = emu_header_get(c->req, name);
    (void)snprintf(name, sizeof(name), "%sif-none-match", prefix);
    const char *inm = emu_header_get(c->req, name);
    (void)snprintf(name, sizeof(name), "%sif-modified-since", prefix);
    const char *ims = emu_header_get(c->req, name);
    if (im != NULL && !etag_matches(im, o->etag)) {
        fail(c, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
        (void)snprintf(name, sizeof(name), "%s", copy ? "x-amz-copy-source-If-Match" : "If-Match");
        return extra(c, "Condition", name);
    }
    if (im == NULL && ius != NULL && parse_date(ius, &t) && o->mtime > t) {
        fail(c, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
        return extra(c, "Condition",
                     copy ? "x-amz-copy-source-If-Unmodified-Since" : "If-Unmodified-Since");
    }
    bool not_modified = false;
    const char *cond = NULL;
    if (inm != NULL) {
        not_modified = etag_matches(inm, o->etag);
        cond = copy ? "x-amz-copy-source-If-None-Match" : "If-None-Match";
    } else if (ims != NULL && parse_date(ims, &t)) {
        not_modified = o->mtime <= t;
        cond = copy ? "x-amz-copy-source-If-Modified-Since" : "If-Modified-Since";
    }
    if (!not_modified) {
        return 0;
    }
    if (copy) {
        fail(c, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
        return extra(c, "Condition", cond);
    }
    /* 304 is not an error document: only the validators go back. */
    char date[64];
    char etag[64];
    http_date(o->mtime, date);
    (void)snprintf(etag, sizeof(etag), "\"%s\"", o->etag);
    c->rep->status = 304;
    hdr(c, "ETag", etag);
    hdr(c, "Last-Modified", date);
    return 1;
}

/* ---- bucket operations ---------------------------------------------------------------- */

static int op_list_buckets(s3_ctx *c)
{
    char *prefix = emu_query_get(c->req->query, "prefix");
    char *token = emu_query_get(c->req->query, "continuation-token");
    long max = 0;
    char *after = NULL;
    int rc = query_int(c, "max-buckets", 10000, 10000, &max);
    if (rc == 0 && token != NULL) {
        size_t n = 0;
        unsigned char *raw = b64_decode(token, &n);
        after = raw ? strndup((const char *)raw, n) : NULL;
        free(raw);
        if (after == NULL) {
            rc = fail(c, 400, "InvalidArgument", "The continuation token provided is incorrect");
        }
    }
    xw x;
    if (rc == 0 && !xw_begin(&x, "ListAllMyBucketsResult", true)) {
        rc = internal(c);
    }
    if (rc == 0) {
        xw_open(&x, "Buckets");
        long count = 0;
        const char *last = NULL;
        bool more = false;
        for (size_t i = 0; i < c->st->n; i++) {
            const s3_bucket *b = c->st->b[i];
            if ((prefix && strncmp(b->name, prefix, strlen(prefix)) != 0) ||
                (after && strcmp(b->name, after) <= 0)) {
                continue;
            }
            if (count == max) {
                more = true;
                break;
            }
            xw_open(&x, "Bucket");
            xw_text(&x, "Name", b->name);
            xw_time(&x, "CreationDate", b->created);
            xw_text(&x, "BucketRegion", b->region);
            xw_close(&x);
            last = b->name;
            count++;
        }
        xw_close(&x);
        xw_owner(&x, "Owner");
        if (more && last != NULL) {
            char *next = emu_base64_encode(last, strlen(last));
            xw_text(&x, "ContinuationToken", next);
            free(next);
        }
        if (prefix != NULL) {
            xw_text(&x, "Prefix", prefix);
        }
        rc = reply_xml(c, 200, &x);
    }
    free(prefix);
    free(token);
    free(after);
    return rc;
}

static int op_create_bucket(s3_ctx *c)
{
    if (!valid_bucket_name(c->bucket)) {
        fail(c, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return extra(c, "BucketName", c->bucket);
    }
    const char *region =
        c->call && c->call->region && *c->call->region ? c->call->region : c->st->region;
    char constraint[64] = "";
    if (c->body_len > 0) {
        xmlDocPtr doc = parse_xml(c->body, c->body_len);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!is_elem(root, "CreateBucketConfiguration")) {
            xmlFreeDoc(doc);
            return malformed_xml(c);
        }
        char *lc = child_text(root, "LocationConstraint");
        if (lc != NULL) {
            trim(lc);
            (void)snprintf(constraint, sizeof(constraint), "%s", lc);
            free(lc);
        }
        xmlFreeDoc(doc);
    }
    if (constraint[0] != '\0') {
        if (strcmp(region, "us-east-1") != 0 && strcmp(constraint, region) != 0) {
            fail(c, 400, "IllegalLocationConstraintException",
                 "The %s location constraint is incompatible for the region specific endpoint "
                 "this request was sent to.",
                 constraint);
            return -1;
        }
        if (strcmp(constraint, "us-east-1") == 0) {
            fail(c, 400, "InvalidLocationConstraint",
                 "The specified location-constraint is not valid");
            return extra(c, "LocationConstraint", constraint);
        }
        region = constraint;
    }
    if (bucket_find(c->st, c->bucket) != NULL) {
        fail(c, 409, "BucketAlreadyOwnedByYou",
             "Your previous request to create the named bucket succeeded and you already own "
             "it.");
        return extra(c, "BucketName", c->bucket);
    }
    if (bucket_add(c->st, c->bucket, region) == NULL) {
        return internal(c);
    }
    char loc[80];
    (void)snprintf(loc, sizeof(loc), "/%s", c->bucket);
    c->rep->status = 200;
    hdr(c, "Location", loc);
    return 0;
}

static int op_delete_bucket(s3_ctx *c)
{
    size_t i = bucket_lower(c->st, c->bucket);
    if (i >= c->st->n || strcmp(c->st->b[i]->name, c->bucket) != 0) {
        return no_such_bucket(c, c->bucket);
    }
    if (c->st->b[i]->n > 0) {
        fail(c, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty");
        return extra(c, "BucketName", c->bucket);
    }
    bucket_free(c->st->b[i]);
    memmove(&c->st->b[i], &c->st->b[i + 1], PTRS(c->st->n - i - 1));
    c->st->n--;
    c->rep->status = 204;
    return 0;
}

static int op_head_bucket(s3_ctx *c)
{
    s3_bucket *b = need_bucket(c);
    if (b == NULL) {
        return -1;
    }
    c->rep->status = 200;
    hdr(c, "x-amz-bucket-region", b->region);
    return 0;
}

static int op_get_bucket_location(s3_ctx *c, const s3_bucket *b)
{
    xw x;
    if (!xw_begin(&x, "LocationConstraint", true)) {
        return internal(c);
    }
    /* us-east-1 is the empty constraint. */
    if (strcmp(b->region, "us-east-1") != 0 &&
        xmlTextWriterWriteString(x.w, BAD_CAST b->region) < 0) {
        x.bad = true;
    }
    return reply_xml(c, 200, &x);
}

static int op_get_bucket_versioning(s3_ctx *c)
{
    xw x;
    if (!xw_begin(&x, "VersioningConfiguration", true)) {
        return internal(c);
    }
    return reply_xml(c, 200, &x);
}

/* ---- listings ------------------------------------------------------------------------- */

typedef struct list_item {
    const s3_object *o; /* NULL for a common prefix */
    char *prefix;
} list_item;

typedef struct listing {
    list_item *items;
    size_t n;
    bool truncated;
    const char *next; /* the last item's key or prefix: where the next page starts */
} listing;

static void listing_free(listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].prefix);
    }
    free(l->items);
}

/* Keys after `marker` under `prefix`, rolled up at `delimiter`, at most max entries. */
static bool list_keys(const s3_bucket *b, const char *prefix, const char *delimiter,
                      const char *marker, long max, listing *l)
{
    memset(l, 0, sizeof(*l));
    size_t plen = strlen(prefix);
    size_t dlen = delimiter ? strlen(delimiter) : 0;
    size_t i = obj_lower(b, prefix);
    if (marker != NULL && *marker != '\0') {
        size_t m = obj_lower(b, marker);
        if (m < b->n && strcmp(b->objs[m]->key, marker) == 0) {
            m++;
        }
        i = m > i ? m : i;
    }
    size_t cap = (size_t)(max < 1000 ? max : 1000);
    l->items = calloc(cap ? cap : 1, sizeof(*l->items));
    if (l->items == NULL) {
        return false;
    }
    if (max == 0) {
        return true;
    }
    const char *last_cp = NULL;
    for (; i < b->n; i++) {
        const s3_object *o = b->objs[i];
        if (strncmp(o->key, prefix, plen) != 0) {
            break;
        }
        const char *d = dlen ? strstr(o->key + plen, delimiter) : NULL;
        if (d != NULL) {
            size_t cl = (size_t)(d - o->key) + dlen;
            /* A page that ended on a common prefix resumes after all its keys. */
            if ((last_cp && strlen(last_cp) == cl && strncmp(last_cp, o->key, cl) == 0) ||
                (marker && strlen(marker) == cl && strncmp(marker, o->key, cl) == 0)) {
                continue;
            }
            if (l->n == (size_t)max) {
                l->truncated = true;
                break;
            }
            char *cp = strndup(o->key, cl);
            if (cp == NULL) {
                return false;
            }
            l->items[l->n].prefix = cp;
            l->items[l->n++].o = NULL;
            last_cp = cp;
            l->next = cp;
            continue;
        }
        if (l->n == (size_t)max) {
            l->truncated = true;
            break;
        }
        l->items[l->n++].o = o;
        l->next = o->key;
    }
    return true;
}

static void write_contents(xw *x, const s3_object *o, bool url, bool owner, bool owner_last)
{
    char *sc = o->a.storage_class;
    xw_open(x, "Contents");
    xw_key(x, "Key", o->key, url);
    xw_time(x, "LastModified", o->mtime);
    xw_etag(x, "ETag", o->etag);
    xw_num(x, "Size", o->len);
    if (owner && !owner_last) {
        xw_owner(x, "Owner");
    }
    xw_text(x, "StorageClass", sc ? sc : "STANDARD");
    if (owner && owner_last) {
        xw_owner(x, "Owner");
    }
    xw_close(x);
}

static int list_common(s3_ctx *c, const s3_bucket *b, bool v2)
{
    const char *q = c->req->query;
    long max = 0;
    if (query_int(c, "max-keys", 1000, 1000, &max) != 0) {
        return -1;
    }
    char *prefix = emu_query_get(q, "prefix");
    char *delim = emu_query_get(q, "delimiter");
    char *enc = emu_query_get(q, "encoding-type");
    char *token = v2 ? emu_query_get(q, "continuation-token") : NULL;
    char *start_after = emu_query_get(q, v2 ? "start-after" : "marker");
    char *fetch_owner = v2 ? emu_query_get(q, "fetch-owner") : NULL;
    char *marker = NULL;
    listing l = {0};
    xw x;
    int rc = 0;
    if (enc != NULL && strcmp(enc, "url") != 0) {
        fail(c, 400, "InvalidArgument", "Invalid Encoding Method specified in Request");
        extra(c, "ArgumentName", "encoding-type");
        rc = extra(c, "ArgumentValue", enc);
        goto out;
    }
    if (token != NULL) {
        size_t n = 0;
        unsigned char *raw = b64_decode(token, &n);
        marker = raw && n > 0 ? strndup((const char *)raw, n) : NULL;
        free(raw);
        if (marker == NULL) {
            fail(c, 400, "InvalidArgument", "The continuation token provided is incorrect");
            rc = extra(c, "ArgumentName", "continuation-token");
            goto out;
        }
    }
    bool url = enc != NULL;
    const char *from = marker ? marker : start_after;
    if (!list_keys(b, prefix ? prefix : "", delim && *delim ? delim : NULL, from, max, &l)) {
        rc = internal(c);
        goto out;
    }
    if (!xw_begin(&x, "ListBucketResult", true)) {
        rc = internal(c);
        goto out;
    }
    xw_text(&x, "Name", b->name);
    xw_key(&x, "Prefix", prefix ? prefix : "", url);
    if (v2) {
        if (token != NULL) {
            xw_text(&x, "ContinuationToken", token);
        }
        if (l.truncated && l.next != NULL) {
            char *next = emu_base64_encode(l.next, strlen(l.next));
            xw_text(&x, "NextContinuationToken", next);
            free(next);
        }
        if (start_after != NULL) {
            xw_key(&x, "StartAfter", start_after, url);
        }
        xw_num(&x, "KeyCount", l.n);
    } else {
        xw_key(&x, "Marker", start_after ? start_after : "", url);
        /* S3 names NextMarker only with a delimiter; without one it is the last key. */
        if (l.truncated && l.next != NULL && delim != NULL && *delim != '\0') {
            xw_key(&x, "NextMarker", l.next, url);
        }
    }
    xw_num(&x, "MaxKeys", (unsigned long long)max);
    if (delim != NULL) {
        xw_key(&x, "Delimiter", delim, url);
    }
    if (url) {
        xw_text(&x, "EncodingType", "url");
    }
    xw_bool(&x, "IsTruncated", l.truncated);
    bool owner = !v2 || (fetch_owner != NULL && strcmp(fetch_owner, "true") == 0);
    for (size_t i = 0; i < l.n; i++) {
        if (l.items[i].o != NULL) {
            write_contents(&x, l.items[i].o, url, owner, !v2);
        }
    }
    for (size_t i = 0; i < l.n; i++) {
        if (l.items[i].o == NULL) {
            xw_open(&x, "CommonPrefixes");
            xw_key(&x, "Prefix", l.items[i].prefix, url);
            xw_close(&x);
        }
    }
    rc = reply_xml(c, 200, &x);
out:
    listing_free(&l);
    free(prefix);
    free(delim);
    free(enc);
    free(token);
    free(start_after);
    free(fetch_owner);
    free(marker);
    return rc;
}

static int op_list_uploads(s3_ctx *c, const s3_bucket *b)
{
    long max = 0;
    if (query_int(c, "max-uploads", 1000, 1000, &max) != 0) {
        return -1;
    }
    char *prefix = emu_query_get(c->req->query, "prefix");
    char *key_marker = emu_query_get(c->req->query, "key-marker");
    size_t plen = prefix ? strlen(prefix) : 0;
    /* Uploads list by key, then by initiation. */
    const s3_upload **sel = calloc(1, PTRS(b->up_n ? b->up_n : 1));
    size_t n = 0;
    xw x;
    int rc = 0;
    if (sel == NULL || !xw_begin(&x, "ListMultipartUploadsResult", true)) {
        free(sel);
        free(prefix);
        free(key_marker);
        return internal(c);
    }
    for (size_t i = 0; i < b->up_n; i++) {
        const s3_upload *u = b->ups[i];
        if ((prefix && strncmp(u->key, prefix, plen) != 0) ||
            (key_marker && strcmp(u->key, key_marker) <= 0)) {
            continue;
        }
        size_t j = n;
        while (j > 0 &&
               (strcmp(sel[j - 1]->key, u->key) > 0 ||
                (strcmp(sel[j - 1]->key, u->key) == 0 && sel[j - 1]->initiated > u->initiated))) {
            sel[j] = sel[j - 1];
            j--;
        }
        sel[j] = u;
        n++;
    }
    bool truncated = n > (size_t)max;
    size_t shown = truncated ? (size_t)max : n;
    xw_text(&x, "Bucket", b->name);
    xw_text(&x, "KeyMarker", key_marker ? key_marker : "");
    xw_text(&x, "UploadIdMarker", "");
    if (truncated && shown > 0) {
        xw_text(&x, "NextKeyMarker", sel[shown - 1]->key);
        xw_text(&x, "NextUploadIdMarker", sel[shown - 1]->id);
    }
    if (prefix != NULL) {
        xw_text(&x, "Prefix", prefix);
    }
    xw_num(&x, "MaxUploads", (unsigned long long)max);
    xw_bool(&x, "IsTruncated", truncated);
    for (size_t i = 0; i < shown; i++) {
        xw_open(&x, "Upload");
        xw_text(&x, "Key", sel[i]->key);
        xw_text(&x, "UploadId", sel[i]->id);
        xw_owner(&x, "Initiator");
        xw_owner(&x, "Owner");
        xw_text(&x, "StorageClass", sel[i]->a.storage_class ? sel[i]->a.storage_class : "STANDARD");
        xw_time(&x, "Initiated", sel[i]->initiated);
        xw_close(&x);
    }
    rc = reply_xml(c, 200, &x);
    free(sel);
    free(prefix);
    free(key_marker);
    return rc;
}

static int op_delete_objects(s3_ctx *c, s3_bucket *b)
{
    xmlDocPtr doc = parse_xml(c->body, c->body_len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!is_elem(root, "Delete")) {
        xmlFreeDoc(doc);
        return malformed_xml(c);
    }
    bool quiet = false;
    size_t count = 0;
    for (xmlNode *k = root->children; k != NULL; k = k->next) {
        if (is_elem(k, "Quiet")) {
            char *t = node_text(k);
            if (t != NULL) {
                trim(t);
                quiet = strcasecmp(t, "true") == 0;
            }
            free(t);
        } else if (is_elem(k, "Object")) {
            char *key = child_text(k, "Key");
            bool ok = key != NULL;
            free(key);
            if (!ok) {
                xmlFreeDoc(doc);
                return malformed_xml(c);
            }
            count++;
        }
    }
    if (count == 0 || count > S3_MAX_DELETE) {
        xmlFreeDoc(doc);
        return malformed_xml(c);
    }
    xw x;
    if (!xw_begin(&x, "DeleteResult", true)) {
        xmlFreeDoc(doc);
        return internal(c);
    }
    for (xmlNode *k = root->children; k != NULL; k = k->next) {
        if (!is_elem(k, "Object")) {
            continue;
        }
        char *key = child_text(k, "Key");
        char *version = child_text(k, "VersionId");
        if (key == NULL) {
            x.bad = true;
        } else if (strlen(key) > S3_MAX_KEY || *key == '\0') {
            xw_open(&x, "Error");
            xw_text(&x, "Key", key);
            xw_text(&x, "Code", *key ? "KeyTooLongError" : "InvalidArgument");
            xw_text(&x, "Message", *key ? "Your key is too long" : "Invalid key");
            xw_close(&x);
        } else {
            obj_delete(b, key);
            if (!quiet) {
                xw_open(&x, "Deleted");
                xw_text(&x, "Key", key);
                if (version != NULL) {
                    xw_text(&x, "VersionId", version);
                }
                xw_close(&x);
            }
        }
        free(key);
        free(version);
    }
    xmlFreeDoc(doc);
    return reply_xml(c, 200, &x);
}

/* ---- objects --------------------------------------------------------------------------- */

/* Adds the object's representation headers; `over` applies response-* overrides. */
static void object_headers(s3_ctx *c, const s3_object *o, bool overrides)
{
    char buf[64];
    char *over[STD_COUNT + 1] = {0};
    if (overrides) {
        over[STD_COUNT] = emu_query_get(c->req->query, "response-content-type");
        for (size_t i = 0; i < STD_COUNT; i++) {
            over[i] = emu_query_get(c->req->query, std_override[i]);
        }
    }
    hdr(c, "Content-Type", over[STD_COUNT] ? over[STD_COUNT] : o->a.content_type);
    (void)snprintf(buf, sizeof(buf), "\"%s\"", o->etag);
    hdr(c, "ETag", buf);
    http_date(o->mtime, buf);
    hdr(c, "Last-Modified", buf);
    hdr(c, "Accept-Ranges", "bytes");
    for (size_t i = 0; i < STD_COUNT; i++) {
        const char *v = over[i] ? over[i] : o->a.std[i];
        if (v != NULL) {
            hdr(c, std_out[i], v);
        }
    }
    for (size_t i = 0; i <= STD_COUNT; i++) {
        free(over[i]);
    }
    if (o->a.storage_class != NULL) {
        hdr(c, "x-amz-storage-class", o->a.storage_class);
    }
    hdr(c, "x-amz-server-side-encryption", "AES256");
    const char *dash = strchr(o->etag, '-');
    if (dash != NULL) {
        hdr(c, "x-amz-mp-parts-count", dash + 1);
    }
    /* What does not fit is counted, as S3 does for metadata it cannot return. */
    size_t missing = 0;
    for (size_t i = 0; i < o->a.meta_n; i++) {
        if (c->rep->header_count + 1 + S3_CORE_HEADERS >= EMU_MAX_REPLY_HEADERS) {
            missing++;
            continue;
        }
        char name[300];
        (void)snprintf(name, sizeof(name), "x-amz-meta-%s", o->a.meta[i].name);
        hdr(c, name, o->a.meta[i].value);
    }
    if (missing > 0) {
        (void)snprintf(buf, sizeof(buf), "%zu", missing);
        hdr(c, "x-amz-missing-meta", buf);
    }
}

/* Range: bytes=a-b | a- | -n. 1 with [*start, *end] when it applies, 0 to ignore the
 * header (malformed or several ranges: the whole object), -1 when unsatisfiable. */
static int parse_range(const char *h, size_t size, size_t *start, size_t *end)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL) {
        return 0;
    }
    const char *p = h + 6;
    const char *dash = strchr(p, '-');
    if (dash == NULL) {
        return 0;
    }
    char *e1 = NULL, *e2 = NULL;
    bool has_a = dash > p, has_b = dash[1] != '\0';
    if ((has_a && !isdigit((unsigned char)*p)) || (has_b && !isdigit((unsigned char)dash[1]))) {
        return 0;
    }
    unsigned long long a = has_a ? strtoull(p, &e1, 10) : 0;
    unsigned long long b = has_b ? strtoull(dash + 1, &e2, 10) : 0;
    if ((has_a && e1 != dash) || (has_b && *e2 != '\0') || (!has_a && !has_b)) {
        return 0;
    }
    if (!has_a) { /* the last b bytes */
        if (b == 0 || size == 0) {
            return -1;
        }
        *start = b >= size ? 0 : size - (size_t)b;
        *end = size - 1;
        return 1;
    }
    if (has_b && b < a) {
        return 0;
    }
    if (a >= size) {
        return -1;
    }
    *start = (size_t)a;
    *end = has_b && b < size - 1 ? (size_t)b : size - 1;
    return 1;
}

static int check_version(s3_ctx *c)
{
    char *v = emu_query_get(c->req->query, "versionId");
    bool bad = v != NULL && strcmp(v, "null") != 0;
    free(v);
    if (bad) {
        /* Buckets here are unversioned: only the "null" version exists. */
        return fail(c, 400, "InvalidArgument", "Invalid version id specified");
    }
    return 0;
}

static int op_get_object(s3_ctx *c, const s3_bucket *b)
{
    if (check_version(c) != 0) {
        return -1;
    }
    const s3_object *o = obj_find(b, c->key);
    if (o == NULL) {
        return no_such_key(c, c->key);
    }
    int cond = check_conditions(c, o, "", false);
    if (cond != 0) {
        return cond < 0 ? -1 : 0;
    }
    size_t start = 0, end = o->len ? o->len - 1 : 0;
    const char *range = emu_header_get(c->req, "range");
    int r = range ? parse_range(range, o->len, &start, &end) : 0;
    if (r < 0) {
        fail(c, 416, "InvalidRange", "The requested range is not satisfiable");
        extra(c, "RangeRequested", range);
        return extra_num(c, "ActualObjectSize", o->len);
    }
    char buf[96];
    size_t len = r > 0 ? end - start + 1 : o->len;
    c->rep->status = r > 0 ? 206 : 200;
    if (c->head) {
        /* HEAD has no body, so the length is declared, not measured. */
        (void)snprintf(buf, sizeof(buf), "%zu", len);
        hdr(c, "Content-Length", buf);
    }
    if (r > 0) {
        (void)snprintf(buf, sizeof(buf), "bytes %zu-%zu/%zu", start, end, o->len);
        hdr(c, "Content-Range", buf);
    }
    object_headers(c, o, !c->head);
    if (!c->head && len > 0) {
        emu_reply_body(c->rep, o->data + start, len);
    }
    return 0;
}

/* PUT with If-None-Match: * / If-Match: conditional writes. */
static int check_write_conditions(s3_ctx *c, const s3_object *existing)
{
    const char *inm = emu_header_get(c->req, "if-none-match");
    const char *im = emu_header_get(c->req, "if-match");
    if (inm != NULL && existing != NULL && etag_matches(inm, existing->etag)) {
        fail(c, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
        return extra(c, "Condition", "If-None-Match");
    }
    if (im != NULL && existing == NULL) {
        return no_such_key(c, c->key);
    }
    if (im != NULL && !etag_matches(im, existing->etag)) {
        fail(c, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
        return extra(c, "Condition", "If-Match");
    }
    return 0;
}

static int op_put_object(s3_ctx *c, s3_bucket *b)
{
    if (check_key(c) != 0 || check_write_conditions(c, obj_find(b, c->key)) != 0) {
        return -1;
    }
    s3_attrs a;
    if (attrs_from_request(c, &a) != 0) {
        return -1;
    }
    unsigned char *data = body_copy(c);
    s3_object *o = data ? obj_new(c->key, data, c->body_len, &a) : NULL;
    if (o == NULL) {
        free(data);
        attrs_free(&a);
        return internal(c);
    }
    if (!obj_put(b, o)) {
        object_free(o);
        return internal(c);
    }
    char etag[64];
    (void)snprintf(etag, sizeof(etag), "\"%s\"", o->etag);
    c->rep->status = 200;
    hdr(c, "ETag", etag);
    hdr(c, "x-amz-server-side-encryption", "AES256");
    return 0;
}

static int op_delete_object(s3_ctx *c, s3_bucket *b)
{
    if (check_version(c) != 0) {
        return -1;
    }
    obj_delete(b, c->key);
    c->rep->status = 204;
    return 0;
}

/* x-amz-copy-source: "/bucket/key" or "bucket/key", URL-encoded, "?versionId=" optional. */
static int copy_source(s3_ctx *c, const s3_object **out)
{
    const char *src = emu_header_get(c->req, "x-amz-copy-source");
    const char *p = src;
    while (*p == '/') {
        p++;
    }
    const char *q = strchr(p, '?');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    char *dec = emu_uri_decode(p, len, false);
    if (dec == NULL) {
        return internal(c);
    }
    char *slash = strchr(dec, '/');
    if (slash == NULL || slash == dec || slash[1] == '\0') {
        free(dec);
        return fail(c, 400, "InvalidArgument",
                    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    }
    *slash = '\0';
    if (q != NULL && strncmp(q, "?versionId=", 11) == 0 && strcmp(q + 11, "null") != 0) {
        free(dec);
        return fail(c, 400, "InvalidArgument", "Invalid version id specified");
    }
    const s3_bucket *sb = bucket_find(c->st, dec);
    if (sb == NULL) {
        no_such_bucket(c, dec);
        free(dec);
        return -1;
    }
    *out = obj_find(sb, slash + 1);
    if (*out == NULL) {
        no_such_key(c, slash + 1);
        free(dec);
        return -1;
    }
    free(dec);
    return 0;
}

static int op_copy_object(s3_ctx *c, s3_bucket *b)
{
    const s3_object *src = NULL;
    if (check_key(c) != 0 || copy_source(c, &src) != 0 ||
        check_conditions(c, src, "x-amz-copy-source-", true) != 0) {
        return -1;
    }
    const char *dir = emu_header_get(c->req, "x-amz-metadata-directive");
    bool replace = dir != NULL && strcmp(dir, "REPLACE") == 0;
    if (dir != NULL && !replace && strcmp(dir, "COPY") != 0) {
        return fail(c, 400, "InvalidArgument", "Unknown metadata directive.");
    }
    if (src == obj_find(b, c->key) && !replace &&
        emu_header_get(c->req, "x-amz-storage-class") == NULL) {
        return fail(c, 400, "InvalidRequest",
                    "This copy request is illegal because it is trying to copy an object to "
                    "itself without changing the object's metadata, storage class, website "
                    "redirect location or encryption attributes.");
    }
    s3_attrs a;
    if (replace) {
        if (attrs_from_request(c, &a) != 0) {
            return -1;
        }
    } else {
        if (!attrs_copy(&a, &src->a)) {
            return internal(c);
        }
        const char *sc = emu_header_get(c->req, "x-amz-storage-class");
        if (sc != NULL) {
            free(a.storage_class);
            a.storage_class = strcmp(sc, "STANDARD") != 0 ? strdup(sc) : NULL;
        }
    }
    unsigned char *data = malloc(src->len ? src->len : 1);
    if (data != NULL && src->len > 0) {
        memcpy(data, src->data, src->len);
    }
    s3_object *o = data ? obj_new(c->key, data, src->len, &a) : NULL;
    if (o == NULL) {
        free(data);
        attrs_free(&a);
        return internal(c);
    }
    /* src may be the object being replaced: nothing of it is used past here. */
    if (!obj_put(b, o)) {
        object_free(o);
        return internal(c);
    }
    xw x;
    if (!xw_begin(&x, "CopyObjectResult", true)) {
        return internal(c);
    }
    xw_time(&x, "LastModified", o->mtime);
    xw_etag(&x, "ETag", o->etag);
    return reply_xml(c, 200, &x);
}

/* ---- multipart uploads ---------------------------------------------------------------- */

static s3_upload *upload_find(const s3_bucket *b, const char *id, const char *key, size_t *index)
{
    for (size_t i = 0; i < b->up_n; i++) {
        if (strcmp(b->ups[i]->id, id) == 0 && strcmp(b->ups[i]->key, key) == 0) {
            if (index != NULL) {
                *index = i;
            }
            return b->ups[i];
        }
    }
    return NULL;
}

static void upload_remove(s3_bucket *b, size_t i)
{
    upload_free(b->ups[i]);
    memmove(&b->ups[i], &b->ups[i + 1], PTRS(b->up_n - i - 1));
    b->up_n--;
}

/* The upload named by ?uploadId= for this key, or NULL with NoSuchUpload. */
static s3_upload *need_upload(s3_ctx *c, const s3_bucket *b, size_t *index)
{
    char *id = emu_query_get(c->req->query, "uploadId");
    s3_upload *u = id ? upload_find(b, id, c->key, index) : NULL;
    if (u == NULL) {
        no_such_upload(c, id ? id : "");
    }
    free(id);
    return u;
}

static int op_create_upload(s3_ctx *c, s3_bucket *b)
{
    if (check_key(c) != 0) {
        return -1;
    }
    s3_upload *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        return internal(c);
    }
    if (attrs_from_request(c, &u->a) != 0) {
        free(u);
        return -1;
    }
    emu_hex_id(u->id, 64);
    u->key = strdup(c->key);
    u->initiated = floor(emu_now());
    s3_upload **nu = u->key ? realloc(b->ups, PTRS(b->up_n + 1)) : NULL;
    if (nu == NULL) {
        upload_free(u);
        return internal(c);
    }
    b->ups = nu;
    b->ups[b->up_n++] = u;
    xw x;
    if (!xw_begin(&x, "InitiateMultipartUploadResult", true)) {
        return internal(c);
    }
    xw_text(&x, "Bucket", b->name);
    xw_text(&x, "Key", u->key);
    xw_text(&x, "UploadId", u->id);
    return reply_xml(c, 200, &x);
}

static int part_number(s3_ctx *c, int *out)
{
    char *v = emu_query_get(c->req->query, "partNumber");
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    bool ok = v != NULL && end != v && *end == '\0' && n >= 1 && n <= S3_MAX_PARTS;
    free(v);
    if (!ok) {
        fail(c, 400, "InvalidArgument",
             "Part number must be an integer between 1 and 10000, inclusive");
        return extra(c, "ArgumentName", "partNumber");
    }
    *out = (int)n;
    return 0;
}

/* Stores a part (taking data), replacing an earlier upload of the same number. */
static s3_part *part_store(s3_upload *u, int number, unsigned char *data, size_t len)
{
    size_t i = 0;
    while (i < u->n && u->parts[i].number < number) {
        i++;
    }
    if (i == u->n || u->parts[i].number != number) {
        if (u->n == u->cap) {
            size_t cap = u->cap ? u->cap * 2 : 8;
            s3_part *np = realloc(u->parts, cap * sizeof(*np));
            if (np == NULL) {
                return NULL;
            }
            u->parts = np;
            u->cap = cap;
        }
        memmove(&u->parts[i + 1], &u->parts[i], (u->n - i) * sizeof(*u->parts));
        u->n++;
    } else {
        free(u->parts[i].data);
    }
    s3_part *p = &u->parts[i];
    memset(p, 0, sizeof(*p));
    p->number = number;
    p->data = data;
    p->len = len;
    p->mtime = floor(emu_now());
    (void)digest(EVP_md5(), data, len, p->md5);
    (void)awsorch_hex_encode(p->md5, 16, p->etag, sizeof(p->etag));
    return p;
}

/* Byte range of a copy source: x-amz-copy-source-range "bytes=a-b" (both inclusive). */
static int copy_range(s3_ctx *c, const s3_object *src, size_t *start, size_t *len)
{
    const char *r = emu_header_get(c->req, "x-amz-copy-source-range");
    *start = 0;
    *len = src->len;
    if (r == NULL) {
        return 0;
    }
    size_t a = 0, b = 0;
    const char *dash = strchr(r, '-');
    if (strncmp(r, "bytes=", 6) != 0 || dash == NULL || dash == r + 6 || dash[1] == '\0' ||
        parse_range(r, src->len, &a, &b) == 0) {
        fail(c, 400, "InvalidArgument",
             "The x-amz-copy-source-range value must be of the form bytes=first-last where "
             "first and last are the zero-based offsets of the first and last bytes to copy");
        return extra(c, "ArgumentName", "x-amz-copy-source-range");
    }
    char *end = NULL;
    unsigned long long want_end = strtoull(dash + 1, &end, 10);
    if (a >= src->len || want_end >= src->len) {
        fail(c, 416, "InvalidRange", "The requested range is not satisfiable");
        extra(c, "RangeRequested", r);
        return extra_num(c, "ActualObjectSize", src->len);
    }
    *start = a;
    *len = b - a + 1;
    return 0;
}

static int op_upload_part(s3_ctx *c, s3_bucket *b, bool copy)
{
    int number = 0;
    if (part_number(c, &number) != 0) {
        return -1;
    }
    s3_upload *u = need_upload(c, b, NULL);
    if (u == NULL) {
        return -1;
    }
    const s3_object *src = NULL;
    size_t start = 0, len = c->body_len;
    const unsigned char *from = c->body;
    if (copy) {
        if (copy_source(c, &src) != 0 || check_conditions(c, src, "x-amz-copy-source-", true) ||
            copy_range(c, src, &start, &len) != 0) {
            return -1;
        }
        from = src->data + start;
    }
    unsigned char *data = malloc(len ? len : 1);
    if (data == NULL) {
        return internal(c);
    }
    if (len > 0) {
        memcpy(data, from, len);
    }
    s3_part *p = part_store(u, number, data, len);
    if (p == NULL) {
        free(data);
        return internal(c);
    }
    char etag[64];
    (void)snprintf(etag, sizeof(etag), "\"%s\"", p->etag);
    if (!copy) {
        c->rep->status = 200;
        hdr(c, "ETag", etag);
        hdr(c, "x-amz-server-side-encryption", "AES256");
        return 0;
    }
    xw x;
    if (!xw_begin(&x, "CopyPartResult", true)) {
        return internal(c);
    }
    xw_time(&x, "LastModified", p->mtime);
    xw_etag(&x, "ETag", p->etag);
    return reply_xml(c, 200, &x);
}

typedef struct wanted_part {
    int number;
    char *etag;
} wanted_part;

static void strip_quotes(char *s)
{
    trim(s);
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = '\0';
    }
}

/* The <Part> list of a CompleteMultipartUpload body; -1 (MalformedXML) when unusable. */
static int parse_parts(s3_ctx *c, wanted_part **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    xmlDocPtr doc = parse_xml(c->body, c->body_len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!is_elem(root, "CompleteMultipartUpload")) {
        xmlFreeDoc(doc);
        return malformed_xml(c);
    }
    size_t n = 0;
    for (xmlNode *k = root->children; k != NULL; k = k->next) {
        n += is_elem(k, "Part");
    }
    wanted_part *w = n && n <= S3_MAX_PARTS ? calloc(n, sizeof(*w)) : NULL;
    size_t i = 0;
    bool ok = w != NULL;
    for (xmlNode *k = root->children; ok && k != NULL; k = k->next) {
        if (!is_elem(k, "Part")) {
            continue;
        }
        char *num = child_text(k, "PartNumber");
        char *etag = child_text(k, "ETag");
        char *end = NULL;
        if (num != NULL) {
            trim(num);
        }
        long v = num ? strtol(num, &end, 10) : 0;
        ok = num != NULL && etag != NULL && end != num && *end == '\0' && v >= 1 &&
             v <= S3_MAX_PARTS;
        free(num);
        if (ok) {
            strip_quotes(etag);
            w[i].number = (int)v;
            w[i++].etag = etag;
        } else {
            free(etag);
        }
    }
    xmlFreeDoc(doc);
    if (!ok) {
        for (size_t j = 0; j < i; j++) {
            free(w[j].etag);
        }
        free(w);
        return malformed_xml(c);
    }
    *out = w;
    *count = i;
    return 0;
}

static const s3_part *part_find(const s3_upload *u, int number)
{
    for (size_t i = 0; i < u->n; i++) {
        if (u->parts[i].number == number) {
            return &u->parts[i];
        }
    }
    return NULL;
}

static int invalid_part(s3_ctx *c, const s3_upload *u, const wanted_part *w)
{
    fail(c, 400, "InvalidPart",
         "One or more of the specified parts could not be found.  The part may not have been "
         "uploaded, or the specified entity tag may not have matched the part's entity tag.");
    extra(c, "UploadId", u->id);
    extra_num(c, "PartNumber", (unsigned long long)w->number);
    return extra(c, "ETag", w->etag);
}

/* Checks the requested parts against the uploaded ones; the total size on success. */
static int check_parts(s3_ctx *c, const s3_upload *u, const wanted_part *w, size_t n, size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && w[i].number <= w[i - 1].number) {
            fail(c, 400, "InvalidPartOrder",
                 "The list of parts was not in ascending order. The parts list must be "
                 "specified in order by part number.");
            return extra(c, "UploadId", u->id);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const s3_part *p = part_find(u, w[i].number);
        if (p == NULL || strcasecmp(p->etag, w[i].etag) != 0) {
            return invalid_part(c, u, &w[i]);
        }
        if (i + 1 < n && p->len < c->st->min_part) {
            fail(c, 400, "EntityTooSmall",
                 "Your proposed upload is smaller than the minimum allowed size");
            extra_num(c, "ProposedSize", p->len);
            extra_num(c, "MinSizeAllowed", c->st->min_part);
            extra_num(c, "PartNumber", (unsigned long long)p->number);
            return extra(c, "ETag", p->etag);
        }
        *total += p->len;
    }
    if (*total > c->st->max_object) {
        fail(c, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
        extra_num(c, "ProposedSize", *total);
        return extra_num(c, "MaxSizeAllowed", c->st->max_object);
    }
    return 0;
}

static int op_complete_upload(s3_ctx *c, s3_bucket *b)
{
    size_t ui = 0;
    s3_upload *u = need_upload(c, b, &ui);
    wanted_part *w = NULL;
    size_t n = 0, total = 0;
    if (u == NULL || parse_parts(c, &w, &n) != 0) {
        return -1;
    }
    int rc = check_parts(c, u, w, n, &total);
    unsigned char *data = NULL;
    unsigned char *md5s = NULL;
    if (rc == 0) {
        data = malloc(total ? total : 1);
        md5s = malloc(16 * n);
        if (data == NULL || md5s == NULL) {
            rc = internal(c);
        }
    }
    s3_object *o = NULL;
    if (rc == 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const s3_part *p = part_find(u, w[i].number);
            if (p->len > 0) {
                memcpy(data + k, p->data, p->len);
            }
            k += p->len;
            memcpy(md5s + 16 * i, p->md5, 16);
        }
        o = obj_new(c->key, data, total, &u->a);
        if (o == NULL) {
            rc = internal(c);
        } else {
            data = NULL;
            unsigned char d[16];
            char h[33];
            (void)digest(EVP_md5(), md5s, 16 * n, d);
            (void)awsorch_hex_encode(d, 16, h, sizeof(h));
            (void)snprintf(o->etag, sizeof(o->etag), "%.32s-%u", h, (unsigned)n);
        }
    }
    if (rc == 0 && !obj_put(b, o)) {
        object_free(o);
        rc = internal(c);
    }
    for (size_t i = 0; i < n; i++) {
        free(w[i].etag);
    }
    free(w);
    free(data);
    free(md5s);
    if (rc != 0) {
        return rc;
    }
    upload_remove(b, ui);
    char *ekey = url_encode(o->key, false);
    char loc[2048];
    (void)snprintf(loc, sizeof(loc), "http://%s/%s/%s",
                   c->req->host && *c->req->host ? c->req->host : "localhost", b->name,
                   ekey ? ekey : "");
    free(ekey);
    xw x;
    if (!xw_begin(&x, "CompleteMultipartUploadResult", true)) {
        return internal(c);
    }
    xw_text(&x, "Location", loc);
    xw_text(&x, "Bucket", b->name);
    xw_text(&x, "Key", o->key);
    xw_etag(&x, "ETag", o->etag);
    return reply_xml(c, 200, &x);
}

static int op_abort_upload(s3_ctx *c, s3_bucket *b)
{
    size_t ui = 0;
    if (need_upload(c, b, &ui) == NULL) {
        return -1;
    }
    upload_remove(b, ui);
    c->rep->status = 204;
    return 0;
}

static int op_list_parts(s3_ctx *c, const s3_bucket *b)
{
    const s3_upload *u = need_upload(c, b, NULL);
    long max = 0, marker = 0;
    if (u == NULL || query_int(c, "max-parts", 1000, 1000, &max) != 0 ||
        query_int(c, "part-number-marker", 0, S3_MAX_PARTS, &marker) != 0) {
        return -1;
    }
    xw x;
    if (!xw_begin(&x, "ListPartsResult", true)) {
        return internal(c);
    }
    xw_text(&x, "Bucket", b->name);
    xw_text(&x, "Key", u->key);
    xw_text(&x, "UploadId", u->id);
    xw_owner(&x, "Initiator");
    xw_owner(&x, "Owner");
    xw_text(&x, "StorageClass", u->a.storage_class ? u->a.storage_class : "STANDARD");
    xw_num(&x, "PartNumberMarker", (unsigned long long)marker);
    size_t first = 0;
    while (first < u->n && u->parts[first].number <= marker) {
        first++;
    }
    size_t shown = u->n - first;
    bool truncated = shown > (size_t)max;
    if (truncated) {
        shown = (size_t)max;
    }
    if (shown > 0) {
        xw_num(&x, "NextPartNumberMarker", (unsigned long long)u->parts[first + shown - 1].number);
    }
    xw_num(&x, "MaxParts", (unsigned long long)max);
    xw_bool(&x, "IsTruncated", truncated);
    for (size_t i = first; i < first + shown; i++) {
        const s3_part *p = &u->parts[i];
        xw_open(&x, "Part");
        xw_num(&x, "PartNumber", (unsigned long long)p->number);
        xw_time(&x, "LastModified", p->mtime);
        xw_etag(&x, "ETag", p->etag);
        xw_num(&x, "Size", p->len);
        xw_close(&x);
    }
    return reply_xml(c, 200, &x);
}

/* ---- routing ---------------------------------------------------------------------------- */

/* Subresources this emulator does not keep; S3 would act on them, so saying so beats
 * pretending with the plain operation. */
static const char *const unsupported[] = {"acl",         "tagging",           "policy",
                                          "cors",        "lifecycle",         "website",
                                          "logging",     "notification",      "encryption",
                                          "replication", "ownershipControls", "publicAccessBlock",
                                          "object-lock", "retention",         "legal-hold",
                                          "torrent",     "restore",           "select",
                                          "accelerate",  "requestPayment",    "analytics",
                                          "inventory",   "metrics",           "intelligent-tiering",
                                          "attributes",  "versions",          "policyStatus",
                                          "session",     "metadataTable",     "renameObject"};

static int not_implemented(s3_ctx *c)
{
    return fail(c, 501, "NotImplemented",
                "A header you provided implies functionality that is not implemented");
}

static int method_not_allowed(s3_ctx *c, const char *resource)
{
    fail(c, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    extra(c, "Method", c->req->method);
    return extra(c, "ResourceType", resource);
}

static int route_bucket(s3_ctx *c, const char *m, const char *q)
{
    if (strcmp(m, "PUT") == 0) {
        if (has_param(q, "versioning")) {
            return not_implemented(c);
        }
        return op_create_bucket(c);
    }
    if (strcmp(m, "HEAD") == 0) {
        return op_head_bucket(c);
    }
    s3_bucket *b = need_bucket(c);
    if (b == NULL) {
        return -1;
    }
    if (strcmp(m, "DELETE") == 0) {
        return op_delete_bucket(c);
    }
    if (strcmp(m, "POST") == 0) {
        return has_param(q, "delete") ? op_delete_objects(c, b) : method_not_allowed(c, "BUCKET");
    }
    if (strcmp(m, "GET") != 0) {
        return method_not_allowed(c, "BUCKET");
    }
    if (has_param(q, "location")) {
        return op_get_bucket_location(c, b);
    }
    if (has_param(q, "versioning")) {
        return op_get_bucket_versioning(c);
    }
    if (has_param(q, "uploads")) {
        return op_list_uploads(c, b);
    }
    char *lt = emu_query_get(q, "list-type");
    bool v2 = lt != NULL && strcmp(lt, "2") == 0;
    bool bad = lt != NULL && !v2;
    free(lt);
    if (bad) {
        fail(c, 400, "InvalidArgument", "Invalid List Type specified in Request");
        return extra(c, "ArgumentName", "list-type");
    }
    return list_common(c, b, v2);
}

static int route_object(s3_ctx *c, const char *m, const char *q)
{
    s3_bucket *b = need_bucket(c);
    if (b == NULL) {
        return -1;
    }
    bool upload = has_param(q, "uploadId");
    bool copy = emu_header_get(c->req, "x-amz-copy-source") != NULL;
    if (strcmp(m, "PUT") == 0) {
        if (upload || has_param(q, "partNumber")) {
            return op_upload_part(c, b, copy);
        }
        return copy ? op_copy_object(c, b) : op_put_object(c, b);
    }
    if (strcmp(m, "GET") == 0) {
        return upload ? op_list_parts(c, b) : op_get_object(c, b);
    }
    if (strcmp(m, "HEAD") == 0) {
        return op_get_object(c, b);
    }
    if (strcmp(m, "DELETE") == 0) {
        return upload ? op_abort_upload(c, b) : op_delete_object(c, b);
    }
    if (strcmp(m, "POST") == 0) {
        if (has_param(q, "uploads")) {
            return op_create_upload(c, b);
        }
        if (upload) {
            return op_complete_upload(c, b);
        }
    }
    return method_not_allowed(c, "OBJECT");
}

/* Bucket and key of the request: virtual-hosted (the core found the bucket in Host) or
 * path-style (/bucket/key). */
static int target(s3_ctx *c)
{
    const char *path = c->req->path ? c->req->path : "/";
    /* A NUL in a key would silently cut it short. */
    if (strstr(path, "%00") != NULL) {
        return fail(c, 400, "InvalidURI", "Couldn't parse the specified URI.");
    }
    char *dec = emu_uri_decode(path, strlen(path), false);
    if (dec == NULL) {
        return internal(c);
    }
    const char *p = dec[0] == '/' ? dec + 1 : dec;
    if (c->req->bucket != NULL && *c->req->bucket != '\0') {
        c->bucket = strdup(c->req->bucket);
        bool has_key = *p != '\0';
        c->key = has_key ? strdup(p) : NULL;
        free(dec);
        return c->bucket && (c->key || !has_key) ? 0 : internal(c);
    }
    if (*p == '\0') {
        free(dec);
        return 0;
    }
    const char *slash = strchr(p, '/');
    c->bucket = slash ? strndup(p, (size_t)(slash - p)) : strdup(p);
    c->key = slash && slash[1] ? strdup(slash + 1) : NULL;
    bool ok = c->bucket != NULL && (c->key != NULL || !slash || !slash[1]);
    free(dec);
    return ok ? 0 : internal(c);
}

static int route(s3_ctx *c)
{
    const char *m = c->req->method ? c->req->method : "";
    const char *q = c->req->query ? c->req->query : "";
    if (target(c) != 0 || prepare_body(c) != 0) {
        return -1;
    }
    if (c->bucket == NULL) {
        return strcmp(m, "GET") == 0 ? op_list_buckets(c) : method_not_allowed(c, "SERVICE");
    }
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        if (has_param(q, unsupported[i])) {
            return not_implemented(c);
        }
    }
    return c->key == NULL ? route_bucket(c, m, q) : route_object(c, m, q);
}

int emu_s3_handle(emu *e, const emu_call *call, const emu_http_request *req, emu_http_reply *rep,
                  emu_error *err)
{
    s3_state *st = state_get(e);
    if (st == NULL) {
        return emu_fail(err, 500, "InternalError",
                        "We encountered an internal error. Please try again.");
    }
    s3_ctx c;
    memset(&c, 0, sizeof(c));
    c.e = e;
    c.st = st;
    c.call = call;
    c.req = req;
    c.rep = rep;
    c.core_headers = rep->header_count;
    c.head = req->method != NULL && strcmp(req->method, "HEAD") == 0;
    if (route(&c) != 0) {
        render_error(&c);
    }
    free(c.bucket);
    free(c.key);
    free(c.body_owned);
    for (size_t i = 0; i < c.nx; i++) {
        free(c.xval[i]);
    }
    return 0;
}
