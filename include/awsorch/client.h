/* Options every service client takes. */
#ifndef AWSORCH_CLIENT_H
#define AWSORCH_CLIENT_H

#include <stdbool.h>

#include "credentials.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsorch_client_options {
    unsigned version;
    const char *profile;                    /* NULL: AWS_PROFILE, then "default" */
    const char *region;                     /* NULL: from the settings */
    const char *endpoint_url;               /* NULL: configured or default endpoint */
    long connect_timeout_ms;                /* 0: 10 s */
    long read_timeout_ms;                   /* 0: 60 s */
    bool no_sign_request;                   /* send requests unsigned */
    const awsorch_credentials *credentials; /* NULL: the default chain (cached) */
    bool no_verify_ssl;                     /* skip TLS certificate checks (never in production) */
} awsorch_client_options;

#define AWSORCH_CLIENT_OPTIONS_VERSION 1
#define AWSORCH_CLIENT_OPTIONS_INIT                                                                \
    {                                                                                              \
        AWSORCH_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, false, NULL, false                 \
    }

/* What the generic client needs to know about a service. */
typedef struct awsorch_service {
    const char *signing_name;    /* SigV4 service name: "states" */
    const char *endpoint_prefix; /* host prefix of the default endpoint: "states" */
    const char *service_id;      /* settings name: "SFN" (AWS_ENDPOINT_URL_SFN) */
} awsorch_service;

/* A client for one service: endpoint, credentials, signing, connection reuse
 * and retries. Safe to use from several threads at once. */
typedef struct awsorch_client awsorch_client;

/* Creates a client; the region must resolve (explicit, environment, profile, IMDS). */
AWSORCH_API awsorch_status awsorch_client_new(awsorch_client **out, const awsorch_service *service,
                                              const awsorch_client_options *opts);

/* Frees a client; NULL is accepted. */
AWSORCH_API void awsorch_client_free(awsorch_client *client);

/* Returns the region the client signs for. */
AWSORCH_API const char *awsorch_client_region(const awsorch_client *client);

/* Receives a streamed reply body; returns len to go on, anything else to abort. */
typedef size_t (*awsorch_write_fn)(void *userdata, const void *data, size_t len);

/* Supplies a streamed request body: fills up to len bytes, returns how many (0 at the
 * end); rewind restarts it from the first byte (for hashing and retries), 0 on success. */
typedef size_t (*awsorch_read_fn)(void *userdata, void *buf, size_t len);
typedef int (*awsorch_rewind_fn)(void *userdata);

/* One HTTP request of an operation; the client adds Host, dates, signature,
 * User-Agent and the SDK's invocation headers to each attempt. */
typedef struct awsorch_request {
    unsigned version;
    const char *method;
    const char *path;           /* percent-encoded, starting with '/' */
    const char *query;          /* percent-encoded, without '?', or NULL */
    const char *const *headers; /* "Name: value" strings */
    size_t header_count;
    const void *body;
    size_t body_len;
    const char *host_prefix; /* e.g. "sync-" for StartSyncExecution */
    bool long_poll;          /* never spin when retries run out (GetActivityTask) */
    long read_timeout_ms;    /* 0: the client's */
    /* Streaming, so a 5 GB object never sits in memory: */
    const char *body_file;    /* send this file as the body (re-read on a retry) */
    const char *payload_hash; /* hex SHA-256 of the body or "UNSIGNED-PAYLOAD"; NULL: computed */
    awsorch_write_fn reply_write; /* a 2xx reply's body goes here, not into memory */
    void *reply_userdata;
    const char *bucket; /* S3: the path's first segment, moved into the host when virtual-hosted */
    awsorch_read_fn body_read; /* stream the body from a callback, body_len bytes long */
    awsorch_rewind_fn body_rewind;
    void *body_userdata;
} awsorch_request;

#define AWSORCH_REQUEST_INIT                                                                       \
    {                                                                                              \
        1, "GET", "/", NULL, NULL, 0, NULL, 0, NULL, false, 0, NULL, NULL, NULL, NULL, NULL, NULL, \
            NULL, NULL                                                                             \
    }

/* A reply; free it with awsorch_response_free. */
typedef struct awsorch_response {
    int status;
    char *headers; /* the raw header block */
    size_t headers_len;
    char *body; /* NUL-terminated for convenience */
    size_t body_len;
    unsigned attempts;
} awsorch_response;

/* Sends a request with retries. A reply with an error status returns
 * AWSORCH_E_SERVICE, fills the error record (code, message, request id,
 * attempts) and still gives the reply in *out. */
AWSORCH_API awsorch_status awsorch_client_send(awsorch_response **out, awsorch_client *client,
                                               const awsorch_request *req);

/* Copies a reply header's value (name in any case) into out; 0 when absent. */
AWSORCH_API int awsorch_response_header(const awsorch_response *r, const char *name, char *out,
                                        size_t out_len);

/* Frees a reply; NULL is accepted. */
AWSORCH_API void awsorch_response_free(awsorch_response *r);

#ifdef __cplusplus
}
#endif

#endif
