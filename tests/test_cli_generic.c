/* `awsorch stepfunctions ...` through the generic CLI layer, against a local
 * server: flags, request bodies, output and errors as the AWS CLI gives them. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "helpers.h"
#include "mock_server.h"

static void sfn_handler(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    reply->content_type = "application/x-amz-json-1.0";
    if (strstr(req->body, "missing") != NULL) {
        reply->status = 400;
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"__type\":\"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist\","
                       "\"message\":\"Execution Does Not Exist: 'missing'\"}");
    } else if (strstr(req->body, "arn:wait:") != NULL) {
        /* Waiter scenarios: ok (RUNNING twice, then SUCCEEDED), fail, slow, flaky. */
        static int describes;
        int n = ++describes;
        const char *st = "RUNNING";
        if (strstr(req->body, "arn:wait:ok") != NULL) {
            st = n >= 3 ? "SUCCEEDED" : "RUNNING";
        } else if (strstr(req->body, "arn:wait:fail") != NULL) {
            st = "FAILED";
        } else if (strstr(req->body, "arn:wait:flaky") != NULL) {
            if (n == 1) {
                reply->status = 500;
                (void)snprintf(reply->body, sizeof(reply->body),
                               "{\"__type\":\"InternalFailure\"}");
                return;
            }
            st = "SUCCEEDED";
        }
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"executionArn\":\"x\",\"status\":\"%s\",\"error\":\"States.TaskFailed\","
                       "\"cause\":\"Glue job etl-orders failed\"}",
                       st);
    } else if (strcmp(target, "AWSStepFunctions.ListExecutions") == 0) {
        /* Three pages: e1 (token t2), e2 (token t3), e3. */
        const char *page = strstr(req->body, "\"t3\"") ? "{\"executions\":[{\"name\":\"e3\"}]}"
                           : strstr(req->body, "\"t2\"")
                               ? "{\"executions\":[{\"name\":\"e2\",\"startDate\":"
                                 "1796319374.350978}],\"nextToken\":\"t3\"}"
                               : "{\"executions\":[{\"name\":\"e1\","
                                 "\"startDate\":0}],\"nextToken\":\"t2\"}";
        (void)snprintf(reply->body, sizeof(reply->body), "%s", page);
    } else if (strcmp(target, "AWSStepFunctions.StartExecution") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"executionArn\":\"arn:wait:ok\",\"startDate\":1764727200}");
    } else if (strcmp(target, "AWSStepFunctions.DescribeExecution") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"futureMember\":{\"x\":1},\"status\":\"FAILED\",\"executionArn\":"
                       "\"arn:e\",\"startDate\":1764727200.123,\"stopDate\":1764730800,"
                       "\"error\":\"States.TaskFailed\"}");
    } else if (strcmp(target, "AWSStepFunctions.SendTaskHeartbeat") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body), "{}");
    } else {
        (void)snprintf(reply->body, sizeof(reply->body), "{\"nextToken\":null}");
    }
}

static mock_server *server;
static char endpoint_env[128];

static void start(void)
{
    server = mock_start(sfn_handler, NULL);
    (void)snprintf(endpoint_env, sizeof(endpoint_env), "AWS_ENDPOINT_URL_SFN=http://127.0.0.1:%u",
                   mock_port(server));
}

static void stop(void)
{
    mock_stop(server);
}

TestSuite(cli_generic, .init = start, .fini = stop);

