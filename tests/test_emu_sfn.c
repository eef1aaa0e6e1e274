/* Integration tests of the emulator's Step Functions: machines that really run (Pass,
 * Choice, Wait, Parallel, Map, Fail, Retry and Catch), Lambda, Glue and activity tasks,
 * the history's events and chains, RedriveExecution, StartExecution's idempotency, and the
 * partial-runs demo pipeline planned by our SDK's re-run planner; all through signed
 * requests to an in-process emulator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emu_harness.h"
#include "emulator/sfn.h"

/* 1000 emulated seconds pass in a real one. silver takes 0.5 s; the gold jobs, which need
 * a successful silver run, end after 0.1 s, so gold started next to silver fails. */
static const char *const config =
    "{\"time_scale\": 1000,"
    " \"lambda\": {\"functions\": {"
    "  \"f\": {\"mode\": \"fixed\", \"result\": {\"rows\": 42}},"
    "  \"load_raw\": {\"mode\": \"fixed\", \"result\": {\"loaded\": 120}},"
    "  \"boom\": {\"mode\": \"error\", \"error_type\": \"ValueError\", \"error_message\": \"bad "
    "row\"}}},"
    " \"glue\": {\"jobs\": {"
    "  \"j\": {\"duration_seconds\": 10, \"fail\": {\"when\": \"always\"}},"
    "  \"ok_job\": {\"duration_seconds\": 10},"
    "  \"silver\": {\"duration_seconds\": 500},"
    "  \"gold_a\": {\"duration_seconds\": 100, \"fail\": {\"when\": \"without_success\", "
    "\"job\": \"silver\"}},"
    "  \"gold_b\": {\"duration_seconds\": 100, \"fail\": {\"when\": \"without_success\", "
    "\"job\": \"silver\"}}}},"
    " \"sfn\": {\"activity_poll_seconds\": 0.3, \"activities\": [\"configured-activity\"],"
    "  \"state_machines\": {\"configured\": {\"definition\": {\"StartAt\": \"P\", \"States\": "
    "{\"P\": {\"Type\": \"Pass\", \"Result\": \"from config\", \"End\": true}}},"
    " \"role_arn\": \"arn:aws:iam::000000000000:role/pipeline\"}}}}";

EMU_HARNESS_SUITE(emu_sfn, h, config, .timeout = 60);

/* ---- helpers ---------------------------------------------------------------------------- */

static void nap(void)
{
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
}

static const emu_api states = {"states", "AWSStepFunctions"};
static const emu_api glue_api = {"glue", "AWSGlue"};

/* The Step Functions call must succeed; returns the reply. */
static json_t *ok(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &states, op, body);
}

/* The Glue call must succeed; returns the reply. */
static json_t *glue(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &glue_api, op, body);
}

/* The call must fail with HTTP 400 and this __type; returns the message (static). */
static const char *fails(const char *op, json_t *body, const char *code)
{
    return emu_harness_fails(&h, &states, op, body, 400, code);
}

/* Creates a machine (definition as JSON text); returns its ARN (malloc'd). */
static char *create_type(const char *name, const char *definition, const char *type)
{
    json_t *r = ok("CreateStateMachine",
                   json_pack("{s:s, s:s, s:s, s:s}", "name", name, "definition", definition,
                             "roleArn", "arn:aws:iam::000000000000:role/sfn", "type", type));
    char *arn = strdup(json_string_value(json_object_get(r, "stateMachineArn")));
    json_decref(r);
    return arn;
}

static char *create(const char *name, const char *definition)
{
    return create_type(name, definition, "STANDARD");
}

/* Starts an execution; returns its ARN (malloc'd). */
static char *start(const char *sm, const char *name, const char *input)
{
    json_t *body = json_pack("{s:s, s:s}", "stateMachineArn", sm, "input", input);
    if (name != NULL) {
        json_object_set_new(body, "name", json_string(name));
    }
    json_t *r = ok("StartExecution", body);
    const char *arn = json_string_value(json_object_get(r, "executionArn"));
    cr_assert_not_null(arn);
    char *copy = strdup(arn);
    json_decref(r);
    return copy;
}

static json_t *describe(const char *exec)
{
    return ok("DescribeExecution", json_pack("{s:s}", "executionArn", exec));
}

static const char *member(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

/* Polls (bounded by 20 s) until the execution ends; returns its description. */
static json_t *wait_exec(const char *exec)
{
    double deadline = emu_harness_seconds() + 20;
    for (;;) {
        json_t *d = describe(exec);
        if (strcmp(member(d, "status"), "RUNNING") != 0) {
            return d;
        }
        cr_assert(emu_harness_seconds() < deadline, "%s is still RUNNING", exec);
        json_decref(d);
        nap();
    }
}

/* Runs a machine on an input to its end; returns the description. */
static json_t *run(const char *name, const char *definition, const char *input)
{
    char *sm = create(name, definition);
    char *exec = start(sm, NULL, input);
    json_t *d = wait_exec(exec);
    free(sm);
    free(exec);
    return d;
}

/* Every event of an execution, through the pages. */
static json_t *history(const char *exec)
{
    json_t *all = json_array();
    char *token = NULL;
    do {
        json_t *body = json_pack("{s:s, s:i}", "executionArn", exec, "maxResults", 7);
        if (token != NULL) {
            json_object_set_new(body, "nextToken", json_string(token));
        }
        free(token);
        token = NULL;
        json_t *page = ok("GetExecutionHistory", body);
        json_array_extend(all, json_object_get(page, "events"));
        const char *next = json_string_value(json_object_get(page, "nextToken"));
        token = next != NULL ? strdup(next) : NULL;
        json_decref(page);
    } while (token != NULL);
    return all;
}

static size_t count_type(json_t *events, const char *type)
{
    size_t n = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        if (strcmp(member(ev, "type"), type) == 0) {
            n++;
        }
    }
    return n;
}

/* How many times a state of this name was entered (any state type). */
static size_t entered(json_t *events, const char *name)
{
    size_t n = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        json_t *d = json_object_get(ev, "stateEnteredEventDetails");
        if (d != NULL && strcmp(member(d, "name"), name) == 0) {
            n++;
        }
    }
    return n;
}

static json_t *first_of(json_t *events, const char *type)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        if (strcmp(member(ev, "type"), type) == 0) {
            return ev;
        }
    }
    return NULL;
}

static json_t *parse(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    cr_assert_not_null(v, "not JSON: %s", text);
    return v;
}

/* ---- simple states ---------------------------------------------------------------------- */

