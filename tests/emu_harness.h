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

/* Sends any signed request; *out gets the reply (free with awsorch_response_free).
 * Returns the HTTP status, or -1 when no reply came. */
int emu_harness_send(emu_harness *h, const char *signing_name, const char *method, const char *path,
                     const char *query, const char *const *headers, size_t header_count,
                     const void *body, size_t body_len, awsorch_response **out);

#endif
