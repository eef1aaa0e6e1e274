/* AWS Signature Version 4.
 *
 * Every byte the signer produces is laid out in the caller's scratch buffer by
 * a bump allocator, after checking up front that the buffer is large enough,
 * so signing never touches the heap. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "awsorch/sigv4.h"
#include "core/internal.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"

/* ---- scratch arena ---------------------------------------------------- */

typedef struct arena {
    char *base;
    size_t cap;
    size_t used;
    bool overflow; /* set when the up-front size estimate was wrong */
} arena;

static void *arena_alloc(arena *a, size_t n, size_t align)
{
    uintptr_t start = (uintptr_t)(a->base + a->used);
    size_t pad = (size_t)((align - (start % align)) % align);
    if (pad > a->cap - a->used || n > a->cap - a->used - pad) {
        a->overflow = true;
        return NULL;
    }
    void *p = a->base + a->used + pad;
    a->used += pad + n;
    return p;
}

/* A string under construction at the top of the arena. */
typedef struct sbuf {
    arena *a;
    char *start;
    size_t len;
} sbuf;

static sbuf sbuf_begin(arena *a)
{
    sbuf s = {a, a->base + a->used, 0};
    return s;
}

static void sbuf_put(sbuf *s, const void *p, size_t n)
{
    if (n > s->a->cap - s->a->used) {
        s->a->overflow = true;
        return;
    }
    memcpy(s->a->base + s->a->used, p, n);
    s->a->used += n;
    s->len += n;
}

static void sbuf_str(sbuf *s, const char *p)
{
    sbuf_put(s, p, strlen(p));
}

/* Single bytes are most of what the signer writes, so they skip memcpy. */
static inline void sbuf_char(sbuf *s, char c)
{
    if (s->a->used < s->a->cap) {
        s->a->base[s->a->used++] = c;
        s->len++;
    } else {
        s->a->overflow = true;
    }
}

static void sbuf_pct(sbuf *s, unsigned char c)
{
    static const char digits[] = "0123456789ABCDEF";
    sbuf_char(s, '%');
    sbuf_char(s, digits[c >> 4]);
    sbuf_char(s, digits[c & 15]);
}

/* URI-encodes every byte that is not unreserved (and, when keep_slash, not '/'). */
static void sbuf_uri_encode(sbuf *s, const char *p, size_t n, bool keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (awsorch__is_unreserved(c) || (keep_slash && c == '/')) {
            sbuf_char(s, (char)c);
        } else {
            sbuf_pct(s, c);
        }
    }
}

static awsorch_sigv4_str sbuf_end(sbuf *s)
{
    awsorch_sigv4_str r = {s->start, s->len};
    return r;
}

/* ---- sorting without allocation --------------------------------------- */

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size, cmp_fn cmp)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) {
            return;
        }
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0) {
            child++;
        }
        if (cmp(base + root * size, base + child * size) >= 0) {
            return;
        }
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

#define MAX_ITEM 64

/* In place, unlike glibc's qsort, which may call malloc: insertion sort for
 * the handful of headers and parameters a request usually has, heapsort
 * (O(n log n) worst case) beyond that. Comparators here are total orders, so
 * stability is not needed. */
static void sort_items(void *items, size_t n, size_t size, cmp_fn cmp)
{
    unsigned char *base = items;
    if (n < 2) {
        return;
    }
    if (n <= 16 && size <= MAX_ITEM) {
        unsigned char tmp[MAX_ITEM];
        for (size_t i = 1; i < n; i++) {
            size_t j = i;
            memcpy(tmp, base + i * size, size);
            while (j > 0 && cmp(base + (j - 1) * size, tmp) > 0) {
                memcpy(base + j * size, base + (j - 1) * size, size);
                j--;
            }
            memcpy(base + j * size, tmp, size);
        }
        return;
    }
    for (size_t i = n / 2; i-- > 0;) {
        sift_down(base, i, n, size, cmp);
    }
    for (size_t end = n - 1; end > 0; end--) {
        swap_bytes(base, base + end * size, size);
        sift_down(base, 0, end, size, cmp);
    }
}

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) {
        return c;
    }
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* ---- rules ------------------------------------------------------------- */

int awsorch_sigv4_is_s3(const char *service)
{
    return service != NULL &&
           (strcmp(service, "s3") == 0 || strcmp(service, "s3-outposts") == 0 ||
            strcmp(service, "s3-object-lambda") == 0 || strcmp(service, "s3express") == 0);
}

/* Hop-by-hop headers and those that proxies and load balancers rewrite or add;
 * signing them would break the signature in transit. */
static const char *const unsigned_headers[] = {
    "authorization", "connection",        "expect",  "keep-alive", "proxy-authorization", "te",
    "trailer",       "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"};

/* The signer calls this with names it has lowercased already. */
static bool lower_is_unsigned(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++) {
        const char *u = unsigned_headers[i];
        if (u[0] == name[0] && strlen(u) == n && memcmp(u, name, n) == 0) {
            return true;
        }
    }
    return false;
}

