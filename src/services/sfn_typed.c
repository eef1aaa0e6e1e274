/* Typed Step Functions calls. Each operation is its name and two field tables
 * over the structs of awsorch/sfn.h; sfn_typed_table.c does the rest, and the
 * tests check every table against the model in sfn_model.c. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsorch/sfn.h"
#include "core/internal.h"
#include "sfn_internal.h"
#include "sfn_typed_table.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- field declarations -------------------------------------------------------
 * Each macro names the JSON member and the C member of TYPE (defined around each
 * table). A C member whose type does not fit the kind stops the build with "size
 * of unnamed array is negative", so a table cannot disagree with its struct. */

/* ctype is a type name, which parentheses would break. */
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define IS(f, ctype) _Generic(((TYPE *)0)->f, ctype : 1, default : 0)
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define IS_POINTER_TO(f, ctype) (IS(f, ctype *) || IS(f, const ctype *))
#define IS_TEXT(f) _Generic(((TYPE *)0)->f, char * : 1, const char * : 1, default : 0)
#define AT(f, fits) (offsetof(TYPE, f) + 0 * sizeof(char[(fits) ? 1 : -1]))

#define F_STR(path, f)                                                                             \
    {                                                                                              \
        (path), AWSORCH__STR, AT(f, IS_TEXT(f)), NULL, 0, NULL, 0                                  \
    }
#define F_JSON(path, f)                                                                            \
    {                                                                                              \
        (path), AWSORCH__JSON, AT(f, IS_TEXT(f)), NULL, 0, NULL, 0                                 \
    }
#define F_TIME(path, f)                                                                            \
    {                                                                                              \
        (path), AWSORCH__TIME, AT(f, IS(f, double)), NULL, 0, NULL, 0                              \
    }
#define F_I64(path, f)                                                                             \
    {                                                                                              \
        (path), AWSORCH__I64, AT(f, IS(f, int64_t)), NULL, 0, NULL, 0                              \
    }
#define F_INT(path, f)                                                                             \
    {                                                                                              \
        (path), AWSORCH__INT, AT(f, IS(f, int)), NULL, 0, NULL, 0                                  \
    }
#define F_BOOL(path, f)                                                                            \
    {                                                                                              \
        (path), AWSORCH__BOOL, AT(f, IS(f, bool)), NULL, 0, NULL, 0                                \
    }
#define F_FLAG(path, f)                                                                            \
    {                                                                                              \
        (path), AWSORCH__FLAG,                                                                     \
            AT(f, IS(f, awsorch_sfn_flag) && sizeof(awsorch_sfn_flag) == sizeof(int)), NULL, 0,    \
            NULL, 0                                                                                \
    }
/* ctype is the enum; names its wire names, indexed by value. */
#define F_ENUM(path, f, ctype, names)                                                              \
    {                                                                                              \
        (path), AWSORCH__ENUM, AT(f, IS(f, ctype) && sizeof(ctype) == sizeof(int)), (names),       \
            COUNT(names), NULL, 0                                                                  \
    }
/* f points at count elements of ctype, read and filled by table. */
#define F_LIST(path, f, count, ctype, table)                                                       \
    {                                                                                              \
        (path), AWSORCH__LIST, AT(f, IS_POINTER_TO(f, ctype)), NULL, 0, &(table),                  \
            AT(count, IS(count, size_t))                                                           \
    }
#define TABLE(var, fields) static const awsorch__table var = {(fields), COUNT(fields), sizeof(TYPE)}

/* ---- wire names of the enums ------------------------------------------------------ */

