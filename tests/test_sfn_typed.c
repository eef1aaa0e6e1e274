/* Typed Step Functions calls against a local endpoint: the request each sends
 * and the structs each reply fills. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/awsorch.h"
#include "mock_server.h"
#include "services/sfn_typed_table.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the service ------------------------------------------------------------------- */

static const char *const history_page =
    "{\"events\":["
    "{\"id\":1,\"previousEventId\":0,\"timestamp\":1764727200.125,\"type\":\"ExecutionStarted\","
    "\"executionStartedEventDetails\":{\"input\":\"{\\\"date\\\":\\\"2026-12-03\\\"}\","
    "\"roleArn\":\"arn:role\"}},"
    "{\"id\":2,\"previousEventId\":1,\"timestamp\":1764727201,\"type\":\"TaskStateEntered\","
    "\"stateEnteredEventDetails\":{\"name\":\"Load\",\"input\":\"{}\"}},"
    "{\"id\":3,\"previousEventId\":2,\"timestamp\":1764727202,\"type\":\"TaskScheduled\","
    "\"taskScheduledEventDetails\":{\"resourceType\":\"glue\",\"resource\":\"startJobRun.sync\","
    "\"region\":\"eu-west-1\",\"parameters\":\"{\\\"JobName\\\":\\\"load\\\"}\"}},"
    "{\"id\":4,\"previousEventId\":3,\"timestamp\":1764727260,\"type\":\"TaskFailed\","
    "\"taskFailedEventDetails\":{\"resourceType\":\"glue\",\"resource\":\"startJobRun.sync\","
    "\"error\":\"Glue.AWSGlueException\",\"cause\":\"job failed\"}},"
    "{\"id\":5,\"previousEventId\":4,\"timestamp\":1764727261,\"type\":\"TaskStateExited\","
    "\"stateExitedEventDetails\":{\"name\":\"Load\",\"output\":\"{\\\"ok\\\":false}\"}},"
    "{\"id\":6,\"previousEventId\":5,\"timestamp\":1764727262,\"type\":\"EvaluationFailed\","
    "\"evaluationFailedEventDetails\":{\"error\":\"States.QueryEvaluationError\","
    "\"state\":\"Pick\",\"location\":\"Output\"}},"
    "{\"id\":7,\"previousEventId\":6,\"timestamp\":1764727263,\"type\":\"MapRunRedriven\","
    "\"mapRunRedrivenEventDetails\":{\"mapRunArn\":\"arn:maprun\",\"redriveCount\":1}},"
    "{\"id\":8,\"previousEventId\":7,\"timestamp\":1764727264,\"type\":\"QuantumStateEntered\"}"
    "]}";

static void reply_json(mock_reply *reply, const char *body)
{
    (void)snprintf(reply->body, sizeof(reply->body), "%s", body);
}

static void reply_error(mock_reply *reply, const char *code, const char *message)
{
    reply->status = 400;
    (void)snprintf(reply->body, sizeof(reply->body), "{\"__type\":\"%s\",\"message\":\"%s\"}", code,
                   message);
}

static bool has_token(const char *body, const char *token)
{
    char needle[64];
    (void)snprintf(needle, sizeof(needle), "\"nextToken\":\"%s\"", token);
    return strstr(body, needle) != NULL;
}

/* Replies to the second page of a flaky history so far (the mock's thread only). */
static int flaky_replies;
/* Empty pages handed out so far, each with a new token (the mock's thread only). */
static int empty_pages;

/* GetExecutionHistory: arn:exec:flaky garbles its second page once, arn:exec:text
 * always answers it with text, arn:exec:loop hands back the token it was sent,
 * arn:exec:empty never ends; other executions have one page. */
static void history(const char *body, mock_reply *reply)
{
    static const char *const first =
        "{\"events\":[{\"id\":1,\"timestamp\":1,\"type\":\"ExecutionStarted\"}],"
        "\"nextToken\":\"h-2\"}";
    if (strstr(body, "arn:exec:flaky") != NULL) {
        if (!has_token(body, "h-2")) {
            reply_json(reply, first);
        } else if (flaky_replies++ == 0) {
            reply_json(reply, "{\"events\":[{\"id\":2,");
        } else {
            reply_json(reply, "{\"events\":[{\"id\":2,\"timestamp\":2,\"type\":"
                              "\"ExecutionSucceeded\"},{\"id\":3,\"timestamp\":3,\"type\":"
                              "\"ExecutionSucceeded\"}]}");
        }
    } else if (strstr(body, "arn:exec:text") != NULL) {
        reply_json(reply, has_token(body, "h-2") ? "Service Unavailable" : first);
    } else if (strstr(body, "arn:exec:loop") != NULL) {
        reply_json(reply, "{\"events\":[{\"id\":1,\"timestamp\":1,\"type\":"
                          "\"ExecutionStarted\"}],\"nextToken\":\"h-loop\"}");
    } else if (strstr(body, "arn:exec:empty") != NULL) {
        (void)snprintf(reply->body, sizeof(reply->body), "{\"events\":[],\"nextToken\":\"e-%d\"}",
                       ++empty_pages);
    } else {
        reply_json(reply, history_page);
    }
}

