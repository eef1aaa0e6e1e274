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