static int run(char *const *args, awsorch_buf *out, awsorch_buf *err)
{
    char *env[] = {endpoint_env,
                   "AWS_ACCESS_KEY_ID=AKIDSFN",
                   "AWS_SECRET_ACCESS_KEY=secret",
                   "AWS_REGION=us-east-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   NULL};
    return run_cli(args, env, out, err);
}

static json_t *sent_body(size_t i)
{
    mock_request r = mock_get(server, i);
    json_t *doc = json_loads(r.body, 0, NULL);
    cr_assert_not_null(doc, "request body is not JSON: %s", r.body);
    return doc;
}

Test(cli_generic, describe_execution_prints_like_the_aws_cli)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions", "describe-execution", "--execution-arn", "arn:e", NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\n"
                               "    \"executionArn\": \"arn:e\",\n"
                               "    \"status\": \"FAILED\",\n"
                               "    \"startDate\": \"2025-12-03T02:00:00.123000+00:00\",\n"
                               "    \"stopDate\": \"2025-12-03T03:00:00+00:00\",\n"
                               "    \"error\": \"States.TaskFailed\",\n"
                               "    \"futureMember\": {\n"
                               "        \"x\": 1\n"
                               "    }\n"
                               "}\n");
    mock_request r = mock_get(server, 0);
    char target[128];
    cr_expect_str_eq(mock_header(&r, "x-amz-target", target, sizeof(target)),
                     "AWSStepFunctions.DescribeExecution");
    cr_expect_str_eq(r.body, "{\"executionArn\":\"arn:e\"}");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, scalars_enums_integers_booleans_and_files)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *list[] = {"stepfunctions",   "list-executions", "--state-machine-arn", "arn:sm",
                    "--status-filter", "FAILED",          "--max-results=5",     NULL};
    cr_assert_eq(run(list, &out, &err), 0, "%s", err.data);
    json_t *b = sent_body(0); /* the first page's request */
    cr_expect_str_eq(json_string_value(json_object_get(b, "statusFilter")), "FAILED");
    cr_expect_eq(json_integer_value(json_object_get(b, "maxResults")), 5);
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *history[] = {"stepfunctions",
                       "get-execution-history",
                       "--execution-arn",
                       "arn:e",
                       "--reverse-order",
                       "--no-include-execution-data",
                       NULL};
    size_t before = mock_count(server);
    cr_assert_eq(run(history, &out, &err), 0, "%s", err.data);
    b = sent_body(before);
    cr_expect(json_is_true(json_object_get(b, "reverseOrder")));
    cr_expect(json_is_false(json_object_get(b, "includeExecutionData")));
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char file_arg[600];
    (void)snprintf(file_arg, sizeof(file_arg), "file://%s",
                   tmp_file(0, "input.json", "{\"date\": \"2026-12-03\"}"));
    char *start_exec[] = {"stepfunctions",
                          "start-execution",
                          "--state-machine-arn",
                          "arn:sm",
                          "--input",
                          file_arg,
                          NULL};
    before = mock_count(server);
    cr_assert_eq(run(start_exec, &out, &err), 0, "%s", err.data);
    b = sent_body(before);
    cr_expect_str_eq(json_string_value(json_object_get(b, "input")), "{\"date\": \"2026-12-03\"}");
    cr_expect_null(json_object_get(b, "name"),
                   "as with the AWS CLI, an unnamed execution is named by the service");
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, redrive_gets_an_idempotency_token)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions", "redrive-execution", "--execution-arn", "arn:e", NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    json_t *b = sent_body(0);
    const char *token = json_string_value(json_object_get(b, "clientToken"));
    cr_expect(token != NULL && strlen(token) == 36, "clientToken: %s", token ? token : "none");
    json_decref(b);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, bad_command_lines_exit_252_before_sending)
{
    struct {
        char *args[8];
        const char *message;
    } cases[] = {
        {{"stepfunctions", "start-execution", "--name", "x", NULL},
         "the following arguments are required: --state-machine-arn"},
        {{"stepfunctions", "list-executions", "--max-results", "ten", NULL}, "expected an integer"},
        {{"stepfunctions", "describe-execution", "--execution-arn", "a", "--bogus", "1", NULL},
         "Unknown options: --bogus"},
        {{"stepfunctions", "describe-executions", NULL}, "Invalid choice"},
        {{"stepfunctions", "start-execution", "--state-machine-arn", "a", "--input",
          "file:///nonexistent/in.json", NULL},
         "Unable to load paramfile"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
        cr_expect_eq(run(cases[i].args, &out, &err), 252, "case %zu: %s", i, err.data);
        cr_expect_not_null(strstr(err.data, cases[i].message), "case %zu: %s", i, err.data);
        awsorch_buf_free(&out);
        awsorch_buf_free(&err);
    }
    cr_expect_eq(mock_count(server), 0, "nothing was sent");
}

Test(cli_generic, service_errors_and_empty_output)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *missing[] = {"stepfunctions", "describe-execution", "--execution-arn", "missing", NULL};
    cr_expect_eq(run(missing, &out, &err), 254);
    cr_expect_str_eq(err.data, "\nAn error occurred (ExecutionDoesNotExist) when calling the "
                               "DescribeExecution operation: Execution Does Not Exist: "
                               "'missing'\n");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *heartbeat[] = {"stepfunctions", "send-task-heartbeat", "--task-token", "tok", NULL};
    cr_expect_eq(run(heartbeat, &out, &err), 0, "%s", err.data);
    cr_expect_eq(out.len, 0, "an empty reply prints nothing: %s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, help_lists_operations_and_parameters)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *svc[] = {"stepfunctions", "help", NULL};
    cr_expect_eq(run(svc, &out, &err), 0);
    cr_expect_not_null(strstr(out.data, "start-sync-execution"), "%s", out.data);
    cr_expect_not_null(strstr(out.data, "describe-state-machine-for-execution"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *op[] = {"stepfunctions", "describe-execution", "help", NULL};
    cr_expect_eq(run(op, &out, &err), 0);
    cr_expect_not_null(strstr(out.data, "--execution-arn (string) [required]"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

static int wait_for(const char *arn, const char *timeout, awsorch_buf *out, awsorch_buf *err)
{
    char *args[] = {
        "stepfunctions", "wait", "execution-complete",         "--execution-arn", (char *)arn,
        "--delay",       "0.05", timeout ? "--timeout" : NULL, (char *)timeout,   NULL};
    return run(args, out, err);
}

Test(cli_generic, wait_until_succeeded)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_expect_eq(wait_for("arn:wait:ok", NULL, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"status\": \"SUCCEEDED\""), "%s", out.data);
    cr_expect_eq(mock_count(server), 3, "polled until the third description");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, wait_reports_failure_with_exit_1)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_expect_eq(wait_for("arn:wait:fail", NULL, &out, &err), 1);
    cr_expect_not_null(strstr(out.data, "\"status\": \"FAILED\""), "%s", out.data);
    cr_expect_not_null(strstr(err.data, "Waiter execution-complete failed: FAILED: "
                                        "States.TaskFailed: Glue job etl-orders failed"),
                       "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, wait_times_out_with_exit_2)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_expect_eq(wait_for("arn:wait:slow", "0.3", &out, &err), 2);
    cr_expect_not_null(strstr(err.data, "timed out"), "%s", err.data);
    cr_expect_geq(mock_count(server), 2);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, wait_rides_out_transient_errors)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    cr_expect_eq(wait_for("arn:wait:flaky", NULL, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "SUCCEEDED"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, start_execution_with_wait)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions",
                    "start-execution",
                    "--state-machine-arn",
                    "arn:sm",
                    "--wait",
                    "--delay",
                    "0.05",
                    NULL};
    cr_expect_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "SUCCEEDED"), "%s", out.data);
    mock_request first = mock_get(server, 0);
    cr_expect_null(strstr(first.body, "wait"), "--wait is not sent: %s", first.body);
    char target[128];
    mock_request second = mock_get(server, 1);
    cr_expect_str_eq(mock_header(&second, "x-amz-target", target, sizeof(target)),
                     "AWSStepFunctions.DescribeExecution");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, list_operations_return_every_page)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *all[] = {"stepfunctions", "list-executions", "--state-machine-arn", "arn:sm", NULL};
    cr_assert_eq(run(all, &out, &err), 0, "%s", err.data);
    json_t *doc = json_loads(out.data, 0, NULL);
    cr_assert_not_null(doc, "%s", out.data);
    json_t *items = json_object_get(doc, "executions");
    cr_expect_eq(json_array_size(items), 3, "%s", out.data);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(items, 2), "name")), "e3");
    cr_expect_null(json_object_get(doc, "nextToken"));
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "startDate")),
                     "1970-01-01T00:00:00+00:00");
    json_decref(doc);
    cr_expect_eq(mock_count(server), 3);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *one[] = {"--no-paginate", "stepfunctions", "list-executions", NULL};
    cr_assert_eq(run(one, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"nextToken\": \"t2\""), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *from[] = {"stepfunctions", "list-executions", "--next-token", "t3", NULL};
    cr_assert_eq(run(from, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "e3"), "%s", out.data);
    cr_expect_null(strstr(out.data, "e1"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, merged_pages_keep_microseconds)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *all[] = {"stepfunctions", "list-executions", "--state-machine-arn", "arn:sm", NULL};
    cr_assert_eq(run(all, &out, &err), 0, "%s", err.data);
    /* as the AWS CLI prints it: merging pages must not round the epoch to 15 digits */
    cr_expect_not_null(strstr(out.data, "\"startDate\": \"2026-12-03T17:36:14.350978+00:00\""),
                       "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, the_page_limit_turns_auto_paging_off)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions", "list-executions", "--max-results", "1", NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_eq(mock_count(server), 1, "one page, as the AWS CLI with --max-results");
    cr_expect_not_null(strstr(out.data, "\"nextToken\": \"t2\""), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, max_items_and_starting_token_as_the_aws_cli)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *first[] = {
        "stepfunctions", "list-executions", "--max-items", "1", "--page-size", "5", NULL};
    cr_assert_eq(run(first, &out, &err), 0, "%s", err.data);
    cr_expect_eq(mock_count(server), 1, "stops at --max-items");
    json_t *sent = sent_body(0);
    cr_expect_eq(json_integer_value(json_object_get(sent, "maxResults")), 5, "--page-size");
    json_decref(sent);
    /* botocore's token: base64 of {"nextToken": "t2"} */
    cr_expect_str_eq(out.data, "{\n"
                               "    \"executions\": [\n"
                               "        {\n"
                               "            \"name\": \"e1\",\n"
                               "            \"startDate\": \"1970-01-01T00:00:00+00:00\"\n"
                               "        }\n"
                               "    ],\n"
                               "    \"NextToken\": \"eyJuZXh0VG9rZW4iOiAidDIifQ==\"\n"
                               "}\n");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *next[] = {"stepfunctions", "list-executions", "--starting-token",
                    "eyJuZXh0VG9rZW4iOiAidDIifQ==", NULL};
    cr_assert_eq(run(next, &out, &err), 0, "%s", err.data);
    cr_expect_null(strstr(out.data, "e1"), "%s", out.data);
    cr_expect_not_null(strstr(out.data, "e3"), "%s", out.data);
    cr_expect_null(strstr(out.data, "NextToken"), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, send_task_success_takes_task_output)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    /* the AWS CLI renames the member "output", which --output would shadow */
    char *args[] = {"stepfunctions",
                    "send-task-success",
                    "--task-token",
                    "tok",
                    "--task-output",
                    "{\"ok\":true}",
                    NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    json_t *sent = sent_body(0);
    cr_expect_str_eq(json_string_value(json_object_get(sent, "output")), "{\"ok\":true}");
    json_decref(sent);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *missing[] = {"stepfunctions", "send-task-success", "--task-token", "tok", NULL};
    cr_expect_eq(run(missing, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "required: --task-output"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_generic, numbers_print_as_the_aws_cli_prints_them)
{
    json_t *doc = json_loads("{\"a\": 0.1, \"b\": 1e-7, \"c\": 10.0, \"d\": 1e16, \"e\": 2.5,"
                             " \"f\": [0.30000000000000004, 7], \"g\": \"\\u0001x\"}",
                             0, NULL);
    cr_assert_not_null(doc);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cli_globals g = {0};
    cr_expect_eq(cli_print(f, doc, &g), 0);
    (void)fclose(f);
    cr_expect_str_eq(text, "{\n    \"a\": 0.1,\n    \"b\": 1e-07,\n    \"c\": 10.0,\n"
                           "    \"d\": 1e+16,\n    \"e\": 2.5,\n    \"f\": [\n"
                           "        0.30000000000000004,\n        7\n    ],\n"
                           "    \"g\": \"\\u0001x\"\n}\n");
    free(text);
    json_decref(doc);
}
