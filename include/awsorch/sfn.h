/* AWS Step Functions. The operations are declared once in a model; call any
 * of them with awsorch_invoke_json, or from the CLI as `awsorch stepfunctions`.
 * The typed calls, list iterators, waiter, activity worker and re-run planner
 * below build on it. */
#ifndef AWSORCH_SFN_H
#define AWSORCH_SFN_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Step Functions (awsJson 1.0, "AWSStepFunctions"). */
AWSORCH_API extern const awsorch_service_model awsorch_sfn_model;
AWSORCH_API extern const awsorch_operation awsorch_sfn_operations[];
AWSORCH_API extern const size_t awsorch_sfn_operation_count;

/* Its paginators: ListStateMachines, ListExecutions, GetExecutionHistory, ListActivities. */
AWSORCH_API extern const awsorch_paginator_spec awsorch_sfn_paginators[];
AWSORCH_API extern const size_t awsorch_sfn_paginator_count;

/* Its waiters: execution-complete (SUCCEEDED; FAILED, TIMED_OUT, ABORTED). */
AWSORCH_API extern const awsorch_waiter awsorch_sfn_waiters[];
AWSORCH_API extern const size_t awsorch_sfn_waiter_count;

/* ---- typed calls ----------------------------------------------------------------
 * Typed front ends over the declared operations. Every struct below is read or
 * filled by a field table that the test suite checks against the model, so the
 * C API cannot drift from the wire.
 *
 * Inputs are structs with a version and an _INIT macro, so a member added later
 * defaults safely; calls whose input is a few strings take them as arguments
 * (NULL for an optional one left out).
 * NULL, 0, an UNKNOWN enum value and AWSORCH_SFN_UNSET leave a member out, so
 * the service's default (or, on an update, the current setting) stands.
 *
 * Outputs hold timestamps as epoch seconds (0: absent) and statuses as enums
 * with an UNKNOWN for values newer than this library, the service's own text
 * beside them. One call frees an output and everything it holds (NULL is
 * accepted). Lists are iterators the caller drives: each _next gives one item,
 * fetching pages as needed, and NULL after the last. */

/* Every input struct below is at this version (its _INIT sets it). */
#define AWSORCH_SFN_INPUT_VERSION 1

/* An input flag that can be left out; true and false assign as usual. */
typedef enum awsorch_sfn_flag {
    AWSORCH_SFN_UNSET = -1,
    AWSORCH_SFN_FALSE = 0,
    AWSORCH_SFN_TRUE = 1
} awsorch_sfn_flag;

typedef struct awsorch_sfn_tag {
    const char *key;
    const char *value;
} awsorch_sfn_tag;

typedef enum awsorch_sfn_execution_status {
    AWSORCH_SFN_EXECUTION_UNKNOWN = 0, /* a value this version does not know; in a filter: any */
    AWSORCH_SFN_EXECUTION_RUNNING,
    AWSORCH_SFN_EXECUTION_SUCCEEDED,
    AWSORCH_SFN_EXECUTION_FAILED,
    AWSORCH_SFN_EXECUTION_TIMED_OUT,
    AWSORCH_SFN_EXECUTION_ABORTED,
    AWSORCH_SFN_EXECUTION_PENDING_REDRIVE
} awsorch_sfn_execution_status;

typedef enum awsorch_sfn_state_machine_type {
    AWSORCH_SFN_TYPE_UNKNOWN = 0, /* in an input: the default, STANDARD */
    AWSORCH_SFN_TYPE_STANDARD,
    AWSORCH_SFN_TYPE_EXPRESS
} awsorch_sfn_state_machine_type;

typedef enum awsorch_sfn_state_machine_status {
    AWSORCH_SFN_STATE_MACHINE_UNKNOWN = 0,
    AWSORCH_SFN_STATE_MACHINE_ACTIVE,
    AWSORCH_SFN_STATE_MACHINE_DELETING
} awsorch_sfn_state_machine_status;

/* How an express workflow run by StartSyncExecution ended. */
typedef enum awsorch_sfn_sync_status {
    AWSORCH_SFN_SYNC_UNKNOWN = 0,
    AWSORCH_SFN_SYNC_SUCCEEDED,
    AWSORCH_SFN_SYNC_FAILED,
    AWSORCH_SFN_SYNC_TIMED_OUT
} awsorch_sfn_sync_status;