int awsorch_sigv4_header_is_unsigned(const char *name, size_t name_len)
{
    for (size_t i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++) {
        const char *u = unsigned_headers[i];
        if (awsorch__strncasecmp_len(name, name_len, u, strlen(u)) == 0) {
            return 1;
        }
    }
    return 0;
}

static bool is_tchar(unsigned char c)
{
    /* RFC 9110 token characters, as a bitmap over ASCII */
    static const uint32_t map[4] = {0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu};
    return c < 128 && (map[c >> 5] >> (c & 31)) & 1u;
}

static bool valid_token(const char *p, size_t n)
{
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_tchar((unsigned char)p[i])) {
            return false;
        }
    }
    return true;
}

/* Printable ASCII without space or '/', as a credential scope part must be. */
static bool valid_scope_part(const char *p)
{
    if (p == NULL || *p == '\0') {
        return false;
    }
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || c == '/') {
            return false;
        }
    }
    return true;
}

/* Header values may contain obs-fold line breaks (CRLF or LF followed by
 * whitespace), but no other control characters: a bare line break would let a
 * value smuggle in a header of its own. */
static bool valid_header_value(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c != 0x7f) {
            continue;
        }
        if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (i + 1 >= n || (p[i + 1] != ' ' && p[i + 1] != '\t')) {
                return false;
            }
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\v' && c != '\f') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

/* The C locale's isspace set, which the AWS SDKs collapse in header values. */
static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool valid_percent_encoding(const char *p, size_t n, size_t *bad_at)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%') {
            if (i + 2 >= n) {
                *bad_at = i;
                return false;
            }
            if (awsorch__hex_value((unsigned char)p[i + 1]) < 0 ||
                awsorch__hex_value((unsigned char)p[i + 2]) < 0) {
                *bad_at = i;
                return false;
            }
            i += 2;
        }
    }
    return true;
}

/* ---- scratch sizing ----------------------------------------------------- */

static size_t sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
    return (b != 0 && a > SIZE_MAX / b) ? SIZE_MAX : a * b;
}

static size_t cstr_len(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t query_param_count(awsorch_sigv4_str q)
{
    size_t n = 1;
    for (size_t i = 0; i < q.len; i++) {
        n += q.ptr[i] == '&';
    }
    return n;
}

typedef struct hdr {
    const char *name; /* lowercased copy */
    size_t name_len;
    const char *value; /* trimmed, whitespace runs collapsed */
    size_t value_len;
    size_t order; /* position in the request, to keep repeated names in order */
} hdr;

typedef struct qparam {
    const char *key; /* URI-encoded */
    size_t key_len;
    const char *value;
    size_t value_len;
} qparam;

#define ADDED_HEADERS 3
#define ADDED_PARAMS 6

size_t awsorch_sigv4_scratch_size(const awsorch_sigv4_request *req,
                                  const awsorch_sigv4_params *params)
{
    if (req == NULL || params == NULL) {
        return 0;
    }
    size_t names = 0;
    size_t values = 0;
    for (size_t i = 0; req->headers != NULL && i < req->header_count; i++) {
        names = sat_add(names, sat_add(req->headers[i].name.len, 1));
        values = sat_add(values, sat_add(req->headers[i].value.len, 2));
    }
    size_t params_n = sat_add(query_param_count(req->query), ADDED_PARAMS);
    size_t ids = sat_add(sat_add(cstr_len(params->access_key_id), cstr_len(params->region)),
                         sat_add(cstr_len(params->service), 64));
    size_t total = 2048;
    total = sat_add(total, sat_mul(sat_add(req->header_count, ADDED_HEADERS), sizeof(hdr)));
    total = sat_add(total, sat_mul(params_n, sizeof(qparam)));
    total = sat_add(total, sat_mul(names, 16)); /* copies, signed-header lists */
    total = sat_add(total, sat_mul(values, 2)); /* normalized copy, canonical */
    total = sat_add(total, sat_mul(cstr_len(params->session_token), 10));
    total = sat_add(total, sat_mul(ids, 16)); /* scope in many places */
    total = sat_add(total, sat_mul(sat_add(req->path.len, 2), 8));
    total = sat_add(total, sat_mul(req->query.len, 6));
    total = sat_add(total, sat_mul(params_n, 8));
    total = sat_add(total, sat_mul(cstr_len(req->method), 2));
    total = sat_add(total, sat_mul(cstr_len(req->payload_hash), 4));
    return total;
}

/* ---- signing-key cache --------------------------------------------------- */

#define CACHE_SLOTS 8
#define CACHE_MAX_SECRET 128
#define CACHE_MAX_NAME 64

typedef struct cache_slot {
    bool used;
    uint64_t last_use;
    size_t secret_len;
    unsigned char secret[CACHE_MAX_SECRET];
    char day[9];
    char region[CACHE_MAX_NAME];
    char service[CACHE_MAX_NAME];
    awsorch__hmac_key key;
} cache_slot;

struct awsorch_sigv4_key_cache {
    pthread_mutex_t lock;
    uint64_t clock;
    cache_slot slots[CACHE_SLOTS];
};

static awsorch_sigv4_key_cache global_cache = {PTHREAD_MUTEX_INITIALIZER, 0, {{0}}};

awsorch_status awsorch_sigv4_key_cache_new(awsorch_sigv4_key_cache **out)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "key cache out-parameter is NULL");
    }
    awsorch_sigv4_key_cache *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot allocate a signing-key cache");
    }
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return awsorch__fail(AWSORCH_E_INTERNAL, "cannot initialise a mutex");
    }
    *out = c;
    return AWSORCH_OK;
}

