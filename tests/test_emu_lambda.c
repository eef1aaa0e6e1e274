/* Integration tests of the emulator's Lambda: Invoke's invocation types, function
 * errors, tail logs, name forms and errors, GetFunction, ListFunctions paging, the
 * CloudWatch Logs an invocation writes, and the in-process emu_lambda_invoke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emu_harness.h"

/* 100 emulated seconds pass in a real one: "slow" answers after 0.3 s. */
static const char *const config =
    "{\"time_scale\": 100, \"lambda\": {\"functions\": {"
    "\"load_raw\": {\"mode\": \"fixed\", \"result\": {\"rows\": 1200}, \"log_lines\": "
    "[\"loaded 1200 rows\"]},"
    "\"echo\": {\"mode\": \"echo\"},"
    "\"fail\": {\"mode\": \"error\", \"error_type\": \"ValueError\", \"error_message\": \"bad "
    "input\"},"
    "\"slow\": {\"mode\": \"delay\", \"delay_seconds\": 30, \"result\": {\"ok\": true}},"
    "\"sleepy\": {\"mode\": \"delay\", \"delay_seconds\": 30, \"timeout_seconds\": 5},"
    "\"flaky\": {\"fail\": {\"when\": \"first\", \"runs\": 1, \"error_type\": \"Throttled\"}}}}}";

EMU_HARNESS_SUITE(emu_lambda, h, config, .timeout = 60);

/* POSTs to .../functions/{name}/invocations with optional headers. */
static awsorch_response *invoke(const char *encoded_name, const char *query,
                                const char *const *headers, size_t n, const char *payload)
{
    char path[512];
    (void)snprintf(path, sizeof path, "/2015-03-31/functions/%s/invocations", encoded_name);
    awsorch_response *r = NULL;
    int status = emu_harness_send(&h, "lambda", "POST", path, query, headers, n, payload,
                                  payload ? strlen(payload) : 0, &r);
    cr_assert_neq(status, -1, "no reply from Invoke");
    cr_assert_not_null(r);
    return r;
}

static json_t *body_json(const awsorch_response *r)
{
    json_t *j = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
    cr_assert_not_null(j, "body is not JSON: %.*s", (int)r->body_len, r->body);
    return j;
}

static bool has_header(const awsorch_response *r, const char *name, char *out, size_t len)
{
    return awsorch_response_header(r, name, out, len) != 0;
}

static size_t b64_decode(const char *in, unsigned char *out, size_t cap)
{
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (const char *p = in; *p && *p != '='; p++) {
        const char *tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *q = strchr(tbl, *p);
        cr_assert_not_null(q, "bad base64 character %c", *p);
        v = v << 6 | (unsigned)(q - tbl);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            cr_assert_lt(n, cap);
            out[n++] = (unsigned char)(v >> bits & 0xff);
        }
    }
    return n;
}

Test(emu_lambda, request_response_fixed_result)
{
    awsorch_response *r = invoke("load_raw", NULL, NULL, 0, "{\"day\": \"2026-12-03\"}");
    cr_assert_eq(r->status, 200);
    json_t *j = body_json(r);
    cr_assert_eq(json_integer_value(json_object_get(j, "rows")), 1200);
    json_decref(j);
    char v[64];
    cr_assert(has_header(r, "X-Amz-Executed-Version", v, sizeof v));
    cr_assert_str_eq(v, "$LATEST");
    cr_assert(!has_header(r, "X-Amz-Function-Error", v, sizeof v));
    cr_assert(!has_header(r, "X-Amz-Log-Result", v, sizeof v));
    awsorch_response_free(r);
}

Test(emu_lambda, echo_returns_the_payload)
{
    const char *payload = "{\"a\":[1,2,{\"b\":null}],\"s\":\"x\"}";
    awsorch_response *r = invoke("echo", NULL, NULL, 0, payload);
    cr_assert_eq(r->status, 200);
    cr_assert_eq(r->body_len, strlen(payload));
    cr_assert_eq(memcmp(r->body, payload, r->body_len), 0);
    awsorch_response_free(r);

    /* A bare JSON value is a payload too; no body at all means {}. */
    r = invoke("echo", NULL, NULL, 0, "42");
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "42");
    awsorch_response_free(r);
    r = invoke("echo", NULL, NULL, 0, NULL);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "{}");
    awsorch_response_free(r);
}