typedef enum awsorch_sfn_redrive_status {
    AWSORCH_SFN_REDRIVE_UNKNOWN = 0,
    AWSORCH_SFN_REDRIVE_REDRIVABLE,
    AWSORCH_SFN_REDRIVE_NOT_REDRIVABLE,
    AWSORCH_SFN_REDRIVE_REDRIVABLE_BY_MAP_RUN
} awsorch_sfn_redrive_status;

/* ListExecutions' redrive filter. */
typedef enum awsorch_sfn_redrive_filter {
    AWSORCH_SFN_FILTER_ANY = 0,
    AWSORCH_SFN_FILTER_REDRIVEN,
    AWSORCH_SFN_FILTER_NOT_REDRIVEN
} awsorch_sfn_redrive_filter;

/* Whether a reply carries the execution's data (encrypted state machines may not). */
typedef enum awsorch_sfn_included_data {
    AWSORCH_SFN_INCLUDED_DEFAULT = 0, /* ALL_DATA */
    AWSORCH_SFN_INCLUDED_ALL_DATA,
    AWSORCH_SFN_INCLUDED_METADATA_ONLY
} awsorch_sfn_included_data;

typedef enum awsorch_sfn_validation_result {
    AWSORCH_SFN_VALIDATION_UNKNOWN = 0,
    AWSORCH_SFN_VALIDATION_OK,
    AWSORCH_SFN_VALIDATION_FAIL
} awsorch_sfn_validation_result;

typedef enum awsorch_sfn_severity {
    AWSORCH_SFN_SEVERITY_UNKNOWN = 0, /* in an input: the default, ERROR */
    AWSORCH_SFN_SEVERITY_ERROR,
    AWSORCH_SFN_SEVERITY_WARNING
} awsorch_sfn_severity;

/* ---- state machines ---------------------------------------------------------- */

typedef struct awsorch_sfn_create_state_machine_input {
    unsigned version;
    const char *name;       /* required */
    const char *definition; /* required: Amazon States Language */
    const char *role_arn;   /* required */
    awsorch_sfn_state_machine_type type;
    const char *logging_configuration_json; /* LoggingConfiguration as JSON text */
    const awsorch_sfn_tag *tags;
    size_t tag_count;
    awsorch_sfn_flag tracing_enabled; /* X-Ray */
    awsorch_sfn_flag publish;         /* publish version 1 as well */
    const char *version_description;
} awsorch_sfn_create_state_machine_input;

#define AWSORCH_SFN_CREATE_STATE_MACHINE_INPUT_INIT                                                \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, NULL, NULL, AWSORCH_SFN_TYPE_UNKNOWN, NULL, NULL, 0,      \
            AWSORCH_SFN_UNSET, AWSORCH_SFN_UNSET, NULL                                             \
    }

typedef struct awsorch_sfn_created_state_machine {
    char *state_machine_arn;
    double creation_date;
    char *state_machine_version_arn; /* when published */
} awsorch_sfn_created_state_machine;

/* CreateStateMachine. */
AWSORCH_API awsorch_status
awsorch_sfn_create_state_machine(awsorch_sfn_created_state_machine **out, awsorch_client *client,
                                 const awsorch_sfn_create_state_machine_input *in);

/* Frees CreateStateMachine's output. */
AWSORCH_API void awsorch_sfn_created_state_machine_free(awsorch_sfn_created_state_machine *c);

/* Members left out keep their current setting. */
typedef struct awsorch_sfn_update_state_machine_input {
    unsigned version;
    const char *state_machine_arn; /* required */
    const char *definition;
    const char *role_arn;
    const char *logging_configuration_json;
    awsorch_sfn_flag tracing_enabled;
    awsorch_sfn_flag publish;
    const char *version_description;
} awsorch_sfn_update_state_machine_input;

#define AWSORCH_SFN_UPDATE_STATE_MACHINE_INPUT_INIT                                                \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, NULL, NULL, NULL, AWSORCH_SFN_UNSET, AWSORCH_SFN_UNSET,   \
            NULL                                                                                   \
    }

typedef struct awsorch_sfn_updated_state_machine {
    double update_date;
    char *revision_id;
    char *state_machine_version_arn; /* when published */
} awsorch_sfn_updated_state_machine;

