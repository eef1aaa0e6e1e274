/* Internal helpers of the core layer, shared by every other layer. Nothing
 * here is exported from the shared library. */
#ifndef AWSORCH_CORE_INTERNAL_H
#define AWSORCH_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsorch/core.h"

#if defined(__GNUC__)
#define AWSORCH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AWSORCH_PRINTF(a, b)
#endif

/* Records a failure in the calling thread's error record and returns status. */
awsorch_status awsorch__fail(awsorch_status status, const char *fmt, ...) AWSORCH_PRINTF(2, 3);

/* Records a service error (code, message, HTTP status, request id) and returns
 * AWSORCH_E_SERVICE. */
awsorch_status awsorch__fail_service(int http_status, const char *code, const char *message,
                                     const char *request_id);

/* Records how many attempts the last operation made. */
void awsorch__error_set_attempts(unsigned attempts);

/* Returns true when a message at this level would reach the log callback. */
bool awsorch__log_enabled(awsorch_log_level level);

/* Logs one line; callers must have redacted secrets already. */
void awsorch__log(awsorch_log_level level, const char *fmt, ...) AWSORCH_PRINTF(2, 3);

/* Returns true for header names whose values are secrets and must be redacted. */
bool awsorch__header_is_secret(const char *name, size_t name_len);

/* ASCII case-insensitive comparison of two byte ranges, as HTTP header names need. */
int awsorch__strncasecmp_len(const char *a, size_t alen, const char *b, size_t blen);

/* A random UUID v4 (idempotency tokens, invocation ids). */
void awsorch__uuid4(char out[37]);

/* Value 0-15 of a hex digit, or -1. */
int awsorch__hex_value(unsigned char c);

/* True for RFC 3986 unreserved characters: ALPHA DIGIT - . _ ~ */
bool awsorch__is_unreserved(unsigned char c);

/* Appends n bytes percent-encoded (uppercase hex) except unreserved characters
 * and, when keep_slash, '/': URI paths, query strings and awsQuery forms. */
void awsorch__uri_encode(awsorch_buf *out, const char *s, size_t n, bool keep_slash);

/* SHA-256 and HMAC-SHA256 without heap allocation. */
typedef struct awsorch__sha256 {
    uint64_t opaque[14]; /* holds an OpenSSL SHA256_CTX */
} awsorch__sha256;

void awsorch__sha256_init(awsorch__sha256 *ctx);
void awsorch__sha256_update(awsorch__sha256 *ctx, const void *data, size_t n);
void awsorch__sha256_final(awsorch__sha256 *ctx, unsigned char out[32]);
void awsorch__sha256_once(const void *data, size_t n, unsigned char out[32]);

/* An HMAC-SHA256 key with its inner and outer states precomputed, so that a
 * cached key costs two compressions less per MAC. */
typedef struct awsorch__hmac_key {
    awsorch__sha256 inner;
    awsorch__sha256 outer;
} awsorch__hmac_key;

void awsorch__hmac_key_init(awsorch__hmac_key *key, const void *secret, size_t n);
void awsorch__hmac_sha256(const awsorch__hmac_key *key, const void *data, size_t n,
                          unsigned char out[32]);
void awsorch__hmac_key_wipe(awsorch__hmac_key *key);

/* Converts epoch seconds to broken-down UTC time without touching the C library's locale or TZ. */
void awsorch__civil_from_epoch(int64_t epoch_s, int *year, int *month, int *day, int *hour,
                               int *min, int *sec);

/* Shared config/credentials files (INI). Reads one profile's top-level keys;
 * sub-section lines (indented, under "s3 =") are skipped. */
typedef struct awsorch__ini_pair {
    char *key;
    char *value;
} awsorch__ini_pair;

typedef struct awsorch__ini_section {
    awsorch__ini_pair *pairs;
    size_t count;
    bool present; /* the section header appeared in the file */
} awsorch__ini_section;

/* Loads the keys of section `section` ("default", "profile dev", "dev") from a
 * file. A missing file is AWSORCH_OK with found=false. */
awsorch_status awsorch__ini_load(awsorch__ini_section *out, bool *found, const char *path,
                                 const char *section);
/* Returns the value of key in a loaded section, or NULL. */
const char *awsorch__ini_get(const awsorch__ini_section *sec, const char *key);
/* Frees a loaded section, wiping values (they may be secrets). */
void awsorch__ini_free(awsorch__ini_section *sec);

/* Returns the value of an environment variable, or NULL when unset or empty. */
const char *awsorch__env(const char *name);

/* Parses "true"/"false" (any case); false with an error naming `what` otherwise. */
awsorch_status awsorch__parse_bool(const char *text, const char *what, bool *out);

/* strdup that records AWSORCH_E_NOMEM; NULL in gives NULL out with AWSORCH_OK. */
awsorch_status awsorch__strdup(char **out, const char *s);

/* Frees a string after wiping it, for secrets. */
void awsorch__free_secret(char *s);

/* A minimal HTTP exchange over libcurl for the credential providers (instance
 * metadata, container endpoint, SSO portal, STS), which sit below the
 * transport layer and need only one request at a time. */
typedef struct awsorch__fetch_req {
    const char *method;
    const char *url;
    const char *const *headers; /* "Name: value" strings */
    size_t header_count;
    const void *body;
    size_t body_len;
    long connect_timeout_ms;
    long timeout_ms;
    const char *ca_bundle;
    size_t max_body; /* replies larger than this are refused */
} awsorch__fetch_req;

typedef struct awsorch__fetch_resp {
    long status;
    awsorch_buf headers; /* raw header block */
    awsorch_buf body;
} awsorch__fetch_resp;

/* Initialises libcurl once for the whole library; false if it failed. */
bool awsorch__curl_init(void);

/* Sends one request; transport failures are AWSORCH_E_TRANSPORT or _TIMEOUT. */
awsorch_status awsorch__fetch(const awsorch__fetch_req *req, awsorch__fetch_resp *resp);
/* Copies the value of header `name` (any case) from a raw header block into out
 * (trimmed, truncated to fit); false when absent. */
bool awsorch__header_value(const char *block, size_t len, const char *name, char *out,
                           size_t out_len);
/* Copies a response header's value (case-insensitive name) into out; false if absent. */
bool awsorch__fetch_header(const awsorch__fetch_resp *resp, const char *name, char *out,
                           size_t out_len);
void awsorch__fetch_resp_free(awsorch__fetch_resp *resp);

#endif