static const char choice_machine[] =
    "{\"StartAt\":\"Init\",\"States\":{"
    "\"Init\":{\"Type\":\"Pass\",\"Result\":{\"n\":3},\"ResultPath\":\"$.cfg\",\"Next\":"
    "\"Check\"},"
    "\"Check\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.cfg.n\","
    "\"NumericGreaterThan\":2,\"Next\":\"Big\"}],\"Default\":\"Small\"},"
    "\"Big\":{\"Type\":\"Pass\",\"Parameters\":{\"size\":\"big\",\"n.$\":\"$.cfg.n\","
    "\"x.$\":\"$.x\"},\"Next\":\"Done\"},"
    "\"Small\":{\"Type\":\"Fail\",\"Error\":\"TooSmall\"},"
    "\"Done\":{\"Type\":\"Succeed\"}}}";

Test(emu_sfn, pass_choice_succeed_to_the_exact_output)
{
    json_t *d = run("choice", choice_machine, "{\"x\":\"in\"}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    cr_expect_str_eq(member(d, "output"), "{\"size\":\"big\",\"n\":3,\"x\":\"in\"}");
    cr_expect_str_eq(member(d, "input"), "{\"x\":\"in\"}");
    cr_expect(json_is_true(json_object_get(json_object_get(d, "outputDetails"), "included")));
    cr_expect(json_number_value(json_object_get(d, "stopDate")) >=
              json_number_value(json_object_get(d, "startDate")));
    cr_expect_str_eq(member(d, "redriveStatus"), "NOT_REDRIVABLE");
    cr_expect_eq(json_integer_value(json_object_get(d, "redriveCount")), 0);
    json_decref(d);
}

Test(emu_sfn, fail_states_give_error_and_cause)
{
    json_t *d = run("fail-literal",
                    "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"Bad."
                    "Thing\",\"Cause\":\"it broke\"}}}",
                    "{}");
    cr_expect_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "error"), "Bad.Thing");
    cr_expect_str_eq(member(d, "cause"), "it broke");
    cr_expect_null(json_object_get(d, "output"));
    cr_expect_str_eq(member(d, "redriveStatus"), "REDRIVABLE");
    json_decref(d);
    d = run("fail-path",
            "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\","
            "\"CausePath\":\"$.c\"}}}",
            "{\"e\":\"Custom.Error\",\"c\":\"because\"}");
    cr_expect_str_eq(member(d, "error"), "Custom.Error");
    cr_expect_str_eq(member(d, "cause"), "because");
    json_decref(d);
}

Test(emu_sfn, wait_states_are_scaled)
{
    double t0 = emu_harness_seconds();
    /* 400 + 200 emulated seconds: 0.6 s at the test's time scale. */
    json_t *d = run("wait",
                    "{\"StartAt\":\"W1\",\"States\":{\"W1\":{\"Type\":\"Wait\",\"Seconds\":400,"
                    "\"Next\":\"W2\"},\"W2\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":"
                    "true}}}",
                    "{\"s\":200}");
    double took = emu_harness_seconds() - t0;
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    cr_expect_str_eq(member(d, "output"), "{\"s\":200}");
    double ran = json_number_value(json_object_get(d, "stopDate")) -
                 json_number_value(json_object_get(d, "startDate"));
    cr_expect_geq(ran, 0.58, "waited %.3f s", ran);
    cr_expect_lt(took, 10.0);
    json_decref(d);
}

Test(emu_sfn, parallel_output_is_an_array_of_branch_outputs)
{
    char *sm = create(
        "parallel",
        "{\"StartAt\":\"Both\",\"States\":{\"Both\":{\"Type\":\"Parallel\",\"ResultPath\":"
        "\"$.out\",\"End\":true,\"Branches\":["
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":\"a\",\"End\":true}}},"
        "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Pass\",\"InputPath\":\"$.in\","
        "\"ResultPath\":\"$.b\",\"End\":true}}}]}}}");
    char *exec = start(sm, "p1", "{\"in\":1}");
    json_t *d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    /* B's result (its input after InputPath) goes to $.b of its raw input. */
    cr_expect_str_eq(member(d, "output"), "{\"in\":1,\"out\":[\"a\",{\"in\":1,\"b\":1}]}");
    json_t *ev = history(exec);
    cr_expect_eq(count_type(ev, "ParallelStateEntered"), 1);
    cr_expect_eq(count_type(ev, "ParallelStateStarted"), 1);
    cr_expect_eq(count_type(ev, "ParallelStateSucceeded"), 1);
    cr_expect_eq(count_type(ev, "ParallelStateExited"), 1);
    /* Both branches start from ParallelStateStarted. */
    json_int_t started =
        json_integer_value(json_object_get(first_of(ev, "ParallelStateStarted"), "id"));
    size_t i;
    json_t *e;
    size_t from_started = 0;
    json_array_foreach(ev, i, e)
    {
        if (strcmp(member(e, "type"), "PassStateEntered") == 0 &&
            json_integer_value(json_object_get(e, "previousEventId")) == started) {
            from_started++;
        }
    }
    cr_expect_eq(from_started, 2);
    json_decref(ev);
    json_decref(d);
    free(exec);
    free(sm);
}

Test(emu_sfn, map_runs_every_item)
{
    json_t *d = run(
        "map",
        "{\"StartAt\":\"Each\",\"States\":{\"Each\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
        "\"MaxConcurrency\":2,\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value\",\"i.$\":"
        "\"$$.Map.Item.Index\",\"tag.$\":\"$.tag\"},"
        "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"INLINE\"},\"StartAt\":\"Double\","
        "\"States\":{\"Double\":{\"Type\":\"Pass\",\"Parameters\":{\"d.$\":\"States.MathAdd($.v, "
        "$.v)\",\"i.$\":\"$.i\",\"tag.$\":\"$.tag\"},\"End\":true}}},\"End\":true}}}",
        "{\"items\":[1,2,3],\"tag\":\"t\"}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    cr_expect_str_eq(member(d, "output"),
                     "[{\"d\":2,\"i\":0,\"tag\":\"t\"},{\"d\":4,\"i\":1,\"tag\":\"t\"},"
                     "{\"d\":6,\"i\":2,\"tag\":\"t\"}]");
    json_t *ev = history(member(d, "executionArn"));
    cr_expect_eq(count_type(ev, "MapIterationStarted"), 3);
    cr_expect_eq(count_type(ev, "MapIterationSucceeded"), 3);
    json_t *ms = first_of(ev, "MapStateStarted");
    cr_assert_not_null(ms);
    cr_expect_eq(json_integer_value(
                     json_object_get(json_object_get(ms, "mapStateStartedEventDetails"), "length")),
                 3);
    json_decref(ev);
    json_decref(d);
}

/* ---- tasks ------------------------------------------------------------------------------ */