/* UpdateStateMachine. */
AWSORCH_API awsorch_status
awsorch_sfn_update_state_machine(awsorch_sfn_updated_state_machine **out, awsorch_client *client,
                                 const awsorch_sfn_update_state_machine_input *in);

/* Frees UpdateStateMachine's output. */
AWSORCH_API void awsorch_sfn_updated_state_machine_free(awsorch_sfn_updated_state_machine *u);

/* DescribeStateMachine's output, and DescribeStateMachineForExecution's (the
 * version the execution ran: no status, type or creation date there, but
 * update_date and, for a Map Run's child, map_run_arn). */
typedef struct awsorch_sfn_state_machine {
    char *state_machine_arn;
    char *name;
    awsorch_sfn_state_machine_status status;
    char *status_text;
    char *definition;
    char *role_arn;
    awsorch_sfn_state_machine_type type;
    char *type_text;
    double creation_date;
    double update_date;
    char *logging_configuration_json;
    bool tracing_enabled;
    char *label;
    char *revision_id;
    char *description;
    char *map_run_arn;
} awsorch_sfn_state_machine;

/* DescribeStateMachine (a version or alias ARN describes that version). */
AWSORCH_API awsorch_status awsorch_sfn_describe_state_machine(awsorch_sfn_state_machine **out,
                                                              awsorch_client *client,
                                                              const char *state_machine_arn);

/* DescribeStateMachineForExecution: the definition an execution actually ran. */
AWSORCH_API awsorch_status awsorch_sfn_describe_state_machine_for_execution(
    awsorch_sfn_state_machine **out, awsorch_client *client, const char *execution_arn);

/* Frees either description. */
AWSORCH_API void awsorch_sfn_state_machine_free(awsorch_sfn_state_machine *sm);

/* DeleteStateMachine (the machine goes to DELETING; running executions finish). */
AWSORCH_API awsorch_status awsorch_sfn_delete_state_machine(awsorch_client *client,
                                                            const char *state_machine_arn);

typedef struct awsorch_sfn_list_state_machines_input {
    unsigned version;
    int max_results; /* per page */
} awsorch_sfn_list_state_machines_input;

#define AWSORCH_SFN_LIST_STATE_MACHINES_INPUT_INIT                                                 \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, 0                                                               \
    }

typedef struct awsorch_sfn_state_machine_item {
    char *state_machine_arn;
    char *name;
    awsorch_sfn_state_machine_type type;
    char *type_text;
    double creation_date;
} awsorch_sfn_state_machine_item;

typedef struct awsorch_sfn_state_machines_iter awsorch_sfn_state_machines_iter;

/* Starts listing state machines (ListStateMachines); in may be NULL. No request is sent yet. */
AWSORCH_API awsorch_status
awsorch_sfn_state_machines_iter_new(awsorch_sfn_state_machines_iter **out, awsorch_client *client,
                                    const awsorch_sfn_list_state_machines_input *in);

/* The next state machine, or NULL after the last; valid until the next call. A failed call can be
 * repeated: it retries the same page. */
AWSORCH_API awsorch_status awsorch_sfn_state_machines_iter_next(
    const awsorch_sfn_state_machine_item **item, awsorch_sfn_state_machines_iter *it);

/* Frees the iterator and the items it gave. */
AWSORCH_API void awsorch_sfn_state_machines_iter_free(awsorch_sfn_state_machines_iter *it);

typedef struct awsorch_sfn_validate_input {
    unsigned version;
    const char *definition; /* required */
    awsorch_sfn_state_machine_type type;
    awsorch_sfn_severity severity; /* the least severe diagnostic to return */
    int max_results;
} awsorch_sfn_validate_input;

#define AWSORCH_SFN_VALIDATE_INPUT_INIT                                                            \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, AWSORCH_SFN_TYPE_UNKNOWN, AWSORCH_SFN_SEVERITY_UNKNOWN, 0 \
    }

typedef struct awsorch_sfn_diagnostic {
    awsorch_sfn_severity severity;
    char *severity_text;
    char *code; /* "SCHEMA_VALIDATION_FAILED", ... */
    char *message;
    char *location; /* "/States/Load/Next" */
} awsorch_sfn_diagnostic;

