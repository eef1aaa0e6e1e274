/* `awsorch sign` from outside: the official SigV4 suite, byte for byte, in
 * header and query mode, plus the errors a user sees. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

typedef struct suite_case {
    char dir[512];
    char env[3][1024];
    char region[64];
    char service[64];
    char time[32];
    char expires[16];
    bool normalize;
    bool sign_body;
    bool omit_token;
} suite_case;

static void load_case(suite_case *c, const char *name)
{
    memset(c, 0, sizeof(*c));
    (void)snprintf(c->dir, sizeof(c->dir), "%s/%s", AWSORCH_SUITE_DIR, name);
    char path[600];
    (void)snprintf(path, sizeof(path), "%s/context.json", c->dir);
    json_error_t jerr;
    json_t *ctx = json_load_file(path, 0, &jerr);
    cr_assert_not_null(ctx, "%s: %s", path, jerr.text);
    json_t *cred = json_object_get(ctx, "credentials");
    const char *token = json_string_value(json_object_get(cred, "token"));
    (void)snprintf(c->env[0], sizeof(c->env[0]), "AWS_ACCESS_KEY_ID=%s",
                   json_string_value(json_object_get(cred, "access_key_id")));
    (void)snprintf(c->env[1], sizeof(c->env[1]), "AWS_SECRET_ACCESS_KEY=%s",
                   json_string_value(json_object_get(cred, "secret_access_key")));
    (void)snprintf(c->env[2], sizeof(c->env[2]), "AWS_SESSION_TOKEN=%s", token ? token : "");
    (void)snprintf(c->region, sizeof(c->region), "%s",
                   json_string_value(json_object_get(ctx, "region")));
    (void)snprintf(c->service, sizeof(c->service), "%s",
                   json_string_value(json_object_get(ctx, "service")));
    const char *ts = json_string_value(json_object_get(ctx, "timestamp"));
    size_t w = 0;
    for (const char *p = ts; *p && w + 1 < sizeof(c->time); p++) {
        if (*p != '-' && *p != ':') {
            c->time[w++] = *p;
        }
    }
    (void)snprintf(c->expires, sizeof(c->expires), "%lld",
                   (long long)json_integer_value(json_object_get(ctx, "expiration_in_seconds")));
    json_t *norm = json_object_get(ctx, "normalize");
    c->normalize = norm == NULL || json_is_true(norm);
    c->sign_body = json_is_true(json_object_get(ctx, "sign_body"));
    c->omit_token = json_is_true(json_object_get(ctx, "omit_session_token"));
    json_decref(ctx);
}

/* Runs `awsorch sign` on a case; returns the exit code, output in out. */
static int sign_case(const suite_case *c, bool query, const char *show, awsorch_buf *out)
{
    char request[600];
    (void)snprintf(request, sizeof(request), "%s/request.txt", c->dir);
    char *argv[24];
    int n = 0;
    argv[n++] = AWSORCH_CLI;
    argv[n++] = "sign";
    argv[n++] = "--region";
    argv[n++] = (char *)c->region;
    argv[n++] = "--service";
    argv[n++] = (char *)c->service;
    argv[n++] = "--time";
    argv[n++] = (char *)c->time;
    argv[n++] = "--show";
    argv[n++] = (char *)show;
    if (!c->normalize) {
        argv[n++] = "--no-normalize-path";
    }
    if (c->sign_body) {
        argv[n++] = "--sign-body";
    }
    if (c->omit_token) {
        argv[n++] = "--omit-session-token";
    }
    if (query) {
        argv[n++] = "--presign";
        argv[n++] = (char *)c->expires;
    }
    argv[n++] = request;
    argv[n] = NULL;
    char *env[] = {(char *)c->env[0],
                   (char *)c->env[1],
                   (char *)c->env[2],
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   NULL};
    awsorch_buf err = AWSORCH_BUF_INIT;
    int rc = run_cmd(argv, env, NULL, out, &err);
    cr_expect_eq(rc, 0, "%s: exit %d: %s", c->dir, rc, err.data);
    awsorch_buf_free(&err);
    return rc;
}

static void check_suite(bool query)
{
    static const char *const shows[][2] = {{"canonical-request", "canonical-request"},
                                           {"string-to-sign", "string-to-sign"},
                                           {"signature", "signature"},
                                           {"request", "signed-request"}};
    DIR *d = opendir(AWSORCH_SUITE_DIR);
    cr_assert_not_null(d, "the suite is missing from %s", AWSORCH_SUITE_DIR);
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || e->d_type != DT_DIR) {
            continue;
        }
        suite_case c;
        load_case(&c, e->d_name);
        cases++;
        for (size_t i = 0; i < 4; i++) {
            char expected_path[700];
            (void)snprintf(expected_path, sizeof(expected_path), "%s/%s-%s.txt", c.dir,
                           query ? "query" : "header", shows[i][1]);
            awsorch_buf expected = AWSORCH_BUF_INIT;
            awsorch_buf got = AWSORCH_BUF_INIT;
            read_file(expected_path, &expected);
            sign_case(&c, query, shows[i][0], &got);
            cr_expect(got.len == expected.len && memcmp(got.data, expected.data, got.len) == 0,
                      "%s --show %s:\n--- expected\n%s\n--- got\n%s", e->d_name, shows[i][0],
                      expected.data, got.data);
            awsorch_buf_free(&expected);
            awsorch_buf_free(&got);
        }
    }
    closedir(d);
    cr_expect_eq(cases, 38, "only %d suite cases found", cases);
}

Test(cli_sign, suite_header_mode)
{
    check_suite(false);
}