Test(emu_sfn, retry_then_catch)
{
    json_t *d =
        run("retry",
            "{\"StartAt\":\"Get\",\"States\":{\"Get\":{\"Type\":\"Task\",\"Resource\":"
            "\"arn:aws:states:::aws-sdk:glue:getJob\",\"Parameters\":{\"JobName\":\"nope\"},"
            "\"Retry\":[{\"ErrorEquals\":[\"Glue.EntityNotFoundException\"],\"IntervalSeconds\":50,"
            "\"MaxAttempts\":2,\"BackoffRate\":1}],"
            "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":"
            "\"Recovered\"}],\"Next\":\"Recovered\"},"
            "\"Recovered\":{\"Type\":\"Pass\",\"End\":true}}}",
            "{\"x\":1}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    json_t *out = parse(member(d, "output"));
    cr_expect_eq(json_integer_value(json_object_get(out, "x")), 1);
    json_t *e = json_object_get(out, "err");
    cr_expect_str_eq(member(e, "Error"), "Glue.EntityNotFoundException");
    cr_expect_not_null(strstr(member(e, "Cause"), "nope"), "%s", member(e, "Cause"));
    json_t *ev = history(member(d, "executionArn"));
    cr_expect_eq(count_type(ev, "TaskScheduled"), 3, "one try and two retries");
    cr_expect_eq(count_type(ev, "TaskFailed"), 3);
    cr_expect_eq(count_type(ev, "TaskStateExited"), 1, "caught: the state exits");
    json_t *sched = first_of(ev, "TaskScheduled");
    json_t *sd = json_object_get(sched, "taskScheduledEventDetails");
    cr_expect_str_eq(member(sd, "resourceType"), "aws-sdk:glue");
    cr_expect_str_eq(member(sd, "resource"), "getJob");
    cr_expect_str_eq(member(sd, "region"), "us-east-1");
    cr_expect_str_eq(member(sd, "parameters"), "{\"JobName\":\"nope\"}");
    json_decref(ev);
    json_decref(out);
    json_decref(d);
}

Test(emu_sfn, lambda_tasks)
{
    json_t *d =
        run("lambda",
            "{\"StartAt\":\"Legacy\",\"States\":{"
            "\"Legacy\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:us-east-1:000000000000:"
            "function:f\",\"ResultPath\":\"$.legacy\",\"Next\":\"Invoke\"},"
            "\"Invoke\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
            "\"Parameters\":{\"FunctionName\":\"f\",\"Payload.$\":\"$\"},\"ResultSelector\":{"
            "\"p.$\":\"$.Payload\",\"code.$\":\"$.StatusCode\",\"v.$\":\"$.ExecutedVersion\"},"
            "\"ResultPath\":\"$.opt\",\"Next\":\"Boom\"},"
            "\"Boom\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
            "\"Parameters\":{\"FunctionName\":\"boom\",\"Payload\":{}},\"Catch\":[{\"ErrorEquals\":"
            "[\"ValueError\"],\"ResultPath\":\"$.err\",\"Next\":\"End\"}],\"End\":true},"
            "\"End\":{\"Type\":\"Succeed\"}}}",
            "{}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    json_t *out = parse(member(d, "output"));
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(out, "legacy"), "rows")), 42);
    json_t *opt = json_object_get(out, "opt");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(opt, "p"), "rows")), 42);
    cr_expect_eq(json_integer_value(json_object_get(opt, "code")), 200);
    cr_expect_str_eq(member(opt, "v"), "$LATEST");
    json_t *err = json_object_get(out, "err");
    cr_expect_str_eq(member(err, "Error"), "ValueError");
    json_t *cause = parse(member(err, "Cause"));
    cr_expect_str_eq(member(cause, "errorMessage"), "bad row");
    cr_expect_str_eq(member(cause, "errorType"), "ValueError");
    json_t *ev = history(member(d, "executionArn"));
    cr_expect_eq(count_type(ev, "LambdaFunctionScheduled"), 1);
    cr_expect_eq(count_type(ev, "LambdaFunctionStarted"), 1);
    cr_expect_eq(count_type(ev, "LambdaFunctionSucceeded"), 1);
    cr_expect_eq(count_type(ev, "TaskSucceeded"), 1);
    cr_expect_eq(count_type(ev, "TaskFailed"), 1);
    json_decref(ev);
    json_decref(cause);
    json_decref(out);
    json_decref(d);
}

Test(emu_sfn, glue_sync_tasks_wait_for_the_run)
{
    json_t *d = run("glue-fails",
                    "{\"StartAt\":\"J\",\"States\":{\"J\":{\"Type\":\"Task\",\"Resource\":"
                    "\"arn:aws:states:::glue:startJobRun.sync\",\"Parameters\":{\"JobName\":"
                    "\"j\"},\"End\":true}}}",
                    "{}");
    cr_expect_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "error"), "States.TaskFailed");
    json_t *cause = parse(member(d, "cause"));
    cr_expect_str_eq(member(cause, "JobRunState"), "FAILED");
    cr_expect_str_eq(member(cause, "JobName"), "j");
    json_t *ev = history(member(d, "executionArn"));
    const char *types[] = {"ExecutionStarted", "TaskStateEntered", "TaskScheduled",  "TaskStarted",
                           "TaskSubmitted",    "TaskFailed",       "ExecutionFailed"};
    cr_assert_eq(json_array_size(ev), 7);
    for (size_t i = 0; i < 7; i++) {
        cr_expect_str_eq(member(json_array_get(ev, i), "type"), types[i]);
    }
    json_t *sub = json_object_get(first_of(ev, "TaskSubmitted"), "taskSubmittedEventDetails");
    cr_expect_not_null(strstr(member(sub, "output"), "JobRunId"));
    cr_expect_str_eq(member(sub, "resource"), "startJobRun.sync");
    json_decref(ev);
    json_decref(cause);
    json_decref(d);

    d = run("glue-ok",
            "{\"StartAt\":\"J\",\"States\":{\"J\":{\"Type\":\"Task\",\"Resource\":"
            "\"arn:aws:states:::glue:startJobRun.sync\",\"Parameters\":{\"JobName\":"
            "\"ok_job\"},\"End\":true}}}",
            "{}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    json_t *out = parse(member(d, "output"));
    cr_expect_str_eq(member(out, "JobRunState"), "SUCCEEDED");
    cr_expect_str_eq(member(out, "JobName"), "ok_job");
    cr_expect(json_is_integer(json_object_get(out, "CompletedOn")), "epoch milliseconds");
    json_decref(out);
    json_decref(d);
}

/* ---- history ---------------------------------------------------------------------------- */