typedef struct awsorch_sfn_validation {
    awsorch_sfn_validation_result result;
    char *result_text;
    awsorch_sfn_diagnostic *diagnostics;
    size_t diagnostic_count;
    bool truncated; /* more diagnostics than max_results */
} awsorch_sfn_validation;

/* ValidateStateMachineDefinition: a definition with errors is AWSORCH_OK and result FAIL. */
AWSORCH_API awsorch_status awsorch_sfn_validate_state_machine_definition(
    awsorch_sfn_validation **out, awsorch_client *client, const awsorch_sfn_validate_input *in);

/* Frees a validation and its diagnostics. */
AWSORCH_API void awsorch_sfn_validation_free(awsorch_sfn_validation *v);

/* ---- executions ---------------------------------------------------------------- */

typedef struct awsorch_sfn_start_execution_input {
    unsigned version;
    const char *state_machine_arn; /* required */
    const char *name;              /* NULL: a UUID, chosen once so retries cannot repeat it */
    const char *input;             /* JSON text */
    const char *trace_header;
} awsorch_sfn_start_execution_input;

#define AWSORCH_SFN_START_EXECUTION_INPUT_INIT                                                     \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, NULL, NULL, NULL                                          \
    }

typedef struct awsorch_sfn_started_execution {
    char *execution_arn;
    double start_date;
} awsorch_sfn_started_execution;

/* StartExecution. */
AWSORCH_API awsorch_status awsorch_sfn_start_execution(awsorch_sfn_started_execution **out,
                                                       awsorch_client *client,
                                                       const awsorch_sfn_start_execution_input *in);

/* Frees StartExecution's output. */
AWSORCH_API void awsorch_sfn_started_execution_free(awsorch_sfn_started_execution *s);

typedef struct awsorch_sfn_start_sync_execution_input {
    unsigned version;
    const char *state_machine_arn; /* required: an EXPRESS state machine */
    const char *name;
    const char *input; /* JSON text */
    const char *trace_header;
    awsorch_sfn_included_data included_data;
} awsorch_sfn_start_sync_execution_input;

#define AWSORCH_SFN_START_SYNC_EXECUTION_INPUT_INIT                                                \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, NULL, NULL, NULL, AWSORCH_SFN_INCLUDED_DEFAULT            \
    }

typedef struct awsorch_sfn_sync_execution {
    char *execution_arn;
    char *state_machine_arn;
    char *name;
    double start_date;
    double stop_date;
    awsorch_sfn_sync_status status;
    char *status_text;
    char *error;
    char *cause;
    char *input;
    char *output;
    char *trace_header;
    int64_t billed_memory_mb;
    int64_t billed_duration_ms;
} awsorch_sfn_sync_execution;

/* StartSyncExecution: runs an express workflow to its end (on the sync-states endpoint). A
 * workflow that fails is AWSORCH_OK with status FAILED. */
AWSORCH_API awsorch_status
awsorch_sfn_start_sync_execution(awsorch_sfn_sync_execution **out, awsorch_client *client,
                                 const awsorch_sfn_start_sync_execution_input *in);

/* Frees StartSyncExecution's output. */
AWSORCH_API void awsorch_sfn_sync_execution_free(awsorch_sfn_sync_execution *s);

/* DescribeExecution's output. */
typedef struct awsorch_sfn_execution {
    char *execution_arn;
    char *state_machine_arn;
    char *name;
    awsorch_sfn_execution_status status;
    char *status_text; /* as the service spelled it */
    double start_date;
    double stop_date;
    char *input;
    char *output;
    char *error;
    char *cause;
    char *trace_header;
    char *map_run_arn;
    int64_t redrive_count;
    double redrive_date;
    awsorch_sfn_redrive_status redrive_status;
    char *redrive_status_text;
    char *redrive_status_reason; /* why it cannot be redriven */
    char *state_machine_version_arn;
    char *state_machine_alias_arn;
} awsorch_sfn_execution;

/* DescribeExecution. */
AWSORCH_API awsorch_status awsorch_sfn_describe_execution(awsorch_sfn_execution **out,
                                                          awsorch_client *client,
                                                          const char *execution_arn);

/* Frees DescribeExecution's output. */
AWSORCH_API void awsorch_sfn_execution_free(awsorch_sfn_execution *e);