Test(emu_lambda, event_and_dry_run)
{
    const char *event[] = {"X-Amz-Invocation-Type: Event"};
    awsorch_response *r = invoke("load_raw", NULL, event, 1, "{}");
    cr_assert_eq(r->status, 202);
    cr_assert_eq(r->body_len, 0);
    awsorch_response_free(r);

    const char *dry[] = {"X-Amz-Invocation-Type: DryRun"};
    r = invoke("load_raw", NULL, dry, 1, "{}");
    cr_assert_eq(r->status, 204);
    cr_assert_eq(r->body_len, 0);
    awsorch_response_free(r);

    /* A slow function invoked as an Event answers at once. */
    double t0 = emu_harness_seconds();
    r = invoke("slow", NULL, event, 1, "{}");
    cr_assert_eq(r->status, 202);
    cr_assert_lt(emu_harness_seconds() - t0, 0.25);
    awsorch_response_free(r);

    const char *bad[] = {"X-Amz-Invocation-Type: Sometimes"};
    r = invoke("load_raw", NULL, bad, 1, "{}");
    cr_assert_eq(r->status, 400);
    awsorch_response_free(r);
}

Test(emu_lambda, function_error)
{
    awsorch_response *r = invoke("fail", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 200, "a function error is still a 200");
    char v[64];
    cr_assert(has_header(r, "X-Amz-Function-Error", v, sizeof v));
    cr_assert_str_eq(v, "Unhandled");
    json_t *j = body_json(r);
    cr_assert_str_eq(json_string_value(json_object_get(j, "errorType")), "ValueError");
    cr_assert_str_eq(json_string_value(json_object_get(j, "errorMessage")), "bad input");
    cr_assert(json_is_array(json_object_get(j, "stackTrace")));
    json_decref(j);
    awsorch_response_free(r);

    /* "first" failures: the first invocation fails, the next echoes. */
    r = invoke("flaky", NULL, NULL, 0, "{\"n\":1}");
    cr_assert(has_header(r, "X-Amz-Function-Error", v, sizeof v));
    j = body_json(r);
    cr_assert_str_eq(json_string_value(json_object_get(j, "errorType")), "Throttled");
    json_decref(j);
    awsorch_response_free(r);
    r = invoke("flaky", NULL, NULL, 0, "{\"n\":2}");
    cr_assert(!has_header(r, "X-Amz-Function-Error", v, sizeof v));
    cr_assert_str_eq(r->body, "{\"n\":2}");
    awsorch_response_free(r);
}

Test(emu_lambda, tail_log)
{
    const char *tail[] = {"X-Amz-Log-Type: Tail"};
    awsorch_response *r = invoke("load_raw", NULL, tail, 1, "{}");
    cr_assert_eq(r->status, 200);
    char b64[8192];
    cr_assert(has_header(r, "X-Amz-Log-Result", b64, sizeof b64));
    unsigned char text[8192];
    size_t n = b64_decode(b64, text, sizeof text - 1);
    text[n] = '\0';
    const char *log = (const char *)text;
    const char *start = strstr(log, "START RequestId: ");
    const char *line = strstr(log, "loaded 1200 rows\n");
    const char *end = strstr(log, "END RequestId: ");
    const char *report = strstr(log, "REPORT RequestId: ");
    cr_assert(start && line && end && report, "log: %s", log);
    cr_assert(start < line && line < end && end < report);
    cr_assert_not_null(strstr(log, "Version: $LATEST"));
    cr_assert_not_null(strstr(report, "Billed Duration: "));
    cr_assert_not_null(strstr(report, "Memory Size: 128 MB"));
    awsorch_response_free(r);

    /* The error line is in the tail of a failed invocation. */
    r = invoke("fail", NULL, tail, 1, "{}");
    cr_assert(has_header(r, "X-Amz-Log-Result", b64, sizeof b64));
    n = b64_decode(b64, text, sizeof text - 1);
    text[n] = '\0';
    cr_assert_not_null(strstr((const char *)text, "ValueError: bad input"));
    awsorch_response_free(r);
}

Test(emu_lambda, delay_and_timeout)
{
    double t0 = emu_harness_seconds();
    awsorch_response *r = invoke("slow", NULL, NULL, 0, "{}");
    double took = emu_harness_seconds() - t0;
    cr_assert_eq(r->status, 200);
    cr_assert_geq(took, 0.28, "30 emulated seconds at 100x took %f s", took);
    json_t *j = body_json(r);
    cr_assert(json_is_true(json_object_get(j, "ok")));
    json_decref(j);
    awsorch_response_free(r);

    /* sleepy needs 30 s but has 5: it times out after 5 (0.05 s real). */
    r = invoke("sleepy", NULL, NULL, 0, "{}");
    char v[64];
    cr_assert(has_header(r, "X-Amz-Function-Error", v, sizeof v));
    j = body_json(r);
    cr_assert_str_eq(json_string_value(json_object_get(j, "errorType")), "Sandbox.Timedout");
    cr_assert_not_null(strstr(json_string_value(json_object_get(j, "errorMessage")),
                              "Task timed out after 5.00 seconds"));
    json_decref(j);
    awsorch_response_free(r);
}