Test(emu_sfn, history_events_ids_and_chain)
{
    json_t *d = run("hist", choice_machine, "{\"x\":\"in\"}");
    const char *exec = member(d, "executionArn");
    json_t *ev = history(exec);
    const char *types[] = {"ExecutionStarted",   "PassStateEntered",    "PassStateExited",
                           "ChoiceStateEntered", "ChoiceStateExited",   "PassStateEntered",
                           "PassStateExited",    "SucceedStateEntered", "SucceedStateExited",
                           "ExecutionSucceeded"};
    const json_int_t prev[] = {0, 0, 2, 3, 4, 5, 6, 7, 8, 9};
    cr_assert_eq(json_array_size(ev), 10);
    double last = 0;
    for (size_t i = 0; i < 10; i++) {
        json_t *e = json_array_get(ev, i);
        cr_expect_str_eq(member(e, "type"), types[i]);
        cr_expect_eq(json_integer_value(json_object_get(e, "id")), (json_int_t)i + 1);
        cr_expect_eq(json_integer_value(json_object_get(e, "previousEventId")), prev[i],
                     "event %zu", i + 1);
        double t = json_number_value(json_object_get(e, "timestamp"));
        cr_expect_geq(t, last);
        last = t;
    }
    json_t *started = json_object_get(json_array_get(ev, 0), "executionStartedEventDetails");
    cr_expect_str_eq(member(started, "input"), "{\"x\":\"in\"}");
    cr_expect_str_eq(member(started, "roleArn"), "arn:aws:iam::000000000000:role/sfn");
    /* exactly the API's members: the AWS CLI would drop any other */
    cr_expect_eq(json_object_size(started), 3);
    cr_expect_null(json_object_get(started, "stateMachineArn"));
    cr_expect(
        json_is_false(json_object_get(json_object_get(started, "inputDetails"), "truncated")));
    json_t *entered = json_object_get(json_array_get(ev, 1), "stateEnteredEventDetails");
    cr_expect_str_eq(member(entered, "name"), "Init");
    cr_expect_str_eq(member(entered, "input"), "{\"x\":\"in\"}");
    json_t *exited = json_object_get(json_array_get(ev, 2), "stateExitedEventDetails");
    cr_expect_str_eq(member(exited, "output"), "{\"x\":\"in\",\"cfg\":{\"n\":3}}");
    json_t *done = json_object_get(json_array_get(ev, 9), "executionSucceededEventDetails");
    cr_expect_str_eq(member(done, "output"), "{\"size\":\"big\",\"n\":3,\"x\":\"in\"}");

    json_t *page = ok("GetExecutionHistory",
                      json_pack("{s:s, s:b, s:i, s:b}", "executionArn", exec, "reverseOrder", 1,
                                "maxResults", 2, "includeExecutionData", 0));
    json_t *events = json_object_get(page, "events");
    cr_expect_eq(json_array_size(events), 2);
    cr_expect_str_eq(member(json_array_get(events, 0), "type"), "ExecutionSucceeded");
    cr_expect_null(json_object_get(
        json_object_get(json_array_get(events, 0), "executionSucceededEventDetails"), "output"));
    cr_expect_not_null(json_object_get(page, "nextToken"));
    json_decref(page);
    (void)fails("GetExecutionHistory",
                json_pack("{s:s, s:s}", "executionArn", exec, "nextToken", "garbage"),
                "InvalidToken");
    json_decref(ev);
    json_decref(d);
}

/* ---- redrive ---------------------------------------------------------------------------- */

static void wait_silver_succeeded(void)
{
    double deadline = emu_harness_seconds() + 20;
    for (;;) {
        json_t *r = glue("GetJobRuns", json_pack("{s:s}", "JobName", "silver"));
        json_t *runs = json_object_get(r, "JobRuns");
        bool done = false;
        size_t i;
        json_t *run_;
        json_array_foreach(runs, i, run_)
        {
            done = done || strcmp(member(run_, "JobRunState"), "SUCCEEDED") == 0;
        }
        json_decref(r);
        if (done) {
            return;
        }
        cr_assert(emu_harness_seconds() < deadline, "silver never succeeded");
        nap();
    }
}

Test(emu_sfn, redrive_reruns_only_what_failed)
{
    char *sm = create(
        "redrive",
        "{\"StartAt\":\"Prep\",\"States\":{\"Prep\":{\"Type\":\"Pass\",\"Result\":\"p\","
        "\"ResultPath\":\"$.prep\",\"Next\":\"Both\"},"
        "\"Both\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":["
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":\"a\",\"End\":true}}},"
        "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Task\",\"Resource\":"
        "\"arn:aws:states:::glue:startJobRun.sync\",\"Parameters\":{\"JobName\":\"gold_a\"},"
        "\"ResultSelector\":{\"state.$\":\"$.JobRunState\"},\"End\":true}}}]}}}");
    char *exec = start(sm, "r1", "{}");
    json_t *d = wait_exec(exec);
    cr_assert_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "redriveStatus"), "REDRIVABLE");
    json_decref(d);

    json_t *r = glue("StartJobRun", json_pack("{s:s}", "JobName", "silver"));
    json_decref(r);
    wait_silver_succeeded();

    r = ok("RedriveExecution", json_pack("{s:s}", "executionArn", exec));
    cr_expect(json_is_number(json_object_get(r, "redriveDate")));
    json_decref(r);
    d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    cr_expect_str_eq(member(d, "output"), "[\"a\",{\"state\":\"SUCCEEDED\"}]");
    cr_expect_eq(json_integer_value(json_object_get(d, "redriveCount")), 1);
    cr_expect(json_is_number(json_object_get(d, "redriveDate")));
    json_decref(d);

    json_t *ev = history(exec);
    cr_expect_eq(count_type(ev, "ExecutionStarted"), 1);
    cr_expect_eq(count_type(ev, "ExecutionFailed"), 1);
    cr_expect_eq(count_type(ev, "ExecutionRedriven"), 1);
    cr_expect_eq(count_type(ev, "ExecutionSucceeded"), 1);
    cr_expect_eq(entered(ev, "Prep"), 1, "Prep succeeded: not run again");
    cr_expect_eq(entered(ev, "A"), 1, "branch A succeeded: not run again");
    cr_expect_eq(entered(ev, "B"), 2, "branch B failed: run again");
    json_t *rd =
        json_object_get(first_of(ev, "ExecutionRedriven"), "executionRedrivenEventDetails");
    cr_expect_eq(json_integer_value(json_object_get(rd, "redriveCount")), 1);
    json_decref(ev);

    (void)fails("RedriveExecution", json_pack("{s:s}", "executionArn", exec),
                "ExecutionNotRedrivable");
    json_t *list = ok("ListExecutions",
                      json_pack("{s:s, s:s}", "stateMachineArn", sm, "redriveFilter", "REDRIVEN"));
    cr_expect_eq(json_array_size(json_object_get(list, "executions")), 1);
    json_decref(list);
    free(exec);
    free(sm);
}

/* ---- activities ------------------------------------------------------------------------- */

/* A worker's GetActivityTask, polled until a task comes (bounded); returns the reply. */
static json_t *take_task(const char *activity)
{
    double deadline = emu_harness_seconds() + 20;
    for (;;) {
        json_t *t = ok("GetActivityTask", json_pack("{s:s, s:s}", "activityArn", activity,
                                                    "workerName", "test-worker"));
        if (json_string_value(json_object_get(t, "taskToken")) != NULL) {
            return t;
        }
        json_decref(t);
        cr_assert(emu_harness_seconds() < deadline, "no activity task came");
    }
}