static void sfn(const mock_request *req, mock_reply *reply, void *ud)
{
    int *describes = ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    const char *op = strncmp(target, "AWSStepFunctions.", 17) == 0 ? target + 17 : target;
    const char *body = req->body;
    reply->content_type = "application/x-amz-json-1.0";
    reply_json(reply, "{}");
    if (strcmp(op, "StartExecution") == 0) {
        reply_json(reply, "{\"executionArn\":\"arn:exec\",\"startDate\":1764727200.5}");
    } else if (strcmp(op, "DescribeExecution") == 0) {
        if (strstr(body, "arn:missing") != NULL) {
            reply_error(reply, "ExecutionDoesNotExist", "no such execution");
            return;
        }
        if (strstr(body, "arn:garbled") != NULL) {
            reply_json(reply, "{\"executionArn\":");
            return;
        }
        int n = ++*describes;
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"executionArn\":\"arn:exec\",\"stateMachineArn\":\"arn:sm\",\"name\":"
                       "\"n1\",\"status\":\"%s\",\"startDate\":1764727200,\"stopDate\":"
                       "1764730800.25,\"error\":\"States.TaskFailed\",\"redriveCount\":2,"
                       "\"redriveStatus\":\"NOT_REDRIVABLE\",\"redriveStatusReason\":\"too old\","
                       "\"stateMachineVersionArn\":\"arn:sm:3\",\"someNewMember\":true}",
                       n < 2 ? "RUNNING" : "FAILED");
    } else if (strcmp(op, "CreateStateMachine") == 0) {
        reply_json(reply, "{\"stateMachineArn\":\"arn:sm:new\",\"creationDate\":1764727200.25,"
                          "\"stateMachineVersionArn\":\"arn:sm:new:1\"}");
    } else if (strcmp(op, "UpdateStateMachine") == 0) {
        reply_json(reply, "{\"updateDate\":1764730000,\"revisionId\":\"rev-2\"}");
    } else if (strcmp(op, "DescribeStateMachine") == 0) {
        reply_json(reply,
                   "{\"stateMachineArn\":\"arn:sm\",\"name\":\"etl\",\"status\":\"ACTIVE\","
                   "\"definition\":\"{\\\"StartAt\\\":\\\"A\\\"}\",\"roleArn\":\"arn:role\","
                   "\"type\":\"EXPRESS\",\"creationDate\":1764727200,\"loggingConfiguration\":"
                   "{\"level\":\"ERROR\",\"includeExecutionData\":false},"
                   "\"tracingConfiguration\":{\"enabled\":true},\"revisionId\":\"rev-1\"}");
    } else if (strcmp(op, "DescribeStateMachineForExecution") == 0) {
        reply_json(reply, "{\"stateMachineArn\":\"arn:sm\",\"name\":\"etl\",\"definition\":"
                          "\"{}\",\"roleArn\":\"arn:role\",\"updateDate\":1764727300,"
                          "\"mapRunArn\":\"arn:maprun\",\"label\":\"child\"}");
    } else if (strcmp(op, "ValidateStateMachineDefinition") == 0) {
        reply_json(reply, "{\"result\":\"FAIL\",\"diagnostics\":["
                          "{\"severity\":\"ERROR\",\"code\":\"SCHEMA_VALIDATION_FAILED\","
                          "\"message\":\"no StartAt\",\"location\":\"/StartAt\"},"
                          "{\"severity\":\"WARNING\",\"code\":\"UNREACHABLE\","
                          "\"message\":\"B is never entered\"},"
                          "{\"severity\":\"CRITICAL\",\"code\":\"NEW\",\"message\":\"later\"}],"
                          "\"truncated\":true}");
    } else if (strcmp(op, "ListStateMachines") == 0) {
        reply_json(reply,
                   has_token(body, "sm-2")
                       ? "{\"stateMachines\":[{\"stateMachineArn\":\"arn:sm:c\",\"name\":\"c\","
                         "\"type\":\"STANDARD\",\"creationDate\":3}]}"
                       : "{\"stateMachines\":[{\"stateMachineArn\":\"arn:sm:a\",\"name\":\"a\","
                         "\"type\":\"STANDARD\",\"creationDate\":1},{\"stateMachineArn\":"
                         "\"arn:sm:b\",\"name\":\"b\",\"type\":\"EXPRESS\",\"creationDate\":2}],"
                         "\"nextToken\":\"sm-2\"}");
    } else if (strcmp(op, "StartSyncExecution") == 0) {
        reply_json(reply, "{\"executionArn\":\"arn:exec:sync\",\"stateMachineArn\":\"arn:sm\","
                          "\"name\":\"s1\",\"startDate\":1764727200,\"stopDate\":1764727200.75,"
                          "\"status\":\"FAILED\",\"error\":\"States.TaskFailed\",\"cause\":"
                          "\"boom\",\"input\":\"{}\",\"billingDetails\":{\"billedMemoryUsedInMB\":"
                          "64,\"billedDurationInMilliseconds\":800}}");
    } else if (strcmp(op, "StopExecution") == 0) {
        reply_json(reply, "{\"stopDate\":1764731000.5}");
    } else if (strcmp(op, "RedriveExecution") == 0) {
        reply_json(reply, "{\"redriveDate\":1764732000}");
    } else if (strcmp(op, "ListExecutions") == 0) {
        if (has_token(body, "ex-2") && strstr(body, "arn:sm:broken") != NULL) {
            reply_error(reply, "StateMachineDoesNotExist", "deleted while listing");
        } else if (has_token(body, "ex-2")) {
            reply_json(reply, "{\"executions\":[{\"executionArn\":\"arn:exec:3\",\"name\":\"e3\","
                              "\"status\":\"FAILED\",\"startDate\":30,\"stopDate\":31}]}");
        } else {
            reply_json(reply,
                       "{\"executions\":[{\"executionArn\":\"arn:exec:1\",\"stateMachineArn\":"
                       "\"arn:sm\",\"name\":\"e1\",\"status\":\"FAILED\",\"startDate\":10,"
                       "\"stopDate\":11,\"redriveCount\":1,\"redriveDate\":12},{\"executionArn\":"
                       "\"arn:exec:2\",\"name\":\"e2\",\"status\":\"FAILED\",\"startDate\":20,"
                       "\"itemCount\":7}],\"nextToken\":\"ex-2\"}");
        }
    } else if (strcmp(op, "GetExecutionHistory") == 0) {
        history(body, reply);
    } else if (strcmp(op, "CreateActivity") == 0) {
        reply_json(reply, "{\"activityArn\":\"arn:act\",\"creationDate\":1764727200}");
    } else if (strcmp(op, "ListActivities") == 0) {
        reply_json(reply, has_token(body, "act-2")
                              ? "{\"activities\":[{\"activityArn\":\"arn:act:2\",\"name\":\"two\","
                                "\"creationDate\":2}]}"
                              : "{\"activities\":[{\"activityArn\":\"arn:act:1\",\"name\":\"one\","
                                "\"creationDate\":1}],\"nextToken\":\"act-2\"}");
    } else if (strcmp(op, "GetActivityTask") == 0) {
        reply_json(reply, strstr(body, "arn:act:idle") != NULL
                              ? "{\"taskToken\":\"\"}"
                              : "{\"taskToken\":\"tok-1\",\"input\":\"{\\\"n\\\":1}\"}");
    }
}

