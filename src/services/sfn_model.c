/* AWS Step Functions, declared once (awsJson 1.0): the wire binding, the JSON
 * form and the CLI flags of every operation come from these tables. */
#include "awsorch/sfn.h"
#include "declare.h"

static const char *const status_v[] = {"RUNNING", "SUCCEEDED",       "FAILED", "TIMED_OUT",
                                       "ABORTED", "PENDING_REDRIVE", NULL};
static const awsorch_shape exec_status = {AWSORCH_STRING, NULL, 0, NULL, status_v};
static const char *const type_v[] = {"STANDARD", "EXPRESS", NULL};
static const awsorch_shape sm_type = {AWSORCH_STRING, NULL, 0, NULL, type_v};
static const char *const included_v[] = {"ALL_DATA", "METADATA_ONLY", NULL};
static const awsorch_shape included = {AWSORCH_STRING, NULL, 0, NULL, included_v};
static const char *const redrive_filter_v[] = {"REDRIVEN", "NOT_REDRIVEN", NULL};
static const awsorch_shape redrive_filter = {AWSORCH_STRING, NULL, 0, NULL, redrive_filter_v};

static const awsorch_member tag_m[] = {M("key", str, 0), M("value", str, 0)};
STRUCT(tag, tag_m);
LIST(tags, tag);
static const awsorch_member log_group_m[] = {M("logGroupArn", str, 0)};
STRUCT(log_group, log_group_m);
static const awsorch_member destination_m[] = {M("cloudWatchLogsLogGroup", log_group, 0)};
STRUCT(destination, destination_m);
LIST(destinations, destination);
static const awsorch_member logging_m[] = {
    M("level", str, 0), M("includeExecutionData", boolean, 0), M("destinations", destinations, 0)};
STRUCT(logging, logging_m);
static const awsorch_member tracing_m[] = {M("enabled", boolean, 0)};
STRUCT(tracing, tracing_m);
static const awsorch_member details_m[] = {M("included", boolean, 0)};
STRUCT(data_details, details_m);
static const awsorch_member billing_m[] = {M("billedMemoryUsedInMB", along, 0),
                                           M("billedDurationInMilliseconds", along, 0)};
STRUCT(billing, billing_m);

/* ---- state machines ---------------------------------------------------------- */

static const awsorch_member create_sm_in_m[] = {
    M("name", str, AWSORCH_REQUIRED),      M("definition", str, AWSORCH_REQUIRED),
    M("roleArn", str, AWSORCH_REQUIRED),   M("type", sm_type, 0),
    M("loggingConfiguration", logging, 0), M("tags", tags, 0),
    M("tracingConfiguration", tracing, 0), M("publish", boolean, 0),
    M("versionDescription", str, 0)};
STRUCT(create_sm_in, create_sm_in_m);
static const awsorch_member create_sm_out_m[] = {
    M("stateMachineArn", str, 0), M("creationDate", ts, 0), M("stateMachineVersionArn", str, 0)};
STRUCT(create_sm_out, create_sm_out_m);

static const awsorch_member update_sm_in_m[] = {M("stateMachineArn", str, AWSORCH_REQUIRED),
                                                M("definition", str, 0),
                                                M("roleArn", str, 0),
                                                M("loggingConfiguration", logging, 0),
                                                M("tracingConfiguration", tracing, 0),
                                                M("publish", boolean, 0),
                                                M("versionDescription", str, 0)};
STRUCT(update_sm_in, update_sm_in_m);
static const awsorch_member update_sm_out_m[] = {M("updateDate", ts, 0), M("revisionId", str, 0),
                                                 M("stateMachineVersionArn", str, 0)};
STRUCT(update_sm_out, update_sm_out_m);

static const awsorch_member sm_arn_in_m[] = {M("stateMachineArn", str, AWSORCH_REQUIRED),
                                             M("includedData", included, 0)};
STRUCT(describe_sm_in, sm_arn_in_m);
static const awsorch_member describe_sm_out_m[] = {M("stateMachineArn", str, 0),
                                                   M("name", str, 0),
                                                   M("status", str, 0),
                                                   M("definition", str, 0),
                                                   M("roleArn", str, 0),
                                                   M("type", str, 0),
                                                   M("creationDate", ts, 0),
                                                   M("loggingConfiguration", logging, 0),
                                                   M("tracingConfiguration", tracing, 0),
                                                   M("label", str, 0),
                                                   M("revisionId", str, 0),
                                                   M("description", str, 0)};
