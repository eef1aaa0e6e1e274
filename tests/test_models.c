/* The Glue, Athena, Redshift Data, Lambda and CloudWatch Logs models through
 * the CLI against a local server: targets, bodies, idempotency tokens, REST
 * bindings, outfiles, paging and waiters; and every declared model checked for
 * consistency. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "awsorch/awsorch.h"
#include "helpers.h"
#include "mock_server.h"

/* Each test runs in its own process, so the counter starts at 0 in each. */
static int polls;

static const char describe_statement[] =
    "{\"Id\":\"st-1\",\"Status\":\"FINISHED\",\"QueryString\":\"SELECT 1\",\"HasResultSet\":true,"
    "\"CreatedAt\":1764727200.25,\"UpdatedAt\":1764727260,\"Duration\":1250000000,"
    "\"ResultRows\":1,\"ClusterIdentifier\":\"etl\",\"Database\":\"dev\","
    "\"QueryParameters\":[{\"name\":\"day\",\"value\":\"1\"}],"
    "\"SubStatements\":[{\"Id\":\"st-1:1\",\"Status\":\"FINISHED\",\"CreatedAt\":1764727200}],"
    "\"FutureMember\":\"kept\"}";

static void json_service(const char *target, const mock_request *req, mock_reply *reply)
{
    const char *b = req->body;
    char *out = reply->body;
    size_t n = sizeof(reply->body);
    reply->content_type = "application/x-amz-json-1.1";
    if (strcmp(target, "AWSGlue.StartJobRun") == 0) {
        (void)snprintf(out, n, "{\"JobRunId\":\"jr_1\"}");
    } else if (strcmp(target, "AWSGlue.GetJobRun") == 0) {
        int k = ++polls;
        const char *state = strstr(b, "jr_fail") ? "FAILED" : k >= 2 ? "SUCCEEDED" : "RUNNING";
        (void)snprintf(out, n,
                       "{\"JobRun\":{\"Id\":\"jr_1\",\"JobName\":\"j\",\"JobRunState\":\"%s\","
                       "\"StartedOn\":1764727200,\"ErrorMessage\":\"Out of memory\"}}",
                       state);
    } else if (strcmp(target, "AWSGlue.GetCrawler") == 0) {
        /* First RUNNING with the previous crawl's SUCCEEDED still there, then READY. */
        int k = ++polls;
        (void)snprintf(out, n,
                       "{\"Crawler\":{\"Name\":\"c\",\"State\":\"%s\",\"LastCrawl\":{\"Status\":"
                       "\"%s\",\"ErrorMessage\":\"Access denied to s3://raw\"}}}",
                       k >= 2 ? "READY" : "RUNNING", k >= 2 ? "FAILED" : "SUCCEEDED");
    } else if (strcmp(target, "AmazonAthena.StartQueryExecution") == 0) {
        (void)snprintf(out, n, "{\"QueryExecutionId\":\"q-1\"}");
    } else if (strcmp(target, "AmazonAthena.GetQueryExecution") == 0) {
        int k = ++polls;
        (void)snprintf(out, n,
                       "{\"QueryExecution\":{\"QueryExecutionId\":\"q-1\",\"Status\":{\"State\":"
                       "\"%s\",\"SubmissionDateTime\":1764727200}}}",
                       k >= 2 ? "SUCCEEDED" : "QUEUED");
    } else if (strcmp(target, "AmazonAthena.GetQueryResults") == 0) {
        (void)snprintf(out, n, "%s",
                       strstr(b, "\"NextToken\":\"p2\"")
                           ? "{\"ResultSet\":{\"Rows\":[{\"Data\":[{\"VarCharValue\":\"2\"}]}],"
                             "\"ResultSetMetadata\":{\"ColumnInfo\":[{\"Name\":\"n\"}]}}}"
                           : "{\"UpdateCount\":0,\"ResultSet\":{\"Rows\":[{\"Data\":[{"
                             "\"VarCharValue\":\"n\"}]},{\"Data\":[{\"VarCharValue\":\"1\"}]}],"
                             "\"ResultSetMetadata\":{\"ColumnInfo\":[{\"Name\":\"n\"}]}},"
                             "\"NextToken\":\"p2\"}");
    } else if (strcmp(target, "RedshiftData.DescribeStatement") == 0) {
        (void)snprintf(out, n, "%s", describe_statement);
    } else if (strcmp(target, "RedshiftData.BatchExecuteStatement") == 0) {
        (void)snprintf(out, n, "{\"Id\":\"st-1\",\"CreatedAt\":1764727200}");
    } else if (strcmp(target, "Logs_20140328.FilterLogEvents") == 0) {
        (void)snprintf(out, n, "%s",
                       strstr(b, "\"nextToken\":\"t2\"")
                           ? "{\"events\":[{\"message\":\"two\",\"timestamp\":2}]}"
                           : "{\"events\":[{\"message\":\"one\",\"timestamp\":1}],"
                             "\"nextToken\":\"t2\"}");
    } else {
        (void)snprintf(out, n, "{}");
    }
}