void awsorch_sigv4_key_cache_free(awsorch_sigv4_key_cache *cache)
{
    if (cache == NULL || cache == &global_cache) {
        return;
    }
    pthread_mutex_destroy(&cache->lock);
    OPENSSL_cleanse(cache, sizeof(*cache));
    free(cache);
}

static void hmac_once(const void *key, size_t key_len, const char *data, unsigned char out[32])
{
    awsorch__hmac_key k;
    awsorch__hmac_key_init(&k, key, key_len);
    awsorch__hmac_sha256(&k, data, strlen(data), out);
    awsorch__hmac_key_wipe(&k);
}

awsorch_status awsorch_sigv4_derive_key(unsigned char key[32], const char *secret, const char *day,
                                        const char *region, const char *service)
{
    if (key == NULL || secret == NULL || day == NULL || region == NULL || service == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "derive_key: a required argument is NULL");
    }
    /* kSecret = "AWS4" + secret; an HMAC key longer than the 64-byte block is
     * replaced by its SHA-256, which lets any secret length avoid the heap. */
    unsigned char first[64];
    size_t secret_len = strlen(secret);
    size_t first_len;
    if (secret_len <= sizeof(first) - 4) {
        static const unsigned char prefix[4] = {'A', 'W', 'S', '4'};
        memcpy(first, prefix, sizeof(prefix));
        for (size_t i = 0; i < secret_len; i++) {
            first[4 + i] = (unsigned char)secret[i];
        }
        first_len = 4 + secret_len;
    } else {
        awsorch__sha256 h;
        awsorch__sha256_init(&h);
        awsorch__sha256_update(&h, "AWS4", 4);
        awsorch__sha256_update(&h, secret, secret_len);
        awsorch__sha256_final(&h, first);
        first_len = 32;
    }
    unsigned char k[32];
    hmac_once(first, first_len, day, k);
    hmac_once(k, sizeof(k), region, k);
    hmac_once(k, sizeof(k), service, k);
    hmac_once(k, sizeof(k), TERMINATOR, key);
    OPENSSL_cleanse(first, sizeof(first));
    OPENSSL_cleanse(k, sizeof(k));
    return AWSORCH_OK;
}

static bool slot_matches(const cache_slot *s, const char *secret, size_t secret_len,
                         const char *day, const char *region, const char *service)
{
    /* The cheap fields first; the constant-time secret comparison last. */
    return s->used && s->secret_len == secret_len && strcmp(s->day, day) == 0 &&
           strcmp(s->region, region) == 0 && strcmp(s->service, service) == 0 &&
           CRYPTO_memcmp(s->secret, secret, secret_len) == 0;
}

static void signing_key(awsorch_sigv4_key_cache *cache, const char *secret, const char *day,
                        const char *region, const char *service, awsorch__hmac_key *out)
{
    size_t secret_len = strlen(secret);
    bool cacheable = secret_len <= CACHE_MAX_SECRET && strlen(region) < CACHE_MAX_NAME &&
                     strlen(service) < CACHE_MAX_NAME;
    if (cacheable) {
        pthread_mutex_lock(&cache->lock);
        for (size_t i = 0; i < CACHE_SLOTS; i++) {
            cache_slot *s = &cache->slots[i];
            if (slot_matches(s, secret, secret_len, day, region, service)) {
                s->last_use = ++cache->clock;
                *out = s->key;
                pthread_mutex_unlock(&cache->lock);
                return;
            }
        }
        pthread_mutex_unlock(&cache->lock);
    }
    unsigned char raw[32];
    (void)awsorch_sigv4_derive_key(raw, secret, day, region, service);
    awsorch__hmac_key_init(out, raw, sizeof(raw));
    OPENSSL_cleanse(raw, sizeof(raw));
    if (!cacheable) {
        return;
    }
    pthread_mutex_lock(&cache->lock);
    cache_slot *victim = &cache->slots[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        cache_slot *s = &cache->slots[i];
        if (slot_matches(s, secret, secret_len, day, region, service)) {
            victim = s; /* another thread derived it meanwhile */
            break;
        }
        if (!s->used || s->last_use < victim->last_use) {
            victim = s;
        }
    }
    /* Only the evicted secret needs wiping; every other field is overwritten. */
    OPENSSL_cleanse(victim->secret, victim->secret_len);
    victim->used = true;
    victim->last_use = ++cache->clock;
    victim->secret_len = secret_len;
    memcpy(victim->secret, secret, secret_len);
    memcpy(victim->day, day, sizeof(victim->day));
    memcpy(victim->region, region, strlen(region) + 1);
    memcpy(victim->service, service, strlen(service) + 1);
    victim->key = *out;
    pthread_mutex_unlock(&cache->lock);
}