STRUCT(describe_sm_out, describe_sm_out_m);

static const awsorch_member delete_sm_in_m[] = {M("stateMachineArn", str, AWSORCH_REQUIRED)};
STRUCT(delete_sm_in, delete_sm_in_m);

static const awsorch_member page_in_m[] = {M("maxResults", integer, 0), M("nextToken", str, 0)};
STRUCT(page_in, page_in_m);
static const awsorch_member sm_item_m[] = {M("stateMachineArn", str, 0), M("name", str, 0),
                                           M("type", str, 0), M("creationDate", ts, 0)};
STRUCT(sm_item, sm_item_m);
LIST(sm_items, sm_item);
static const awsorch_member list_sm_out_m[] = {M("stateMachines", sm_items, 0),
                                               M("nextToken", str, 0)};
STRUCT(list_sm_out, list_sm_out_m);

static const awsorch_member validate_in_m[] = {M("definition", str, AWSORCH_REQUIRED),
                                               M("type", sm_type, 0), M("severity", str, 0),
                                               M("maxResults", integer, 0)};
STRUCT(validate_in, validate_in_m);
static const awsorch_member diagnostic_m[] = {M("severity", str, 0), M("code", str, 0),
                                              M("message", str, 0), M("location", str, 0)};
STRUCT(diagnostic, diagnostic_m);
LIST(diagnostics, diagnostic);
static const awsorch_member validate_out_m[] = {
    M("result", str, 0), M("diagnostics", diagnostics, 0), M("truncated", boolean, 0)};
STRUCT(validate_out, validate_out_m);

/* ---- executions ------------------------------------------------------------------ */

/* `name` is sent only when given, as the AWS CLI does; the typed call
 * (awsorch_sfn_start_execution) names an unnamed execution itself so that its
 * retries cannot start the work twice. */
static const awsorch_member start_in_m[] = {M("stateMachineArn", str, AWSORCH_REQUIRED),
                                            M("name", str, 0), M("input", str, 0),
                                            M("traceHeader", str, 0)};
STRUCT(start_in, start_in_m);
static const awsorch_member start_out_m[] = {M("executionArn", str, 0), M("startDate", ts, 0)};
STRUCT(start_out, start_out_m);

static const awsorch_member start_sync_in_m[] = {
    M("stateMachineArn", str, AWSORCH_REQUIRED), M("name", str, 0), M("input", str, 0),
    M("traceHeader", str, 0), M("includedData", included, 0)};
STRUCT(start_sync_in, start_sync_in_m);
static const awsorch_member start_sync_out_m[] = {
    M("executionArn", str, 0), M("stateMachineArn", str, 0),
    M("name", str, 0),         M("startDate", ts, 0),
    M("stopDate", ts, 0),      M("status", str, 0),
    M("error", str, 0),        M("cause", str, 0),
    M("input", str, 0),        M("inputDetails", data_details, 0),
    M("output", str, 0),       M("outputDetails", data_details, 0),
    M("traceHeader", str, 0),  M("billingDetails", billing, 0)};
STRUCT(start_sync_out, start_sync_out_m);

static const awsorch_member exec_arn_in_m[] = {M("executionArn", str, AWSORCH_REQUIRED),
                                               M("includedData", included, 0)};
STRUCT(exec_arn_in, exec_arn_in_m);
static const awsorch_member describe_exec_out_m[] = {M("executionArn", str, 0),
                                                     M("stateMachineArn", str, 0),
                                                     M("name", str, 0),
                                                     M("status", exec_status, 0),
                                                     M("startDate", ts, 0),
                                                     M("stopDate", ts, 0),
                                                     M("input", str, 0),
                                                     M("inputDetails", data_details, 0),
                                                     M("output", str, 0),
                                                     M("outputDetails", data_details, 0),
                                                     M("traceHeader", str, 0),
                                                     M("mapRunArn", str, 0),
                                                     M("error", str, 0),
                                                     M("cause", str, 0),
                                                     M("stateMachineVersionArn", str, 0),
                                                     M("stateMachineAliasArn", str, 0),
                                                     M("redriveCount", integer, 0),
                                                     M("redriveDate", ts, 0),
                                                     M("redriveStatus", str, 0),
                                                     M("redriveStatusReason", str, 0)};
STRUCT(describe_exec_out, describe_exec_out_m);