static void handler(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    if (target[0] != '\0') {
        json_service(target, req, reply);
    } else if (strstr(req->url, "/invocations") != NULL) {
        reply->content_type = "application/json";
        reply->extra_headers = "X-Amz-Executed-Version: $LATEST\n";
        (void)snprintf(reply->body, sizeof(reply->body), "{\"ok\":true,\"n\":[1,2]}");
    } else if (strncmp(req->url, "/2015-03-31/functions/", 22) == 0) {
        int k = ++polls;
        reply->content_type = "application/json";
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"Configuration\":{\"FunctionName\":\"f\",\"State\":\"%s\","
                       "\"LastUpdateStatus\":\"Successful\"}}",
                       k >= 2 ? "Active" : "Pending");
    } else {
        reply->status = 404;
    }
}

static mock_server *server;
static char endpoint_env[128];
static char redshift_env[128];

static void start(void)
{
    server = mock_start(handler, NULL);
    (void)snprintf(endpoint_env, sizeof(endpoint_env), "AWS_ENDPOINT_URL=http://127.0.0.1:%u",
                   mock_port(server));
    (void)snprintf(redshift_env, sizeof(redshift_env),
                   "AWS_ENDPOINT_URL_REDSHIFT_DATA=http://127.0.0.1:%u", mock_port(server));
}

static void stop(void)
{
    mock_stop(server);
}

TestSuite(models, .init = start, .fini = stop);

static int run_env(char *const *args, const char *extra_env, awsorch_buf *out, awsorch_buf *err)
{
    char *env[] = {endpoint_env,
                   "AWS_ACCESS_KEY_ID=AKIDMODELS",
                   "AWS_SECRET_ACCESS_KEY=secret",
                   "AWS_REGION=eu-west-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   "AWS_MAX_ATTEMPTS=1",
                   (char *)extra_env,
                   NULL};
    return run_cli(args, env, out, err);
}

static int run(char *const *args, awsorch_buf *out, awsorch_buf *err)
{
    return run_env(args, NULL, out, err);
}

static json_t *body_of(const mock_request *r)
{
    json_t *doc = json_loads(r->body, 0, NULL);
    cr_assert_not_null(doc, "request body is not JSON: %s", r->body);
    return doc;
}

static const char *header(const mock_request *r, const char *name)
{
    static char value[1024];
    return mock_header(r, name, value, sizeof(value));
}

/* ---- Glue ------------------------------------------------------------------------------ */

