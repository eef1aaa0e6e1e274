/* AWS Signature Version 4, header and query (presigned URL) modes.
 *
 * The signer is pure: it does no I/O, and it writes everything it produces into
 * one caller-owned scratch buffer, so a signature costs no heap allocation. The
 * signing key is derived once per (secret, day, region, service) and cached. */
#ifndef AWSORCH_SIGV4_H
#define AWSORCH_SIGV4_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Presigned URLs live between 1 second and 7 days, as SigV4 allows. */
#define AWSORCH_SIGV4_MIN_EXPIRES_S 1u
#define AWSORCH_SIGV4_MAX_EXPIRES_S 604800u

/* The payload hash S3 and presigned URLs use when the body is not signed. */
#define AWSORCH_SIGV4_UNSIGNED_PAYLOAD_HASH "UNSIGNED-PAYLOAD"

/* A byte range that the signer reads or that points into the scratch buffer. */
typedef struct awsorch_sigv4_str {
    const char *ptr;
    size_t len;
} awsorch_sigv4_str;

/* One HTTP header; the value is signed trimmed, with inner whitespace runs collapsed. */
typedef struct awsorch_sigv4_header {
    awsorch_sigv4_str name;
    awsorch_sigv4_str value;
} awsorch_sigv4_header;

/* The request to sign, exactly as it goes on the wire. */
typedef struct awsorch_sigv4_request {
    const char *method;
    awsorch_sigv4_str path;  /* as sent: percent-encoded once, without the query */
    awsorch_sigv4_str query; /* as sent, after the '?'; empty when none */
    const awsorch_sigv4_header *headers;
    size_t header_count; /* must include Host */
    const void *body;
    size_t body_len;
    const char *payload_hash; /* optional lowercase hex SHA-256 of the body, to skip hashing */
} awsorch_sigv4_request;

#define AWSORCH_SIGV4_REQUEST_INIT                                                                 \
    {                                                                                              \
        NULL, {NULL, 0}, {NULL, 0}, NULL, 0, NULL, 0, NULL                                         \
    }

typedef enum awsorch_sigv4_mode {
    AWSORCH_SIGV4_HEADERS = 0, /* Authorization header */
    AWSORCH_SIGV4_QUERY = 1    /* presigned URL: X-Amz-* query parameters */
} awsorch_sigv4_mode;

/* Flags that change the signing rules. Services named "s3" get the S3 rules
 * (no path normalization, no double encoding, X-Amz-Content-Sha256, unsigned
 * payload when presigning) without asking. */
enum {
    AWSORCH_SIGV4_NO_NORMALIZE_PATH = 1u << 0,  /* keep "." "..", "//" in the path */
    AWSORCH_SIGV4_NO_DOUBLE_ENCODE = 1u << 1,   /* sign the path as sent (S3) */
    AWSORCH_SIGV4_UNSIGNED_PAYLOAD = 1u << 2,   /* payload hash "UNSIGNED-PAYLOAD" */
    AWSORCH_SIGV4_ADD_CONTENT_SHA256 = 1u << 3, /* header mode: add X-Amz-Content-Sha256 */
    AWSORCH_SIGV4_OMIT_SESSION_TOKEN = 1u << 4, /* add the token after signing */
    AWSORCH_SIGV4_S3_RULES = 1u << 5            /* the S3 rules, for any service name */
};

typedef struct awsorch_sigv4_key_cache awsorch_sigv4_key_cache;

/* What to sign with. Strings are NUL-terminated; secrets are never copied out. */
typedef struct awsorch_sigv4_params {
    unsigned version;
    const char *region;
    const char *service;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" when the credentials are long-term */
    int64_t time_s;            /* signing time, epoch seconds */
    awsorch_sigv4_mode mode;
    uint32_t expires_s; /* query mode: X-Amz-Expires */
    unsigned flags;
    awsorch_sigv4_key_cache *key_cache; /* NULL: the process-wide cache */
} awsorch_sigv4_params;

#define AWSORCH_SIGV4_PARAMS_VERSION 1
#define AWSORCH_SIGV4_PARAMS_INIT                                                                  \
    {                                                                                              \
        AWSORCH_SIGV4_PARAMS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, AWSORCH_SIGV4_HEADERS,      \
            3600u, 0u, NULL                                                                        \
    }

/* The signer's results; every awsorch_sigv4_str points into the scratch buffer. */
typedef struct awsorch_sigv4_result {
    awsorch_sigv4_str canonical_request;
    awsorch_sigv4_str string_to_sign;
    awsorch_sigv4_str signed_headers; /* "host;x-amz-date" */
    awsorch_sigv4_str payload_hash;
    awsorch_sigv4_str credential_scope; /* "20150830/us-east-1/service/aws4_request" */
    awsorch_sigv4_str authorization;    /* header mode: the Authorization header's value */
    /* Query mode: the X-Amz-* parameters to append to the request's query, in the
     * order AWS SDKs emit them, ending with X-Amz-Signature. */
    awsorch_sigv4_str presign_query;
    /* Header mode: headers to add to the request (X-Amz-Security-Token, X-Amz-Date,
     * X-Amz-Content-Sha256, Authorization), replacing any the request had. */
    awsorch_sigv4_header add_headers[4];
    size_t add_header_count;
    char signature[65]; /* lowercase hex */
    char amz_date[17];  /* 20150830T123600Z */
} awsorch_sigv4_result;

/* Returns a scratch size that is enough to sign this request with these params. */
AWSORCH_API size_t awsorch_sigv4_scratch_size(const awsorch_sigv4_request *req,
                                              const awsorch_sigv4_params *params);

/* Signs a request, writing all results into scratch; no heap allocation once the key is cached. */
AWSORCH_API awsorch_status awsorch_sigv4_sign(awsorch_sigv4_result *out,
                                              const awsorch_sigv4_request *req,
                                              const awsorch_sigv4_params *params, void *scratch,
                                              size_t scratch_len);

/* Creates a signing-key cache that one or more clients can share across threads. */
AWSORCH_API awsorch_status awsorch_sigv4_key_cache_new(awsorch_sigv4_key_cache **out);

/* Wipes and frees a signing-key cache; NULL is accepted. */
AWSORCH_API void awsorch_sigv4_key_cache_free(awsorch_sigv4_key_cache *cache);

/* Derives the 32-byte SigV4 signing key for a day ("20150830"), region and service. */
AWSORCH_API awsorch_status awsorch_sigv4_derive_key(unsigned char key[32], const char *secret,
                                                    const char *day, const char *region,
                                                    const char *service);

/* Returns non-zero when the service name gets the S3 signing rules ("s3", "s3-outposts", ...). */
AWSORCH_API int awsorch_sigv4_is_s3(const char *service);

/* Returns non-zero when a header is left unsigned because proxies rewrite or drop it. */
AWSORCH_API int awsorch_sigv4_header_is_unsigned(const char *name, size_t name_len);

#ifdef __cplusplus
}
#endif

#endif