Test(emu_sfn, activities_with_a_worker_loop)
{
    json_t *a = ok("CreateActivity", json_pack("{s:s}", "name", "work"));
    char *act = strdup(member(a, "activityArn"));
    json_decref(a);
    cr_expect_str_eq(act, "arn:aws:states:us-east-1:000000000000:activity:work");
    json_t *desc = ok("DescribeActivity", json_pack("{s:s}", "activityArn", act));
    cr_expect_str_eq(member(desc, "name"), "work");
    json_decref(desc);

    /* Nothing to do: the poll ends empty (after the configured 0.3 s). */
    json_t *none = ok("GetActivityTask", json_pack("{s:s}", "activityArn", act));
    cr_expect_null(json_object_get(none, "taskToken"));
    json_decref(none);

    char def[512];
    (void)snprintf(def, sizeof def,
                   "{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Task\",\"Resource\":"
                   "\"%s\",\"TimeoutSeconds\":100000,\"End\":true}}}",
                   act);
    char *sm = create("activity", def);
    char *exec = start(sm, NULL, "{\"job\":7}");
    json_t *t = take_task(act);
    cr_expect_str_eq(member(t, "input"), "{\"job\":7}");
    char *token = strdup(member(t, "taskToken"));
    json_decref(t);
    json_decref(ok("SendTaskHeartbeat", json_pack("{s:s}", "taskToken", token)));
    (void)fails("SendTaskSuccess", json_pack("{s:s, s:s}", "taskToken", token, "output", "{"),
                "InvalidOutput");
    json_decref(ok("SendTaskSuccess",
                   json_pack("{s:s, s:s}", "taskToken", token, "output", "{\"done\":true}")));
    json_t *d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    cr_expect_str_eq(member(d, "output"), "{\"done\":true}");
    json_decref(d);
    (void)fails("SendTaskSuccess", json_pack("{s:s, s:s}", "taskToken", token, "output", "{}"),
                "TaskTimedOut");
    (void)fails("SendTaskFailure", json_pack("{s:s}", "taskToken", "nonsense"), "InvalidToken");
    json_t *ev = history(exec);
    cr_expect_eq(count_type(ev, "ActivityScheduled"), 1);
    json_t *st = json_object_get(first_of(ev, "ActivityStarted"), "activityStartedEventDetails");
    cr_expect_str_eq(member(st, "workerName"), "test-worker");
    cr_expect_eq(count_type(ev, "ActivitySucceeded"), 1);
    json_decref(ev);
    free(token);
    free(exec);
    free(sm);

    /* A worker that takes the task and never heartbeats: States.HeartbeatTimeout. */
    (void)snprintf(def, sizeof def,
                   "{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Task\",\"Resource\":"
                   "\"%s\",\"HeartbeatSeconds\":100,\"End\":true}}}",
                   act);
    sm = create("activity-heartbeat", def);
    exec = start(sm, NULL, "{}");
    t = take_task(act);
    token = strdup(member(t, "taskToken"));
    json_decref(t);
    d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "error"), "States.HeartbeatTimeout");
    json_decref(d);
    (void)fails("SendTaskSuccess", json_pack("{s:s, s:s}", "taskToken", token, "output", "{}"),
                "TaskTimedOut");
    ev = history(exec);
    cr_expect_eq(count_type(ev, "ActivityTimedOut"), 1);
    json_decref(ev);
    free(token);
    free(exec);
    free(sm);

    json_t *list = ok("ListActivities", json_object());
    cr_expect_eq(json_array_size(json_object_get(list, "activities")), 2, "work and the config's");
    json_decref(list);
    json_decref(ok("DeleteActivity", json_pack("{s:s}", "activityArn", act)));
    (void)fails("DescribeActivity", json_pack("{s:s}", "activityArn", act), "ActivityDoesNotExist");
    free(act);
}

/* ---- API rules -------------------------------------------------------------------------- */

Test(emu_sfn, start_execution_is_idempotent_while_running)
{
    char *sm =
        create("waits", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":"
                        "100000,\"End\":true}}}");
    json_t *r1 = ok("StartExecution", json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm, "name",
                                                "run-1", "input", "{\"a\":1}"));
    json_t *r2 = ok("StartExecution", json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm, "name",
                                                "run-1", "input", "{\"a\":1}"));
    cr_expect_str_eq(member(r1, "executionArn"),
                     "arn:aws:states:us-east-1:000000000000:execution:waits:run-1");
    cr_expect_str_eq(member(r1, "executionArn"), member(r2, "executionArn"));
    cr_expect_eq(json_number_value(json_object_get(r1, "startDate")),
                 json_number_value(json_object_get(r2, "startDate")));
    (void)fails(
        "StartExecution",
        json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm, "name", "run-1", "input", "{\"a\":2}"),
        "ExecutionAlreadyExists");
    json_t *stop =
        ok("StopExecution", json_pack("{s:s, s:s, s:s}", "executionArn", member(r1, "executionArn"),
                                      "error", "Stopped", "cause", "by the test"));
    cr_expect(json_is_number(json_object_get(stop, "stopDate")));
    json_decref(stop);
    json_t *d = describe(member(r1, "executionArn"));
    cr_expect_str_eq(member(d, "status"), "ABORTED");
    cr_expect_str_eq(member(d, "error"), "Stopped");
    cr_expect_str_eq(member(d, "cause"), "by the test");
    json_decref(d);
    /* Closed: the name is taken. */
    (void)fails(
        "StartExecution",
        json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm, "name", "run-1", "input", "{\"a\":1}"),
        "ExecutionAlreadyExists");
    (void)fails("StartExecution", json_pack("{s:s, s:s}", "stateMachineArn", sm, "input", "{"),
                "InvalidExecutionInput");
    (void)fails("StartExecution", json_pack("{s:s, s:s}", "stateMachineArn", sm, "name", "a b"),
                "InvalidName");
    (void)fails("StartExecution",
                json_pack("{s:s}", "stateMachineArn",
                          "arn:aws:states:us-east-1:000000000000:stateMachine:none"),
                "StateMachineDoesNotExist");
    (void)fails("DescribeExecution",
                json_pack("{s:s}", "executionArn",
                          "arn:aws:states:us-east-1:000000000000:execution:waits:none"),
                "ExecutionDoesNotExist");
    (void)fails("DescribeExecution", json_pack("{s:s}", "executionArn", "not-an-arn"),
                "InvalidArn");
    json_t *list = ok("ListExecutions",
                      json_pack("{s:s, s:s}", "stateMachineArn", sm, "statusFilter", "ABORTED"));
    cr_expect_eq(json_array_size(json_object_get(list, "executions")), 1);
    json_decref(list);
    json_decref(r1);
    json_decref(r2);
    free(sm);
}

