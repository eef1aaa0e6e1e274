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

/* Returns true when a message at this level would reach the log callback. */
bool awsorch__log_enabled(awsorch_log_level level);

/* Logs one line; callers must have redacted secrets already. */
void awsorch__log(awsorch_log_level level, const char *fmt, ...) AWSORCH_PRINTF(2, 3);

/* Returns true for header names whose values are secrets and must be redacted. */
bool awsorch__header_is_secret(const char *name, size_t name_len);

/* ASCII case-insensitive comparison of two byte ranges, as HTTP header names need. */
int awsorch__strncasecmp_len(const char *a, size_t alen, const char *b, size_t blen);

/* Value 0-15 of a hex digit, or -1. */
int awsorch__hex_value(unsigned char c);

/* True for RFC 3986 unreserved characters: ALPHA DIGIT - . _ ~ */
bool awsorch__is_unreserved(unsigned char c);

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
} awsorch__ini_section;

/* Loads the keys of section `section` ("default", "profile dev", "dev") from a
 * file. A missing file is AWSORCH_OK with found=false. */
awsorch_status awsorch__ini_load(awsorch__ini_section *out, bool *found, const char *path,
                                 const char *section);
/* Returns the value of key in a loaded section, or NULL. */
const char *awsorch__ini_get(const awsorch__ini_section *sec, const char *key);
/* Frees a loaded section, wiping values (they may be secrets). */
void awsorch__ini_free(awsorch__ini_section *sec);

#endif
