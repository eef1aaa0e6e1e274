/* Integration-test harness: an in-process awsorch-emulator on a free loopback
 * port, and signed requests to it through the public client. */
#ifndef AWSORCH_TESTS_EMU_HARNESS_H
#define AWSORCH_TESTS_EMU_HARNESS_H

#include <jansson.h>

#include "awsorch/awsorch.h"
#include "emulator/server.h"

typedef struct emu_harness {
    emu_server *server;
    int port;
    char endpoint[64]; /* "http://127.0.0.1:PORT" */
} emu_harness;

/* Starts the emulator with this config (JSON text, or NULL); aborts the test on failure. */
void emu_harness_start(emu_harness *h, const char *config_json);
/* Stops it. */
void emu_harness_stop(emu_harness *h);

/* Sends a signed awsJson request (signing name "glue", target "AWSGlue.StartJobRun",
 * JSON 1.1 unless the target's prefix is AWSStepFunctions / RedshiftData / ...).
 * Returns the HTTP status and the parsed reply body in *reply (NULL when not JSON). */
int emu_harness_json(emu_harness *h, const char *signing_name, const char *target,
                     const char *body_json, json_t **reply);

/* A JSON service as the tests call it: SigV4 name and X-Amz-Target prefix. */
typedef struct emu_api {
    const char *signing_name;  /* "glue" */
    const char *target_prefix; /* "AWSGlue" */
} emu_api;

/* Calls PREFIX.op with a body (stolen); returns the HTTP status, *reply the parsed reply. */
int emu_harness_call(emu_harness *h, const emu_api *api, const char *op, json_t *body,
                     json_t **reply);
/* Calls PREFIX.op (body stolen), which must answer HTTP 200 with JSON; returns the reply. */
json_t *emu_harness_ok(emu_harness *h, const emu_api *api, const char *op, json_t *body);
/* Calls PREFIX.op (body stolen), which must fail with this HTTP status and __type; returns
 * the message (a static buffer, overwritten by the next call). */
const char *emu_harness_fails(emu_harness *h, const emu_api *api, const char *op, json_t *body,
                              int status, const char *code);

/* Monotonic seconds, for polling deadlines. */
double emu_harness_seconds(void);

/* Defines `static emu_harness VAR` and Criterion suite SUITE (with these options) that starts
 * the emulator with CONFIG before each test and stops it after. */
#define EMU_HARNESS_SUITE(suite, var, config_json, ...)                                            \
    static emu_harness var;                                                                        \
    static void suite##_setup(void)                                                                \
    {                                                                                              \
        emu_harness_start(&(var), (config_json));                                                  \
    }                                                                                              \
    static void suite##_teardown(void)                                                             \
    {                                                                                              \
        emu_harness_stop(&(var));                                                                  \
    }                                                                                              \
    TestSuite(suite, .init = suite##_setup, .fini = suite##_teardown, __VA_ARGS__)

/* Sends any signed request; *out gets the reply (free with awsorch_response_free).
 * Returns the HTTP status, or -1 when no reply came. */
int emu_harness_send(emu_harness *h, const char *signing_name, const char *method, const char *path,
                     const char *query, const char *const *headers, size_t header_count,
                     const void *body, size_t body_len, awsorch_response **out);
/* Sends this signed request to ENDPOINT (the harness's, or another form of it); *out gets
 * the reply. Returns the HTTP status, or -1 when no reply came. */
int emu_harness_request(const char *endpoint, const char *signing_name, const awsorch_request *req,
                        awsorch_response **out);

#endif