Test(models, glue_start_job_run_sends_target_and_body)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"glue",        "start-job-run",     "--job-name",    "j",
                    "--arguments", "{\"--day\":\"1\"}", "--worker-type", "G.1X",
                    NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\n    \"JobRunId\": \"jr_1\"\n}\n");
    cr_assert_eq(mock_count(server), 1);
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(r.method, "POST");
    cr_expect_str_eq(r.url, "/");
    cr_expect_str_eq(header(&r, "x-amz-target"), "AWSGlue.StartJobRun");
    cr_expect_str_eq(header(&r, "content-type"), "application/x-amz-json-1.1");
    cr_expect_not_null(strstr(header(&r, "authorization"), "/eu-west-1/glue/aws4_request"), "%s",
                       header(&r, "authorization"));
    json_t *b = body_of(&r);
    json_t *want = json_loads("{\"JobName\":\"j\",\"Arguments\":{\"--day\":\"1\"},"
                              "\"WorkerType\":\"G.1X\"}",
                              0, NULL);
    cr_expect(json_equal(b, want), "%s", r.body);
    json_decref(want);
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, required_members_are_checked_before_sending_enums_by_the_service)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    /* A value this SDK does not know yet travels as given, as with the AWS CLI. */
    char *newer[] = {"glue", "start-job-run", "--job-name", "j", "--worker-type", "G.9X", NULL};
    cr_expect_eq(run(newer, &out, &err), 0, "%s", err.data);
    cr_assert_eq(mock_count(server), 1);
    mock_request r = mock_get(server, 0);
    json_t *b = body_of(&r);
    cr_expect_str_eq(json_string_value(json_object_get(b, "WorkerType")), "G.9X");
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *missing[] = {"glue", "get-job-run", "--job-name", "j", NULL};
    cr_expect_eq(run(missing, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "--run-id"), "%s", err.data);
    cr_expect_eq(mock_count(server), 1, "the request without its run id was not sent");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, glue_start_job_run_wait_follows_the_run)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"glue", "start-job-run", "--job-name", "j", "--wait", "--delay", "0.05", NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"JobRunState\": \"SUCCEEDED\""), "%s", out.data);
    cr_expect_not_null(strstr(out.data, "\"StartedOn\": \"2025-12-03T02:00:00+00:00\""), "%s",
                       out.data);
    cr_assert_eq(mock_count(server), 3, "start, then two descriptions");
    mock_request r = mock_get(server, 1);
    cr_expect_str_eq(header(&r, "x-amz-target"), "AWSGlue.GetJobRun");
    json_t *b = body_of(&r);
    json_t *want = json_loads("{\"JobName\":\"j\",\"RunId\":\"jr_1\"}", 0, NULL);
    cr_expect(json_equal(b, want), "the job name from the input, the run id from the output: %s",
              r.body);
    json_decref(want);
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, glue_wait_job_run_complete_reports_failure)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"glue",     "wait",    "job-run-complete", "--job-name", "j",
                    "--run-id", "jr_fail", "--delay",          "0.05",       NULL};
    cr_expect_eq(run(args, &out, &err), 1);
    cr_expect_not_null(strstr(err.data, "Waiter job-run-complete failed: FAILED: Out of memory"),
                       "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, glue_crawler_complete_waits_for_ready)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"glue", "start-crawler", "--name", "c", "--wait", "--delay", "0.05", NULL};
    cr_expect_eq(run(args, &out, &err), 1, "%s", err.data);
    cr_expect_eq(mock_count(server), 3, "a RUNNING crawler's old SUCCEEDED does not end the wait");
    mock_request r = mock_get(server, 1);
    cr_expect_str_eq(r.body, "{\"Name\":\"c\"}");
    cr_expect_not_null(
        strstr(err.data, "Waiter crawler-complete failed: FAILED: Access denied to s3://raw"), "%s",
        err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

/* ---- Athena ---------------------------------------------------------------------------- */

static bool is_uuid4(const char *s)
{
    if (s == NULL || strlen(s) != 36 || s[14] != '4') {
        return false;
    }
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL) {
            return false;
        }
    }
    return true;
}