static const char *const execution_status_names[] = {
    [AWSORCH_SFN_EXECUTION_RUNNING] = "RUNNING",
    [AWSORCH_SFN_EXECUTION_SUCCEEDED] = "SUCCEEDED",
    [AWSORCH_SFN_EXECUTION_FAILED] = "FAILED",
    [AWSORCH_SFN_EXECUTION_TIMED_OUT] = "TIMED_OUT",
    [AWSORCH_SFN_EXECUTION_ABORTED] = "ABORTED",
    [AWSORCH_SFN_EXECUTION_PENDING_REDRIVE] = "PENDING_REDRIVE",
};
static const char *const type_names[] = {
    [AWSORCH_SFN_TYPE_STANDARD] = "STANDARD",
    [AWSORCH_SFN_TYPE_EXPRESS] = "EXPRESS",
};
static const char *const state_machine_status_names[] = {
    [AWSORCH_SFN_STATE_MACHINE_ACTIVE] = "ACTIVE",
    [AWSORCH_SFN_STATE_MACHINE_DELETING] = "DELETING",
};
static const char *const sync_status_names[] = {
    [AWSORCH_SFN_SYNC_SUCCEEDED] = "SUCCEEDED",
    [AWSORCH_SFN_SYNC_FAILED] = "FAILED",
    [AWSORCH_SFN_SYNC_TIMED_OUT] = "TIMED_OUT",
};
static const char *const redrive_status_names[] = {
    [AWSORCH_SFN_REDRIVE_REDRIVABLE] = "REDRIVABLE",
    [AWSORCH_SFN_REDRIVE_NOT_REDRIVABLE] = "NOT_REDRIVABLE",
    [AWSORCH_SFN_REDRIVE_REDRIVABLE_BY_MAP_RUN] = "REDRIVABLE_BY_MAP_RUN",
};
static const char *const redrive_filter_names[] = {
    [AWSORCH_SFN_FILTER_REDRIVEN] = "REDRIVEN",
    [AWSORCH_SFN_FILTER_NOT_REDRIVEN] = "NOT_REDRIVEN",
};
static const char *const included_data_names[] = {
    [AWSORCH_SFN_INCLUDED_ALL_DATA] = "ALL_DATA",
    [AWSORCH_SFN_INCLUDED_METADATA_ONLY] = "METADATA_ONLY",
};
static const char *const validation_result_names[] = {
    [AWSORCH_SFN_VALIDATION_OK] = "OK",
    [AWSORCH_SFN_VALIDATION_FAIL] = "FAIL",
};
static const char *const severity_names[] = {
    [AWSORCH_SFN_SEVERITY_ERROR] = "ERROR",
    [AWSORCH_SFN_SEVERITY_WARNING] = "WARNING",
};
static const char *const event_type_names[] = {
    [AWSORCH_SFN_EVENT_ACTIVITY_FAILED] = "ActivityFailed",
    [AWSORCH_SFN_EVENT_ACTIVITY_SCHEDULED] = "ActivityScheduled",
    [AWSORCH_SFN_EVENT_ACTIVITY_SCHEDULE_FAILED] = "ActivityScheduleFailed",
    [AWSORCH_SFN_EVENT_ACTIVITY_STARTED] = "ActivityStarted",
    [AWSORCH_SFN_EVENT_ACTIVITY_SUCCEEDED] = "ActivitySucceeded",
    [AWSORCH_SFN_EVENT_ACTIVITY_TIMED_OUT] = "ActivityTimedOut",
    [AWSORCH_SFN_EVENT_CHOICE_STATE_ENTERED] = "ChoiceStateEntered",
    [AWSORCH_SFN_EVENT_CHOICE_STATE_EXITED] = "ChoiceStateExited",
    [AWSORCH_SFN_EVENT_EXECUTION_ABORTED] = "ExecutionAborted",
    [AWSORCH_SFN_EVENT_EXECUTION_FAILED] = "ExecutionFailed",
    [AWSORCH_SFN_EVENT_EXECUTION_STARTED] = "ExecutionStarted",
    [AWSORCH_SFN_EVENT_EXECUTION_SUCCEEDED] = "ExecutionSucceeded",
    [AWSORCH_SFN_EVENT_EXECUTION_TIMED_OUT] = "ExecutionTimedOut",
    [AWSORCH_SFN_EVENT_FAIL_STATE_ENTERED] = "FailStateEntered",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_FAILED] = "LambdaFunctionFailed",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SCHEDULED] = "LambdaFunctionScheduled",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SCHEDULE_FAILED] = "LambdaFunctionScheduleFailed",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_STARTED] = "LambdaFunctionStarted",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_START_FAILED] = "LambdaFunctionStartFailed",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SUCCEEDED] = "LambdaFunctionSucceeded",
    [AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_TIMED_OUT] = "LambdaFunctionTimedOut",
    [AWSORCH_SFN_EVENT_MAP_ITERATION_ABORTED] = "MapIterationAborted",
    [AWSORCH_SFN_EVENT_MAP_ITERATION_FAILED] = "MapIterationFailed",
    [AWSORCH_SFN_EVENT_MAP_ITERATION_STARTED] = "MapIterationStarted",
    [AWSORCH_SFN_EVENT_MAP_ITERATION_SUCCEEDED] = "MapIterationSucceeded",
    [AWSORCH_SFN_EVENT_MAP_STATE_ABORTED] = "MapStateAborted",
    [AWSORCH_SFN_EVENT_MAP_STATE_ENTERED] = "MapStateEntered",
    [AWSORCH_SFN_EVENT_MAP_STATE_EXITED] = "MapStateExited",
    [AWSORCH_SFN_EVENT_MAP_STATE_FAILED] = "MapStateFailed",
    [AWSORCH_SFN_EVENT_MAP_STATE_STARTED] = "MapStateStarted",
    [AWSORCH_SFN_EVENT_MAP_STATE_SUCCEEDED] = "MapStateSucceeded",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_ABORTED] = "ParallelStateAborted",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_ENTERED] = "ParallelStateEntered",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_EXITED] = "ParallelStateExited",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_FAILED] = "ParallelStateFailed",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_STARTED] = "ParallelStateStarted",
    [AWSORCH_SFN_EVENT_PARALLEL_STATE_SUCCEEDED] = "ParallelStateSucceeded",
    [AWSORCH_SFN_EVENT_PASS_STATE_ENTERED] = "PassStateEntered",
    [AWSORCH_SFN_EVENT_PASS_STATE_EXITED] = "PassStateExited",
    [AWSORCH_SFN_EVENT_SUCCEED_STATE_ENTERED] = "SucceedStateEntered",
    [AWSORCH_SFN_EVENT_SUCCEED_STATE_EXITED] = "SucceedStateExited",
    [AWSORCH_SFN_EVENT_TASK_FAILED] = "TaskFailed",
    [AWSORCH_SFN_EVENT_TASK_SCHEDULED] = "TaskScheduled",
    [AWSORCH_SFN_EVENT_TASK_START_FAILED] = "TaskStartFailed",
    [AWSORCH_SFN_EVENT_TASK_STARTED] = "TaskStarted",
    [AWSORCH_SFN_EVENT_TASK_STATE_ABORTED] = "TaskStateAborted",
    [AWSORCH_SFN_EVENT_TASK_STATE_ENTERED] = "TaskStateEntered",
    [AWSORCH_SFN_EVENT_TASK_STATE_EXITED] = "TaskStateExited",
    [AWSORCH_SFN_EVENT_TASK_SUBMIT_FAILED] = "TaskSubmitFailed",
    [AWSORCH_SFN_EVENT_TASK_SUBMITTED] = "TaskSubmitted",
    [AWSORCH_SFN_EVENT_TASK_SUCCEEDED] = "TaskSucceeded",
    [AWSORCH_SFN_EVENT_TASK_TIMED_OUT] = "TaskTimedOut",
    [AWSORCH_SFN_EVENT_WAIT_STATE_ABORTED] = "WaitStateAborted",
    [AWSORCH_SFN_EVENT_WAIT_STATE_ENTERED] = "WaitStateEntered",
    [AWSORCH_SFN_EVENT_WAIT_STATE_EXITED] = "WaitStateExited",
    [AWSORCH_SFN_EVENT_MAP_RUN_ABORTED] = "MapRunAborted",
    [AWSORCH_SFN_EVENT_MAP_RUN_FAILED] = "MapRunFailed",
    [AWSORCH_SFN_EVENT_MAP_RUN_STARTED] = "MapRunStarted",
    [AWSORCH_SFN_EVENT_MAP_RUN_SUCCEEDED] = "MapRunSucceeded",
    [AWSORCH_SFN_EVENT_EXECUTION_REDRIVEN] = "ExecutionRedriven",
    [AWSORCH_SFN_EVENT_MAP_RUN_REDRIVEN] = "MapRunRedriven",
    [AWSORCH_SFN_EVENT_EVALUATION_FAILED] = "EvaluationFailed",
};