/* StopExecution; error and cause may be NULL. *stop_date (if not NULL) gets when it stopped. */
AWSORCH_API awsorch_status awsorch_sfn_stop_execution(double *stop_date, awsorch_client *client,
                                                      const char *execution_arn, const char *error,
                                                      const char *cause);

/* RedriveExecution: restarts a failed execution from where it failed, once per call even when
 * the request is retried. *redrive_date (if not NULL) gets when. */
AWSORCH_API awsorch_status awsorch_sfn_redrive_execution(double *redrive_date,
                                                         awsorch_client *client,
                                                         const char *execution_arn);

typedef struct awsorch_sfn_list_executions_input {
    unsigned version;
    const char *state_machine_arn; /* this, or map_run_arn */
    awsorch_sfn_execution_status status_filter;
    int max_results; /* per page */
    const char *map_run_arn;
    awsorch_sfn_redrive_filter redrive_filter;
} awsorch_sfn_list_executions_input;

#define AWSORCH_SFN_LIST_EXECUTIONS_INPUT_INIT                                                     \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, AWSORCH_SFN_EXECUTION_UNKNOWN, 0, NULL,                   \
            AWSORCH_SFN_FILTER_ANY                                                                 \
    }

typedef struct awsorch_sfn_execution_item {
    char *execution_arn;
    char *state_machine_arn;
    char *name;
    awsorch_sfn_execution_status status;
    char *status_text;
    double start_date;
    double stop_date;
    char *map_run_arn;
    int64_t item_count; /* child executions of a Map Run */
    char *state_machine_version_arn;
    char *state_machine_alias_arn;
    int64_t redrive_count;
    double redrive_date;
} awsorch_sfn_execution_item;

typedef struct awsorch_sfn_executions_iter awsorch_sfn_executions_iter;

/* Starts listing executions (ListExecutions). No request is sent yet. */
AWSORCH_API awsorch_status
awsorch_sfn_executions_iter_new(awsorch_sfn_executions_iter **out, awsorch_client *client,
                                const awsorch_sfn_list_executions_input *in);

/* The next execution, or NULL after the last; valid until the next call. A failed call can be
 * repeated: it retries the same page. */
AWSORCH_API awsorch_status awsorch_sfn_executions_iter_next(const awsorch_sfn_execution_item **item,
                                                            awsorch_sfn_executions_iter *it);

/* Frees the iterator and the items it gave. */
AWSORCH_API void awsorch_sfn_executions_iter_free(awsorch_sfn_executions_iter *it);

typedef struct awsorch_sfn_history_input {
    unsigned version;
    const char *execution_arn; /* required */
    int max_results;           /* per page */
    awsorch_sfn_flag reverse_order;
    awsorch_sfn_flag include_execution_data; /* unset: true */
} awsorch_sfn_history_input;

#define AWSORCH_SFN_HISTORY_INPUT_INIT                                                             \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, 0, AWSORCH_SFN_UNSET, AWSORCH_SFN_UNSET                   \
    }