Test(models, athena_start_query_execution_fills_client_request_token)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"athena",
                    "start-query-execution",
                    "--query-string",
                    "SELECT 1",
                    "--query-execution-context",
                    "{\"Database\":\"raw\"}",
                    "--execution-parameters",
                    "a",
                    "b",
                    NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\n    \"QueryExecutionId\": \"q-1\"\n}\n");
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(header(&r, "x-amz-target"), "AmazonAthena.StartQueryExecution");
    cr_expect_not_null(strstr(header(&r, "authorization"), "/athena/aws4_request"));
    json_t *b = body_of(&r);
    const char *token = json_string_value(json_object_get(b, "ClientRequestToken"));
    cr_expect(is_uuid4(token), "ClientRequestToken: %s", r.body);
    cr_expect_str_eq(json_string_value(json_object_get(b, "QueryString")), "SELECT 1");
    cr_expect_eq(json_array_size(json_object_get(b, "ExecutionParameters")), 2);
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    /* A token given is sent as it is. */
    char *given[] = {"athena",   "start-query-execution",  "--query-string",
                     "SELECT 1", "--client-request-token", "tok-123456789012345678901234567890",
                     NULL};
    cr_assert_eq(run(given, &out, &err), 0, "%s", err.data);
    r = mock_get(server, 1);
    cr_expect_not_null(
        strstr(r.body, "\"ClientRequestToken\":\"tok-123456789012345678901234567890\""), "%s",
        r.body);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, athena_query_wait_and_result_pages)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"athena",         "start-query-execution",
                    "--query-string", "SELECT 1",
                    "--wait",         "--delay",
                    "0.05",           NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"State\": \"SUCCEEDED\""), "%s", out.data);
    mock_request r = mock_get(server, 1);
    cr_expect_str_eq(r.body, "{\"QueryExecutionId\":\"q-1\"}");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    /* Every page's rows, merged under ResultSet.Rows as the AWS CLI does. */
    char *results[] = {"athena", "get-query-results", "--query-execution-id", "q-1", NULL};
    cr_assert_eq(run(results, &out, &err), 0, "%s", err.data);
    json_t *doc = json_loads(out.data, 0, NULL);
    cr_assert_not_null(doc, "%s", out.data);
    json_t *rows = json_object_get(json_object_get(doc, "ResultSet"), "Rows");
    cr_expect_eq(json_array_size(rows), 3, "%s", out.data);
    cr_expect_null(json_object_get(doc, "NextToken"));
    json_decref(doc);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

/* ---- Redshift Data --------------------------------------------------------------------- */

