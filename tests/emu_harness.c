/* The in-process emulator for integration tests, and signed requests to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "emu_harness.h"

void emu_harness_start(emu_harness *h, const char *config_json)
{
    memset(h, 0, sizeof(*h));
    emu_server_options opts = {"127.0.0.1", 0, NULL, config_json, false};
    char err[512];
    int rc = emu_server_start(&h->server, &opts, err, sizeof(err));
    cr_assert_eq(rc, 0, "the emulator did not start: %s", err);
    h->port = emu_server_port(h->server);
    (void)snprintf(h->endpoint, sizeof(h->endpoint), "http://127.0.0.1:%d", h->port);
}

void emu_harness_stop(emu_harness *h)
{
    emu_server_stop(h->server);
    h->server = NULL;
}

static awsorch_client *client_for(const char *endpoint, const char *signing_name)
{
    static char ak[] = "AKIAIOSFODNN7EXAMPLE";
    static char sk[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    awsorch_credentials creds = {ak, sk, NULL, 0, "test"};
    awsorch_service svc = {signing_name, signing_name, signing_name};
    awsorch_client_options opts = AWSORCH_CLIENT_OPTIONS_INIT;
    opts.region = "us-east-1";
    opts.endpoint_url = endpoint;
    opts.credentials = &creds;
    awsorch_client *c = NULL;
    awsorch_status st = awsorch_client_new(&c, &svc, &opts);
    cr_assert_eq(st, AWSORCH_OK, "client: %s", awsorch_error_last()->message);
    return c;
}

int emu_harness_request(const char *endpoint, const char *signing_name, const awsorch_request *req,
                        awsorch_response **out)
{
    awsorch_client *c = client_for(endpoint, signing_name);
    *out = NULL;
    (void)awsorch_client_send(out, c, req);
    awsorch_client_free(c);
    return *out != NULL ? (*out)->status : -1;
}

int emu_harness_send(emu_harness *h, const char *signing_name, const char *method, const char *path,
                     const char *query, const char *const *headers, size_t header_count,
                     const void *body, size_t body_len, awsorch_response **out)
{
    awsorch_request req = AWSORCH_REQUEST_INIT;
    req.method = method;
    req.path = path;
    req.query = query;
    req.headers = headers;
    req.header_count = header_count;
    req.body = body;
    req.body_len = body_len;
    return emu_harness_request(h->endpoint, signing_name, &req, out);
}

int emu_harness_json(emu_harness *h, const char *signing_name, const char *target,
                     const char *body_json, json_t **reply)
{
    char target_header[256];
    (void)snprintf(target_header, sizeof(target_header), "X-Amz-Target: %s", target);
    bool json10 = strncmp(target, "AWSStepFunctions.", 17) == 0;
    const char *headers[] = {target_header, json10 ? "Content-Type: application/x-amz-json-1.0"
                                                   : "Content-Type: application/x-amz-json-1.1"};
    const char *body = body_json != NULL ? body_json : "{}";
    awsorch_response *r = NULL;
    int status =
        emu_harness_send(h, signing_name, "POST", "/", NULL, headers, 2, body, strlen(body), &r);
    if (reply != NULL) {
        *reply = r != NULL ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    }
    awsorch_response_free(r);
    return status;
}

int emu_harness_call(emu_harness *h, const emu_api *api, const char *op, json_t *body,
                     json_t **reply)
{
    char target[128];
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    cr_assert_not_null(text);
    (void)snprintf(target, sizeof target, "%s.%s", api->target_prefix, op);
    int status = emu_harness_json(h, api->signing_name, target, text, reply);
    free(text);
    return status;
}

json_t *emu_harness_ok(emu_harness *h, const emu_api *api, const char *op, json_t *body)
{
    json_t *reply = NULL;
    int status = emu_harness_call(h, api, op, body, &reply);
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    cr_assert_eq(status, 200, "%s: HTTP %d %s", op, status, text ? text : "");
    free(text);
    cr_assert_not_null(reply);
    return reply;
}

const char *emu_harness_fails(emu_harness *h, const emu_api *api, const char *op, json_t *body,
                              int status, const char *code)
{
    static char message[1024];
    json_t *reply = NULL;
    int got = emu_harness_call(h, api, op, body, &reply);
    cr_assert_eq(got, status, "%s: HTTP %d", op, got);
    cr_assert_not_null(reply);
    const char *type = json_string_value(json_object_get(reply, "__type"));
    cr_assert_not_null(type);
    cr_assert_str_eq(type, code);
    const char *m = json_string_value(json_object_get(reply, "message"));
    (void)snprintf(message, sizeof message, "%s", m ? m : "");
    json_decref(reply);
    return message;
}

double emu_harness_seconds(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