/* ---- canonical parts -------------------------------------------------------- */

static int hdr_cmp(const void *a, const void *b)
{
    const hdr *x = a;
    const hdr *y = b;
    int c = bytes_cmp(x->name, x->name_len, y->name, y->name_len);
    if (c != 0) {
        return c;
    }
    return x->order < y->order ? -1 : (x->order > y->order ? 1 : 0);
}

static int qparam_cmp(const void *a, const void *b)
{
    const qparam *x = a;
    const qparam *y = b;
    int c = bytes_cmp(x->key, x->key_len, y->key, y->key_len);
    return c != 0 ? c : bytes_cmp(x->value, x->value_len, y->value, y->value_len);
}

static awsorch_sigv4_str copy_lower(arena *a, awsorch_sigv4_str in)
{
    sbuf s = sbuf_begin(a);
    for (size_t i = 0; i < in.len; i++) {
        char c = in.ptr[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        sbuf_char(&s, c);
    }
    return sbuf_end(&s);
}

static awsorch_sigv4_str copy_trimmed(arena *a, awsorch_sigv4_str in)
{
    sbuf s = sbuf_begin(a);
    bool pending_space = false;
    for (size_t i = 0; i < in.len; i++) {
        unsigned char c = (unsigned char)in.ptr[i];
        if (is_space(c)) {
            pending_space = s.len > 0;
            continue;
        }
        if (pending_space) {
            sbuf_char(&s, ' ');
            pending_space = false;
        }
        sbuf_char(&s, (char)c);
    }
    return sbuf_end(&s);
}

/* Decodes %XX escapes then encodes again with the strict RFC 3986 rules, so a
 * parameter signs the same whether the caller sent it encoded or not. */
static awsorch_sigv4_str reencode(arena *a, const char *p, size_t n)
{
    sbuf s = sbuf_begin(a);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '%' && i + 2 < n) { /* escapes were validated by check_params */
            c = (unsigned char)(awsorch__hex_value((unsigned char)p[i + 1]) * 16 +
                                awsorch__hex_value((unsigned char)p[i + 2]));
            i += 2;
        }
        if (awsorch__is_unreserved(c)) {
            sbuf_char(&s, (char)c);
        } else {
            sbuf_pct(&s, c);
        }
    }
    return sbuf_end(&s);
}

static void sbuf_truncate(sbuf *s, size_t len)
{
    /* Valid only while this string is the last thing in the arena. */
    s->a->used -= s->len - len;
    s->len = len;
}

/* Removes "." and ".." segments and empty segments, keeping a trailing slash,
 * exactly as the AWS SDKs normalize a path before signing it. A ".." drops
 * the last segment written, so the work is linear and needs no stack. */
static awsorch_sigv4_str normalize_path(arena *a, awsorch_sigv4_str path)
{
    sbuf s = sbuf_begin(a);
    size_t depth = 0;
    size_t i = 0;
    while (i < path.len) {
        size_t j = i;
        while (j < path.len && path.ptr[j] != '/') {
            j++;
        }
        const char *seg = path.ptr + i;
        size_t n = j - i;
        i = j + 1;
        if (n == 0 || (n == 1 && seg[0] == '.')) {
            continue;
        }
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            if (depth > 0 && !a->overflow) {
                size_t keep = s.len;
                while (keep > 0 && s.start[keep - 1] != '/') {
                    keep--;
                }
                sbuf_truncate(&s, keep - 1);
                depth--;
            }
            continue;
        }
        sbuf_char(&s, '/');
        sbuf_put(&s, seg, n);
        depth++;
    }
    if (depth == 0 || path.ptr[path.len - 1] == '/') {
        sbuf_char(&s, '/');
    }
    return sbuf_end(&s);
}

static awsorch_sigv4_str canonical_uri(arena *a, awsorch_sigv4_str path, bool normalize,
                                       bool double_encode)
{
    if (normalize) {
        path = normalize_path(a, path);
    }
    sbuf s = sbuf_begin(a);
    if (double_encode) {
        sbuf_uri_encode(&s, path.ptr, path.len, true);
    } else {
        /* S3 signs the path exactly as sent (already encoded once by the
         * caller), as botocore and the AWS Common Runtime do. */
        sbuf_put(&s, path.ptr, path.len);
    }
    return sbuf_end(&s);
}

/* ---- the signer ------------------------------------------------------------ */

typedef struct signer {
    arena a;
    const awsorch_sigv4_request *req;
    const awsorch_sigv4_params *p;
    bool s3;
    bool normalize;
    bool double_encode;
    bool add_sha;
    bool unsigned_payload;
    bool sign_token; /* the token is part of what is signed */
    bool has_token;
    awsorch_sigv4_str credential; /* "AKID/20150830/region/service/aws4_request" */
    char day[AWSORCH_TIME_BUF];
    char payload_hex[65];
} signer;