Test(emu_sfn, definitions_are_checked_and_machines_managed)
{
    const char *msg = fails(
        "CreateStateMachine",
        json_pack("{s:s, s:s, s:s}", "name", "bad", "definition",
                  "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"Nowhere\"}}}",
                  "roleArn", "arn:aws:iam::000000000000:role/sfn"),
        "InvalidDefinition");
    cr_expect_not_null(strstr(msg, "Nowhere"), "%s", msg);
    cr_expect_not_null(strstr(msg, "/States/A"), "%s", msg);

    json_t *v = ok("ValidateStateMachineDefinition",
                   json_pack("{s:s}", "definition",
                             "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":"
                             "\"Nowhere\"}}}"));
    cr_expect_str_eq(member(v, "result"), "FAIL");
    json_t *diag = json_array_get(json_object_get(v, "diagnostics"), 0);
    cr_expect_str_eq(member(diag, "severity"), "ERROR");
    cr_expect_neq(strlen(member(diag, "code")), 0);
    json_decref(v);
    v = ok("ValidateStateMachineDefinition", json_pack("{s:s}", "definition", choice_machine));
    cr_expect_str_eq(member(v, "result"), "OK");
    cr_expect_eq(json_array_size(json_object_get(v, "diagnostics")), 0);
    json_decref(v);

    char *a1 = create("managed", choice_machine);
    char *a2 = create("managed", choice_machine);
    cr_expect_str_eq(a1, a2, "an identical create is idempotent");
    (void)fails("CreateStateMachine",
                json_pack("{s:s, s:s, s:s}", "name", "managed", "definition",
                          "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}",
                          "roleArn", "arn:aws:iam::000000000000:role/sfn"),
                "StateMachineAlreadyExists");
    (void)fails("CreateStateMachine",
                json_pack("{s:s, s:s, s:s}", "name", "bad/name", "definition", choice_machine,
                          "roleArn", "arn:aws:iam::000000000000:role/sfn"),
                "InvalidName");
    json_t *u = ok("UpdateStateMachine",
                   json_pack("{s:s, s:s}", "stateMachineArn", a1, "definition",
                             "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"));
    cr_expect_not_null(json_object_get(u, "revisionId"));
    json_decref(u);
    json_t *d = ok("DescribeStateMachine", json_pack("{s:s}", "stateMachineArn", a1));
    cr_expect_str_eq(member(d, "status"), "ACTIVE");
    cr_expect_str_eq(member(d, "type"), "STANDARD");
    cr_expect_not_null(strstr(member(d, "definition"), "Succeed"));
    json_decref(d);
    json_t *l = ok("ListStateMachines", json_pack("{s:i}", "maxResults", 1));
    cr_expect_eq(json_array_size(json_object_get(l, "stateMachines")), 1);
    cr_expect_not_null(json_object_get(l, "nextToken"), "the config's machine and this one");
    json_decref(l);
    json_decref(ok("DeleteStateMachine", json_pack("{s:s}", "stateMachineArn", a1)));
    (void)fails("DescribeStateMachine", json_pack("{s:s}", "stateMachineArn", a1),
                "StateMachineDoesNotExist");
    free(a1);
    free(a2);
}

Test(emu_sfn, config_machines_and_express_sync_executions)
{
    char *sm = create_type("fast",
                           "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":"
                           "{\"got.$\":\"$.v\"},\"End\":true}}}",
                           "EXPRESS");
    json_t *r = ok("StartSyncExecution", json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm,
                                                   "input", "{\"v\":5}", "name", "s1"));
    cr_expect_str_eq(member(r, "status"), "SUCCEEDED");
    cr_expect_str_eq(member(r, "output"), "{\"got\":5}");
    cr_expect_not_null(strstr(member(r, "executionArn"), ":express:fast:s1:"));
    cr_expect_geq(json_integer_value(json_object_get(json_object_get(r, "billingDetails"),
                                                     "billedDurationInMilliseconds")),
                  100);
    json_decref(r);
    free(sm);
    json_t *d = run("runs-config",
                    "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Task\",\"Resource\":"
                    "\"arn:aws:states:::aws-sdk:sfn:startExecution\",\"Parameters\":{"
                    "\"StateMachineArn\":\"arn:aws:states:us-east-1:000000000000:stateMachine:"
                    "configured\"},\"End\":true}}}",
                    "{}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    json_t *out = parse(member(d, "output"));
    const char *child = member(out, "ExecutionArn");
    cr_expect_not_null(strstr(child, ":execution:configured:"), "%s", member(d, "output"));
    json_t *cd = wait_exec(child);
    cr_expect_str_eq(member(cd, "output"), "\"from config\"");
    json_decref(cd);
    json_decref(out);
    json_decref(d);

    /* The optimized integration waits for the child (.sync:2: its data as JSON). */
    d = run("runs-config-sync",
            "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Task\",\"Resource\":"
            "\"arn:aws:states:::states:startExecution.sync:2\",\"Parameters\":{"
            "\"StateMachineArn\":\"arn:aws:states:us-east-1:000000000000:stateMachine:"
            "configured\",\"Input\":{\"Key\":1}},\"End\":true}}}",
            "{}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    out = parse(member(d, "output"));
    cr_expect_str_eq(member(out, "Status"), "SUCCEEDED");
    cr_expect_str_eq(member(out, "Output"), "from config");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(out, "Input"), "Key")), 1);
    json_decref(out);
    json_decref(d);
}

Test(emu_sfn, start_sync_execution_needs_an_express_machine)
{
    (void)fails("StartSyncExecution",
                json_pack("{s:s}", "stateMachineArn",
                          "arn:aws:states:us-east-1:000000000000:stateMachine:configured"),
                "StateMachineTypeNotSupported");
}

Test(emu_sfn, execution_timeout)
{
    json_t *d = run("slow",
                    "{\"TimeoutSeconds\":100,\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":"
                    "\"Wait\",\"Seconds\":100000,\"End\":true}}}",
                    "{}");
    cr_expect_str_eq(member(d, "status"), "TIMED_OUT");
    json_t *ev = history(member(d, "executionArn"));
    cr_expect_str_eq(member(json_array_get(ev, json_array_size(ev) - 1), "type"),
                     "ExecutionTimedOut");
    json_decref(ev);
    json_decref(d);

    /* A task's own TimeoutSeconds: an activity nobody works on, caught as States.Timeout. */
    json_t *a = ok("CreateActivity", json_pack("{s:s}", "name", "idle"));
    char def[600];
    (void)snprintf(def, sizeof def,
                   "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"%s\","
                   "\"TimeoutSeconds\":100,\"Catch\":[{\"ErrorEquals\":[\"States.Timeout\"],"
                   "\"Next\":\"Late\"}],\"End\":true},\"Late\":{\"Type\":\"Pass\",\"End\":true}}}",
                   member(a, "activityArn"));
    json_decref(a);
    d = run("task-timeout", def, "{}");
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
    json_t *out = parse(member(d, "output"));
    cr_expect_str_eq(member(out, "Error"), "States.Timeout");
    json_decref(out);
    ev = history(member(d, "executionArn"));
    cr_expect_eq(count_type(ev, "ActivityTimedOut"), 1);
    json_decref(ev);
    json_decref(d);
}

