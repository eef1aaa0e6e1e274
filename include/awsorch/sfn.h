/* AWS Step Functions. The operations are declared once in a model; call any
 * of them with awsorch_invoke_json, or from the CLI as `awsorch stepfunctions`.
 * Typed wrappers, paginators and the waiter build on this (see the issues). */
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
 * Typed front ends over the declared operations: C structs filled from the
 * model's members by one field table each, timestamps as epoch seconds,
 * statuses as enums, one free call per output. */

typedef enum awsorch_sfn_execution_status {
    AWSORCH_SFN_EXECUTION_UNKNOWN = 0, /* a value this version does not know */
    AWSORCH_SFN_EXECUTION_RUNNING,
    AWSORCH_SFN_EXECUTION_SUCCEEDED,
    AWSORCH_SFN_EXECUTION_FAILED,
    AWSORCH_SFN_EXECUTION_TIMED_OUT,
    AWSORCH_SFN_EXECUTION_ABORTED,
    AWSORCH_SFN_EXECUTION_PENDING_REDRIVE
} awsorch_sfn_execution_status;

/* DescribeExecution's output. */
typedef struct awsorch_sfn_execution {
    char *execution_arn;
    char *state_machine_arn;
    char *name;
    awsorch_sfn_execution_status status;
    char *status_text; /* as the service spelled it */
    double start_date; /* epoch seconds; 0 when absent */
    double stop_date;
    char *input;
    char *output;
    char *error;
    char *cause;
    char *trace_header;
    char *map_run_arn;
    int64_t redrive_count;
    double redrive_date;
    char *redrive_status;
} awsorch_sfn_execution;

/* DescribeExecution. */
AWSORCH_API awsorch_status awsorch_sfn_describe_execution(awsorch_sfn_execution **out,
                                                          awsorch_client *client,
                                                          const char *execution_arn);

/* Frees DescribeExecution's output; NULL is accepted. */
AWSORCH_API void awsorch_sfn_execution_free(awsorch_sfn_execution *e);

typedef struct awsorch_sfn_start_execution_input {
    unsigned version;
    const char *state_machine_arn; /* required */
    const char *name;              /* NULL: a UUID, chosen once so retries cannot repeat it */
    const char *input;             /* JSON text */
    const char *trace_header;
} awsorch_sfn_start_execution_input;

#define AWSORCH_SFN_START_EXECUTION_INPUT_INIT                                                     \
    {                                                                                              \
        1, NULL, NULL, NULL, NULL                                                                  \
    }

typedef struct awsorch_sfn_started_execution {
    char *execution_arn;
    double start_date;
} awsorch_sfn_started_execution;

/* StartExecution. */
AWSORCH_API awsorch_status awsorch_sfn_start_execution(awsorch_sfn_started_execution **out,
                                                       awsorch_client *client,
                                                       const awsorch_sfn_start_execution_input *in);

/* Frees StartExecution's output; NULL is accepted. */
AWSORCH_API void awsorch_sfn_started_execution_free(awsorch_sfn_started_execution *s);

/* Waits until an execution ends (the execution-complete waiter); *final holds
 * its last description (free with awsorch_sfn_execution_free). */
AWSORCH_API awsorch_status awsorch_sfn_wait_execution(awsorch_poll_result *result,
                                                      awsorch_sfn_execution **final,
                                                      awsorch_client *client,
                                                      const char *execution_arn,
                                                      const awsorch_poll_options *opts);

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
    AWSORCH_SFN_TASK_SUCCEEDED = 0,
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