static void assert_error(awsorch_response *r, int status, const char *code, const char *message)
{
    cr_assert_eq(r->status, status, "HTTP %d: %s", r->status, r->body);
    char v[128];
    cr_assert(has_header(r, "x-amzn-ErrorType", v, sizeof v));
    cr_assert_str_eq(v, code);
    if (message) {
        json_t *j = body_json(r);
        const char *m = json_string_value(json_object_get(j, "Message"));
        if (!m)
            m = json_string_value(json_object_get(j, "message"));
        cr_assert_not_null(m);
        cr_assert_str_eq(m, message);
        json_decref(j);
    }
}

Test(emu_lambda, names_arns_and_errors)
{
    awsorch_response *r = invoke("nope", NULL, NULL, 0, "{}");
    assert_error(r, 404, "ResourceNotFoundException",
                 "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
    awsorch_response_free(r);

    /* A full ARN and a partial one, URL-encoded, name the same function. */
    r = invoke("arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aload_raw", NULL, NULL, 0,
               "{}");
    cr_assert_eq(r->status, 200, "%s", r->body);
    awsorch_response_free(r);
    r = invoke("000000000000%3Afunction%3Aload_raw", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 200, "%s", r->body);
    awsorch_response_free(r);
    r = invoke("load_raw%3A%24LATEST", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 200, "%s", r->body);
    awsorch_response_free(r);

    /* Only $LATEST exists. */
    r = invoke("load_raw", "Qualifier=v2", NULL, 0, "{}");
    assert_error(r, 404, "ResourceNotFoundException",
                 "Function not found: arn:aws:lambda:us-east-1:000000000000:function:load_raw:v2");
    awsorch_response_free(r);

    r = invoke("load_raw", NULL, NULL, 0, "{not json");
    assert_error(r, 400, "InvalidRequestContentException", NULL);
    awsorch_response_free(r);

    r = invoke("bad%20name", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 400);
    awsorch_response_free(r);
    r = invoke("", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 400);
    awsorch_response_free(r);
    r = invoke("a%3Ab%3Ac%3Ad%3Ae", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 400);
    awsorch_response_free(r);
}

Test(emu_lambda, get_function)
{
    awsorch_response *r = NULL;
    int status = emu_harness_send(&h, "lambda", "GET", "/2015-03-31/functions/load_raw", NULL, NULL,
                                  0, NULL, 0, &r);
    cr_assert_eq(status, 200);
    json_t *j = body_json(r);
    json_t *conf = json_object_get(j, "Configuration");
    cr_assert_str_eq(json_string_value(json_object_get(conf, "FunctionName")), "load_raw");
    cr_assert_str_eq(json_string_value(json_object_get(conf, "FunctionArn")),
                     "arn:aws:lambda:us-east-1:000000000000:function:load_raw");
    cr_assert_str_eq(json_string_value(json_object_get(conf, "State")), "Active");
    cr_assert_str_eq(json_string_value(json_object_get(conf, "Version")), "$LATEST");
    cr_assert_str_eq(json_string_value(json_object_get(conf, "PackageType")), "Zip");
    cr_assert_eq(json_integer_value(json_object_get(conf, "Timeout")), 3);
    cr_assert_eq(json_integer_value(json_object_get(conf, "MemorySize")), 128);
    const char *modified = json_string_value(json_object_get(conf, "LastModified"));
    cr_assert(modified && strstr(modified, "+0000"));
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(j, "Code"), "RepositoryType")), "S3");
    json_decref(j);
    awsorch_response_free(r);

    /* slow takes 30 s, so it gets more than the default 3 s. */
    status = emu_harness_send(&h, "lambda", "GET", "/2015-03-31/functions/slow/configuration", NULL,
                              NULL, 0, NULL, 0, &r);
    cr_assert_eq(status, 200);
    j = body_json(r);
    cr_assert_gt(json_integer_value(json_object_get(j, "Timeout")), 30);
    json_decref(j);
    awsorch_response_free(r);

    status = emu_harness_send(&h, "lambda", "GET", "/2015-03-31/functions/nope", NULL, NULL, 0,
                              NULL, 0, &r);
    assert_error(r, 404, "ResourceNotFoundException", NULL);
    awsorch_response_free(r);
}