static awsorch_status check_params(signer *g)
{
    const awsorch_sigv4_params *p = g->p;
    const awsorch_sigv4_request *r = g->req;
    if (p->version != AWSORCH_SIGV4_PARAMS_VERSION) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "sigv4 params version %u is not %d: use AWSORCH_SIGV4_PARAMS_INIT",
                             p->version, AWSORCH_SIGV4_PARAMS_VERSION);
    }
    if (!valid_scope_part(p->region)) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "region is missing or has spaces, '/' or control characters");
    }
    if (!valid_scope_part(p->service)) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "service is missing or has spaces, '/' or control characters");
    }
    if (!valid_scope_part(p->access_key_id)) {
        return awsorch__fail(AWSORCH_E_CREDENTIALS,
                             "access key id is missing or has spaces, '/' or control characters");
    }
    if (p->secret_access_key == NULL || p->secret_access_key[0] == '\0') {
        return awsorch__fail(AWSORCH_E_CREDENTIALS, "secret access key is missing");
    }
    if (p->mode != AWSORCH_SIGV4_HEADERS && p->mode != AWSORCH_SIGV4_QUERY) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "unknown signing mode %d", (int)p->mode);
    }
    if (p->mode == AWSORCH_SIGV4_QUERY && (p->expires_s < AWSORCH_SIGV4_MIN_EXPIRES_S ||
                                           p->expires_s > AWSORCH_SIGV4_MAX_EXPIRES_S)) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "presign expiry %u s is outside 1 s to 604800 s (7 days)",
                             p->expires_s);
    }
    if (r->method == NULL || !valid_token(r->method, strlen(r->method))) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "HTTP method is missing or not a token");
    }
    if (r->path.len == 0 || r->path.ptr == NULL || r->path.ptr[0] != '/') {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "request path must start with '/'");
    }
    if ((r->query.len > 0 && r->query.ptr == NULL) || (r->header_count > 0 && r->headers == NULL) ||
        (r->body_len > 0 && r->body == NULL)) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "request has a length without data");
    }
    size_t bad = 0;
    if (!valid_percent_encoding(r->path.ptr, r->path.len, &bad)) {
        return awsorch__fail(AWSORCH_E_PARSE, "invalid percent-encoding at offset %zu of the path",
                             bad);
    }
    if (!valid_percent_encoding(r->query.ptr, r->query.len, &bad)) {
        return awsorch__fail(AWSORCH_E_PARSE, "invalid percent-encoding at offset %zu of the query",
                             bad);
    }
    for (size_t i = 0; i < r->path.len + r->query.len; i++) {
        unsigned char c =
            (unsigned char)(i < r->path.len ? r->path.ptr[i] : r->query.ptr[i - r->path.len]);
        if (c < 0x20 || c == 0x7f || c == '#') {
            return awsorch__fail(AWSORCH_E_PARSE, "request target has a control character or '#'");
        }
    }
    if (r->payload_hash != NULL) {
        size_t n = strlen(r->payload_hash);
        if (n == 0 || !valid_scope_part(r->payload_hash)) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "payload hash is empty or not printable");
        }
    }
    return AWSORCH_OK;
}

/* Collects the headers to sign, lowercased and trimmed, then sorts them. */
static awsorch_status collect_headers(signer *g, hdr **out, size_t *count, const char *amz_date)
{
    const awsorch_sigv4_request *r = g->req;
    hdr *h = arena_alloc(&g->a, (r->header_count + ADDED_HEADERS) * sizeof(hdr), sizeof(void *));
    if (h == NULL) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "sigv4 scratch estimate too small");
    }
    bool header_mode = g->p->mode == AWSORCH_SIGV4_HEADERS;
    bool host = false;
    size_t n = 0;
    for (size_t i = 0; i < r->header_count; i++) {
        awsorch_sigv4_str name = r->headers[i].name;
        awsorch_sigv4_str value = r->headers[i].value;
        if (name.ptr == NULL || !valid_token(name.ptr, name.len)) {
            return awsorch__fail(AWSORCH_E_PARSE, "header %zu has an empty or invalid name", i + 1);
        }
        if ((value.len > 0 && value.ptr == NULL) || !valid_header_value(value.ptr, value.len)) {
            return awsorch__fail(AWSORCH_E_PARSE,
                                 "header '%.*s' has a control character or bare line break",
                                 (int)(name.len > 64 ? 64 : name.len), name.ptr);
        }
        awsorch_sigv4_str lower = copy_lower(&g->a, name);
        if (lower.len == 4 && memcmp(lower.ptr, "host", 4) == 0) {
            host = true;
        }
        bool replaced =
            (header_mode && lower.len == 10 && memcmp(lower.ptr, "x-amz-date", 10) == 0) ||
            (header_mode && g->has_token && lower.len == 20 &&
             memcmp(lower.ptr, "x-amz-security-token", 20) == 0) ||
            (g->add_sha && lower.len == 20 && memcmp(lower.ptr, "x-amz-content-sha256", 20) == 0);
        if (replaced || (lower.len > 0 && lower_is_unsigned(lower.ptr, lower.len))) {
            continue;
        }
        awsorch_sigv4_str v = copy_trimmed(&g->a, value);
        h[n++] = (hdr){lower.ptr, lower.len, v.ptr, v.len, i};
    }
    if (!host) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "request has no Host header; SigV4 signs it");
    }
    size_t order = r->header_count;
    if (header_mode) {
        h[n++] = (hdr){"x-amz-date", 10, amz_date, 16, order++};
        if (g->sign_token) {
            const char *t = g->p->session_token;
            h[n++] = (hdr){"x-amz-security-token", 20, t, strlen(t), order++};
        }
        if (g->add_sha) {
            h[n++] =
                (hdr){"x-amz-content-sha256", 20, g->payload_hex, strlen(g->payload_hex), order++};
        }
    }
    sort_items(h, n, sizeof(hdr), hdr_cmp);
    *out = h;
    *count = n;
    return AWSORCH_OK;
}