Test(models, redshift_data_describe_statement_round_trips)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"redshift-data", "describe-statement", "--id", "st-1", NULL};
    /* Only the service's own setting points at the server. */
    char *env[] = {redshift_env,
                   "AWS_ACCESS_KEY_ID=AKIDMODELS",
                   "AWS_SECRET_ACCESS_KEY=secret",
                   "AWS_REGION=eu-west-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   "AWS_MAX_ATTEMPTS=1",
                   NULL};
    cr_assert_eq(run_cli(args, env, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\n"
                               "    \"Id\": \"st-1\",\n"
                               "    \"Database\": \"dev\",\n"
                               "    \"ClusterIdentifier\": \"etl\",\n"
                               "    \"Duration\": 1250000000,\n"
                               "    \"Status\": \"FINISHED\",\n"
                               "    \"CreatedAt\": \"2025-12-03T02:00:00.250000+00:00\",\n"
                               "    \"UpdatedAt\": \"2025-12-03T02:01:00+00:00\",\n"
                               "    \"HasResultSet\": true,\n"
                               "    \"QueryString\": \"SELECT 1\",\n"
                               "    \"ResultRows\": 1,\n"
                               "    \"QueryParameters\": [\n"
                               "        {\n"
                               "            \"name\": \"day\",\n"
                               "            \"value\": \"1\"\n"
                               "        }\n"
                               "    ],\n"
                               "    \"SubStatements\": [\n"
                               "        {\n"
                               "            \"Id\": \"st-1:1\",\n"
                               "            \"Status\": \"FINISHED\",\n"
                               "            \"CreatedAt\": \"2025-12-03T02:00:00+00:00\"\n"
                               "        }\n"
                               "    ],\n"
                               "    \"FutureMember\": \"kept\"\n"
                               "}\n");
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(header(&r, "x-amz-target"), "RedshiftData.DescribeStatement");
    cr_expect_str_eq(r.body, "{\"Id\":\"st-1\"}");
    cr_expect_not_null(strstr(header(&r, "authorization"), "/redshift-data/aws4_request"));
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, redshift_data_batch_execute_statement_wait)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"redshift-data",
                    "batch-execute-statement",
                    "--sqls",
                    "SELECT 1",
                    "SELECT 2",
                    "--workgroup-name",
                    "wg",
                    "--wait",
                    "--delay",
                    "0.05",
                    NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    mock_request first = mock_get(server, 0);
    json_t *b = body_of(&first);
    cr_expect_eq(json_array_size(json_object_get(b, "Sqls")), 2, "%s", first.body);
    cr_expect(is_uuid4(json_string_value(json_object_get(b, "ClientToken"))), "%s", first.body);
    json_decref(b);
    mock_request second = mock_get(server, 1);
    cr_expect_str_eq(header(&second, "x-amz-target"), "RedshiftData.DescribeStatement");
    cr_expect_str_eq(second.body, "{\"Id\":\"st-1\"}");
    cr_expect_not_null(strstr(out.data, "\"Status\": \"FINISHED\""), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

/* ---- Lambda ---------------------------------------------------------------------------- */

static void expect_invoked(const char *outfile, const awsorch_buf *out, const char *payload)
{
    awsorch_buf file = AWSORCH_BUF_INIT;
    read_file(outfile, &file);
    cr_expect_str_eq(file.data, "{\"ok\":true,\"n\":[1,2]}");
    awsorch_buf_free(&file);
    cr_expect_str_eq(out->data, "{\n"
                                "    \"StatusCode\": 200,\n"
                                "    \"ExecutedVersion\": \"$LATEST\"\n"
                                "}\n");
    mock_request r = mock_get(server, mock_count(server) - 1);
    cr_expect_str_eq(r.method, "POST");
    cr_expect_str_eq(r.url, "/2015-03-31/functions/f/invocations");
    cr_expect_str_eq(r.body, payload);
    cr_expect_not_null(strstr(header(&r, "authorization"), "/lambda/aws4_request"));
}

Test(models, lambda_invoke_writes_the_payload_to_the_outfile)
{
    char outfile[600];
    (void)snprintf(outfile, sizeof(outfile), "%s.json", tmp_file(0, "invoke", ""));
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    /* As with the AWS CLI v2, an inline blob is base64 unless the binary format says raw. */
    char *raw[] = {"lambda",
                   "--cli-binary-format",
                   "raw-in-base64-out",
                   "invoke",
                   "--function-name",
                   "f",
                   "--payload",
                   "{}",
                   outfile,
                   NULL};
    cr_assert_eq(run(raw, &out, &err), 0, "%s", err.data);
    expect_invoked(outfile, &out, "{}");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *b64[] = {"lambda", "invoke", "--function-name", "f", "--payload", "e30=", outfile, NULL};
    cr_assert_eq(run(b64, &out, &err), 0, "%s", err.data);
    expect_invoked(outfile, &out, "{}");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    const char *config =
        tmp_file(1, "config", "[default]\ncli_binary_format = raw-in-base64-out\n");
    char config_env[600];
    (void)snprintf(config_env, sizeof(config_env), "AWS_CONFIG_FILE=%s", config);
    char *profile[] = {"lambda",    "invoke",          "--function-name", "f",
                       "--payload", "{\"day\":\"1\"}", outfile,           NULL};
    cr_assert_eq(run_env(profile, config_env, &out, &err), 0, "%s", err.data);
    expect_invoked(outfile, &out, "{\"day\":\"1\"}");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, lambda_invoke_usage_errors)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *no_outfile[] = {"lambda", "invoke", "--function-name", "f", NULL};
    cr_expect_eq(run(no_outfile, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "outfile"), "%s", err.data);
    awsorch_buf_free(&err);
    char *not_base64[] = {"lambda",    "invoke", "--function-name", "f",
                          "--payload", "{}",     "o.json",          NULL};
    cr_expect_eq(run(not_base64, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "Invalid base64"), "%s", err.data);
    awsorch_buf_free(&err);
    char *bad_format[] = {"--cli-binary-format", "raw", "lambda", "list-functions", NULL};
    cr_expect_eq(run(bad_format, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "--cli-binary-format"), "%s", err.data);
    cr_expect_eq(mock_count(server), 0);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, lambda_wait_function_active_v2)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"lambda", "wait", "function-active-v2", "--function-name", "f", "--delay",
                    "0.05",   NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_eq(mock_count(server), 2, "Pending, then Active");
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(r.method, "GET");
    cr_expect_str_eq(r.url, "/2015-03-31/functions/f");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(models, lambda_rest_bindings)
{
    const awsorch_operation *invoke =
        awsorch_operation_find(awsorch_lambda_operations, awsorch_lambda_operation_count, "Invoke");
    cr_assert_not_null(invoke);
    awsorch_request_parts p;
    cr_assert_eq(awsorch_serialize(&p, &awsorch_lambda_model, invoke,
                                   "{\"FunctionName\":\"arn:aws:lambda:eu-west-1:123456789012:"
                                   "function:etl\",\"Qualifier\":\"prod\",\"InvocationType\":"
                                   "\"Event\",\"LogType\":\"Tail\",\"Payload\":\"[1]\"}"),
                 AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(p.method, "POST");
    cr_expect_str_eq(p.path,
                     "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3A"
                     "function%3Aetl/invocations");
    cr_expect_str_eq(p.query, "Qualifier=prod");
    bool type = false, log = false;
    for (size_t i = 0; i < p.header_count; i++) {
        type = type || strcmp(p.headers[i], "X-Amz-Invocation-Type: Event") == 0;
        log = log || strcmp(p.headers[i], "X-Amz-Log-Type: Tail") == 0;
    }
    cr_expect(type && log, "the invocation and log types travel as headers");
    cr_expect_eq(p.body_len, 3);
    cr_expect_str_eq(p.body, "[1]");
    awsorch_request_parts_free(&p);
    /* An invocation type this SDK does not know travels as given; Lambda judges it. */
    cr_expect_eq(awsorch_serialize(&p, &awsorch_lambda_model, invoke,
                                   "{\"FunctionName\":\"f\",\"InvocationType\":\"Later\"}"),
                 AWSORCH_OK);
    awsorch_request_parts_free(&p);
    const awsorch_operation *list = awsorch_operation_find(
        awsorch_lambda_operations, awsorch_lambda_operation_count, "ListFunctions");
    cr_assert_eq(
        awsorch_serialize(&p, &awsorch_lambda_model, list, "{\"Marker\":\"m 1\",\"MaxItems\":5}"),
        AWSORCH_OK);
    cr_expect_str_eq(p.method, "GET");
    cr_expect_str_eq(p.path, "/2015-03-31/functions");
    cr_expect_str_eq(p.query, "Marker=m%201&MaxItems=5");
    awsorch_request_parts_free(&p);
}

/* ---- CloudWatch Logs ------------------------------------------------------------------- */

Test(models, logs_filter_log_events_pages)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"logs",
                    "filter-log-events",
                    "--log-group-name",
                    "/aws-glue/jobs/output",
                    "--start-time",
                    "1764727200000",
                    NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    json_t *doc = json_loads(out.data, 0, NULL);
    cr_assert_not_null(doc, "%s", out.data);
    cr_expect_eq(json_array_size(json_object_get(doc, "events")), 2, "%s", out.data);
    json_decref(doc);
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(header(&r, "x-amz-target"), "Logs_20140328.FilterLogEvents");
    json_t *b = body_of(&r);
    cr_expect_eq(json_integer_value(json_object_get(b, "startTime")), 1764727200000LL);
    json_decref(b);
    cr_expect_not_null(strstr(header(&r, "authorization"), "/logs/aws4_request"));
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

/* ---- every model ------------------------------------------------------------------------ */

typedef struct declared {
    const awsorch_service_model *model;
    const awsorch_operation *ops;
    size_t op_count;
    const awsorch_paginator_spec *paginators;
    size_t paginator_count;
    const awsorch_waiter *waiters;
    size_t waiter_count;
} declared;

static const awsorch_member *member(const awsorch_shape *s, const char *name)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (strcmp(s->members[i].name, name) == 0) {
            return &s->members[i];
        }
    }
    return NULL;
}