/* Every event type GetExecutionHistory documents. */
typedef enum awsorch_sfn_event_type {
    AWSORCH_SFN_EVENT_UNKNOWN = 0, /* newer than this library: see type_text */
    AWSORCH_SFN_EVENT_ACTIVITY_FAILED,
    AWSORCH_SFN_EVENT_ACTIVITY_SCHEDULED,
    AWSORCH_SFN_EVENT_ACTIVITY_SCHEDULE_FAILED,
    AWSORCH_SFN_EVENT_ACTIVITY_STARTED,
    AWSORCH_SFN_EVENT_ACTIVITY_SUCCEEDED,
    AWSORCH_SFN_EVENT_ACTIVITY_TIMED_OUT,
    AWSORCH_SFN_EVENT_CHOICE_STATE_ENTERED,
    AWSORCH_SFN_EVENT_CHOICE_STATE_EXITED,
    AWSORCH_SFN_EVENT_EXECUTION_ABORTED,
    AWSORCH_SFN_EVENT_EXECUTION_FAILED,
    AWSORCH_SFN_EVENT_EXECUTION_STARTED,
    AWSORCH_SFN_EVENT_EXECUTION_SUCCEEDED,
    AWSORCH_SFN_EVENT_EXECUTION_TIMED_OUT,
    AWSORCH_SFN_EVENT_FAIL_STATE_ENTERED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_FAILED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SCHEDULED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SCHEDULE_FAILED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_STARTED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_START_FAILED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_SUCCEEDED,
    AWSORCH_SFN_EVENT_LAMBDA_FUNCTION_TIMED_OUT,
    AWSORCH_SFN_EVENT_MAP_ITERATION_ABORTED,
    AWSORCH_SFN_EVENT_MAP_ITERATION_FAILED,
    AWSORCH_SFN_EVENT_MAP_ITERATION_STARTED,
    AWSORCH_SFN_EVENT_MAP_ITERATION_SUCCEEDED,
    AWSORCH_SFN_EVENT_MAP_STATE_ABORTED,
    AWSORCH_SFN_EVENT_MAP_STATE_ENTERED,
    AWSORCH_SFN_EVENT_MAP_STATE_EXITED,
    AWSORCH_SFN_EVENT_MAP_STATE_FAILED,
    AWSORCH_SFN_EVENT_MAP_STATE_STARTED,
    AWSORCH_SFN_EVENT_MAP_STATE_SUCCEEDED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_ABORTED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_ENTERED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_EXITED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_FAILED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_STARTED,
    AWSORCH_SFN_EVENT_PARALLEL_STATE_SUCCEEDED,
    AWSORCH_SFN_EVENT_PASS_STATE_ENTERED,
    AWSORCH_SFN_EVENT_PASS_STATE_EXITED,
    AWSORCH_SFN_EVENT_SUCCEED_STATE_ENTERED,
    AWSORCH_SFN_EVENT_SUCCEED_STATE_EXITED,
    AWSORCH_SFN_EVENT_TASK_FAILED,
    AWSORCH_SFN_EVENT_TASK_SCHEDULED,
    AWSORCH_SFN_EVENT_TASK_START_FAILED,
    AWSORCH_SFN_EVENT_TASK_STARTED,
    AWSORCH_SFN_EVENT_TASK_STATE_ABORTED,
    AWSORCH_SFN_EVENT_TASK_STATE_ENTERED,
    AWSORCH_SFN_EVENT_TASK_STATE_EXITED,
    AWSORCH_SFN_EVENT_TASK_SUBMIT_FAILED,
    AWSORCH_SFN_EVENT_TASK_SUBMITTED,
    AWSORCH_SFN_EVENT_TASK_SUCCEEDED,
    AWSORCH_SFN_EVENT_TASK_TIMED_OUT,
    AWSORCH_SFN_EVENT_WAIT_STATE_ABORTED,
    AWSORCH_SFN_EVENT_WAIT_STATE_ENTERED,
    AWSORCH_SFN_EVENT_WAIT_STATE_EXITED,
    AWSORCH_SFN_EVENT_MAP_RUN_ABORTED,
    AWSORCH_SFN_EVENT_MAP_RUN_FAILED,
    AWSORCH_SFN_EVENT_MAP_RUN_STARTED,
    AWSORCH_SFN_EVENT_MAP_RUN_SUCCEEDED,
    AWSORCH_SFN_EVENT_EXECUTION_REDRIVEN,
    AWSORCH_SFN_EVENT_MAP_RUN_REDRIVEN,
    AWSORCH_SFN_EVENT_EVALUATION_FAILED
} awsorch_sfn_event_type;

/* One event of an execution's history. The details differ per type, so they
 * come whole as JSON, with the members most callers need lifted out (NULL
 * where the event has none). */
typedef struct awsorch_sfn_history_event {
    int64_t id;
    int64_t previous_event_id; /* 0 for the first */
    double timestamp;
    awsorch_sfn_event_type type;
    char *type_text;
    char *details_json; /* the event's ...EventDetails member, NULL when it has none */
    char *state_name;   /* state and Map iteration events; the state EvaluationFailed names */
    char *input;        /* TaskScheduled: the task's parameters */
    char *output;
    char *error;
    char *cause;
    char *resource_type; /* Task events: "lambda", "glue", ... */
    char *resource; /* Task events: "invoke", "startJobRun.sync"; activities, Lambda: the ARN */
} awsorch_sfn_history_event;