/* ---- the suite ------------------------------------------------------------------------- */

static mock_server *server;
static int describes;
static awsorch_client *client;
static awsorch_credentials *creds;

static void start(void)
{
    server = mock_start(sfn, &describes);
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(server));
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    cr_assert_eq(awsorch_credentials_new(&creds, "AKID", "secret", NULL), AWSORCH_OK);
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.region = "eu-west-1";
    o.endpoint_url = url;
    o.credentials = creds;
    cr_assert_eq(awsorch_client_new(&client, &awsorch_sfn_model.service, &o), AWSORCH_OK);
}

static void stop(void)
{
    awsorch_client_free(client);
    awsorch_credentials_free(creds);
    mock_stop(server);
}

TestSuite(sfn_typed, .init = start, .fini = stop);

/* The body of the last request sent to an operation (json_decref it). */
static json_t *sent(const char *op)
{
    char want[128];
    (void)snprintf(want, sizeof(want), "AWSStepFunctions.%s", op);
    for (size_t i = mock_count(server); i-- > 0;) {
        mock_request r = mock_get(server, i);
        char target[128];
        mock_header(&r, "x-amz-target", target, sizeof(target));
        if (strcmp(target, want) == 0) {
            json_t *body = json_loads(r.body, 0, NULL);
            cr_assert_not_null(body, "%s sent no JSON body", op);
            return body;
        }
    }
    cr_assert_fail("no %s request was sent", op);
    return NULL;
}