/* ---- the tables ---------------------------------------------------------------------- */

/* The input of the calls that take their members as arguments. */
typedef struct args {
    unsigned version;
    const char *v[3];
} args;

/* The output of the calls that return only a date. */
typedef struct date_only {
    double date;
} date_only;

#define TYPE args
static const awsorch__field execution_arn_f[] = {F_STR("executionArn", v[0])};
TABLE(execution_arn_t, execution_arn_f);
static const awsorch__field stop_f[] = {F_STR("executionArn", v[0]), F_STR("error", v[1]),
                                        F_STR("cause", v[2])};
TABLE(stop_t, stop_f);
static const awsorch__field state_machine_arn_f[] = {F_STR("stateMachineArn", v[0])};
TABLE(state_machine_arn_t, state_machine_arn_f);
static const awsorch__field activity_arn_f[] = {F_STR("activityArn", v[0])};
TABLE(activity_arn_t, activity_arn_f);
static const awsorch__field get_task_f[] = {F_STR("activityArn", v[0]), F_STR("workerName", v[1])};
TABLE(get_task_t, get_task_f);
static const awsorch__field token_f[] = {F_STR("taskToken", v[0])};
TABLE(token_t, token_f);
static const awsorch__field success_f[] = {F_STR("taskToken", v[0]), F_STR("output", v[1])};
TABLE(success_t, success_f);
static const awsorch__field failure_f[] = {F_STR("taskToken", v[0]), F_STR("error", v[1]),
                                           F_STR("cause", v[2])};
TABLE(failure_t, failure_f);
#undef TYPE

#define TYPE date_only
static const awsorch__field stop_date_f[] = {F_TIME("stopDate", date)};
TABLE(stop_date_t, stop_date_f);
static const awsorch__field redrive_date_f[] = {F_TIME("redriveDate", date)};
TABLE(redrive_date_t, redrive_date_f);
#undef TYPE

#define TYPE awsorch_sfn_tag
static const awsorch__field tag_f[] = {F_STR("key", key), F_STR("value", value)};
TABLE(tag_t, tag_f);
#undef TYPE

/* -- state machines -- */

#define TYPE awsorch_sfn_create_state_machine_input
static const awsorch__field create_sm_in_f[] = {
    F_STR("name", name),
    F_STR("definition", definition),
    F_STR("roleArn", role_arn),
    F_ENUM("type", type, awsorch_sfn_state_machine_type, type_names),
    F_JSON("loggingConfiguration", logging_configuration_json),
    F_LIST("tags", tags, tag_count, awsorch_sfn_tag, tag_t),
    F_FLAG("tracingConfiguration.enabled", tracing_enabled),
    F_FLAG("publish", publish),
    F_STR("versionDescription", version_description),
};
TABLE(create_sm_in_t, create_sm_in_f);
#undef TYPE

#define TYPE awsorch_sfn_created_state_machine
static const awsorch__field created_sm_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_TIME("creationDate", creation_date),
    F_STR("stateMachineVersionArn", state_machine_version_arn),
};
TABLE(created_sm_t, created_sm_f);
#undef TYPE

#define TYPE awsorch_sfn_update_state_machine_input
static const awsorch__field update_sm_in_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("definition", definition),
    F_STR("roleArn", role_arn),
    F_JSON("loggingConfiguration", logging_configuration_json),
    F_FLAG("tracingConfiguration.enabled", tracing_enabled),
    F_FLAG("publish", publish),
    F_STR("versionDescription", version_description),
};
TABLE(update_sm_in_t, update_sm_in_f);
#undef TYPE

#define TYPE awsorch_sfn_updated_state_machine
static const awsorch__field updated_sm_f[] = {
    F_TIME("updateDate", update_date),
    F_STR("revisionId", revision_id),
    F_STR("stateMachineVersionArn", state_machine_version_arn),
};
TABLE(updated_sm_t, updated_sm_f);
#undef TYPE

/* One struct, two replies: each table names only what its operation declares. */
#define TYPE awsorch_sfn_state_machine
static const awsorch__field describe_sm_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_ENUM("status", status, awsorch_sfn_state_machine_status, state_machine_status_names),
    F_STR("status", status_text),
    F_STR("definition", definition),
    F_STR("roleArn", role_arn),
    F_ENUM("type", type, awsorch_sfn_state_machine_type, type_names),
    F_STR("type", type_text),
    F_TIME("creationDate", creation_date),
    F_JSON("loggingConfiguration", logging_configuration_json),
    F_BOOL("tracingConfiguration.enabled", tracing_enabled),
    F_STR("label", label),
    F_STR("revisionId", revision_id),
    F_STR("description", description),
};
TABLE(describe_sm_t, describe_sm_f);
static const awsorch__field sm_for_execution_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_STR("definition", definition),
    F_STR("roleArn", role_arn),
    F_TIME("updateDate", update_date),
    F_JSON("loggingConfiguration", logging_configuration_json),
    F_BOOL("tracingConfiguration.enabled", tracing_enabled),
    F_STR("mapRunArn", map_run_arn),
    F_STR("label", label),
    F_STR("revisionId", revision_id),
};
TABLE(sm_for_execution_t, sm_for_execution_f);
#undef TYPE

