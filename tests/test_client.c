/* The generic client against a local server that injects faults: attempts,
 * their headers, what is retried and what is not, clock skew, error parsing. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "awsorch/awsorch.h"
#include "fake_sts.h"
#include "helpers.h"
#include "mock_server.h"
#include "protocol/errors.h"

/* The server answers from a script, one entry per request; the last repeats. */
typedef struct step {
    int status;
    const char *body;
    const char *headers;
    int drop;
} step;

typedef struct script {
    const step *steps;
    size_t n;
    size_t next;
} script;

static void scripted(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)req;
    script *s = ud;
    const step *st = &s->steps[s->next < s->n ? s->next : s->n - 1];
    s->next++;
    reply->status = st->status;
    reply->content_type = "application/x-amz-json-1.0";
    reply->extra_headers = st->headers;
    reply->drop = st->drop;
    (void)snprintf(reply->body, sizeof(reply->body), "%s", st->body ? st->body : "");
}

static void env_setup(void)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDCLIENT", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("AWS_RETRY_MODE");
}

TestSuite(client, .init = env_setup);

static const awsorch_service sfn = {"states", "states", "SFN"};

static awsorch_client *client_for(mock_server *m)
{
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(m));
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.endpoint_url = url;
    awsorch_client *c = NULL;
    cr_assert_eq(awsorch_client_new(&c, &sfn, &o), AWSORCH_OK, "%s", awsorch_error_last()->message);
    return c;
}

static awsorch_status describe(awsorch_client *c, awsorch_response **out)
{
    static const char *const headers[] = {"Content-Type: application/x-amz-json-1.0",
                                          "X-Amz-Target: AWSStepFunctions.DescribeExecution"};
    static const char body[] = "{\"executionArn\":\"arn:aws:states:eu-west-1:1:execution:m:e\"}";
    awsorch_request r = AWSORCH_REQUEST_INIT;
    r.method = "POST";
    r.path = "/";
    r.headers = headers;
    r.header_count = 2;
    r.body = body;
    r.body_len = sizeof(body) - 1;
    return awsorch_client_send(out, c, &r);
}