static const awsorch_member stop_in_m[] = {M("executionArn", str, AWSORCH_REQUIRED),
                                           M("error", str, 0), M("cause", str, 0)};
STRUCT(stop_in, stop_in_m);
static const awsorch_member stop_out_m[] = {M("stopDate", ts, 0)};
STRUCT(stop_out, stop_out_m);

static const awsorch_member list_exec_in_m[] = {
    M("stateMachineArn", str, 0), M("statusFilter", exec_status, 0),
    M("maxResults", integer, 0),  M("nextToken", str, 0),
    M("mapRunArn", str, 0),       M("redriveFilter", redrive_filter, 0)};
STRUCT(list_exec_in, list_exec_in_m);
static const awsorch_member exec_item_m[] = {M("executionArn", str, 0),
                                             M("stateMachineArn", str, 0),
                                             M("name", str, 0),
                                             M("status", str, 0),
                                             M("startDate", ts, 0),
                                             M("stopDate", ts, 0),
                                             M("mapRunArn", str, 0),
                                             M("itemCount", integer, 0),
                                             M("stateMachineVersionArn", str, 0),
                                             M("stateMachineAliasArn", str, 0),
                                             M("redriveCount", integer, 0),
                                             M("redriveDate", ts, 0)};
STRUCT(exec_item, exec_item_m);
LIST(exec_items, exec_item);
static const awsorch_member list_exec_out_m[] = {M("executions", exec_items, 0),
                                                 M("nextToken", str, 0)};
STRUCT(list_exec_out, list_exec_out_m);

static const awsorch_member history_in_m[] = {
    M("executionArn", str, AWSORCH_REQUIRED), M("maxResults", integer, 0),
    M("reverseOrder", boolean, 0), M("nextToken", str, 0), M("includeExecutionData", boolean, 0)};
STRUCT(history_in, history_in_m);
/* Event details are kept as they come (the parser keeps undeclared members);
 * only what needs converting is declared. */
static const awsorch_member event_m[] = {M("timestamp", ts, 0), M("type", str, 0),
                                         M("id", along, 0), M("previousEventId", along, 0)};
STRUCT(event, event_m);
LIST(events, event);
static const awsorch_member history_out_m[] = {M("events", events, 0), M("nextToken", str, 0)};
STRUCT(history_out, history_out_m);

static const awsorch_member redrive_in_m[] = {M("executionArn", str, AWSORCH_REQUIRED),
                                              M("clientToken", str, AWSORCH_IDEMPOTENCY_TOKEN)};
STRUCT(redrive_in, redrive_in_m);
static const awsorch_member redrive_out_m[] = {M("redriveDate", ts, 0)};
STRUCT(redrive_out, redrive_out_m);

static const awsorch_member sm_for_exec_out_m[] = {M("stateMachineArn", str, 0),
                                                   M("name", str, 0),
                                                   M("definition", str, 0),
                                                   M("roleArn", str, 0),
                                                   M("updateDate", ts, 0),
                                                   M("loggingConfiguration", logging, 0),
                                                   M("tracingConfiguration", tracing, 0),
                                                   M("mapRunArn", str, 0),
                                                   M("label", str, 0),
                                                   M("revisionId", str, 0)};
STRUCT(sm_for_exec_out, sm_for_exec_out_m);

/* ---- activities ------------------------------------------------------------------ */

static const awsorch_member create_act_in_m[] = {M("name", str, AWSORCH_REQUIRED),
                                                 M("tags", tags, 0)};
STRUCT(create_act_in, create_act_in_m);
static const awsorch_member create_act_out_m[] = {M("activityArn", str, 0),
                                                  M("creationDate", ts, 0)};
STRUCT(create_act_out, create_act_out_m);
static const awsorch_member act_arn_in_m[] = {M("activityArn", str, AWSORCH_REQUIRED)};
STRUCT(act_arn_in, act_arn_in_m);
static const awsorch_member act_item_m[] = {M("activityArn", str, 0), M("name", str, 0),
                                            M("creationDate", ts, 0)};
STRUCT(act_item, act_item_m);
LIST(act_items, act_item);
static const awsorch_member list_act_out_m[] = {M("activities", act_items, 0),
                                                M("nextToken", str, 0)};
STRUCT(list_act_out, list_act_out_m);
static const awsorch_member get_task_in_m[] = {M("activityArn", str, AWSORCH_REQUIRED),
                                               M("workerName", str, 0)};