#define TYPE awsorch_sfn_list_state_machines_input
static const awsorch__field list_sm_in_f[] = {F_INT("maxResults", max_results)};
TABLE(list_sm_in_t, list_sm_in_f);
#undef TYPE

#define TYPE awsorch_sfn_state_machine_item
static const awsorch__field sm_item_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_ENUM("type", type, awsorch_sfn_state_machine_type, type_names),
    F_STR("type", type_text),
    F_TIME("creationDate", creation_date),
};
TABLE(sm_item_t, sm_item_f);
#undef TYPE

typedef struct sm_page {
    awsorch_sfn_state_machine_item *items;
    size_t count;
} sm_page;

#define TYPE sm_page
static const awsorch__field sm_page_f[] = {
    F_LIST("stateMachines", items, count, awsorch_sfn_state_machine_item, sm_item_t)};
TABLE(sm_page_t, sm_page_f);
#undef TYPE

#define TYPE awsorch_sfn_validate_input
static const awsorch__field validate_in_f[] = {
    F_STR("definition", definition),
    F_ENUM("type", type, awsorch_sfn_state_machine_type, type_names),
    F_ENUM("severity", severity, awsorch_sfn_severity, severity_names),
    F_INT("maxResults", max_results),
};
TABLE(validate_in_t, validate_in_f);
#undef TYPE

#define TYPE awsorch_sfn_diagnostic
static const awsorch__field diagnostic_f[] = {
    F_ENUM("severity", severity, awsorch_sfn_severity, severity_names),
    F_STR("severity", severity_text),
    F_STR("code", code),
    F_STR("message", message),
    F_STR("location", location),
};
TABLE(diagnostic_t, diagnostic_f);
#undef TYPE

#define TYPE awsorch_sfn_validation
static const awsorch__field validation_f[] = {
    F_ENUM("result", result, awsorch_sfn_validation_result, validation_result_names),
    F_STR("result", result_text),
    F_LIST("diagnostics", diagnostics, diagnostic_count, awsorch_sfn_diagnostic, diagnostic_t),
    F_BOOL("truncated", truncated),
};
TABLE(validation_t, validation_f);
#undef TYPE

/* -- executions -- */

#define TYPE awsorch_sfn_start_execution_input
static const awsorch__field start_in_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_STR("input", input),
    F_STR("traceHeader", trace_header),
};
TABLE(start_in_t, start_in_f);
#undef TYPE

#define TYPE awsorch_sfn_started_execution
static const awsorch__field started_f[] = {
    F_STR("executionArn", execution_arn),
    F_TIME("startDate", start_date),
};
TABLE(started_t, started_f);
#undef TYPE

#define TYPE awsorch_sfn_start_sync_execution_input
static const awsorch__field start_sync_in_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_STR("input", input),
    F_STR("traceHeader", trace_header),
    F_ENUM("includedData", included_data, awsorch_sfn_included_data, included_data_names),
};
TABLE(start_sync_in_t, start_sync_in_f);
#undef TYPE

#define TYPE awsorch_sfn_sync_execution
static const awsorch__field sync_f[] = {
    F_STR("executionArn", execution_arn),
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_TIME("startDate", start_date),
    F_TIME("stopDate", stop_date),
    F_ENUM("status", status, awsorch_sfn_sync_status, sync_status_names),
    F_STR("status", status_text),
    F_STR("error", error),
    F_STR("cause", cause),
    F_STR("input", input),
    F_STR("output", output),
    F_STR("traceHeader", trace_header),
    F_I64("billingDetails.billedMemoryUsedInMB", billed_memory_mb),
    F_I64("billingDetails.billedDurationInMilliseconds", billed_duration_ms),
};
TABLE(sync_t, sync_f);
#undef TYPE

#define TYPE awsorch_sfn_execution
static const awsorch__field execution_f[] = {
    F_STR("executionArn", execution_arn),
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_ENUM("status", status, awsorch_sfn_execution_status, execution_status_names),
    F_STR("status", status_text),
    F_TIME("startDate", start_date),
    F_TIME("stopDate", stop_date),
    F_STR("input", input),
    F_STR("output", output),
    F_STR("error", error),
    F_STR("cause", cause),
    F_STR("traceHeader", trace_header),
    F_STR("mapRunArn", map_run_arn),
    F_I64("redriveCount", redrive_count),
    F_TIME("redriveDate", redrive_date),
    F_ENUM("redriveStatus", redrive_status, awsorch_sfn_redrive_status, redrive_status_names),
    F_STR("redriveStatus", redrive_status_text),
    F_STR("redriveStatusReason", redrive_status_reason),
    F_STR("stateMachineVersionArn", state_machine_version_arn),
    F_STR("stateMachineAliasArn", state_machine_alias_arn),
};
TABLE(execution_t, execution_f);
#undef TYPE

#define TYPE awsorch_sfn_list_executions_input
static const awsorch__field list_exec_in_f[] = {
    F_STR("stateMachineArn", state_machine_arn),
    F_ENUM("statusFilter", status_filter, awsorch_sfn_execution_status, execution_status_names),
    F_INT("maxResults", max_results),
    F_STR("mapRunArn", map_run_arn),
    F_ENUM("redriveFilter", redrive_filter, awsorch_sfn_redrive_filter, redrive_filter_names),
};
TABLE(list_exec_in_t, list_exec_in_f);
#undef TYPE