Test(client, transient_errors_are_retried_with_attempt_headers)
{
    /* The 503 closes its connection, so the reset below hits a fresh one: libcurl
     * itself re-sends only on a stale kept-alive connection. */
    static const step steps[] = {
        {503, "{\"__type\":\"ServiceUnavailable\"}", "Connection: close\n", 0},
        {0, NULL, NULL, 1},
        {200, "{\"status\":\"RUNNING\"}", NULL, 0}};
    script sc = {steps, 3, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_response *r = NULL;
    cr_assert_eq(describe(c, &r), AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(r->body, "{\"status\":\"RUNNING\"}");
    cr_expect_eq(r->attempts, 3);
    cr_assert_eq(mock_count(m), 3, "a 503 and a reset connection are both retried");
    char inv[3][64], req[3][64], auth[256], ua[256];
    for (size_t i = 0; i < 3; i++) {
        mock_request q = mock_get(m, i);
        mock_header(&q, "amz-sdk-invocation-id", inv[i], sizeof(inv[i]));
        mock_header(&q, "amz-sdk-request", req[i], sizeof(req[i]));
        cr_expect_str_eq(q.body, "{\"executionArn\":\"arn:aws:states:eu-west-1:1:execution:m:e\"}");
        mock_header(&q, "authorization", auth, sizeof(auth));
        cr_expect_not_null(strstr(auth, "Credential=AKIDCLIENT/"), "%s", auth);
        cr_expect_not_null(strstr(auth, "amz-sdk-invocation-id;amz-sdk-request"), "%s", auth);
    }
    cr_expect_str_eq(req[0], "attempt=1; max=3");
    cr_expect_str_eq(req[2], "attempt=3; max=3");
    cr_expect_str_eq(inv[0], inv[2], "one invocation id per operation call");
    cr_expect_eq(strlen(inv[0]), 36);
    mock_request q = mock_get(m, 0);
    mock_header(&q, "user-agent", ua, sizeof(ua));
    cr_expect_eq(strncmp(ua, "awsorch/", 8), 0, "%s", ua);
    awsorch_response_free(r);
    awsorch_client_free(c);
    mock_stop(m);
}

Test(client, client_errors_are_not_retried_and_fill_the_record)
{
    static const step steps[] = {
        {400,
         "{\"__type\":\"com.amazonaws.swf.base.model#ValidationException\",\"message\":"
         "\"1 validation error detected\"}",
         "x-amzn-RequestId: rid-400\n", 0}};
    script sc = {steps, 1, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_response *r = NULL;
    cr_expect_eq(describe(c, &r), AWSORCH_E_SERVICE);
    cr_expect_eq(mock_count(m), 1);
    const awsorch_error *e = awsorch_error_last();
    cr_expect_str_eq(e->service_code, "ValidationException");
    cr_expect_str_eq(e->message, "1 validation error detected");
    cr_expect_str_eq(e->request_id, "rid-400");
    cr_expect_eq(e->http_status, 400);
    cr_expect_eq(e->attempts, 1);
    cr_assert_not_null(r, "the reply is still given");
    cr_expect_eq(r->status, 400);
    awsorch_response_free(r);
    awsorch_client_free(c);
    mock_stop(m);
}

Test(client, max_attempts_from_the_settings)
{
    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    static const step steps[] = {{500, "{\"__type\":\"InternalFailure\"}", NULL, 0}};
    script sc = {steps, 1, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_response *r = NULL;
    cr_expect_eq(describe(c, &r), AWSORCH_E_SERVICE);
    cr_expect_eq(mock_count(m), 5);
    cr_expect_eq(awsorch_error_last()->attempts, 5);
    cr_expect_str_eq(awsorch_error_last()->service_code, "InternalFailure");
    mock_request last = mock_get(m, 4);
    char hdr[64];
    cr_expect_str_eq(mock_header(&last, "amz-sdk-request", hdr, sizeof(hdr)), "attempt=5; max=5");
    awsorch_response_free(r);
    awsorch_client_free(c);
    mock_stop(m);
}

Test(client, clock_skew_is_corrected_from_the_reply_date)
{
    char date_hdr[128];
    time_t ahead = time(NULL) + 7200;
    struct tm tm;
    gmtime_r(&ahead, &tm);
    (void)strftime(date_hdr, sizeof(date_hdr), "Date: %a, %d %b %Y %H:%M:%S GMT\n", &tm);
    step steps[] = {{403,
                     "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature "
                     "expired\"}",
                     date_hdr, 0},
                    {200, "{}", NULL, 0}};
    script sc = {steps, 2, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_response *r = NULL;
    cr_assert_eq(describe(c, &r), AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_assert_eq(mock_count(m), 2);
    mock_request second = mock_get(m, 1);
    char amz_date[32];
    mock_header(&second, "x-amz-date", amz_date, sizeof(amz_date));
    int64_t signed_at = 0;
    cr_assert_eq(awsorch_time_parse(amz_date, &signed_at), AWSORCH_OK, "%s", amz_date);
    cr_expect(signed_at > (int64_t)time(NULL) + 7000, "the retry is signed at server time: %s",
              amz_date);
    awsorch_response_free(r);
    awsorch_client_free(c);
    mock_stop(m);
}

Test(client, a_proxy_page_is_a_clear_error)
{
    static const step steps[] = {{502, "<html><body>Bad Gateway</body></html>", NULL, 0}};
    script sc = {steps, 1, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_response *r = NULL;
    cr_expect_eq(describe(c, &r), AWSORCH_E_SERVICE);
    cr_expect_eq(mock_count(m), 3, "502 is retried");
    cr_expect_str_eq(awsorch_error_last()->service_code, "502");
    cr_expect_not_null(strstr(awsorch_error_last()->message, "not an AWS error"));
    awsorch_response_free(r);
    awsorch_client_free(c);
    mock_stop(m);
}

static int fixture_header(void *ctx, const char *name, char *out, size_t out_len)
{
    const char *const *h = ctx;
    for (; *h; h += 2) {
        if (strcasecmp(h[0], name) == 0) {
            (void)snprintf(out, out_len, "%s", h[1]);
            return 1;
        }
    }
    return 0;
}

Test(errors, every_protocol_spelling)
{
    struct {
        const char *body;
        const char *headers[5];
        const char *code, *message, *rid;
    } cases[] = {
        {"{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\",\"Message\":\"m1\"}",
         {NULL},
         "ExpiredTokenException",
         "m1",
         ""},
        {"{\"message\":\"m2\"}",
         {"x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/", NULL},
         "ResourceNotFoundException",
         "m2",
         ""},
        {"{\"code\":\"InvalidRequestException\",\"errorMessage\":\"m3\"}",
         {"x-amzn-RequestId", "r3", NULL},
         "InvalidRequestException",
         "m3",
         "r3"},
        {"<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>m4</Message>"
         "<RequestId>r4</RequestId></Error>",
         {NULL},
         "NoSuchKey",
         "m4",
         "r4"},
        {"<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>m5"
         "</Message></Error><RequestId>r5</RequestId></ErrorResponse>",
         {NULL},
         "ExpiredToken",
         "m5",
         "r5"},
        {"", {"x-amz-request-id", "r6", "x-amz-id-2", "id2", NULL}, "", "", "r6"},
        {"{\"__type\":", {NULL}, "", "", ""},
        {"<html>oops", {NULL}, "", "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        awsorch__aws_error e;
        awsorch__parse_aws_error(cases[i].body, strlen(cases[i].body), fixture_header,
                                 (void *)cases[i].headers, &e);
        cr_expect_str_eq(e.code, cases[i].code, "case %zu", i);
        cr_expect_str_eq(e.message, cases[i].message, "case %zu", i);
        cr_expect_str_eq(e.request_id, cases[i].rid, "case %zu", i);
    }
}

Test(client, awsorch_request_cli)
{
    static const step steps[] = {
        {200, "{\"stateMachines\":[]}", NULL, 0},
        {400, "{\"__type\":\"StateMachineDoesNotExist\",\"message\":\"nope\"}", NULL, 0}};
    script sc = {steps, 2, 0};
    mock_server *m = mock_start(scripted, &sc);
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u/", mock_port(m));
    char *argv[] = {AWSORCH_CLI,
                    "--debug",
                    "request",
                    "--service",
                    "states",
                    "-H",
                    "X-Amz-Target: AWSStepFunctions.ListStateMachines",
                    "-H",
                    "Content-Type: application/x-amz-json-1.0",
                    "-d",
                    "{}",
                    url,
                    NULL};
    char *env[] = {"AWS_ACCESS_KEY_ID=AKIDCLI",
                   "AWS_SECRET_ACCESS_KEY=topsecret",
                   "AWS_SESSION_TOKEN=tokensecret",
                   "AWS_REGION=eu-west-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   NULL};
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_expect_eq(run_cmd(argv, env, NULL, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\"stateMachines\":[]}");
    cr_expect_null(strstr(err.data, "topsecret"), "the secret reached --debug output");
    cr_expect_null(strstr(err.data, "tokensecret"), "the token reached --debug output");
    cr_expect_not_null(strstr(err.data, "<redacted>"), "%s", err.data);
    mock_request q = mock_get(m, 0);
    char auth[512];
    mock_header(&q, "authorization", auth, sizeof(auth));
    cr_expect_not_null(strstr(auth, "/eu-west-1/states/aws4_request"), "%s", auth);
    cr_expect_str_eq(q.method, "POST");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    cr_expect_eq(run_cmd(argv, env, NULL, &out, &err), 254);
    cr_expect_not_null(strstr(err.data, "An error occurred (StateMachineDoesNotExist) when "
                                        "calling the ListStateMachines operation: nope"),
                       "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    mock_stop(m);
}

typedef struct counter {
    size_t bytes;
    bool all_x;
} counter;

static size_t count_bytes(void *ud, const void *data, size_t len)
{
    counter *c = ud;
    const char *p = data;
    for (size_t i = 0; i < len; i++) {
        c->all_x = c->all_x && p[i] == 'x';
    }
    c->bytes += len;
    return len;
}

Test(client, bodies_stream_both_ways)
{
    static char big[6001];
    memset(big, 'x', 6000);
    /* The first reply fails (buffered, parsed, retried); the second streams. */
    step steps[] = {{503, "{\"__type\":\"ServiceUnavailable\"}", "Connection: close\n", 0},
                    {200, big, NULL, 0}};
    script sc = {steps, 2, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    awsorch_buf upload = AWSORCH_BUF_INIT;
    for (int i = 0; i < 5000; i++) {
        awsorch_buf_append(&upload, i % 2 ? "a" : "b", 1);
    }
    const char *path = tmp_file(3, "upload.bin", upload.data);
    awsorch_request r = AWSORCH_REQUEST_INIT;
    r.method = "PUT";
    r.path = "/objects/upload.bin";
    r.body_file = path;
    counter got = {0, true};
    r.reply_write = count_bytes;
    r.reply_userdata = &got;
    awsorch_response *resp = NULL;
    cr_assert_eq(awsorch_client_send(&resp, c, &r), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_eq(got.bytes, 6000);
    cr_expect(got.all_x);
    cr_expect_eq(resp->body_len, 0, "a streamed reply is not kept in memory");
    cr_assert_eq(mock_count(m), 2);
    mock_request second = mock_get(m, 1);
    cr_expect_eq(second.body_len, 5000, "the file is sent again on the retry");
    cr_expect_eq(memcmp(second.body, upload.data, 5000), 0);
    char len[32];
    cr_expect_str_eq(mock_header(&second, "content-length", len, sizeof(len)), "5000");
    awsorch_buf_free(&upload);
    awsorch_response_free(resp);
    awsorch_client_free(c);
    mock_stop(m);
}

typedef struct hammer {
    awsorch_client *client;
    int ok;
} hammer;

static void *hammer_calls(void *arg)
{
    hammer *h = arg;
    for (int i = 0; i < 25; i++) {
        awsorch_response *r = NULL;
        if (describe(h->client, &r) == AWSORCH_OK && r->status == 200) {
            h->ok++;
        }
        awsorch_response_free(r);
    }
    return NULL;
}

Test(client, one_client_many_threads)
{
    static const step steps[] = {{200, "{\"status\":\"RUNNING\"}", NULL, 0}};
    script sc = {steps, 1, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    pthread_t threads[6];
    hammer h[6];
    for (int i = 0; i < 6; i++) {
        h[i] = (hammer){c, 0};
        cr_assert_eq(pthread_create(&threads[i], NULL, hammer_calls, &h[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(threads[i], NULL);
        total += h[i].ok;
    }
    cr_expect_eq(total, 150, "every call from every thread succeeded");
    cr_expect_eq(mock_count(m), 150);
    awsorch_client_free(c);
    mock_stop(m);
}

typedef struct memory_body {
    const char *data;
    size_t len;
    size_t pos;
    int rewinds;
} memory_body;

static size_t memory_read(void *ud, void *buf, size_t len)
{
    memory_body *b = ud;
    size_t n = b->len - b->pos < len ? b->len - b->pos : len;
    memcpy(buf, b->data + b->pos, n);
    b->pos += n;
    return n;
}

static int memory_rewind(void *ud)
{
    memory_body *b = ud;
    b->pos = 0;
    b->rewinds++;
    return 0;
}

Test(client, request_bodies_from_a_callback)
{
    step steps[] = {{503, "{\"__type\":\"ServiceUnavailable\"}", "Connection: close\n", 0},
                    {200, "{}", NULL, 0}};
    script sc = {steps, 2, 0};
    mock_server *m = mock_start(scripted, &sc);
    awsorch_client *c = client_for(m);
    memory_body body = {"{\"streamed\":true}", 17, 0, 0};
    awsorch_request r = AWSORCH_REQUEST_INIT;
    r.method = "POST";
    r.path = "/";
    r.body_read = memory_read;
    r.body_rewind = memory_rewind;
    r.body_userdata = &body;
    r.body_len = body.len;
    awsorch_response *resp = NULL;
    cr_assert_eq(awsorch_client_send(&resp, c, &r), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_assert_eq(mock_count(m), 2);
    mock_request second = mock_get(m, 1);
    cr_expect_str_eq(second.body, "{\"streamed\":true}", "rewound and sent again on the retry");
    cr_expect_geq(body.rewinds, 3, "once to hash, once per attempt");
    awsorch_response_free(resp);
    r.body_rewind = NULL;
    cr_expect_eq(awsorch_client_send(&resp, c, &r), AWSORCH_E_INVALID_ARG,
                 "without a rewind the body cannot be hashed");
    awsorch_client_free(c);
    mock_stop(m);
}