typedef struct awsorch_sfn_history_iter awsorch_sfn_history_iter;

/* Starts reading an execution's history (GetExecutionHistory). No request is sent yet. */
AWSORCH_API awsorch_status awsorch_sfn_history_iter_new(awsorch_sfn_history_iter **out,
                                                        awsorch_client *client,
                                                        const awsorch_sfn_history_input *in);

/* The next event, or NULL after the last; valid until the next call. A failed call can be
 * repeated: it retries the same page. */
AWSORCH_API awsorch_status awsorch_sfn_history_iter_next(const awsorch_sfn_history_event **event,
                                                         awsorch_sfn_history_iter *it);

/* Frees the iterator and the events it gave. */
AWSORCH_API void awsorch_sfn_history_iter_free(awsorch_sfn_history_iter *it);

/* Waits until an execution ends (the execution-complete waiter); *final holds
 * its last description (free with awsorch_sfn_execution_free). On AWSORCH_OK it
 * is NULL only when the wait was cancelled before the first look; a last
 * description that cannot be read fails the call (AWSORCH_E_PARSE, *final NULL).
 * A wait that fails after looking may still hand back the last description. */
AWSORCH_API awsorch_status awsorch_sfn_wait_execution(awsorch_poll_result *result,
                                                      awsorch_sfn_execution **final,
                                                      awsorch_client *client,
                                                      const char *execution_arn,
                                                      const awsorch_poll_options *opts);

/* ---- activities ------------------------------------------------------------------ */

typedef struct awsorch_sfn_create_activity_input {
    unsigned version;
    const char *name; /* required */
    const awsorch_sfn_tag *tags;
    size_t tag_count;
} awsorch_sfn_create_activity_input;

#define AWSORCH_SFN_CREATE_ACTIVITY_INPUT_INIT                                                     \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, NULL, NULL, 0                                                   \
    }

/* CreateActivity's output and each item of ListActivities. */
typedef struct awsorch_sfn_activity {
    char *activity_arn;
    char *name;
    double creation_date;
} awsorch_sfn_activity;

/* CreateActivity (idempotent: the same name gives the same activity). */
AWSORCH_API awsorch_status awsorch_sfn_create_activity(awsorch_sfn_activity **out,
                                                       awsorch_client *client,
                                                       const awsorch_sfn_create_activity_input *in);

/* Frees CreateActivity's output. */
AWSORCH_API void awsorch_sfn_activity_free(awsorch_sfn_activity *a);

/* DeleteActivity. */
AWSORCH_API awsorch_status awsorch_sfn_delete_activity(awsorch_client *client,
                                                       const char *activity_arn);

typedef struct awsorch_sfn_list_activities_input {
    unsigned version;
    int max_results; /* per page */
} awsorch_sfn_list_activities_input;

#define AWSORCH_SFN_LIST_ACTIVITIES_INPUT_INIT                                                     \
    {                                                                                              \
        AWSORCH_SFN_INPUT_VERSION, 0                                                               \
    }

typedef struct awsorch_sfn_activities_iter awsorch_sfn_activities_iter;

/* Starts listing activities (ListActivities); in may be NULL. No request is sent yet. */
AWSORCH_API awsorch_status
awsorch_sfn_activities_iter_new(awsorch_sfn_activities_iter **out, awsorch_client *client,
                                const awsorch_sfn_list_activities_input *in);

/* The next activity, or NULL after the last; valid until the next call. A failed call can be
 * repeated: it retries the same page. */
AWSORCH_API awsorch_status awsorch_sfn_activities_iter_next(const awsorch_sfn_activity **item,
                                                            awsorch_sfn_activities_iter *it);

/* Frees the iterator and the items it gave. */
AWSORCH_API void awsorch_sfn_activities_iter_free(awsorch_sfn_activities_iter *it);

typedef struct awsorch_sfn_activity_task {
    char *task_token;
    char *input; /* JSON text */
} awsorch_sfn_activity_task;

/* GetActivityTask: a long poll (up to about a minute); *out is NULL when no task came.
 * worker_name may be NULL. awsorch_sfn_activity_worker_run does all of this for you. */
AWSORCH_API awsorch_status awsorch_sfn_get_activity_task(awsorch_sfn_activity_task **out,
                                                         awsorch_client *client,
                                                         const char *activity_arn,
                                                         const char *worker_name);