/* Follows a dotted path through the declared shapes. */
static const awsorch_shape *shape_at(const awsorch_shape *s, const char *path)
{
    char copy[256];
    (void)snprintf(copy, sizeof(copy), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k != NULL && s != NULL;
         k = strtok_r(NULL, ".", &save)) {
        const awsorch_member *m = member(s, k);
        s = m ? m->shape : NULL;
    }
    return s;
}

Test(models, every_declaration_is_consistent)
{
    const declared all[] = {
        {&awsorch_glue_model, awsorch_glue_operations, awsorch_glue_operation_count,
         awsorch_glue_paginators, awsorch_glue_paginator_count, awsorch_glue_waiters,
         awsorch_glue_waiter_count},
        {&awsorch_athena_model, awsorch_athena_operations, awsorch_athena_operation_count,
         awsorch_athena_paginators, awsorch_athena_paginator_count, awsorch_athena_waiters,
         awsorch_athena_waiter_count},
        {&awsorch_redshift_data_model, awsorch_redshift_data_operations,
         awsorch_redshift_data_operation_count, awsorch_redshift_data_paginators,
         awsorch_redshift_data_paginator_count, awsorch_redshift_data_waiters,
         awsorch_redshift_data_waiter_count},
        {&awsorch_lambda_model, awsorch_lambda_operations, awsorch_lambda_operation_count,
         awsorch_lambda_paginators, awsorch_lambda_paginator_count, awsorch_lambda_waiters,
         awsorch_lambda_waiter_count},
        {&awsorch_logs_model, awsorch_logs_operations, awsorch_logs_operation_count,
         awsorch_logs_paginators, awsorch_logs_paginator_count, NULL, 0},
        {&awsorch_sfn_model, awsorch_sfn_operations, awsorch_sfn_operation_count,
         awsorch_sfn_paginators, awsorch_sfn_paginator_count, awsorch_sfn_waiters,
         awsorch_sfn_waiter_count},
    };
    for (size_t s = 0; s < sizeof(all) / sizeof(all[0]); s++) {
        const declared *d = &all[s];
        const char *svc = d->model->cli_name;
        for (size_t i = 0; i < d->op_count; i++) {
            for (size_t j = i + 1; j < d->op_count; j++) {
                cr_expect_str_neq(d->ops[i].name, d->ops[j].name, "%s: declared twice", svc);
            }
        }
        for (size_t i = 0; i < d->paginator_count; i++) {
            const awsorch_paginator_spec *p = &d->paginators[i];
            const awsorch_operation *op = awsorch_operation_find(d->ops, d->op_count, p->operation);
            cr_assert_not_null(op, "%s: paginator for unknown %s", svc, p->operation);
            cr_expect_not_null(member(op->input, p->input_token), "%s %s: no input token", svc,
                               p->operation);
            cr_expect_not_null(member(op->output, p->output_token), "%s %s: no output token", svc,
                               p->operation);
            const awsorch_shape *items = shape_at(op->output, p->items);
            cr_expect(items != NULL && items->type == AWSORCH_LIST, "%s %s: %s is not a list", svc,
                      p->operation, p->items);
        }
        for (size_t i = 0; i < d->waiter_count; i++) {
            const awsorch_waiter *w = &d->waiters[i];
            const awsorch_operation *op = awsorch_operation_find(d->ops, d->op_count, w->operation);
            cr_assert_not_null(op, "%s %s: unknown operation", svc, w->name);
            const awsorch_shape *state = shape_at(op->output, w->state_member);
            cr_expect(state != NULL && state->type == AWSORCH_STRING, "%s %s: no %s", svc, w->name,
                      w->state_member);
            for (const char *const *v = w->success; state && state->enum_values && *v; v++) {
                bool known = false;
                for (const char *const *e = state->enum_values; *e; e++) {
                    known = known || strcmp(*e, *v) == 0;
                }
                cr_expect(known, "%s %s: %s is not a value of %s", svc, w->name, *v,
                          w->state_member);
            }
            cr_expect(w->ended_member == NULL || shape_at(op->output, w->ended_member) != NULL,
                      "%s %s: no %s", svc, w->name, w->ended_member);
            for (int k = 0; k < 3 && w->reason_members[k]; k++) {
                cr_expect_not_null(shape_at(op->output, w->reason_members[k]), "%s %s: no %s", svc,
                                   w->name, w->reason_members[k]);
            }
            const char *starts[] = {w->start_operation, w->start_operation2};
            for (int k = 0; k < 2; k++) {
                if (starts[k] == NULL) {
                    continue;
                }
                const awsorch_operation *start =
                    awsorch_operation_find(d->ops, d->op_count, starts[k]);
                cr_assert_not_null(start, "%s %s: unknown start %s", svc, w->name, starts[k]);
                if (w->id_member != NULL) {
                    cr_expect_not_null(member(start->output, w->id_member), "%s %s: %s has no %s",
                                       svc, w->name, starts[k], w->id_member);
                    const char *in = w->id_input_member ? w->id_input_member : w->id_member;
                    cr_expect_not_null(member(op->input, in), "%s %s: %s takes no %s", svc, w->name,
                                       w->operation, in);
                }
            }
        }
    }
}
