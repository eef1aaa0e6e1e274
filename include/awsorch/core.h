/* awsorch core: status codes, the per-thread error record, logging, byte
 * buffers and time helpers shared by every layer. */
#ifndef AWSORCH_CORE_H
#define AWSORCH_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(AWSORCH_BUILDING) && defined(__GNUC__)
#define AWSORCH_API __attribute__((visibility("default")))
#else
#define AWSORCH_API
#endif

#define AWSORCH_VERSION_MAJOR 0
#define AWSORCH_VERSION_MINOR 1
#define AWSORCH_VERSION_PATCH 0
#define AWSORCH_VERSION_STRING "0.1.0"

/* Every fallible call returns one of these; 0 is success. */
typedef enum awsorch_status {
    AWSORCH_OK = 0,
    AWSORCH_E_INVALID_ARG,      /* the caller passed something unusable */
    AWSORCH_E_NOMEM,            /* an allocation failed */
    AWSORCH_E_BUFFER_TOO_SMALL, /* a caller-owned buffer cannot hold the result */
    AWSORCH_E_PARSE,            /* malformed input: request, file or reply */
    AWSORCH_E_IO,               /* reading or writing a file failed */
    AWSORCH_E_CONFIG,           /* bad or missing settings */
    AWSORCH_E_CREDENTIALS,      /* no usable credentials */
    AWSORCH_E_TRANSPORT,        /* the request could not be sent or answered */
    AWSORCH_E_SERVICE,          /* the service answered with an error */
    AWSORCH_E_TIMEOUT,          /* a deadline passed */
    AWSORCH_E_CANCELLED,        /* the caller cancelled */
    AWSORCH_E_UNSUPPORTED,      /* valid, but not something awsorch does */
    AWSORCH_E_INTERNAL          /* a bug in awsorch */
} awsorch_status;

/* Details of the last failure on the calling thread. */
typedef struct awsorch_error {
    awsorch_status status;
    char service_code[128]; /* e.g. "ThrottlingException"; empty if none */
    char message[1024];
    int http_status; /* 0 when no HTTP exchange took place */
    char request_id[128];
    unsigned attempts; /* attempts made by the last operation */
} awsorch_error;

/* Returns the calling thread's error record (never NULL, valid until the thread's next call). */
AWSORCH_API const awsorch_error *awsorch_error_last(void);

/* Resets the calling thread's error record to "no error". */
AWSORCH_API void awsorch_error_clear(void);

/* Returns a short, static, English description of a status code. */
AWSORCH_API const char *awsorch_strerror(awsorch_status status);

/* Returns the library version as "MAJOR.MINOR.PATCH". */
AWSORCH_API const char *awsorch_version(void);

typedef enum awsorch_log_level {
    AWSORCH_LOG_OFF = 0,
    AWSORCH_LOG_ERROR,
    AWSORCH_LOG_WARN,
    AWSORCH_LOG_INFO,
    AWSORCH_LOG_DEBUG,
    AWSORCH_LOG_TRACE
} awsorch_log_level;

/* Receives one log line, already redacted; called from whichever thread logged. */
typedef void (*awsorch_log_fn)(awsorch_log_level level, const char *line, void *userdata);

/* Installs the process-wide log callback (NULL or AWSORCH_LOG_OFF turns logging off). */
AWSORCH_API void awsorch_log_set(awsorch_log_level level, awsorch_log_fn fn, void *userdata);

/* A growable byte buffer; always NUL-terminated when data is not NULL. */
typedef struct awsorch_buf {
    char *data;
    size_t len;
    size_t cap;
} awsorch_buf;

#define AWSORCH_BUF_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Appends n bytes to a buffer, growing it as needed. */
AWSORCH_API awsorch_status awsorch_buf_append(awsorch_buf *buf, const void *data, size_t n);

/* Appends a NUL-terminated string to a buffer. */
AWSORCH_API awsorch_status awsorch_buf_puts(awsorch_buf *buf, const char *s);

/* Ensures room for at least n more bytes plus the terminating NUL. */
AWSORCH_API awsorch_status awsorch_buf_reserve(awsorch_buf *buf, size_t n);

/* Releases a buffer's memory and resets it to empty. */
AWSORCH_API void awsorch_buf_free(awsorch_buf *buf);

/* Like awsorch_buf_free, but wipes the bytes first because they held a secret. */
AWSORCH_API void awsorch_buf_free_secret(awsorch_buf *buf);

/* Time formats, as the AWS wire formats spell them. */
typedef enum awsorch_time_format {
    AWSORCH_TIME_ISO8601_BASIC,    /* 20150830T123600Z (SigV4) */
    AWSORCH_TIME_ISO8601_EXTENDED, /* 2015-08-30T12:36:00Z (JSON, XML) */
    AWSORCH_TIME_DATE_BASIC        /* 20150830 (SigV4 credential scope) */
} awsorch_time_format;

/* Writes epoch seconds in a format; out needs 21 bytes (AWSORCH_TIME_BUF). */
AWSORCH_API awsorch_status awsorch_time_format_epoch(int64_t epoch_s, awsorch_time_format fmt,
                                                     char *out, size_t out_len);

#define AWSORCH_TIME_BUF 21

/* Parses an ISO 8601 UTC time (basic or extended, optional fraction) to epoch seconds. */
AWSORCH_API awsorch_status awsorch_time_parse(const char *text, int64_t *epoch_s);

/* Returns the current time as epoch seconds. */
AWSORCH_API int64_t awsorch_time_now(void);

/* Writes 2*n lowercase hex digits and a NUL to out (out_len >= 2*n+1). */
AWSORCH_API awsorch_status awsorch_hex_encode(const void *data, size_t n, char *out,
                                              size_t out_len);

#ifdef __cplusplus
}
#endif

#endif