Test(emu_lambda, list_functions_paging)
{
    const char *names[6] = {0};
    size_t total = 0;
    char query[256] = "MaxItems=4";
    int pages = 0;
    for (;;) {
        awsorch_response *r = NULL;
        int status = emu_harness_send(&h, "lambda", "GET", "/2015-03-31/functions/", query, NULL, 0,
                                      NULL, 0, &r);
        cr_assert_eq(status, 200, "%s", r ? r->body : "");
        json_t *j = body_json(r);
        json_t *fns = json_object_get(j, "Functions");
        for (size_t i = 0; i < json_array_size(fns); i++) {
            cr_assert_lt(total, 6);
            names[total++] =
                strdup(json_string_value(json_object_get(json_array_get(fns, i), "FunctionName")));
        }
        pages++;
        const char *next = json_string_value(json_object_get(j, "NextMarker"));
        if (next)
            (void)snprintf(query, sizeof query, "MaxItems=4&Marker=%s", next);
        json_decref(j);
        awsorch_response_free(r);
        if (!next)
            break;
        cr_assert_lt(pages, 5);
    }
    cr_assert_eq(pages, 2);
    cr_assert_eq(total, 6);
    cr_assert_str_eq(names[0], "echo");
    cr_assert_str_eq(names[5], "slow");
    for (size_t i = 0; i < total; i++)
        free((char *)names[i]);

    awsorch_response *r = NULL;
    int status = emu_harness_send(&h, "lambda", "GET", "/2015-03-31/functions/", "MaxItems=0", NULL,
                                  0, NULL, 0, &r);
    cr_assert_eq(status, 400);
    awsorch_response_free(r);
}

Test(emu_lambda, invocations_write_cloudwatch_logs)
{
    awsorch_response *r = invoke("load_raw", NULL, NULL, 0, "{}");
    cr_assert_eq(r->status, 200);
    awsorch_response_free(r);

    json_t *reply = NULL;
    int status = emu_harness_json(
        &h, "logs", "Logs_20140328.FilterLogEvents",
        "{\"logGroupName\": \"/aws/lambda/load_raw\", \"filterPattern\": \"REPORT\"}", &reply);
    cr_assert_eq(status, 200);
    json_t *events = json_object_get(reply, "events");
    cr_assert_eq(json_array_size(events), 1);
    const char *stream =
        json_string_value(json_object_get(json_array_get(events, 0), "logStreamName"));
    cr_assert_not_null(strstr(stream, "[$LATEST]"));
    json_t *described = NULL;
    status = emu_harness_json(&h, "logs", "Logs_20140328.DescribeLogStreams",
                              "{\"logGroupName\": \"/aws/lambda/load_raw\"}", &described);
    cr_assert_eq(status, 200);
    json_t *streams = json_object_get(described, "logStreams");
    cr_assert_eq(json_array_size(streams), 1);
    cr_assert_str_eq(
        json_string_value(json_object_get(json_array_get(streams, 0), "logStreamName")), stream);
    json_decref(described);
    json_decref(reply);

    /* An Event invocation's log appears once it has run. */
    const char *event[] = {"X-Amz-Invocation-Type: Event"};
    r = invoke("echo", NULL, event, 1, "{}");
    cr_assert_eq(r->status, 202);
    awsorch_response_free(r);
    status = emu_harness_json(&h, "logs", "Logs_20140328.FilterLogEvents",
                              "{\"logGroupName\": \"/aws/lambda/echo\", \"filterPattern\": "
                              "\"\\\"END RequestId\\\"\"}",
                              &reply);
    cr_assert_eq(status, 200);
    cr_assert_eq(json_array_size(json_object_get(reply, "events")), 1);
    json_decref(reply);
}

Test(emu_lambda, in_process_invoke)
{
    emu *e = emu_server_state(h.server);
    emu_call c = {"us-east-1", "AKIAIOSFODNN7EXAMPLE", "00000000-0000-4000-8000-000000000000"};
    json_t *result = NULL;
    char *type = NULL, *message = NULL;
    emu_error err;
    json_t *payload = json_pack("{s:i}", "x", 7);

    pthread_mutex_lock(&e->lock);
    int rc = emu_lambda_invoke(e, &c, "echo", payload, &result, &type, &message, &err);
    pthread_mutex_unlock(&e->lock);
    cr_assert_eq(rc, 0);
    cr_assert(json_equal(result, payload));
    json_decref(result);

    pthread_mutex_lock(&e->lock);
    rc = emu_lambda_invoke(e, &c, "fail", payload, &result, &type, &message, &err);
    pthread_mutex_unlock(&e->lock);
    cr_assert_eq(rc, 1);
    cr_assert_str_eq(type, "ValueError");
    cr_assert_str_eq(message, "bad input");
    cr_assert_null(result);
    free(type);
    free(message);

    pthread_mutex_lock(&e->lock);
    rc = emu_lambda_invoke(e, &c, "nope", payload, &result, &type, &message, &err);
    pthread_mutex_unlock(&e->lock);
    cr_assert_eq(rc, -1);
    cr_assert_eq(err.status, 404);
    cr_assert_str_eq(err.code, "ResourceNotFoundException");
    json_decref(payload);
}
