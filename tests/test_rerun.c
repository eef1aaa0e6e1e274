/* Partial re-runs: the plan from a definition with task guards and a paged
 * history, through `awsorch stepfunctions plan-rerun`. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "mock_server.h"

/* Extract, then TransformA and TransformB in parallel, then Load, then Notify
 * (which has no guard). */
static const char definition[] =
    "{\"StartAt\":\"CheckExtract\",\"States\":{"
    "\"CheckExtract\":{\"Type\":\"Choice\",\"Choices\":[{\"And\":[{\"Variable\":\"$.Extract\","
    "\"IsPresent\":true},{\"Variable\":\"$.Extract\",\"BooleanEquals\":false}],\"Next\":"
    "\"Transform\"}],\"Default\":\"Extract\"},"
    "\"Extract\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::glue:startJobRun.sync\","
    "\"Next\":\"Transform\"},"
    "\"Transform\":{\"Type\":\"Parallel\",\"Next\":\"CheckLoad\",\"Branches\":["
    "{\"StartAt\":\"CheckA\",\"States\":{\"CheckA\":{\"Type\":\"Choice\",\"Choices\":[{"
    "\"Variable\":\"$.TransformA\",\"BooleanEquals\":false,\"Next\":\"DoneA\"}],\"Default\":"
    "\"TransformA\"},\"TransformA\":{\"Type\":\"Task\",\"Resource\":\"x\",\"End\":true},"
    "\"DoneA\":{\"Type\":\"Succeed\"}}},"
    "{\"StartAt\":\"CheckB\",\"States\":{\"CheckB\":{\"Type\":\"Choice\",\"Choices\":[{"
    "\"Variable\":\"$.TransformB\",\"BooleanEquals\":false,\"Next\":\"DoneB\"}],\"Default\":"
    "\"TransformB\"},\"TransformB\":{\"Type\":\"Task\",\"Resource\":\"x\",\"End\":true},"
    "\"DoneB\":{\"Type\":\"Succeed\"}}}]},"
    "\"CheckLoad\":{\"Type\":\"Choice\",\"Choices\":[{\"Not\":{\"Variable\":\"$.Load\","
    "\"BooleanEquals\":true},\"Next\":\"Notify\"}],\"Default\":\"Load\"},"
    "\"Load\":{\"Type\":\"Task\",\"Resource\":\"x\",\"Next\":\"Notify\"},"
    "\"Notify\":{\"Type\":\"Task\",\"Resource\":\"x\",\"End\":true}}}";

#define EV(id, prev, type) "{\"id\":" #id ",\"previousEventId\":" #prev ",\"type\":\"" type "\""
#define ENTERED(id, prev, name)                                                                    \
    EV(id, prev, "TaskStateEntered") ",\"stateEnteredEventDetails\":{\"name\":\"" name "\"}}"
#define EXITED(id, prev, name)                                                                     \
    EV(id, prev, "TaskStateExited") ",\"stateExitedEventDetails\":{\"name\":\"" name "\"}}"

// clang-format off
static const char page1[] =
    "{\"events\":["
    EV(1, 0, "ExecutionStarted") "},"
    ENTERED(3, 1, "Extract") ","
    EV(4, 3, "TaskScheduled") "},"
    EV(5, 4, "TaskStarted") "},"
    EV(6, 5, "TaskSucceeded") "},"
    EXITED(7, 6, "Extract") ","
    EV(8, 7, "ParallelStateEntered") "},"
    ENTERED(9, 8, "TransformA") ","
    ENTERED(10, 8, "TransformB")
    "],\"nextToken\":\"p2\"}";
static const char page2[] =
    "{\"events\":["
    EV(11, 9, "TaskScheduled") "},"
    EV(12, 10, "TaskScheduled") "},"
    EV(13, 11, "TaskStarted") "},"
    EV(14, 12, "TaskStarted") "},"
    EV(15, 14, "TaskSucceeded") "},"
    EXITED(16, 15, "TransformB") ","
    EV(17, 13, "TaskFailed") "},"
    EV(18, 17, "ExecutionFailed") "}"
    "]}";