/* ---- the partial-runs demo pipeline ----------------------------------------------------- */

#define GUARD(flag, skip_to)                                                                       \
    "{\"Type\":\"Choice\",\"Choices\":[{\"And\":[{\"Variable\":\"$." flag                          \
    "\",\"IsPresent\":true},{\"Variable\":\"$." flag                                               \
    "\",\"BooleanEquals\":false}],\"Next\":\"" skip_to "\"}],\"Default\":\"" flag "\"}"

static const char pipeline[] =
    "{\"StartAt\":\"CheckLoadRaw\",\"States\":{"
    "\"CheckLoadRaw\":" GUARD(
        "LoadRaw",
        "CheckSilver") ","
                       "\"LoadRaw\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:"
                       "invoke\","
                       "\"Parameters\":{\"FunctionName\":\"load_raw\",\"Payload.$\":\"$\"},"
                       "\"ResultPath\":null,"
                       "\"Next\":\"CheckSilver\"},"
                       "\"CheckSilver\":" GUARD(
                           "Silver",
                           "Gold") ","
                                   "\"Silver\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::"
                                   "glue:startJobRun\","
                                   "\"Parameters\":{\"JobName\":\"silver\"},\"ResultPath\":null,"
                                   "\"Next\":\"Gold\"},"
                                   "\"Gold\":{\"Type\":\"Parallel\",\"ResultPath\":null,\"End\":"
                                   "true,\"Branches\":["
                                   "{\"StartAt\":\"CheckGoldA\",\"States\":{\"CheckGoldA\":" GUARD(
                                       "GoldA",
                                       "SkipA") ","
                                                "\"GoldA\":{\"Type\":\"Task\",\"Resource\":\"arn:"
                                                "aws:states:::glue:startJobRun.sync\","
                                                "\"Parameters\":{\"JobName\":\"gold_a\"},\"End\":"
                                                "true},\"SkipA\":{\"Type\":\"Succeed\"}}},"
                                                "{\"StartAt\":\"CheckGoldB\",\"States\":{"
                                                "\"CheckGoldB\":" GUARD(
                                                    "GoldB",
                                                    "SkipB") ","
                                                             "\"GoldB\":{\"Type\":\"Task\","
                                                             "\"Resource\":\"arn:aws:states:::glue:"
                                                             "startJobRun.sync\","
                                                             "\"Parameters\":{\"JobName\":\"gold_"
                                                             "b\"},\"End\":true},\"SkipB\":{"
                                                             "\"Type\":\"Succeed\"}}}"
                                                             "]}}}";

static double started_on(const char *job)
{
    json_t *r = glue("GetJobRuns", json_pack("{s:s}", "JobName", job));
    json_t *runs = json_object_get(r, "JobRuns");
    cr_assert_geq(json_array_size(runs), 1);
    double t = json_number_value(json_object_get(json_array_get(runs, 0), "StartedOn"));
    json_decref(r);
    return t;
}

Test(emu_sfn, partial_rerun_pipeline)
{
    char *sm = create("pipeline", pipeline);
    char *first = start(sm, "first", "{}");
    json_t *d = wait_exec(first);
    cr_assert_str_eq(member(d, "status"), "FAILED", "gold runs before silver finished");
    cr_expect_str_eq(member(d, "error"), "States.TaskFailed");
    json_decref(d);
    /* Both gold jobs started at the same moment, in their parallel branches. */
    double a = started_on("gold_a");
    double b = started_on("gold_b");
    cr_expect_lt(a > b ? a - b : b - a, 0.05, "gold_a %.3f, gold_b %.3f", a, b);

    /* The SDK's planner reads this history as it reads AWS's. */
    awsorch_credentials *creds = NULL;
    cr_assert_eq(
        awsorch_credentials_new(&creds, EMU_DEFAULT_ACCESS_KEY, EMU_DEFAULT_SECRET_KEY, NULL),
        AWSORCH_OK);
    awsorch_client_options co = AWSORCH_CLIENT_OPTIONS_INIT;
    co.region = "us-east-1";
    co.endpoint_url = h.endpoint;
    co.credentials = creds;
    awsorch_client *c = NULL;
    cr_assert_eq(awsorch_client_new(&c, &awsorch_sfn_model.service, &co), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    awsorch_sfn_rerun_plan *plan = NULL;
    cr_assert_eq(awsorch_sfn_plan_rerun(&plan, c, first), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_str_eq(plan->status, "FAILED");
    cr_assert_eq(plan->task_count, 4);
    const char *names[] = {"LoadRaw", "Silver", "GoldA", "GoldB"};
    const awsorch_sfn_task_outcome outcomes[] = {AWSORCH_SFN_TASK_SUCCEEDED,
                                                 AWSORCH_SFN_TASK_SUCCEEDED,
                                                 AWSORCH_SFN_TASK_FAILED, AWSORCH_SFN_TASK_FAILED};
    for (size_t i = 0; i < 4; i++) {
        cr_expect_str_eq(plan->tasks[i].name, names[i]);
        cr_expect_eq(plan->tasks[i].outcome, outcomes[i], "%s", names[i]);
        cr_expect(plan->tasks[i].guarded, "%s", names[i]);
    }
    cr_expect_str_eq(plan->input_json,
                     "{\"LoadRaw\":false,\"Silver\":false,\"GoldA\":true,\"GoldB\":true}");

    wait_silver_succeeded();
    char *second = start(sm, "second", plan->input_json);
    d = wait_exec(second);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    json_decref(d);
    json_t *ev = history(second);
    cr_expect_eq(entered(ev, "LoadRaw"), 0);
    cr_expect_eq(entered(ev, "Silver"), 0);
    cr_expect_eq(entered(ev, "GoldA"), 1);
    cr_expect_eq(entered(ev, "GoldB"), 1);
    json_decref(ev);
    json_t *runs = glue("GetJobRuns", json_pack("{s:s}", "JobName", "silver"));
    cr_expect_eq(json_array_size(json_object_get(runs, "JobRuns")), 1, "silver ran once");
    json_decref(runs);

    awsorch_sfn_rerun_plan_free(plan);
    awsorch_client_free(c);
    awsorch_credentials_free(creds);
    free(second);
    free(first);
    free(sm);
}

Test(emu_sfn, callback_tasks_wait_for_their_token)
{
    char *sm =
        create("callback", "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":"
                           "\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"Parameters\":{"
                           "\"FunctionName\":\"f\",\"Payload\":{\"token.$\":\"$$.Task.Token\"}},"
                           "\"End\":true}}}");
    char *exec = start(sm, NULL, "{}");
    /* The token went to the function; a test reads it from the history's parameters. */
    char *token = NULL;
    double deadline = emu_harness_seconds() + 20;
    while (token == NULL) {
        json_t *ev = history(exec);
        json_t *sub = first_of(ev, "TaskSubmitted");
        json_t *sched = json_object_get(first_of(ev, "TaskScheduled"), "taskScheduledEventDetails");
        if (sub != NULL && sched != NULL) {
            json_t *params = parse(member(sched, "parameters"));
            token = strdup(member(json_object_get(params, "Payload"), "token"));
            json_decref(params);
        }
        json_decref(ev);
        cr_assert(emu_harness_seconds() < deadline, "the task was never submitted");
    }
    cr_assert_gt(strlen(token), 20);
    json_t *d = describe(exec);
    cr_expect_str_eq(member(d, "status"), "RUNNING", "waits for the token");
    json_decref(d);
    json_decref(ok("SendTaskFailure", json_pack("{s:s, s:s, s:s}", "taskToken", token, "error",
                                                "Worker.Failed", "cause", "no luck")));
    d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "error"), "Worker.Failed");
    cr_expect_str_eq(member(d, "cause"), "no luck");
    json_decref(d);
    json_t *ev = history(exec);
    json_t *failed = json_object_get(first_of(ev, "TaskFailed"), "taskFailedEventDetails");
    cr_expect_str_eq(member(failed, "error"), "Worker.Failed");
    cr_expect_str_eq(member(failed, "resource"), "invoke.waitForTaskToken");
    json_decref(ev);
    free(token);
    free(exec);
    free(sm);
}