static const char *member_text(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const char *last_message(void)
{
    return awsorch_error_last()->message;
}

Test(sfn_typed, tables_match_the_model)
{
    char msg[512];
    for (size_t i = 0; i < awsorch__sfn_typed_op_count; i++) {
        cr_expect(awsorch__typed_check(awsorch__sfn_typed_ops[i], msg, sizeof(msg)), "%s", msg);
    }
    for (size_t i = 0; i < awsorch_sfn_operation_count; i++) {
        bool typed = false;
        for (size_t k = 0; k < awsorch__sfn_typed_op_count; k++) {
            typed = typed ||
                    strcmp(awsorch__sfn_typed_ops[k]->name, awsorch_sfn_operations[i].name) == 0;
        }
        cr_expect(typed, "%s has no typed call", awsorch_sfn_operations[i].name);
    }
}

Test(sfn_typed, start_and_describe)
{
    awsorch_sfn_start_execution_input in = AWSORCH_SFN_START_EXECUTION_INPUT_INIT;
    in.state_machine_arn = "arn:sm";
    in.input = "{\"date\":\"2026-12-03\"}";
    awsorch_sfn_started_execution *started = NULL;
    cr_assert_eq(awsorch_sfn_start_execution(&started, client, &in), AWSORCH_OK, "%s",
                 last_message());
    cr_expect_str_eq(started->execution_arn, "arn:exec");
    cr_expect_float_eq(started->start_date, 1764727200.5, 1e-9);
    json_t *body = sent("StartExecution");
    cr_expect_str_eq(member_text(body, "input"), "{\"date\":\"2026-12-03\"}");
    cr_expect_eq(strlen(member_text(body, "name")), 36);
    cr_expect_null(json_object_get(body, "traceHeader"));
    json_decref(body);
    awsorch_sfn_started_execution_free(started);

    awsorch_sfn_execution *e = NULL;
    cr_assert_eq(awsorch_sfn_describe_execution(&e, client, "arn:exec"), AWSORCH_OK);
    cr_expect_eq(e->status, AWSORCH_SFN_EXECUTION_RUNNING);
    cr_expect_str_eq(e->status_text, "RUNNING");
    cr_expect_str_eq(e->state_machine_arn, "arn:sm");
    cr_expect_float_eq(e->stop_date, 1764730800.25, 1e-9);
    cr_expect_eq(e->redrive_count, 2);
    cr_expect_eq(e->redrive_status, AWSORCH_SFN_REDRIVE_NOT_REDRIVABLE);
    cr_expect_str_eq(e->redrive_status_text, "NOT_REDRIVABLE");
    cr_expect_str_eq(e->redrive_status_reason, "too old");
    cr_expect_str_eq(e->state_machine_version_arn, "arn:sm:3");
    cr_expect_null(e->output);
    awsorch_sfn_execution_free(e);
    body = sent("DescribeExecution");
    cr_expect_str_eq(member_text(body, "executionArn"), "arn:exec");
    json_decref(body);
    cr_expect_eq(awsorch_sfn_describe_execution(&e, client, NULL), AWSORCH_E_INVALID_ARG);
    cr_expect_null(e);
}

Test(sfn_typed, wait_until_the_execution_ends)
{
    awsorch_poll_options o = AWSORCH_POLL_OPTIONS_INIT;
    o.min_delay_s = 0.01;
    o.max_delay_s = 0.02;
    awsorch_poll_result result = AWSORCH_POLL_TIMED_OUT;
    awsorch_sfn_execution *final = NULL;
    cr_assert_eq(awsorch_sfn_wait_execution(&result, &final, client, "arn:exec", &o), AWSORCH_OK);
    cr_expect_eq(result, AWSORCH_POLL_ENDED_FAILED);
    cr_assert_not_null(final);
    cr_expect_eq(final->status, AWSORCH_SFN_EXECUTION_FAILED);
    cr_expect_str_eq(final->error, "States.TaskFailed");
    awsorch_sfn_execution_free(final);
}

Test(sfn_typed, wait_fails_when_the_last_description_is_garbled)
{
    awsorch_poll_options o = AWSORCH_POLL_OPTIONS_INIT;
    o.min_delay_s = 0.01;
    o.max_delay_s = 0.02;
    awsorch_poll_result result = AWSORCH_POLL_TIMED_OUT;
    awsorch_sfn_execution stale;
    awsorch_sfn_execution *final = &stale;
    awsorch_status st = awsorch_sfn_wait_execution(&result, &final, client, "arn:garbled", &o);
    cr_expect_eq(st, AWSORCH_E_PARSE, "%s", last_message());
    cr_expect_null(final, "no record is handed back");
    cr_expect_str_eq(awsorch_error_last()->service_code, "");
}

Test(sfn_typed, state_machines)
{
    const awsorch_sfn_tag tags[] = {{"team", "data"}, {"env", "prod"}};
    awsorch_sfn_create_state_machine_input cin = AWSORCH_SFN_CREATE_STATE_MACHINE_INPUT_INIT;
    cin.name = "etl";
    cin.definition = "{\"StartAt\":\"A\"}";
    cin.role_arn = "arn:role";
    cin.type = AWSORCH_SFN_TYPE_EXPRESS;
    cin.logging_configuration_json = "{\"level\":\"ERROR\",\"includeExecutionData\":false}";
    cin.tags = tags;
    cin.tag_count = ARRAY_LEN(tags);
    cin.tracing_enabled = true;
    awsorch_sfn_created_state_machine *created = NULL;
    cr_assert_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_OK, "%s",
                 last_message());
    cr_expect_str_eq(created->state_machine_arn, "arn:sm:new");
    cr_expect_float_eq(created->creation_date, 1764727200.25, 1e-9);
    cr_expect_str_eq(created->state_machine_version_arn, "arn:sm:new:1");
    awsorch_sfn_created_state_machine_free(created);
    json_t *body = sent("CreateStateMachine");
    json_t *want = json_loads(
        "{\"name\":\"etl\",\"definition\":\"{\\\"StartAt\\\":\\\"A\\\"}\",\"roleArn\":"
        "\"arn:role\",\"type\":\"EXPRESS\",\"loggingConfiguration\":{\"level\":\"ERROR\","
        "\"includeExecutionData\":false},\"tags\":[{\"key\":\"team\",\"value\":\"data\"},"
        "{\"key\":\"env\",\"value\":\"prod\"}],\"tracingConfiguration\":{\"enabled\":true}}",
        0, NULL);
    cr_expect(json_equal(body, want), "CreateStateMachine sent %s",
              json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS));
    json_decref(want);
    json_decref(body);

    /* On an update, what is left out stays as it is; false is sent as false. */
    awsorch_sfn_update_state_machine_input uin = AWSORCH_SFN_UPDATE_STATE_MACHINE_INPUT_INIT;
    uin.state_machine_arn = "arn:sm";
    uin.tracing_enabled = false;
    awsorch_sfn_updated_state_machine *updated = NULL;
    cr_assert_eq(awsorch_sfn_update_state_machine(&updated, client, &uin), AWSORCH_OK, "%s",
                 last_message());
    cr_expect_float_eq(updated->update_date, 1764730000, 1e-9);
    cr_expect_str_eq(updated->revision_id, "rev-2");
    cr_expect_null(updated->state_machine_version_arn);
    awsorch_sfn_updated_state_machine_free(updated);
    body = sent("UpdateStateMachine");
    want = json_loads("{\"stateMachineArn\":\"arn:sm\",\"tracingConfiguration\":{\"enabled\":"
                      "false}}",
                      0, NULL);
    cr_expect(json_equal(body, want), "UpdateStateMachine sent %s",
              json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS));
    json_decref(want);
    json_decref(body);

    awsorch_sfn_state_machine *sm = NULL;
    cr_assert_eq(awsorch_sfn_describe_state_machine(&sm, client, "arn:sm"), AWSORCH_OK);
    cr_expect_str_eq(sm->name, "etl");
    cr_expect_eq(sm->status, AWSORCH_SFN_STATE_MACHINE_ACTIVE);
    cr_expect_str_eq(sm->status_text, "ACTIVE");
    cr_expect_eq(sm->type, AWSORCH_SFN_TYPE_EXPRESS);
    cr_expect_str_eq(sm->definition, "{\"StartAt\":\"A\"}");
    cr_expect_float_eq(sm->creation_date, 1764727200, 1e-9);
    cr_expect_str_eq(sm->logging_configuration_json,
                     "{\"level\":\"ERROR\",\"includeExecutionData\":false}");
    cr_expect(sm->tracing_enabled);
    cr_expect_str_eq(sm->revision_id, "rev-1");
    cr_expect_null(sm->map_run_arn);
    awsorch_sfn_state_machine_free(sm);

    cr_assert_eq(awsorch_sfn_describe_state_machine_for_execution(&sm, client, "arn:exec"),
                 AWSORCH_OK);
    cr_expect_eq(sm->status, AWSORCH_SFN_STATE_MACHINE_UNKNOWN);
    cr_expect_float_eq(sm->update_date, 1764727300, 1e-9);
    cr_expect_str_eq(sm->map_run_arn, "arn:maprun");
    cr_expect_str_eq(sm->label, "child");
    awsorch_sfn_state_machine_free(sm);
    body = sent("DescribeStateMachineForExecution");
    cr_expect_str_eq(member_text(body, "executionArn"), "arn:exec");
    json_decref(body);

    cr_assert_eq(awsorch_sfn_delete_state_machine(client, "arn:sm:old"), AWSORCH_OK);
    body = sent("DeleteStateMachine");
    cr_expect_str_eq(member_text(body, "stateMachineArn"), "arn:sm:old");
    cr_expect_eq(json_object_size(body), 1);
    json_decref(body);

    awsorch_sfn_validate_input vin = AWSORCH_SFN_VALIDATE_INPUT_INIT;
    vin.definition = "{}";
    vin.severity = AWSORCH_SFN_SEVERITY_WARNING;
    vin.max_results = 10;
    awsorch_sfn_validation *v = NULL;
    cr_assert_eq(awsorch_sfn_validate_state_machine_definition(&v, client, &vin), AWSORCH_OK);
    cr_expect_eq(v->result, AWSORCH_SFN_VALIDATION_FAIL);
    cr_assert_eq(v->diagnostic_count, 3);
    cr_expect_eq(v->diagnostics[0].severity, AWSORCH_SFN_SEVERITY_ERROR);
    cr_expect_str_eq(v->diagnostics[0].code, "SCHEMA_VALIDATION_FAILED");
    cr_expect_str_eq(v->diagnostics[0].location, "/StartAt");
    cr_expect_eq(v->diagnostics[1].severity, AWSORCH_SFN_SEVERITY_WARNING);
    cr_expect_null(v->diagnostics[1].location);
    cr_expect_eq(v->diagnostics[2].severity, AWSORCH_SFN_SEVERITY_UNKNOWN);
    cr_expect_str_eq(v->diagnostics[2].severity_text, "CRITICAL");
    cr_expect(v->truncated);
    awsorch_sfn_validation_free(v);
    body = sent("ValidateStateMachineDefinition");
    want =
        json_loads("{\"definition\":\"{}\",\"severity\":\"WARNING\",\"maxResults\":10}", 0, NULL);
    cr_expect(json_equal(body, want), "ValidateStateMachineDefinition sent %s",
              json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS));
    json_decref(want);
    json_decref(body);
}