// clang-format on

static void sfn(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    reply->content_type = "application/x-amz-json-1.0";
    const char *body = "{}";
    json_t *def = NULL;
    char *def_json = NULL;
    if (strcmp(target, "AWSStepFunctions.DescribeExecution") == 0) {
        body = "{\"executionArn\":\"arn:exec\",\"stateMachineArn\":\"arn:sm\",\"status\":"
               "\"FAILED\",\"input\":\"{\\\"date\\\":\\\"2026-12-03\\\"}\"}";
    } else if (strcmp(target, "AWSStepFunctions.DescribeStateMachineForExecution") == 0) {
        def = json_pack("{s:s, s:s}", "stateMachineArn", "arn:sm", "definition", definition);
        def_json = json_dumps(def, JSON_COMPACT);
        body = def_json;
    } else if (strcmp(target, "AWSStepFunctions.GetExecutionHistory") == 0) {
        body = strstr(req->body, "\"nextToken\":\"p2\"") ? page2 : page1;
    } else if (strcmp(target, "AWSStepFunctions.StartExecution") == 0) {
        body = "{\"executionArn\":\"arn:exec2\",\"startDate\":1764727200}";
    }
    (void)snprintf(reply->body, sizeof(reply->body), "%s", body);
    free(def_json);
    json_decref(def);
}

static mock_server *server;
static char endpoint_env[128];

static void start(void)
{
    server = mock_start(sfn, NULL);
    (void)snprintf(endpoint_env, sizeof(endpoint_env), "AWS_ENDPOINT_URL_SFN=http://127.0.0.1:%u",
                   mock_port(server));
}

static void stop(void)
{
    mock_stop(server);
}

TestSuite(rerun, .init = start, .fini = stop);

static int run(char *const *args, awsorch_buf *out, awsorch_buf *err)
{
    char *env[] = {endpoint_env,
                   "AWS_ACCESS_KEY_ID=AKID",
                   "AWS_SECRET_ACCESS_KEY=s",
                   "AWS_REGION=us-east-1",
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   NULL};
    return run_cli(args, env, out, err);
}

Test(rerun, plan_sets_flags_from_the_history)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions", "plan-rerun", "--execution-arn", "arn:exec", NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\"date\":\"2026-12-03\",\"Extract\":false,\"TransformA\":true,"
                               "\"TransformB\":false,\"Load\":true,\"Notify\":true}\n");
    cr_expect_not_null(strstr(err.data, "TransformA"), "%s", err.data);
    cr_expect_not_null(strstr(err.data, "FAILED"), "%s", err.data);
    cr_expect_not_null(strstr(err.data, "NOT_RUN"), "%s", err.data);
    cr_expect_not_null(strstr(err.data, "no Choice reads this flag"), "Notify is unguarded: %s",
                       err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(rerun, start_sends_the_planned_input)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"stepfunctions", "plan-rerun", "--execution-arn", "arn:exec",
                    "--start",       "--name",     "rerun-1",         NULL};
    cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "arn:exec2"), "%s", out.data);
    size_t n = mock_count(server);
    mock_request last = mock_get(server, n - 1);
    json_t *body = json_loads(last.body, 0, NULL);
    cr_assert_not_null(body, "%s", last.body);
    cr_expect_str_eq(json_string_value(json_object_get(body, "name")), "rerun-1");
    json_t *input = json_loads(json_string_value(json_object_get(body, "input")), 0, NULL);
    cr_expect(json_is_false(json_object_get(input, "Extract")));
    cr_expect(json_is_true(json_object_get(input, "TransformA")));
    json_decref(input);
    json_decref(body);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(rerun, usage_errors)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *none[] = {"stepfunctions", "plan-rerun", NULL};
    cr_expect_eq(run(none, &out, &err), 252);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *wait_only[] = {"stepfunctions", "plan-rerun", "--execution-arn", "a", "--wait", NULL};
    cr_expect_eq(run(wait_only, &out, &err), 252);
    cr_expect_eq(mock_count(server), 0);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}