#define TYPE awsorch_sfn_execution_item
static const awsorch__field exec_item_f[] = {
    F_STR("executionArn", execution_arn),
    F_STR("stateMachineArn", state_machine_arn),
    F_STR("name", name),
    F_ENUM("status", status, awsorch_sfn_execution_status, execution_status_names),
    F_STR("status", status_text),
    F_TIME("startDate", start_date),
    F_TIME("stopDate", stop_date),
    F_STR("mapRunArn", map_run_arn),
    F_I64("itemCount", item_count),
    F_STR("stateMachineVersionArn", state_machine_version_arn),
    F_STR("stateMachineAliasArn", state_machine_alias_arn),
    F_I64("redriveCount", redrive_count),
    F_TIME("redriveDate", redrive_date),
};
TABLE(exec_item_t, exec_item_f);
#undef TYPE

typedef struct exec_page {
    awsorch_sfn_execution_item *items;
    size_t count;
} exec_page;

#define TYPE exec_page
static const awsorch__field exec_page_f[] = {
    F_LIST("executions", items, count, awsorch_sfn_execution_item, exec_item_t)};
TABLE(exec_page_t, exec_page_f);
#undef TYPE

#define TYPE awsorch_sfn_history_input
static const awsorch__field history_in_f[] = {
    F_STR("executionArn", execution_arn),
    F_INT("maxResults", max_results),
    F_FLAG("reverseOrder", reverse_order),
    F_FLAG("includeExecutionData", include_execution_data),
};
TABLE(history_in_t, history_in_f);
#undef TYPE

/* The details member differs per event type ("*EventDetails" finds it); where
 * two paths feed one member, the first present wins. */
#define TYPE awsorch_sfn_history_event
static const awsorch__field event_f[] = {
    F_I64("id", id),
    F_I64("previousEventId", previous_event_id),
    F_TIME("timestamp", timestamp),
    F_ENUM("type", type, awsorch_sfn_event_type, event_type_names),
    F_STR("type", type_text),
    F_JSON("*EventDetails", details_json),
    F_STR("*EventDetails.name", state_name),
    F_STR("*EventDetails.state", state_name),
    F_STR("*EventDetails.input", input),
    F_STR("*EventDetails.parameters", input),
    F_STR("*EventDetails.output", output),
    F_STR("*EventDetails.error", error),
    F_STR("*EventDetails.cause", cause),
    F_STR("*EventDetails.resourceType", resource_type),
    F_STR("*EventDetails.resource", resource),
};
TABLE(event_t, event_f);
#undef TYPE

typedef struct event_page {
    awsorch_sfn_history_event *items;
    size_t count;
} event_page;

#define TYPE event_page
static const awsorch__field event_page_f[] = {
    F_LIST("events", items, count, awsorch_sfn_history_event, event_t)};
TABLE(event_page_t, event_page_f);
#undef TYPE

/* -- activities -- */

#define TYPE awsorch_sfn_create_activity_input
static const awsorch__field create_act_in_f[] = {
    F_STR("name", name),
    F_LIST("tags", tags, tag_count, awsorch_sfn_tag, tag_t),
};
TABLE(create_act_in_t, create_act_in_f);
#undef TYPE

#define TYPE awsorch_sfn_activity
static const awsorch__field created_act_f[] = {
    F_STR("activityArn", activity_arn),
    F_TIME("creationDate", creation_date),
};
TABLE(created_act_t, created_act_f);
static const awsorch__field activity_f[] = {
    F_STR("activityArn", activity_arn),
    F_STR("name", name),
    F_TIME("creationDate", creation_date),
};
TABLE(activity_t, activity_f);
#undef TYPE

#define TYPE awsorch_sfn_list_activities_input
static const awsorch__field list_act_in_f[] = {F_INT("maxResults", max_results)};
TABLE(list_act_in_t, list_act_in_f);
#undef TYPE

typedef struct activity_page {
    awsorch_sfn_activity *items;
    size_t count;
} activity_page;

#define TYPE activity_page
static const awsorch__field activity_page_f[] = {
    F_LIST("activities", items, count, awsorch_sfn_activity, activity_t)};
TABLE(activity_page_t, activity_page_f);
#undef TYPE

#define TYPE awsorch_sfn_activity_task
static const awsorch__field task_f[] = {F_STR("taskToken", task_token), F_STR("input", input)};
TABLE(task_t, task_f);
#undef TYPE

/* ---- the operations ------------------------------------------------------------------ */

static const awsorch__typed_service sfn = {&awsorch_sfn_model, awsorch_sfn_operations,
                                           &awsorch_sfn_operation_count, awsorch_sfn_paginators,
                                           &awsorch_sfn_paginator_count};

#define OP(var, name, in, out) static const awsorch__typed_op var = {&sfn, (name), (in), (out)}

OP(create_state_machine, "CreateStateMachine", &create_sm_in_t, &created_sm_t);
OP(update_state_machine, "UpdateStateMachine", &update_sm_in_t, &updated_sm_t);
OP(describe_state_machine, "DescribeStateMachine", &state_machine_arn_t, &describe_sm_t);
OP(delete_state_machine, "DeleteStateMachine", &state_machine_arn_t, NULL);
OP(list_state_machines, "ListStateMachines", &list_sm_in_t, &sm_page_t);
OP(validate_definition, "ValidateStateMachineDefinition", &validate_in_t, &validation_t);
OP(start_execution, "StartExecution", &start_in_t, &started_t);
OP(start_sync_execution, "StartSyncExecution", &start_sync_in_t, &sync_t);
OP(describe_execution, "DescribeExecution", &execution_arn_t, &execution_t);
OP(stop_execution, "StopExecution", &stop_t, &stop_date_t);
OP(list_executions, "ListExecutions", &list_exec_in_t, &exec_page_t);
OP(get_execution_history, "GetExecutionHistory", &history_in_t, &event_page_t);
OP(redrive_execution, "RedriveExecution", &execution_arn_t, &redrive_date_t);
OP(describe_sm_for_execution, "DescribeStateMachineForExecution", &execution_arn_t,
   &sm_for_execution_t);