/* ---- limits ------------------------------------------------------------------------------ */

Test(emu_sfn, finished_executions_leave_no_threads)
{
    char *sm = create("many", "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
                              "\"End\":true}}}");
    char *execs[60];
    for (size_t i = 0; i < 60; i++) {
        execs[i] = start(sm, NULL, "{}");
    }
    for (size_t i = 0; i < 60; i++) {
        json_t *d = wait_exec(execs[i]);
        cr_expect_str_eq(member(d, "status"), "SUCCEEDED");
        json_decref(d);
        free(execs[i]);
    }
    /* Finished executions' threads are joined as the API goes on: none is left. */
    double deadline = emu_harness_seconds() + 10;
    for (;;) {
        json_decref(ok("ListExecutions", json_pack("{s:s}", "stateMachineArn", sm)));
        if (sfn_unjoined_threads() == 0) {
            break;
        }
        cr_assert(emu_harness_seconds() < deadline, "%zu execution threads never joined",
                  sfn_unjoined_threads());
        nap();
    }
    /* A token past the end of the list is none the API gave. */
    fails(
        "ListExecutions",
        json_pack("{s:s, s:s}", "stateMachineArn", sm, "nextToken", "AAAAKgAAAAIAAAAAAAAAA999999"),
        "InvalidToken");
    free(sm);
}

/* A small history cap, so that a Retry loop inside one state (1 ms between attempts at
 * this time scale) reaches it quickly. */
static const char *const small_history_config =
    "{\"time_scale\": 1000, \"sfn\": {\"max_history_events\": 200}}";

/* Restarts the suite's emulator with another config (the suite's teardown stops it). */
static void restart_with(const char *config_json)
{
    emu_harness_stop(&h);
    emu_harness_start(&h, config_json);
}

Test(emu_sfn, a_retry_loop_stops_at_the_history_limit)
{
    restart_with(small_history_config);
    json_t *d = run("forever",
                    "{\"StartAt\":\"Get\",\"States\":{\"Get\":{\"Type\":\"Task\",\"Resource\":"
                    "\"arn:aws:states:::aws-sdk:glue:getJob\",\"Parameters\":{\"JobName\":"
                    "\"nope\"},\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"],\"IntervalSeconds\":1,"
                    "\"MaxAttempts\":99999999,\"BackoffRate\":1}],\"End\":true}}}",
                    "{}");
    cr_expect_str_eq(member(d, "status"), "FAILED");
    cr_expect_str_eq(member(d, "error"), "States.Runtime");
    cr_expect_not_null(strstr(member(d, "cause"), "history has reached the limit of 200 events"),
                       "%s", member(d, "cause"));
    json_t *ev = history(member(d, "executionArn"));
    cr_expect_eq(json_array_size(ev), 201, "200 events and the ExecutionFailed one");
    cr_expect_str_eq(member(json_array_get(ev, json_array_size(ev) - 1), "type"),
                     "ExecutionFailed");
    json_decref(ev);
    json_decref(d);
}

/* Room for a Map of 20000 iterations (four events each). */
static const char *const big_history_config =
    "{\"time_scale\": 1000, \"sfn\": {\"max_history_events\": 100000}}";

Test(emu_sfn, a_map_of_many_items_finishes)
{
    restart_with(big_history_config);
    enum { ITEMS = 20000 };
    json_t *items = json_array();
    for (int i = 0; i < ITEMS; i++) {
        json_array_append_new(items, json_integer(i));
    }
    json_t *in = json_pack("{s:o}", "items", items);
    char *input = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    char *sm = create("big-map",
                      "{\"StartAt\":\"Each\",\"States\":{\"Each\":{\"Type\":\"Map\","
                      "\"ItemsPath\":\"$.items\",\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{"
                      "\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"ResultSelector\":{\"n.$\":"
                      "\"States.ArrayLength($)\"},\"End\":true}}}");
    char *exec = start(sm, NULL, input);
    json_t *d = wait_exec(exec);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    cr_expect_str_eq(member(d, "output"), "{\"n\":20000}");
    json_decref(d);
    free(exec);
    free(sm);
    free(input);
}

/* The engine's threads have a smaller stack than the default: input nested about as deep as
 * the JSON parser allows still goes through a Map, its ItemSelector and a Pass state. */
Test(emu_sfn, deeply_nested_input_fits_the_thread_stack)
{
    enum { DEPTH = 2040 };
    char *deep = malloc(DEPTH * 6 + 2);
    cr_assert_not_null(deep);
    char *p = deep;
    for (int i = 0; i < DEPTH; i++) {
        memcpy(p, "{\"a\":", 5);
        p += 5;
    }
    *p++ = '1';
    memset(p, '}', DEPTH);
    p[DEPTH] = '\0';
    size_t len = strlen(deep) * 3 + 64;
    char *input = malloc(len);
    cr_assert_not_null(input);
    (void)snprintf(input, len, "{\"items\":[%s,%s],\"d\":%s}", deep, deep, deep);
    json_t *d = run("deep",
                    "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":"
                    "\"$.items\",\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value\",\"e.$\":"
                    "\"$$.Execution.Input\"},\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{"
                    "\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"Next\":\"Q\"},\"Q\":{\"Type\":"
                    "\"Pass\",\"Parameters\":{\"x.$\":\"$[0].v\"},\"End\":true}}}",
                    input);
    cr_expect_str_eq(member(d, "status"), "SUCCEEDED", "%s %s", member(d, "error"),
                     member(d, "cause"));
    json_decref(d);
    free(input);
    free(deep);
}