Test(sfn_typed, executions)
{
    awsorch_sfn_start_sync_execution_input sin = AWSORCH_SFN_START_SYNC_EXECUTION_INPUT_INIT;
    sin.state_machine_arn = "arn:sm";
    sin.input = "{}";
    sin.included_data = AWSORCH_SFN_INCLUDED_METADATA_ONLY;
    awsorch_sfn_sync_execution *sync = NULL;
    cr_assert_eq(awsorch_sfn_start_sync_execution(&sync, client, &sin), AWSORCH_OK, "%s",
                 last_message());
    cr_expect_eq(sync->status, AWSORCH_SFN_SYNC_FAILED);
    cr_expect_str_eq(sync->status_text, "FAILED");
    cr_expect_str_eq(sync->error, "States.TaskFailed");
    cr_expect_str_eq(sync->cause, "boom");
    cr_expect_float_eq(sync->stop_date, 1764727200.75, 1e-9);
    cr_expect_eq(sync->billed_memory_mb, 64);
    cr_expect_eq(sync->billed_duration_ms, 800);
    cr_expect_null(sync->output);
    awsorch_sfn_sync_execution_free(sync);
    json_t *body = sent("StartSyncExecution");
    /* Unlike StartExecution, no name is made up: express names need not be unique. */
    cr_expect_null(json_object_get(body, "name"));
    cr_expect_str_eq(member_text(body, "includedData"), "METADATA_ONLY");
    json_decref(body);

    double when = 0;
    cr_assert_eq(awsorch_sfn_stop_execution(&when, client, "arn:exec", "Operator", NULL),
                 AWSORCH_OK);
    cr_expect_float_eq(when, 1764731000.5, 1e-9);
    body = sent("StopExecution");
    cr_expect_str_eq(member_text(body, "executionArn"), "arn:exec");
    cr_expect_str_eq(member_text(body, "error"), "Operator");
    cr_expect_null(json_object_get(body, "cause"));
    json_decref(body);

    cr_assert_eq(awsorch_sfn_redrive_execution(&when, client, "arn:exec"), AWSORCH_OK);
    cr_expect_float_eq(when, 1764732000, 1e-9);
    cr_assert_eq(awsorch_sfn_redrive_execution(NULL, client, "arn:exec"), AWSORCH_OK);
    body = sent("RedriveExecution");
    /* The client token makes a retried redrive the same redrive. */
    cr_expect_eq(strlen(member_text(body, "clientToken")), 36);
    json_decref(body);
}

/* StartSyncExecution goes to sync-<host>: seen through a proxy, since a
 * loopback endpoint takes no host prefix. */
Test(sfn_typed, start_sync_execution_goes_to_the_sync_host)
{
    char proxy[64];
    (void)snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%u", mock_port(server));
    setenv("http_proxy", proxy, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.region = "eu-west-1";
    o.endpoint_url = "http://states.example.test";
    o.credentials = creds;
    awsorch_client *named = NULL;
    cr_assert_eq(awsorch_client_new(&named, &awsorch_sfn_model.service, &o), AWSORCH_OK);
    awsorch_sfn_start_sync_execution_input sin = AWSORCH_SFN_START_SYNC_EXECUTION_INPUT_INIT;
    sin.state_machine_arn = "arn:sm";
    awsorch_sfn_sync_execution *sync = NULL;
    cr_assert_eq(awsorch_sfn_start_sync_execution(&sync, named, &sin), AWSORCH_OK, "%s",
                 last_message());
    awsorch_sfn_sync_execution_free(sync);
    awsorch_sfn_started_execution *started = NULL;
    awsorch_sfn_start_execution_input in = AWSORCH_SFN_START_EXECUTION_INPUT_INIT;
    in.state_machine_arn = "arn:sm";
    cr_assert_eq(awsorch_sfn_start_execution(&started, named, &in), AWSORCH_OK);
    awsorch_sfn_started_execution_free(started);
    awsorch_client_free(named);
    char host[128];
    mock_request r = mock_get(server, 0);
    cr_expect_str_eq(mock_header(&r, "host", host, sizeof(host)), "sync-states.example.test");
    r = mock_get(server, 1);
    cr_expect_str_eq(mock_header(&r, "host", host, sizeof(host)), "states.example.test");
}

/* What each event of history_page lifts out. */
static void check_event(size_t i, const awsorch_sfn_history_event *e)
{
    switch (i) {
    case 0:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_EXECUTION_STARTED);
        cr_expect_eq(e->id, 1);
        cr_expect_float_eq(e->timestamp, 1764727200.125, 1e-9);
        cr_expect_str_eq(e->input, "{\"date\":\"2026-12-03\"}");
        cr_expect_str_eq(e->details_json,
                         "{\"input\":\"{\\\"date\\\":\\\"2026-12-03\\\"}\",\"roleArn\":"
                         "\"arn:role\"}");
        cr_expect_null(e->state_name);
        break;
    case 1:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_TASK_STATE_ENTERED);
        cr_expect_eq(e->previous_event_id, 1);
        cr_expect_str_eq(e->state_name, "Load");
        cr_expect_str_eq(e->input, "{}");
        break;
    case 2:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_TASK_SCHEDULED);
        cr_expect_str_eq(e->resource_type, "glue");
        cr_expect_str_eq(e->resource, "startJobRun.sync");
        cr_expect_str_eq(e->input, "{\"JobName\":\"load\"}");
        break;
    case 3:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_TASK_FAILED);
        cr_expect_str_eq(e->error, "Glue.AWSGlueException");
        cr_expect_str_eq(e->cause, "job failed");
        cr_expect_null(e->output);
        break;
    case 4:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_TASK_STATE_EXITED);
        cr_expect_str_eq(e->state_name, "Load");
        cr_expect_str_eq(e->output, "{\"ok\":false}");
        break;
    case 5:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_EVALUATION_FAILED);
        cr_expect_str_eq(e->state_name, "Pick");
        cr_expect_str_eq(e->error, "States.QueryEvaluationError");
        cr_expect_null(e->cause);
        break;
    case 6:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_MAP_RUN_REDRIVEN);
        cr_expect_str_eq(e->details_json, "{\"mapRunArn\":\"arn:maprun\",\"redriveCount\":1}");
        break;
    case 7:
        cr_expect_eq(e->type, AWSORCH_SFN_EVENT_UNKNOWN);
        cr_expect_str_eq(e->type_text, "QuantumStateEntered");
        cr_expect_null(e->details_json);
        break;
    default: cr_expect_fail("event %zu is one too many", i);
    }
}