OP(create_activity, "CreateActivity", &create_act_in_t, &created_act_t);
OP(delete_activity, "DeleteActivity", &activity_arn_t, NULL);
OP(list_activities, "ListActivities", &list_act_in_t, &activity_page_t);
OP(get_activity_task, "GetActivityTask", &get_task_t, &task_t);
OP(send_task_success, "SendTaskSuccess", &success_t, NULL);
OP(send_task_failure, "SendTaskFailure", &failure_t, NULL);
OP(send_task_heartbeat, "SendTaskHeartbeat", &token_t, NULL);

const awsorch__typed_op *const awsorch__sfn_typed_ops[] = {
    &create_state_machine, &update_state_machine,      &describe_state_machine,
    &delete_state_machine, &list_state_machines,       &validate_definition,
    &start_execution,      &start_sync_execution,      &describe_execution,
    &stop_execution,       &list_executions,           &get_execution_history,
    &redrive_execution,    &describe_sm_for_execution, &create_activity,
    &delete_activity,      &list_activities,           &get_activity_task,
    &send_task_success,    &send_task_failure,         &send_task_heartbeat,
};
const size_t awsorch__sfn_typed_op_count = COUNT(awsorch__sfn_typed_ops);

/* ---- the public calls ------------------------------------------------------------------ */

static awsorch_status call_args(awsorch_client *client, const awsorch__typed_op *op, const char *a,
                                const char *b, const char *c)
{
    const args in = {AWSORCH__TYPED_VERSION, {a, b, c}};
    return awsorch__typed_call(NULL, client, op, &in);
}

static awsorch_status call_args_new(void **out, awsorch_client *client, const awsorch__typed_op *op,
                                    const char *a, const char *b)
{
    const args in = {AWSORCH__TYPED_VERSION, {a, b, NULL}};
    return awsorch__typed_call_new(out, client, op, &in);
}

static awsorch_status call_date(double *date, awsorch_client *client, const awsorch__typed_op *op,
                                const char *a, const char *b, const char *c)
{
    const args in = {AWSORCH__TYPED_VERSION, {a, b, c}};
    date_only out = {0};
    awsorch_status st = awsorch__typed_call(&out, client, op, &in);
    if (date != NULL) {
        *date = out.date;
    }
    return st;
}

/* -- state machines -- */