static awsorch_sigv4_str build_signed_headers(arena *a, const hdr *h, size_t n)
{
    sbuf s = sbuf_begin(a);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && h[i].name_len == h[i - 1].name_len &&
            memcmp(h[i].name, h[i - 1].name, h[i].name_len) == 0) {
            continue;
        }
        if (s.len > 0) {
            sbuf_char(&s, ';');
        }
        sbuf_put(&s, h[i].name, h[i].name_len);
    }
    return sbuf_end(&s);
}

static void put_canonical_headers(sbuf *s, const hdr *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool same = i > 0 && h[i].name_len == h[i - 1].name_len &&
                    memcmp(h[i].name, h[i - 1].name, h[i].name_len) == 0;
        if (same) {
            sbuf_char(s, ',');
        } else {
            if (i > 0) {
                sbuf_char(s, '\n');
            }
            sbuf_put(s, h[i].name, h[i].name_len);
            sbuf_char(s, ':');
        }
        sbuf_put(s, h[i].value, h[i].value_len);
    }
    if (n > 0) {
        sbuf_char(s, '\n');
    }
}

static awsorch_sigv4_str encoded(arena *a, const char *p, size_t n)
{
    sbuf s = sbuf_begin(a);
    sbuf_uri_encode(&s, p, n, false);
    return sbuf_end(&s);
}

static awsorch_sigv4_str credential(arena *a, const char *akid, awsorch_sigv4_str scope)
{
    sbuf s = sbuf_begin(a);
    sbuf_str(&s, akid);
    sbuf_char(&s, '/');
    sbuf_put(&s, scope.ptr, scope.len);
    return sbuf_end(&s);
}

/* Collects the query parameters to sign (the request's and, when presigning,
 * the X-Amz-* ones), each re-encoded, then sorts them. */
static awsorch_status collect_params(signer *g, qparam **out, size_t *count,
                                     awsorch_sigv4_str signed_headers, const char *amz_date,
                                     char *expires)
{
    const awsorch_sigv4_request *r = g->req;
    size_t max = query_param_count(r->query) + ADDED_PARAMS;
    qparam *q = arena_alloc(&g->a, max * sizeof(qparam), sizeof(void *));
    if (q == NULL) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "sigv4 scratch estimate too small");
    }
    bool presign = g->p->mode == AWSORCH_SIGV4_QUERY;
    size_t n = 0;
    size_t i = 0;
    while (i < r->query.len) {
        size_t j = i;
        while (j < r->query.len && r->query.ptr[j] != '&') {
            j++;
        }
        const char *seg = r->query.ptr + i;
        size_t seg_len = j - i;
        i = j + 1;
        if (seg_len == 0) {
            continue;
        }
        const char *eq = memchr(seg, '=', seg_len);
        size_t klen = eq ? (size_t)(eq - seg) : seg_len;
        awsorch_sigv4_str k = reencode(&g->a, seg, klen);
        awsorch_sigv4_str v =
            eq ? reencode(&g->a, eq + 1, seg_len - klen - 1) : (awsorch_sigv4_str){"", 0};
        if (presign && k.len == 15 && memcmp(k.ptr, "X-Amz-Signature", 15) == 0) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG,
                                 "the request is already presigned (it has X-Amz-Signature)");
        }
        q[n++] = (qparam){k.ptr, k.len, v.ptr, v.len};
    }
    if (presign) {
        awsorch_sigv4_str cred_enc = encoded(&g->a, g->credential.ptr, g->credential.len);
        awsorch_sigv4_str sh_enc = encoded(&g->a, signed_headers.ptr, signed_headers.len);
        q[n++] = (qparam){"X-Amz-Algorithm", 15, ALGORITHM, strlen(ALGORITHM)};
        q[n++] = (qparam){"X-Amz-Credential", 16, cred_enc.ptr, cred_enc.len};
        q[n++] = (qparam){"X-Amz-Date", 10, amz_date, 16};
        q[n++] = (qparam){"X-Amz-Expires", 13, expires, strlen(expires)};
        q[n++] = (qparam){"X-Amz-SignedHeaders", 19, sh_enc.ptr, sh_enc.len};
        if (g->sign_token) {
            const char *t = g->p->session_token;
            awsorch_sigv4_str t_enc = encoded(&g->a, t, strlen(t));
            q[n++] = (qparam){"X-Amz-Security-Token", 20, t_enc.ptr, t_enc.len};
        }
    }
    sort_items(q, n, sizeof(qparam), qparam_cmp);
    *out = q;
    *count = n;
    return AWSORCH_OK;
}

