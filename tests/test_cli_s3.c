/* `awsorch s3api` against a local endpoint: bodies to and from files, S3 errors, and virtual-hosted
 * addressing. */
#include <criterion/criterion.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "mock_server.h"

static void s3(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    reply->content_type = "application/xml";
    if (strcmp(req->method, "PUT") == 0) {
        reply->extra_headers = "ETag: \"put-etag\"\n";
    } else if (strstr(req->url, "missing") != NULL) {
        reply->status = 404;
        (void)snprintf(reply->body, sizeof(reply->body),
                       "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The "
                       "specified key does not exist.</Message><RequestId>r404</RequestId>"
                       "</Error>");
    } else {
        reply->content_type = "text/csv";
        reply->extra_headers = "ETag: \"abc\"\nLast-Modified: Wed, 03 Dec 2025 02:00:00 GMT\n";
        (void)snprintf(reply->body, sizeof(reply->body), "id,name\n1,orders\n");
    }
}

static mock_server *server;
static char endpoint_env[128];

static void start(void)
{
    server = mock_start(s3, NULL);
    (void)snprintf(endpoint_env, sizeof(endpoint_env), "AWS_ENDPOINT_URL_S3=http://127.0.0.1:%u",
                   mock_port(server));
}

static void stop(void)
{
    mock_stop(server);
}

TestSuite(cli_s3, .init = start, .fini = stop);

static int run(char *const *args, bool local, awsorch_buf *out, awsorch_buf *err)
{
    char *env[] = {local ? endpoint_env : "NO_ENDPOINT=1",
                   "AWS_ACCESS_KEY_ID=AKIDS3",
                   "AWS_SECRET_ACCESS_KEY=secret",
                   "AWS_REGION=us-east-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   "AWS_MAX_ATTEMPTS=1",
                   NULL};
    return run_cli(args, env, out, err);
}

Test(cli_s3, get_object_writes_the_outfile)
{
    char outfile[600];
    (void)snprintf(outfile, sizeof(outfile), "%s.out", tmp_file(0, "marker", ""));
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"s3api", "get-object",  "--bucket", "etl",
                    "--key", "raw/a b.csv", outfile,    NULL};
    cr_assert_eq(run(args, true, &out, &err), 0, "%s", err.data);
    awsorch_buf body = AWSORCH_BUF_INIT;
    read_file(outfile, &body);
    cr_expect_str_eq(body.data, "id,name\n1,orders\n");
    cr_expect_not_null(strstr(out.data, "\"ETag\": \"\\\"abc\\\"\""), "%s", out.data);
    cr_expect_not_null(strstr(out.data, "\"LastModified\": \"2025-12-03T02:00:00+00:00\""), "%s",
                       out.data);
    cr_expect_null(strstr(out.data, "Body"), "the body went to the file: %s", out.data);
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(r.url, "/etl/raw/a b.csv", "path style on a custom endpoint");
    char sha[80];
    cr_expect_str_eq(mock_header(&r, "x-amz-content-sha256", sha, sizeof(sha)),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    awsorch_buf_free(&body);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_s3, put_object_streams_the_body_file)
{
    const char *path = tmp_file(1, "upload.csv", "id,name\n2,customers\n");
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"s3api",     "put-object", "--bucket",   "etl", "--key",
                    "raw/c.csv", "--body",     (char *)path, NULL};
    cr_assert_eq(run(args, true, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "put-etag"), "%s", out.data);
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(r.method, "PUT");
    cr_expect_str_eq(r.body, "id,name\n2,customers\n");
    unsigned char digest[32];
    SHA256((const unsigned char *)r.body, r.body_len, digest);
    char hex[65];
    for (int i = 0; i < 32; i++) {
        (void)snprintf(hex + (size_t)2 * (size_t)i, 3, "%02x", digest[i]);
    }
    char sha[80];
    cr_expect_str_eq(mock_header(&r, "x-amz-content-sha256", sha, sizeof(sha)), hex);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_s3, errors_leave_no_file)
{
    char outfile[600];
    (void)snprintf(outfile, sizeof(outfile), "%s.out", tmp_file(0, "marker", ""));
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"s3api", "get-object", "--bucket", "etl", "--key", "missing", outfile, NULL};
    cr_expect_eq(run(args, true, &out, &err), 254);
    cr_expect_str_eq(err.data, "\nAn error occurred (NoSuchKey) when calling the GetObject "
                               "operation: The specified key does not exist.\n");
    cr_expect_null(fopen(outfile, "rb"), "the partial file was removed");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *no_body[] = {"s3api", "put-object", "--bucket", "etl",
                       "--key", "k",          "--body",   "/nonexistent/upload.csv",
                       NULL};
    cr_expect_eq(run(no_body, true, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "Unable to open /nonexistent/upload.csv"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *no_outfile[] = {"s3api", "get-object", "--bucket", "etl", "--key", "k", NULL};
    cr_expect_eq(run(no_outfile, true, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "outfile"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_s3, buckets_are_virtual_hosted_on_aws)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"--debug",     "--cli-connect-timeout",
                    "1",           "s3api",
                    "head-object", "--bucket",
                    "etl-data",    "--key",
                    "raw/a.csv",   NULL};
    (void)run(args, false, &out, &err);
    cr_expect_not_null(strstr(err.data, "> HEAD https://etl-data.s3.us-east-1.amazonaws.com/raw/"
                                        "a.csv"),
                       "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}