awsorch_status awsorch_sfn_create_state_machine(awsorch_sfn_created_state_machine **out,
                                                awsorch_client *client,
                                                const awsorch_sfn_create_state_machine_input *in)
{
    void *obj = NULL;
    awsorch_status st =
        awsorch__typed_call_new(out ? &obj : NULL, client, &create_state_machine, in);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_created_state_machine_free(awsorch_sfn_created_state_machine *c)
{
    awsorch__typed_free(c, &created_sm_t);
}

awsorch_status awsorch_sfn_update_state_machine(awsorch_sfn_updated_state_machine **out,
                                                awsorch_client *client,
                                                const awsorch_sfn_update_state_machine_input *in)
{
    void *obj = NULL;
    awsorch_status st =
        awsorch__typed_call_new(out ? &obj : NULL, client, &update_state_machine, in);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_updated_state_machine_free(awsorch_sfn_updated_state_machine *u)
{
    awsorch__typed_free(u, &updated_sm_t);
}

awsorch_status awsorch_sfn_describe_state_machine(awsorch_sfn_state_machine **out,
                                                  awsorch_client *client,
                                                  const char *state_machine_arn)
{
    void *obj = NULL;
    awsorch_status st =
        call_args_new(out ? &obj : NULL, client, &describe_state_machine, state_machine_arn, NULL);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

awsorch_status awsorch_sfn_describe_state_machine_for_execution(awsorch_sfn_state_machine **out,
                                                                awsorch_client *client,
                                                                const char *execution_arn)
{
    void *obj = NULL;
    awsorch_status st =
        call_args_new(out ? &obj : NULL, client, &describe_sm_for_execution, execution_arn, NULL);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_state_machine_free(awsorch_sfn_state_machine *sm)
{
    /* Either table may have filled it; releasing clears what it frees, so both can run. */
    awsorch__typed_release(sm, &describe_sm_t);
    awsorch__typed_free(sm, &sm_for_execution_t);
}

awsorch_status awsorch_sfn_delete_state_machine(awsorch_client *client,
                                                const char *state_machine_arn)
{
    return call_args(client, &delete_state_machine, state_machine_arn, NULL, NULL);
}

awsorch_status awsorch_sfn_state_machines_iter_new(awsorch_sfn_state_machines_iter **out,
                                                   awsorch_client *client,
                                                   const awsorch_sfn_list_state_machines_input *in)
{
    awsorch__typed_iter *it = NULL;
    awsorch_status st = awsorch__typed_iter_new(out ? &it : NULL, client, &list_state_machines, in);
    if (out != NULL) {
        *out = (awsorch_sfn_state_machines_iter *)it;
    }
    return st;
}

awsorch_status awsorch_sfn_state_machines_iter_next(const awsorch_sfn_state_machine_item **item,
                                                    awsorch_sfn_state_machines_iter *it)
{
    const void *p = NULL;
    awsorch_status st = awsorch__typed_iter_next(item ? &p : NULL, (awsorch__typed_iter *)it);
    if (item != NULL) {
        *item = p;
    }
    return st;
}

void awsorch_sfn_state_machines_iter_free(awsorch_sfn_state_machines_iter *it)
{
    awsorch__typed_iter_free((awsorch__typed_iter *)it);
}

awsorch_status awsorch_sfn_validate_state_machine_definition(awsorch_sfn_validation **out,
                                                             awsorch_client *client,
                                                             const awsorch_sfn_validate_input *in)
{
    void *obj = NULL;
    awsorch_status st =
        awsorch__typed_call_new(out ? &obj : NULL, client, &validate_definition, in);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_validation_free(awsorch_sfn_validation *v)
{
    awsorch__typed_free(v, &validation_t);
}

/* -- executions -- */

awsorch_status awsorch_sfn_start_execution(awsorch_sfn_started_execution **out,
                                           awsorch_client *client,
                                           const awsorch_sfn_start_execution_input *in)
{
    /* Unlike the AWS CLI, the library names an unnamed execution itself, once, so
     * that a retried StartExecution finds the same execution instead of a twin. */
    awsorch_sfn_start_execution_input named;
    char uuid[37];
    if (in != NULL && in->version == AWSORCH_SFN_INPUT_VERSION && in->name == NULL) {
        named = *in;
        awsorch__uuid4(uuid);
        named.name = uuid;
        in = &named;
    }
    void *obj = NULL;
    awsorch_status st = awsorch__typed_call_new(out ? &obj : NULL, client, &start_execution, in);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_started_execution_free(awsorch_sfn_started_execution *s)
{
    awsorch__typed_free(s, &started_t);
}

awsorch_status awsorch_sfn_start_sync_execution(awsorch_sfn_sync_execution **out,
                                                awsorch_client *client,
                                                const awsorch_sfn_start_sync_execution_input *in)
{
    void *obj = NULL;
    awsorch_status st =
        awsorch__typed_call_new(out ? &obj : NULL, client, &start_sync_execution, in);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_sync_execution_free(awsorch_sfn_sync_execution *s)
{
    awsorch__typed_free(s, &sync_t);
}

awsorch_status awsorch_sfn_describe_execution(awsorch_sfn_execution **out, awsorch_client *client,
                                              const char *execution_arn)
{
    void *obj = NULL;
    awsorch_status st =
        call_args_new(out ? &obj : NULL, client, &describe_execution, execution_arn, NULL);
    if (out != NULL) {
        *out = obj;
    }
    return st;
}

void awsorch_sfn_execution_free(awsorch_sfn_execution *e)
{
    awsorch__typed_free(e, &execution_t);
}

awsorch_status awsorch_sfn_stop_execution(double *stop_date, awsorch_client *client,
                                          const char *execution_arn, const char *error,
                                          const char *cause)
{
    return call_date(stop_date, client, &stop_execution, execution_arn, error, cause);
}

awsorch_status awsorch_sfn_redrive_execution(double *redrive_date, awsorch_client *client,
                                             const char *execution_arn)
{
    return call_date(redrive_date, client, &redrive_execution, execution_arn, NULL, NULL);
}

awsorch_status awsorch_sfn_executions_iter_new(awsorch_sfn_executions_iter **out,
                                               awsorch_client *client,
                                               const awsorch_sfn_list_executions_input *in)
{
    awsorch__typed_iter *it = NULL;
    awsorch_status st = awsorch__typed_iter_new(out ? &it : NULL, client, &list_executions, in);
    if (out != NULL) {
        *out = (awsorch_sfn_executions_iter *)it;
    }
    return st;
}

awsorch_status awsorch_sfn_executions_iter_next(const awsorch_sfn_execution_item **item,
                                                awsorch_sfn_executions_iter *it)
{
    const void *p = NULL;
    awsorch_status st = awsorch__typed_iter_next(item ? &p : NULL, (awsorch__typed_iter *)it);
    if (item != NULL) {
        *item = p;
    }
    return st;
}

void awsorch_sfn_executions_iter_free(awsorch_sfn_executions_iter *it)
{
    awsorch__typed_iter_free((awsorch__typed_iter *)it);
}

awsorch_status awsorch_sfn_history_iter_new(awsorch_sfn_history_iter **out, awsorch_client *client,
                                            const awsorch_sfn_history_input *in)
{
    awsorch__typed_iter *it = NULL;
    awsorch_status st =
        awsorch__typed_iter_new(out ? &it : NULL, client, &get_execution_history, in);
    if (out != NULL) {
        *out = (awsorch_sfn_history_iter *)it;
    }
    return st;
}

awsorch_status awsorch_sfn_history_iter_next(const awsorch_sfn_history_event **event,
                                             awsorch_sfn_history_iter *it)
{
    const void *p = NULL;
    awsorch_status st = awsorch__typed_iter_next(event ? &p : NULL, (awsorch__typed_iter *)it);
    if (event != NULL) {
        *event = p;
    }
    return st;
}

void awsorch_sfn_history_iter_free(awsorch_sfn_history_iter *it)
{
    awsorch__typed_iter_free((awsorch__typed_iter *)it);
}

awsorch_status awsorch_sfn_wait_execution(awsorch_poll_result *result,
                                          awsorch_sfn_execution **final, awsorch_client *client,
                                          const char *execution_arn,
                                          const awsorch_poll_options *opts)
{
    if (result == NULL || final == NULL || client == NULL || execution_arn == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "wait_execution: NULL argument");
    }
    *final = NULL;
    json_t *in = json_pack("{s:s}", "executionArn", execution_arn);
    char *input = in != NULL ? json_dumps(in, JSON_COMPACT) : NULL;
    json_decref(in);
    if (input == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    char *last = NULL;
    awsorch_status st =
        awsorch_wait(result, &last, client, &awsorch_sfn_model, awsorch_sfn_operations,
                     awsorch_sfn_operation_count, &awsorch_sfn_waiters[0], input, opts);
    free(input);
    if (last != NULL) {
        json_t *doc = json_loads(last, 0, NULL);
        free(last);
        bool object = json_is_object(doc);
        awsorch_sfn_execution *e = object ? calloc(1, sizeof(*e)) : NULL;
        awsorch_status fill = e != NULL ? awsorch__typed_fill(e, &execution_t, doc) : AWSORCH_OK;
        json_decref(doc);
        if (e != NULL && fill == AWSORCH_OK) {
            *final = e;
        } else {
            awsorch_sfn_execution_free(e);
            /* A wait that ended owes its caller the description: without one it
             * failed. A failed wait keeps its own status and error record. */
            if (st == AWSORCH_OK) {
                st = fill != AWSORCH_OK ? fill
                     : object
                         ? awsorch__fail(AWSORCH_E_NOMEM, "out of memory")
                         : awsorch__fail(AWSORCH_E_PARSE, "DescribeExecution: the last description "
                                                          "is not a JSON object");
            }
        }
    }
    return st;
}

/* -- activities -- */

awsorch_status awsorch_sfn_create_activity(awsorch_sfn_activity **out, awsorch_client *client,
                                           const awsorch_sfn_create_activity_input *in)
{
    void *obj = NULL;
    awsorch_status st = awsorch__typed_call_new(out ? &obj : NULL, client, &create_activity, in);
    awsorch_sfn_activity *a = obj;
    /* The reply leaves out the name; the caller gave it, and the struct has room for it. */
    if (st == AWSORCH_OK && (st = awsorch__strdup(&a->name, in->name)) != AWSORCH_OK) {
        awsorch_sfn_activity_free(a);
        a = NULL;
    }
    if (out != NULL) {
        *out = a;
    }
    return st;
}

void awsorch_sfn_activity_free(awsorch_sfn_activity *a)
{
    awsorch__typed_free(a, &activity_t);
}

awsorch_status awsorch_sfn_delete_activity(awsorch_client *client, const char *activity_arn)
{
    return call_args(client, &delete_activity, activity_arn, NULL, NULL);
}

awsorch_status awsorch_sfn_activities_iter_new(awsorch_sfn_activities_iter **out,
                                               awsorch_client *client,
                                               const awsorch_sfn_list_activities_input *in)
{
    awsorch__typed_iter *it = NULL;
    awsorch_status st = awsorch__typed_iter_new(out ? &it : NULL, client, &list_activities, in);
    if (out != NULL) {
        *out = (awsorch_sfn_activities_iter *)it;
    }
    return st;
}

awsorch_status awsorch_sfn_activities_iter_next(const awsorch_sfn_activity **item,
                                                awsorch_sfn_activities_iter *it)
{
    const void *p = NULL;
    awsorch_status st = awsorch__typed_iter_next(item ? &p : NULL, (awsorch__typed_iter *)it);
    if (item != NULL) {
        *item = p;
    }
    return st;
}

void awsorch_sfn_activities_iter_free(awsorch_sfn_activities_iter *it)
{
    awsorch__typed_iter_free((awsorch__typed_iter *)it);
}

awsorch_status awsorch_sfn_get_activity_task(awsorch_sfn_activity_task **out,
                                             awsorch_client *client, const char *activity_arn,
                                             const char *worker_name)
{
    void *obj = NULL;
    awsorch_status st =
        call_args_new(out ? &obj : NULL, client, &get_activity_task, activity_arn, worker_name);
    awsorch_sfn_activity_task *t = obj;
    /* A poll that ends without a task answers an empty token. */
    if (t != NULL && (t->task_token == NULL || t->task_token[0] == '\0')) {
        awsorch_sfn_activity_task_free(t);
        t = NULL;
    }
    if (out != NULL) {
        *out = t;
    }
    return st;
}

void awsorch_sfn_activity_task_free(awsorch_sfn_activity_task *t)
{
    awsorch__typed_free(t, &task_t);
}

awsorch_status awsorch_sfn_send_task_success(awsorch_client *client, const char *task_token,
                                             const char *output)
{
    return call_args(client, &send_task_success, task_token, output, NULL);
}

awsorch_status awsorch_sfn_send_task_failure(awsorch_client *client, const char *task_token,
                                             const char *error, const char *cause)
{
    return call_args(client, &send_task_failure, task_token, error, cause);
}

awsorch_status awsorch_sfn_send_task_heartbeat(awsorch_client *client, const char *task_token)
{
    return call_args(client, &send_task_heartbeat, task_token, NULL, NULL);
}

/* ---- JSON in, JSON out, for the orchestration helpers ---------------------------------- */

awsorch_status awsorch__sfn_call(json_t **out, awsorch_client *client, const char *op_name,
                                 json_t *in)
{
    if (out != NULL) {
        *out = NULL;
    }
    const awsorch_operation *op =
        awsorch_operation_find(awsorch_sfn_operations, awsorch_sfn_operation_count, op_name);
    char *input = in ? json_dumps(in, JSON_COMPACT) : NULL;
    if (op == NULL || input == NULL) {
        free(input);
        return op ? awsorch__fail(AWSORCH_E_NOMEM, "out of memory")
                  : awsorch__fail(AWSORCH_E_INTERNAL, "no Step Functions operation %s", op_name);
    }
    char *output = NULL;
    awsorch_status st = awsorch_invoke_json(&output, client, &awsorch_sfn_model, op, input);
    free(input);
    if (st == AWSORCH_OK && out != NULL) {
        *out = json_loads(output, 0, NULL);
        if (*out == NULL) {
            st = awsorch__fail(AWSORCH_E_PARSE, "%s: unreadable reply", op_name);
        }
    }
    free(output);
    return st;
}