static void put_query(sbuf *s, const qparam *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            sbuf_char(s, '&');
        }
        sbuf_put(s, q[i].key, q[i].key_len);
        sbuf_char(s, '=');
        sbuf_put(s, q[i].value, q[i].value_len);
    }
}

static void put_hex(sbuf *s, const unsigned char *digest)
{
    char hex[65];
    (void)awsorch_hex_encode(digest, 32, hex, sizeof(hex));
    sbuf_put(s, hex, 64);
}

static awsorch_status payload_hash(signer *g)
{
    const awsorch_sigv4_request *r = g->req;
    if (g->unsigned_payload) {
        memcpy(g->payload_hex, AWSORCH_SIGV4_UNSIGNED_PAYLOAD_HASH,
               sizeof(AWSORCH_SIGV4_UNSIGNED_PAYLOAD_HASH));
    } else if (r->payload_hash != NULL) {
        size_t n = strlen(r->payload_hash);
        if (n >= sizeof(g->payload_hex)) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "payload hash is longer than 64 bytes");
        }
        memcpy(g->payload_hex, r->payload_hash, n + 1);
    } else {
        unsigned char digest[32];
        awsorch__sha256_once(r->body, r->body_len, digest);
        (void)awsorch_hex_encode(digest, sizeof(digest), g->payload_hex, sizeof(g->payload_hex));
    }
    return AWSORCH_OK;
}