STRUCT(get_task_in, get_task_in_m);
static const awsorch_member get_task_out_m[] = {M("taskToken", str, 0), M("input", str, 0)};
STRUCT(get_task_out, get_task_out_m);
static const awsorch_member success_in_m[] = {M("taskToken", str, AWSORCH_REQUIRED),
                                              M("output", str, AWSORCH_REQUIRED)};
STRUCT(success_in, success_in_m);
static const awsorch_member failure_in_m[] = {M("taskToken", str, AWSORCH_REQUIRED),
                                              M("error", str, 0), M("cause", str, 0)};
STRUCT(failure_in, failure_in_m);
static const awsorch_member heartbeat_in_m[] = {M("taskToken", str, AWSORCH_REQUIRED)};
STRUCT(heartbeat_in, heartbeat_in_m);

const awsorch_service_model awsorch_sfn_model = {{"states", "states", "SFN"},
                                                 "stepfunctions",
                                                 AWSORCH_AWS_JSON_1_0,
                                                 "AWSStepFunctions",
                                                 NULL,
                                                 NULL};

#define OP(name, in, out)                                                                          \
    {                                                                                              \
        (name), "POST", "/", (in), (out), NULL, false, NULL                                        \
    }

const awsorch_operation awsorch_sfn_operations[] = {
    OP("CreateActivity", &create_act_in, &create_act_out),
    OP("CreateStateMachine", &create_sm_in, &create_sm_out),
    OP("DeleteActivity", &act_arn_in, NULL),
    OP("DeleteStateMachine", &delete_sm_in, NULL),
    OP("DescribeExecution", &exec_arn_in, &describe_exec_out),
    OP("DescribeStateMachine", &describe_sm_in, &describe_sm_out),
    OP("DescribeStateMachineForExecution", &exec_arn_in, &sm_for_exec_out),
    /* The task is held up to 60 s: a long poll, read with a longer timeout. */
    {"GetActivityTask", "POST", "/", &get_task_in, &get_task_out, NULL, true, NULL},
    OP("GetExecutionHistory", &history_in, &history_out),
    OP("ListActivities", &page_in, &list_act_out),
    OP("ListExecutions", &list_exec_in, &list_exec_out),
    OP("ListStateMachines", &page_in, &list_sm_out),
    OP("RedriveExecution", &redrive_in, &redrive_out),
    OP("SendTaskFailure", &failure_in, NULL),
    OP("SendTaskHeartbeat", &heartbeat_in, NULL),
    OP("SendTaskSuccess", &success_in, NULL),
    OP("StartExecution", &start_in, &start_out),
    /* Express workflows run synchronously on the sync-states endpoint. */
    {"StartSyncExecution", "POST", "/", &start_sync_in, &start_sync_out, "sync-", false, NULL},
    OP("StopExecution", &stop_in, &stop_out),
    OP("UpdateStateMachine", &update_sm_in, &update_sm_out),
    OP("ValidateStateMachineDefinition", &validate_in, &validate_out),
};

const size_t awsorch_sfn_operation_count =
    sizeof(awsorch_sfn_operations) / sizeof(awsorch_sfn_operations[0]);

static const char *const execution_success[] = {"SUCCEEDED", NULL};
static const char *const execution_failure[] = {"FAILED", "TIMED_OUT", "ABORTED", NULL};

const awsorch_waiter awsorch_sfn_waiters[] = {
    {"execution-complete",
     "DescribeExecution",
     "status",
     execution_success,
     execution_failure,
     {"error", "cause", NULL},
     5.0,
     "StartExecution",
     "executionArn",
     NULL,
     NULL,
     NULL,
     NULL},
};

const size_t awsorch_sfn_waiter_count =
    sizeof(awsorch_sfn_waiters) / sizeof(awsorch_sfn_waiters[0]);

const awsorch_paginator_spec awsorch_sfn_paginators[] = {
    {"GetExecutionHistory", "nextToken", "nextToken", "events"},
    {"ListActivities", "nextToken", "nextToken", "activities"},
    {"ListExecutions", "nextToken", "nextToken", "executions"},
    {"ListStateMachines", "nextToken", "nextToken", "stateMachines"},
};

const size_t awsorch_sfn_paginator_count =
    sizeof(awsorch_sfn_paginators) / sizeof(awsorch_sfn_paginators[0]);