/* Frees GetActivityTask's output. */
AWSORCH_API void awsorch_sfn_activity_task_free(awsorch_sfn_activity_task *t);

/* SendTaskSuccess: output is the task's result as JSON text. */
AWSORCH_API awsorch_status awsorch_sfn_send_task_success(awsorch_client *client,
                                                         const char *task_token,
                                                         const char *output);

/* SendTaskFailure; error and cause may be NULL. */
AWSORCH_API awsorch_status awsorch_sfn_send_task_failure(awsorch_client *client,
                                                         const char *task_token, const char *error,
                                                         const char *cause);

/* SendTaskHeartbeat: keeps a task with a HeartbeatSeconds alive. */
AWSORCH_API awsorch_status awsorch_sfn_send_task_heartbeat(awsorch_client *client,
                                                           const char *task_token);

/* ---- activity workers ---------------------------------------------------------
 * A C program implements an activity with one handler; the worker long-polls
 * GetActivityTask, runs tasks in parallel, heartbeats while they run, and
 * reports SendTaskSuccess or SendTaskFailure. */

/* Runs one task: on AWSORCH_OK *output is the result JSON (malloc'd, freed by
 * the worker); otherwise error and cause say why, and the task fails. */
typedef awsorch_status (*awsorch_activity_handler)(void *userdata, const char *input, char **output,
                                                   char *error, size_t error_len, char *cause,
                                                   size_t cause_len);

typedef struct awsorch_activity_worker_options {
    unsigned version;
    const char *activity_arn;
    const char *worker_name;
    unsigned concurrency; /* tasks run at once (threads); 0: 1 */
    double heartbeat_s;   /* SendTaskHeartbeat period while a task runs; 0: none */
    const volatile sig_atomic_t *stop_flag; /* set (e.g. on SIGTERM) to drain and return */
    unsigned max_tasks;                     /* return after this many tasks; 0: no limit */
} awsorch_activity_worker_options;

#define AWSORCH_ACTIVITY_WORKER_OPTIONS_INIT                                                       \
    {                                                                                              \
        1, NULL, NULL, 1, 0.0, NULL, 0                                                             \
    }

/* Works on an activity until stop_flag is set (in-flight tasks finish) or max_tasks ran. */
AWSORCH_API awsorch_status
awsorch_sfn_activity_worker_run(awsorch_client *client, const awsorch_activity_worker_options *opts,
                                awsorch_activity_handler handler, void *userdata);

/* ---- partial re-runs ---------------------------------------------------------
 * For pipelines built with task guards (each Task preceded by a Choice on a
 * boolean input flag named after it; no flag means run), the plan says which
 * Task states succeeded, failed or never ran, and gives the input that runs
 * only the rest: the original input with every flag set. */

typedef enum awsorch_sfn_task_outcome {
    AWSORCH_SFN_TASK_UNKNOWN = 0, /* never set by a plan: a zeroed one reads as unknown */
    AWSORCH_SFN_TASK_SUCCEEDED,
    AWSORCH_SFN_TASK_FAILED,
    AWSORCH_SFN_TASK_NOT_RUN
} awsorch_sfn_task_outcome;

typedef struct awsorch_sfn_task_plan {
    char *name;
    awsorch_sfn_task_outcome outcome;
    bool guarded; /* a Choice reads $.<name>, so the flag takes effect */
    bool rerun;   /* the flag the new input sets */
} awsorch_sfn_task_plan;

typedef struct awsorch_sfn_rerun_plan {
    char *execution_arn;
    char *state_machine_arn;
    char *status;     /* of the original execution */
    char *input_json; /* the input that runs only what did not succeed */
    awsorch_sfn_task_plan *tasks;
    size_t task_count;
} awsorch_sfn_rerun_plan;

/* Works out a re-run from an execution's definition and history. */
AWSORCH_API awsorch_status awsorch_sfn_plan_rerun(awsorch_sfn_rerun_plan **out,
                                                  awsorch_client *client,
                                                  const char *execution_arn);

/* Frees a plan; NULL is accepted. */
AWSORCH_API void awsorch_sfn_rerun_plan_free(awsorch_sfn_rerun_plan *plan);

#ifdef __cplusplus
}
#endif

#endif
