/* awsorch-emulator: one local endpoint for every service awsorch covers.
 *
 * Internal interface shared by the server core (routing, signatures, faults,
 * control API) and the service implementations. All service state lives in one
 * emu instance guarded by one mutex: the server takes it around every handler,
 * so handlers run with it held and only give it up while they wait
 * (emu_wait_until), which keeps each service simple and still serves many
 * clients at once. */
#ifndef AWSORCH_EMULATOR_EMU_H
#define AWSORCH_EMULATOR_EMU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "awsorch/model.h"

#define EMU_ACCOUNT "000000000000"
#define EMU_DEFAULT_ACCESS_KEY "AKIAIOSFODNN7EXAMPLE"
#define EMU_DEFAULT_SECRET_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

typedef struct emu emu;
typedef struct emu_service_state emu_service_state;

/* An error as AWS reports it; the protocol layer renders it in the service's format. */
typedef struct emu_error {
    int status;        /* HTTP status: 400, 404, 500, ... */
    char code[64];     /* "EntityNotFoundException" */
    char message[512]; /* human readable, names the member or resource */
} emu_error;

/* Fills err and returns -1, so a handler can `return emu_fail(err, 400, "X", "...")`. */
int emu_fail(emu_error *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Who is calling: from the verified signature. */
typedef struct emu_call {
    const char *region;     /* from the credential scope, e.g. "us-east-1" */
    const char *access_key; /* the caller's access key id */
    const char *request_id; /* this request's id (x-amzn-RequestId) */
} emu_call;

/* A JSON-protocol operation (awsJson 1.0/1.1): input already parsed and checked
 * against the operation's model when one is declared. Returns 0 and sets *output
 * (a new reference; NULL means "{}"), or -1 with err filled. Runs with e->lock held. */
typedef int (*emu_json_fn)(emu *e, const emu_call *call, json_t *input, json_t **output,
                           emu_error *err);

typedef struct emu_json_op {
    const char *name; /* "StartJobRun" */
    emu_json_fn fn;
} emu_json_op;

/* A request as received, for the REST and query protocols (S3, Lambda, STS). */
typedef struct emu_header {
    char *name; /* lowercase */
    char *value;
} emu_header;

typedef struct emu_http_request {
    const char *method;
    const char *path;  /* as sent, percent-encoded, without the query */
    const char *query; /* as sent, without '?', "" when none */
    const char *host;  /* the Host header */
    const emu_header *headers;
    size_t header_count;
    const unsigned char *body;
    size_t body_len;
    const char *bucket; /* S3 virtual-hosted style: the bucket from the host, else NULL */
} emu_http_request;

#define EMU_MAX_REPLY_HEADERS 24

typedef struct emu_http_reply {
    int status;
    emu_header headers[EMU_MAX_REPLY_HEADERS]; /* malloc'd name and value; freed by the core */
    size_t header_count;
    unsigned char *body; /* malloc'd; freed by the core */
    size_t body_len;
} emu_http_reply;

/* Adds a reply header (copies both strings). */
void emu_reply_header(emu_http_reply *rep, const char *name, const char *value);
/* Sets the reply body (copies it). */
void emu_reply_body(emu_http_reply *rep, const void *data, size_t len);
/* Sets the reply body from a NUL-terminated string (takes ownership of s). */
void emu_reply_take(emu_http_reply *rep, char *s);

/* A REST/query handler. Returns 0 with rep filled (status, headers, body), or -1
 * with err filled; the core renders err in the service's protocol. Lock held. */
typedef int (*emu_http_fn)(emu *e, const emu_call *call, const emu_http_request *req,
                           emu_http_reply *rep, emu_error *err);

/* ---- request helpers ---------------------------------------------------------- */

/* A header's value (name in any case), or NULL. */
const char *emu_header_get(const emu_http_request *req, const char *name);
/* A query parameter's decoded value (malloc'd), or NULL when absent. */
char *emu_query_get(const char *query, const char *key);

/* One parameter of a query string as sent (still percent-encoded). */
typedef struct emu_query_param {
    const char *text; /* "name=value" or "name" */
    size_t len;
    size_t name_len;
    bool has_value; /* there was a '=' */
} emu_query_param;

/* Steps *cursor (start: the query) to its next non-empty parameter; false at the end. */
bool emu_query_next(const char **cursor, emu_query_param *out);
/* Percent-decodes src (len bytes) into a new string; '+' stays '+' unless form is true. */
char *emu_uri_decode(const char *src, size_t len, bool form);

/* ---- time --------------------------------------------------------------------- */

/* Wall-clock time, epoch seconds with fractions. */
double emu_now(void);
/* Real seconds that `emulated` seconds take under the configured time scale
 * (config "time_scale": 3600 makes an hour pass in a second). */
double emu_real_seconds(const emu *e, double emulated);
/* Waits, giving up e->lock, until woken by emu_changed or until the epoch time
 * `deadline`; returns true when the deadline passed or the emulator is stopping. */
bool emu_wait_until(emu *e, double deadline);
/* Wakes everything waiting in emu_wait_until (state changed). */
void emu_changed(emu *e);
/* True once the emulator is shutting down: loops and long polls must return. */
bool emu_stopping(const emu *e);

/* ---- identifiers ---------------------------------------------------------------- */

/* A random lowercase UUID v4 into out[37]. */
void emu_uuid(char out[37]);
/* A random id of n hex characters into out[n + 1]. */
void emu_hex_id(char *out, size_t n);
/* Standard padded base64 of n bytes (malloc'd), or NULL when out of memory. */
char *emu_base64_encode(const void *data, size_t n);
/* ISO 8601 with milliseconds ("2026-12-03T16:48:45.123Z") into out[32]. */
void emu_iso8601(double t, char out[32]);

/* ---- the instance --------------------------------------------------------------- */

struct emu {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    json_t *config;    /* the whole config file (never NULL: {} when none) */
    double time_scale; /* emulated seconds per real second, >= 1e-6 */
    bool stopping;
    /* One slot per service, owned by that service's file (created on first use). */
    emu_service_state *glue, *logs, *lambda, *athena, *redshift, *s3, *sts, *sfn;
};

/* A value from the config: config[section] (a JSON object or array), or NULL. */
json_t *emu_config_section(const emu *e, const char *section);

/* ---- services ------------------------------------------------------------------- */

/* JSON-protocol services: their operation tables (NULL-name terminated). */
extern const emu_json_op emu_glue_ops[];
extern const emu_json_op emu_logs_ops[];
extern const emu_json_op emu_athena_ops[];
extern const emu_json_op emu_redshift_ops[];
extern const emu_json_op emu_sfn_ops[];

/* REST/query services. */
int emu_s3_handle(emu *e, const emu_call *call, const emu_http_request *req, emu_http_reply *rep,
                  emu_error *err);
int emu_lambda_handle(emu *e, const emu_call *call, const emu_http_request *req,
                      emu_http_reply *rep, emu_error *err);
int emu_sts_handle(emu *e, const emu_call *call, const emu_http_request *req, emu_http_reply *rep,
                   emu_error *err);

/* Frees one service's state at shutdown (each NULL-safe). */
void emu_glue_free(emu *e);
void emu_logs_free(emu *e);
void emu_lambda_free(emu *e);
void emu_athena_free(emu *e);
void emu_redshift_free(emu *e);
void emu_s3_free(emu *e);
void emu_sts_free(emu *e);
void emu_sfn_free(emu *e); /* also stops and joins running executions */

/* Calls a JSON operation of another service in-process, as Step Functions' task
 * integrations do ("glue", "StartJobRun"). Lock held. 0 or -1 with err. */
int emu_json_call(emu *e, const emu_call *call, const char *service, const char *operation,
                  json_t *input, json_t **output, emu_error *err);

/* Lambda, in-process (Step Functions tasks). On success *result is the function's
 * payload (new reference). A function error returns 1 with *error_type and
 * *error_message set (malloc'd); an API error returns -1 with err. Lock held;
 * may wait for the function's configured delay. */
int emu_lambda_invoke(emu *e, const emu_call *call, const char *function, json_t *payload,
                      json_t **result, char **error_type, char **error_message, emu_error *err);

/* CloudWatch Logs: appends a line to a log stream (created on demand). Lock held. */
void emu_logs_put(emu *e, const char *group, const char *stream, double time, const char *message);

/* STS: the secret for an access key the emulator's STS issued, or NULL. Lock held. */
const char *emu_sts_secret(emu *e, const char *access_key);

#endif