Test(sfn_typed, history_events_with_lifted_fields)
{
    awsorch_sfn_history_input in = AWSORCH_SFN_HISTORY_INPUT_INIT;
    in.execution_arn = "arn:exec";
    in.reverse_order = true;
    in.include_execution_data = false;
    in.max_results = 100;
    awsorch_sfn_history_iter *it = NULL;
    cr_assert_eq(awsorch_sfn_history_iter_new(&it, client, &in), AWSORCH_OK);
    cr_expect_eq(mock_count(server), 0, "no request before the first _next");
    size_t n = 0;
    const awsorch_sfn_history_event *e = NULL;
    while (awsorch_sfn_history_iter_next(&e, it) == AWSORCH_OK && e != NULL) {
        check_event(n++, e);
    }
    cr_assert_eq(n, 8);
    cr_expect_eq(awsorch_sfn_history_iter_next(&e, it), AWSORCH_OK);
    cr_expect_null(e, "the end stays the end");
    awsorch_sfn_history_iter_free(it);

    json_t *body = sent("GetExecutionHistory");
    json_t *want = json_loads("{\"executionArn\":\"arn:exec\",\"maxResults\":100,"
                              "\"reverseOrder\":true,\"includeExecutionData\":false}",
                              0, NULL);
    cr_expect(json_equal(body, want), "GetExecutionHistory sent %s",
              json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS));
    json_decref(want);
    json_decref(body);
    cr_expect_eq(mock_count(server), 1);
}

Test(sfn_typed, iterators_fetch_the_next_page_as_needed)
{
    awsorch_sfn_state_machines_iter *sms = NULL;
    cr_assert_eq(awsorch_sfn_state_machines_iter_new(&sms, client, NULL), AWSORCH_OK);
    const char *names[4] = {NULL};
    double dates[4] = {0};
    size_t n = 0;
    const awsorch_sfn_state_machine_item *sm = NULL;
    while (awsorch_sfn_state_machines_iter_next(&sm, sms) == AWSORCH_OK && sm != NULL && n < 4) {
        names[n] = sm->name;
        dates[n++] = sm->creation_date;
        if (n == 2) {
            cr_expect_eq(sm->type, AWSORCH_SFN_TYPE_EXPRESS);
        }
    }
    awsorch_sfn_state_machines_iter_free(sms);
    cr_assert_eq(n, 3);
    cr_expect_float_eq(dates[2], 3, 1e-9);
    cr_expect_null(names[3]);

    awsorch_sfn_list_executions_input in = AWSORCH_SFN_LIST_EXECUTIONS_INPUT_INIT;
    in.state_machine_arn = "arn:sm";
    in.status_filter = AWSORCH_SFN_EXECUTION_FAILED;
    in.max_results = 2;
    awsorch_sfn_executions_iter *it = NULL;
    cr_assert_eq(awsorch_sfn_executions_iter_new(&it, client, &in), AWSORCH_OK);
    char arns[4][32] = {""};
    n = 0;
    const awsorch_sfn_execution_item *ex = NULL;
    while (awsorch_sfn_executions_iter_next(&ex, it) == AWSORCH_OK && ex != NULL && n < 4) {
        cr_expect_eq(ex->status, AWSORCH_SFN_EXECUTION_FAILED);
        (void)snprintf(arns[n], sizeof(arns[n]), "%s", ex->execution_arn);
        if (n == 0) {
            cr_expect_eq(ex->redrive_count, 1);
            cr_expect_float_eq(ex->redrive_date, 12, 1e-9);
        } else if (n == 1) {
            cr_expect_eq(ex->item_count, 7);
            cr_expect_null(ex->state_machine_arn);
        }
        n++;
    }
    awsorch_sfn_executions_iter_free(it);
    cr_assert_eq(n, 3);
    cr_expect_str_eq(arns[2], "arn:exec:3");
    cr_expect_eq(mock_count(server), 4);
    mock_request r = mock_get(server, 2);
    json_t *first = json_loads(r.body, 0, NULL);
    json_t *want = json_loads("{\"stateMachineArn\":\"arn:sm\",\"statusFilter\":\"FAILED\","
                              "\"maxResults\":2}",
                              0, NULL);
    cr_expect(json_equal(first, want), "ListExecutions sent %s", r.body);
    json_decref(first);
    json_decref(want);
    json_t *second = sent("ListExecutions");
    cr_expect_str_eq(member_text(second, "nextToken"), "ex-2");
    cr_expect_str_eq(member_text(second, "statusFilter"), "FAILED");
    json_decref(second);

    awsorch_sfn_list_activities_input ain = AWSORCH_SFN_LIST_ACTIVITIES_INPUT_INIT;
    ain.max_results = 1;
    awsorch_sfn_activities_iter *acts = NULL;
    cr_assert_eq(awsorch_sfn_activities_iter_new(&acts, client, &ain), AWSORCH_OK);
    const awsorch_sfn_activity *a = NULL;
    cr_assert_eq(awsorch_sfn_activities_iter_next(&a, acts), AWSORCH_OK);
    cr_expect_str_eq(a->name, "one");
    cr_assert_eq(awsorch_sfn_activities_iter_next(&a, acts), AWSORCH_OK);
    cr_expect_str_eq(a->activity_arn, "arn:act:2");
    cr_expect_float_eq(a->creation_date, 2, 1e-9);
    cr_assert_eq(awsorch_sfn_activities_iter_next(&a, acts), AWSORCH_OK);
    cr_expect_null(a);
    awsorch_sfn_activities_iter_free(acts);
}