Test(cli_sign, suite_query_mode)
{
    check_suite(true);
}

static char *const test_env[] = {"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
                                 "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 "HOME=/nonexistent", "AWS_EC2_METADATA_DISABLED=true", NULL};

static int sign_text(const char *text, const char *extra, awsorch_buf *out, awsorch_buf *err)
{
    const char *path = tmp_file(0, "request.txt", text);
    char *argv[] = {AWSORCH_CLI,   "sign",       "--region", "us-east-1",
                    "--service",   "service",    "--time",   "20150830T123600Z",
                    (char *)extra, (char *)path, NULL};
    if (extra == NULL) {
        argv[8] = (char *)path;
        argv[9] = NULL;
    }
    return run_cmd(argv, test_env, NULL, out, err);
}

Test(cli_sign, crlf_and_lf_sign_the_same)
{
    awsorch_buf a = AWSORCH_BUF_INIT, b = AWSORCH_BUF_INIT, e = AWSORCH_BUF_INIT;
    cr_assert_eq(sign_text("GET / HTTP/1.1\nHost:example.amazonaws.com\n", "--show=x", &a, &e), 252,
                 "an unknown option is a usage error");
    awsorch_buf_free(&a);
    awsorch_buf_free(&e);
    cr_assert_eq(
        sign_text("GET /a%20b?x=1 HTTP/1.1\r\nHost: example.amazonaws.com\r\n\r\n", NULL, &a, &e),
        0, "%s", e.data);
    cr_assert_eq(sign_text("GET /a%20b?x=1 HTTP/1.1\nHost: example.amazonaws.com", NULL, &b, &e), 0,
                 "%s", e.data);
    /* Same signature; the CRLF request is printed back with CRLF. */
    const char *sig_a = strstr(a.data, "Signature=");
    const char *sig_b = strstr(b.data, "Signature=");
    cr_assert(sig_a && sig_b);
    cr_expect_eq(strncmp(sig_a, sig_b, 74), 0);
    cr_expect_not_null(strstr(a.data, "\r\nAuthorization:"));
    awsorch_buf_free(&a);
    awsorch_buf_free(&b);
    awsorch_buf_free(&e);
}

Test(cli_sign, malformed_requests_exit_252_with_a_reason)
{
    static const char *const bad[][2] = {
        {"", "empty"},
        {"GET\n", "request line"},
        {"GET / FTP/1.0\nHost: h\n", "HTTP version"},
        {"GET / HTTP/1.1\nHost example.com\n", "no ':'"},
        {"GET / HTTP/1.1\nX-A: 1\n", "Host"},
        {"GET /%zz HTTP/1.1\nHost: h\n", "percent-encoding"},
        {"GET /?a=%4 HTTP/1.1\nHost: h\n", "percent-encoding"},
        {"POST / HTTP/1.1\nHost: h\nContent-Length: 10\n\nabc", "Content-Length"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
        int rc = sign_text(bad[i][0], NULL, &out, &err);
        cr_expect_eq(rc, 252, "case %zu: exit %d", i, rc);
        cr_expect_not_null(strstr(err.data, bad[i][1]), "case %zu: stderr lacks '%s': %s", i,
                           bad[i][1], err.data);
        cr_expect_eq(out.len, 0, "case %zu printed to stdout", i);
        awsorch_buf_free(&out);
        awsorch_buf_free(&err);
    }
}

Test(cli_sign, presign_limits)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    const char *path = tmp_file(1, "r.txt", "GET / HTTP/1.1\nHost: h\n");
    char *over[] = {AWSORCH_CLI, "sign",      "--region", "us-east-1",  "--service",
                    "s3",        "--presign", "604801",   (char *)path, NULL};
    cr_expect_eq(run_cmd(over, test_env, NULL, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "604800"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *zero[] = {AWSORCH_CLI, "sign",      "--region", "us-east-1",  "--service",
                    "s3",        "--presign", "0",        (char *)path, NULL};
    cr_expect_eq(run_cmd(zero, test_env, NULL, &out, &err), 252);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *week[] = {AWSORCH_CLI, "sign",   "--region", "us-east-1",     "--service",  "s3",
                    "--presign", "604800", "--show",   "authorization", (char *)path, NULL};
    cr_expect_eq(run_cmd(week, test_env, NULL, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "X-Amz-Expires=604800"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sign, missing_credentials_exit_253_and_name_each_provider)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    const char *path = tmp_file(1, "r.txt", "GET / HTTP/1.1\nHost: h\n");
    char *argv[] = {AWSORCH_CLI, "sign", "--region",   "us-east-1",
                    "--service", "sfn",  (char *)path, NULL};
    char *env[] = {"HOME=/nonexistent", "AWS_EC2_METADATA_DISABLED=true", NULL};
    cr_expect_eq(run_cmd(argv, env, NULL, &out, &err), 253);
    cr_expect_not_null(strstr(err.data, "environment"), "%s", err.data);
    cr_expect_not_null(strstr(err.data, "shared credentials file"), "%s", err.data);
    cr_expect_not_null(strstr(err.data, "config file"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sign, reads_stdin_and_keeps_secrets_out_of_output)
{
    const char *path = tmp_file(2, "in.txt", "GET / HTTP/1.1\nHost: example.amazonaws.com\n");
    char *argv[] = {AWSORCH_CLI,        "--debug",   "sign",      "--region",
                    "us-east-1",        "--service", "service",   "--time",
                    "20150830T123600Z", "--show",    "signature", NULL};
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_assert_eq(run_cmd(argv, test_env, path, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    cr_expect_null(strstr(err.data, "wJalrXUtnFEMI"), "the secret reached stderr");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}