awsorch_status awsorch_sigv4_sign(awsorch_sigv4_result *out, const awsorch_sigv4_request *req,
                                  const awsorch_sigv4_params *params, void *scratch,
                                  size_t scratch_len)
{
    if (out == NULL || req == NULL || params == NULL || scratch == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "sigv4_sign: a required argument is NULL");
    }
    memset(out, 0, sizeof(*out));
    signer g = {.a = {scratch, scratch_len, 0, false}, .req = req, .p = params};
    awsorch_status st = check_params(&g);
    if (st != AWSORCH_OK) {
        return st;
    }
    size_t need = awsorch_sigv4_scratch_size(req, params);
    if (scratch_len < need) {
        return awsorch__fail(AWSORCH_E_BUFFER_TOO_SMALL,
                             "sigv4 scratch buffer has %zu bytes; this request needs %zu",
                             scratch_len, need);
    }
    unsigned flags = params->flags;
    bool header_mode = params->mode == AWSORCH_SIGV4_HEADERS;
    g.s3 = (flags & AWSORCH_SIGV4_S3_RULES) || awsorch_sigv4_is_s3(params->service);
    g.normalize = !(flags & AWSORCH_SIGV4_NO_NORMALIZE_PATH) && !g.s3;
    g.double_encode = !(flags & AWSORCH_SIGV4_NO_DOUBLE_ENCODE) && !g.s3;
    g.add_sha = header_mode && ((flags & AWSORCH_SIGV4_ADD_CONTENT_SHA256) || g.s3);
    g.unsigned_payload = (flags & AWSORCH_SIGV4_UNSIGNED_PAYLOAD) || (g.s3 && !header_mode);
    g.has_token = params->session_token != NULL && params->session_token[0] != '\0';
    g.sign_token = g.has_token && !(flags & AWSORCH_SIGV4_OMIT_SESSION_TOKEN);
    if (g.has_token && !valid_header_value(params->session_token, strlen(params->session_token))) {
        return awsorch__fail(AWSORCH_E_CREDENTIALS, "session token has control characters");
    }

    /* The basic form is exactly 16 characters, which out->amz_date holds. */
    char date_buf[AWSORCH_TIME_BUF];
    if ((st = awsorch_time_format_epoch(params->time_s, AWSORCH_TIME_ISO8601_BASIC, date_buf,
                                        sizeof(date_buf))) != AWSORCH_OK) {
        return st;
    }
    memcpy(out->amz_date, date_buf, 17);
    memcpy(g.day, date_buf, 8);
    g.day[8] = '\0';
    if ((st = payload_hash(&g)) != AWSORCH_OK) {
        return st;
    }

    sbuf s = sbuf_begin(&g.a);
    sbuf_str(&s, g.day);
    sbuf_char(&s, '/');
    sbuf_str(&s, params->region);
    sbuf_char(&s, '/');
    sbuf_str(&s, params->service);
    sbuf_str(&s, "/" TERMINATOR);
    awsorch_sigv4_str scope = sbuf_end(&s);
    g.credential = credential(&g.a, params->access_key_id, scope);

    hdr *headers = NULL;
    size_t header_n = 0;
    if ((st = collect_headers(&g, &headers, &header_n, out->amz_date)) != AWSORCH_OK) {
        return st;
    }
    awsorch_sigv4_str signed_headers = build_signed_headers(&g.a, headers, header_n);

    char expires[16] = "";
    if (!header_mode) {
        char digits[16];
        size_t n = 0;
        for (uint32_t v = params->expires_s; v > 0 || n == 0; v /= 10) {
            digits[n++] = (char)('0' + v % 10);
        }
        for (size_t i = 0; i < n; i++) {
            expires[i] = digits[n - 1 - i];
        }
        expires[n] = '\0';
    }
    qparam *query = NULL;
    size_t query_n = 0;
    if ((st = collect_params(&g, &query, &query_n, signed_headers, out->amz_date, expires)) !=
        AWSORCH_OK) {
        return st;
    }
    awsorch_sigv4_str uri = canonical_uri(&g.a, req->path, g.normalize, g.double_encode);

    s = sbuf_begin(&g.a);
    sbuf_put(&s, g.payload_hex, strlen(g.payload_hex));
    out->payload_hash = sbuf_end(&s);

    s = sbuf_begin(&g.a);
    sbuf_str(&s, req->method);
    sbuf_char(&s, '\n');
    sbuf_put(&s, uri.ptr, uri.len);
    sbuf_char(&s, '\n');
    put_query(&s, query, query_n);
    sbuf_char(&s, '\n');
    put_canonical_headers(&s, headers, header_n);
    sbuf_char(&s, '\n');
    sbuf_put(&s, signed_headers.ptr, signed_headers.len);
    sbuf_char(&s, '\n');
    sbuf_put(&s, out->payload_hash.ptr, out->payload_hash.len);
    out->canonical_request = sbuf_end(&s);
    if (g.a.overflow) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "sigv4 scratch estimate too small");
    }

    unsigned char digest[32];
    awsorch__sha256_once(out->canonical_request.ptr, out->canonical_request.len, digest);
    s = sbuf_begin(&g.a);
    sbuf_str(&s, ALGORITHM "\n");
    sbuf_put(&s, out->amz_date, 16);
    sbuf_char(&s, '\n');
    sbuf_put(&s, scope.ptr, scope.len);
    sbuf_char(&s, '\n');
    put_hex(&s, digest);
    out->string_to_sign = sbuf_end(&s);

    awsorch__hmac_key key;
    signing_key(params->key_cache ? params->key_cache : &global_cache, params->secret_access_key,
                g.day, params->region, params->service, &key);
    awsorch__hmac_sha256(&key, out->string_to_sign.ptr, out->string_to_sign.len, digest);
    awsorch__hmac_key_wipe(&key);
    (void)awsorch_hex_encode(digest, sizeof(digest), out->signature, sizeof(out->signature));

    out->signed_headers = signed_headers;
    out->credential_scope = scope;
    if (header_mode) {
        s = sbuf_begin(&g.a);
        sbuf_str(&s, ALGORITHM " Credential=");
        sbuf_put(&s, g.credential.ptr, g.credential.len);
        sbuf_str(&s, ", SignedHeaders=");
        sbuf_put(&s, signed_headers.ptr, signed_headers.len);
        sbuf_str(&s, ", Signature=");
        sbuf_put(&s, out->signature, 64);
        out->authorization = sbuf_end(&s);
        size_t k = 0;
        if (g.has_token) {
            const char *t = params->session_token;
            out->add_headers[k++] =
                (awsorch_sigv4_header){{"X-Amz-Security-Token", 20}, {t, strlen(t)}};
        }
        out->add_headers[k++] = (awsorch_sigv4_header){{"X-Amz-Date", 10}, {out->amz_date, 16}};
        if (g.add_sha) {
            out->add_headers[k++] = (awsorch_sigv4_header){
                {"x-amz-content-sha256", 20}, {out->payload_hash.ptr, out->payload_hash.len}};
        }
        out->add_headers[k++] = (awsorch_sigv4_header){
            {"Authorization", 13}, {out->authorization.ptr, out->authorization.len}};
        out->add_header_count = k;
    } else {
        s = sbuf_begin(&g.a);
        sbuf_str(&s, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
        sbuf_uri_encode(&s, g.credential.ptr, g.credential.len, false);
        sbuf_str(&s, "&X-Amz-Date=");
        sbuf_put(&s, out->amz_date, 16);
        sbuf_str(&s, "&X-Amz-SignedHeaders=");
        sbuf_uri_encode(&s, signed_headers.ptr, signed_headers.len, false);
        sbuf_str(&s, "&X-Amz-Expires=");
        sbuf_str(&s, expires);
        if (g.has_token) {
            sbuf_str(&s, "&X-Amz-Security-Token=");
            sbuf_uri_encode(&s, params->session_token, strlen(params->session_token), false);
        }
        sbuf_str(&s, "&X-Amz-Signature=");
        sbuf_put(&s, out->signature, 64);
        out->presign_query = sbuf_end(&s);
    }
    OPENSSL_cleanse(digest, sizeof(digest));
    if (g.a.overflow) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "sigv4 scratch estimate too small");
    }
    return AWSORCH_OK;
}