/* The history of arn (one page, then h-2) as event ids, until _next fails or ends. */
static size_t read_history(awsorch_sfn_history_iter *it, int64_t *ids, size_t max,
                           awsorch_status *st)
{
    size_t n = 0;
    const awsorch_sfn_history_event *e = NULL;
    while ((*st = awsorch_sfn_history_iter_next(&e, it)) == AWSORCH_OK && e != NULL && n < max) {
        ids[n++] = e->id;
    }
    cr_expect_null(e, "a failed or finished _next gives no event");
    return n;
}

static awsorch_sfn_history_iter *history_of(const char *arn)
{
    awsorch_sfn_history_input in = AWSORCH_SFN_HISTORY_INPUT_INIT;
    in.execution_arn = arn;
    awsorch_sfn_history_iter *it = NULL;
    cr_assert_eq(awsorch_sfn_history_iter_new(&it, client, &in), AWSORCH_OK);
    return it;
}

Test(sfn_typed, a_failed_page_is_fetched_again)
{
    awsorch_sfn_history_iter *it = history_of("arn:exec:flaky");
    int64_t ids[8] = {0};
    awsorch_status st = AWSORCH_OK;
    cr_assert_eq(read_history(it, ids, 8, &st), 1);
    cr_expect_eq(ids[0], 1);
    cr_expect_eq(st, AWSORCH_E_PARSE, "the garbled page fails");
    cr_expect_str_eq(awsorch_error_last()->service_code, "");
    cr_assert_eq(read_history(it, ids, 8, &st), 2, "the retry reads the second page");
    cr_expect_eq(st, AWSORCH_OK);
    cr_expect_eq(ids[0], 2);
    cr_expect_eq(ids[1], 3);
    awsorch_sfn_history_iter_free(it);
    cr_expect_eq(mock_count(server), 3);
    json_t *retry = sent("GetExecutionHistory");
    cr_expect_str_eq(member_text(retry, "nextToken"), "h-2", "the retry asks for the same page");
    json_decref(retry);
}

Test(sfn_typed, a_page_that_is_not_json_fails_rather_than_ending_the_list)
{
    awsorch_sfn_history_iter *it = history_of("arn:exec:text");
    int64_t ids[8] = {0};
    awsorch_status st = AWSORCH_OK;
    cr_assert_eq(read_history(it, ids, 8, &st), 1);
    cr_expect_eq(st, AWSORCH_E_PARSE);
    for (int retry = 0; retry < 2; retry++) {
        cr_expect_eq(read_history(it, ids, 8, &st), 0);
        cr_expect_eq(st, AWSORCH_E_PARSE, "still failing, not the end of the list");
    }
    awsorch_sfn_history_iter_free(it);
    json_t *last = sent("GetExecutionHistory");
    cr_expect_str_eq(member_text(last, "nextToken"), "h-2");
    json_decref(last);
}

Test(sfn_typed, pages_that_go_nowhere_fail_without_a_service_code)
{
    awsorch_sfn_history_iter *it = history_of("arn:exec:loop");
    int64_t ids[8] = {0};
    awsorch_status st = AWSORCH_OK;
    cr_assert_eq(read_history(it, ids, 8, &st), 1);
    cr_expect_eq(st, AWSORCH_E_PARSE, "the same token twice");
    cr_expect(strstr(last_message(), "nextToken") != NULL, "%s", last_message());
    cr_expect_str_eq(awsorch_error_last()->service_code, "");
    cr_expect_eq(awsorch_error_last()->http_status, 0);
    cr_expect_eq(read_history(it, ids, 8, &st), 0);
    cr_expect_eq(st, AWSORCH_E_PARSE, "a retry fails again rather than ending the list");
    awsorch_sfn_history_iter_free(it);

    it = history_of("arn:exec:empty");
    cr_expect_eq(read_history(it, ids, 8, &st), 0);
    cr_expect_eq(st, AWSORCH_E_PARSE, "%s", last_message());
    cr_expect(strstr(last_message(), "empty pages") != NULL, "%s", last_message());
    cr_expect_str_eq(awsorch_error_last()->service_code, "");
    cr_expect_eq(awsorch_error_last()->http_status, 0);
    awsorch_sfn_history_iter_free(it);
}

Test(sfn_typed, activities)
{
    const awsorch_sfn_tag tags[] = {{"team", "data"}};
    awsorch_sfn_create_activity_input cin = AWSORCH_SFN_CREATE_ACTIVITY_INPUT_INIT;
    cin.name = "resize";
    cin.tags = tags;
    cin.tag_count = 1;
    awsorch_sfn_activity *act = NULL;
    cr_assert_eq(awsorch_sfn_create_activity(&act, client, &cin), AWSORCH_OK, "%s", last_message());
    cr_expect_str_eq(act->activity_arn, "arn:act");
    cr_expect_str_eq(act->name, "resize");
    cr_expect_float_eq(act->creation_date, 1764727200, 1e-9);
    awsorch_sfn_activity_free(act);
    json_t *body = sent("CreateActivity");
    json_t *want = json_loads("{\"name\":\"resize\",\"tags\":[{\"key\":\"team\",\"value\":"
                              "\"data\"}]}",
                              0, NULL);
    cr_expect(json_equal(body, want), "CreateActivity sent %s",
              json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS));
    json_decref(want);
    json_decref(body);

    awsorch_sfn_activity_task *task = NULL;
    cr_assert_eq(awsorch_sfn_get_activity_task(&task, client, "arn:act", "worker-1"), AWSORCH_OK);
    cr_assert_not_null(task);
    cr_expect_str_eq(task->task_token, "tok-1");
    cr_expect_str_eq(task->input, "{\"n\":1}");
    awsorch_sfn_activity_task_free(task);
    body = sent("GetActivityTask");
    cr_expect_str_eq(member_text(body, "workerName"), "worker-1");
    json_decref(body);
    cr_assert_eq(awsorch_sfn_get_activity_task(&task, client, "arn:act:idle", NULL), AWSORCH_OK);
    cr_expect_null(task, "a poll without a task gives no task");

    cr_assert_eq(awsorch_sfn_send_task_success(client, "tok-1", "{\"done\":true}"), AWSORCH_OK);
    body = sent("SendTaskSuccess");
    cr_expect_str_eq(member_text(body, "taskToken"), "tok-1");
    cr_expect_str_eq(member_text(body, "output"), "{\"done\":true}");
    json_decref(body);
    cr_assert_eq(awsorch_sfn_send_task_failure(client, "tok-2", "Resize.Failed", NULL), AWSORCH_OK);
    body = sent("SendTaskFailure");
    cr_expect_str_eq(member_text(body, "error"), "Resize.Failed");
    cr_expect_null(json_object_get(body, "cause"));
    json_decref(body);
    cr_assert_eq(awsorch_sfn_send_task_heartbeat(client, "tok-3"), AWSORCH_OK);
    body = sent("SendTaskHeartbeat");
    cr_expect_str_eq(member_text(body, "taskToken"), "tok-3");
    json_decref(body);
    cr_assert_eq(awsorch_sfn_delete_activity(client, "arn:act"), AWSORCH_OK);
    body = sent("DeleteActivity");
    cr_expect_str_eq(member_text(body, "activityArn"), "arn:act");
    json_decref(body);
    cr_expect_eq(awsorch_sfn_send_task_success(client, NULL, "{}"), AWSORCH_E_INVALID_ARG);
}

/* Failures leave no output behind and hold nothing (ASan's leak check runs in CI). */
Test(sfn_typed, failures_free_everything)
{
    awsorch_sfn_execution stale;
    awsorch_sfn_execution *e = &stale; /* a failed call sets it to NULL */
    cr_expect_eq(awsorch_sfn_describe_execution(&e, client, "arn:missing"), AWSORCH_E_SERVICE);
    cr_expect_null(e);
    cr_expect_str_eq(awsorch_error_last()->service_code, "ExecutionDoesNotExist");
    cr_expect_eq(awsorch_sfn_describe_execution(&e, client, "arn:garbled"), AWSORCH_E_PARSE);
    cr_expect_null(e);

    /* A page fails after items were handed out: they stay the iterator's, freed with it. */
    awsorch_sfn_list_executions_input in = AWSORCH_SFN_LIST_EXECUTIONS_INPUT_INIT;
    in.state_machine_arn = "arn:sm:broken";
    awsorch_sfn_executions_iter *it = NULL;
    cr_assert_eq(awsorch_sfn_executions_iter_new(&it, client, &in), AWSORCH_OK);
    const awsorch_sfn_execution_item *ex = NULL;
    cr_expect_eq(awsorch_sfn_executions_iter_next(&ex, it), AWSORCH_OK);
    cr_expect_eq(awsorch_sfn_executions_iter_next(&ex, it), AWSORCH_OK);
    cr_expect_str_eq(ex->execution_arn, "arn:exec:2");
    cr_expect_eq(awsorch_sfn_executions_iter_next(&ex, it), AWSORCH_E_SERVICE);
    cr_expect_null(ex);
    cr_expect_str_eq(awsorch_error_last()->service_code, "StateMachineDoesNotExist");
    cr_expect_eq(awsorch_sfn_executions_iter_next(&ex, it), AWSORCH_E_SERVICE, "retries the page");
    awsorch_sfn_executions_iter_free(it);

    /* Bad inputs are refused before anything is sent, naming what is wrong. */
    size_t requests = mock_count(server);
    awsorch_sfn_create_state_machine_input cin = AWSORCH_SFN_CREATE_STATE_MACHINE_INPUT_INIT;
    cin.name = "etl";
    cin.definition = "{}";
    cin.role_arn = "arn:role";
    cin.logging_configuration_json = "{\"level\":";
    awsorch_sfn_created_state_machine *created = NULL;
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect(strstr(last_message(), "loggingConfiguration") != NULL, "%s", last_message());
    cin.logging_configuration_json = "{\"loudness\":11}";
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect(strstr(last_message(), "loudness") != NULL, "%s", last_message());
    cin.logging_configuration_json = NULL;
    cin.tag_count = 2;
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cin.tag_count = 0;
    cin.type = (awsorch_sfn_state_machine_type)7;
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect(strstr(last_message(), "type") != NULL, "%s", last_message());
    cin.type = AWSORCH_SFN_TYPE_STANDARD;
    cin.name = NULL;
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect(strstr(last_message(), "name") != NULL, "%s", last_message());
    cin.name = "etl";
    cin.version = 0;
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, client, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect_null(created);
    cr_expect_eq(awsorch_sfn_create_state_machine(&created, NULL, &cin), AWSORCH_E_INVALID_ARG);
    cr_expect_eq(awsorch_sfn_create_state_machine(NULL, client, &cin), AWSORCH_E_INVALID_ARG);
    awsorch_sfn_history_iter *hist = NULL;
    cr_expect_eq(awsorch_sfn_history_iter_new(&hist, NULL, NULL), AWSORCH_E_INVALID_ARG);
    cr_expect_null(hist);
    cr_expect_eq(mock_count(server), requests, "nothing was sent");

    /* Free calls take NULL. */
    awsorch_sfn_state_machine_free(NULL);
    awsorch_sfn_validation_free(NULL);
    awsorch_sfn_history_iter_free(NULL);
    awsorch_sfn_activity_task_free(NULL);
}
