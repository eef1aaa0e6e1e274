/* The generic poller every waiter uses: describe, decide, back off, repeat,
 * until the work ends, a deadline passes or the caller cancels. */
#ifndef AWSORCH_POLLER_H
#define AWSORCH_POLLER_H

#include <signal.h>
#include <stdbool.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awsorch_poll_state {
    AWSORCH_POLL_RUNNING = 0,
    AWSORCH_POLL_SUCCEEDED,
    AWSORCH_POLL_FAILED
} awsorch_poll_state;

/* Describes the work once: sets *state and a short label ("RUNNING"). A status
 * other than AWSORCH_OK is retried when transient, returned otherwise. */
typedef awsorch_status (*awsorch_describe_fn)(void *userdata, awsorch_poll_state *state,
                                              char *label, size_t label_len);

/* Told after each describe: the label and the seconds since polling began. */
typedef void (*awsorch_progress_fn)(void *userdata, const char *label, double elapsed_s);

/* Returns true to stop polling. */
typedef bool (*awsorch_cancel_fn)(void *userdata);

typedef struct awsorch_poll_options {
    unsigned version;
    double min_delay_s; /* first wait; doubles up to max_delay_s, with jitter */
    double max_delay_s;
    double timeout_s;                         /* 0: no deadline */
    const volatile sig_atomic_t *cancel_flag; /* e.g. set by a SIGINT handler */
    awsorch_cancel_fn cancel;
    void *cancel_userdata;
    awsorch_progress_fn progress;
    void *progress_userdata;
    unsigned max_transient_errors; /* consecutive ones tolerated */
} awsorch_poll_options;

#define AWSORCH_POLL_OPTIONS_INIT                                                                  \
    {                                                                                              \
        1, 2.0, 30.0, 0.0, NULL, NULL, NULL, NULL, NULL, 8                                         \
    }

typedef enum awsorch_poll_result {
    AWSORCH_POLL_ENDED_SUCCEEDED = 0,
    AWSORCH_POLL_ENDED_FAILED,
    AWSORCH_POLL_TIMED_OUT,
    AWSORCH_POLL_CANCELLED
} awsorch_poll_result;

/* Polls until the work succeeds or fails, the deadline passes, or the caller cancels. */
AWSORCH_API awsorch_status awsorch_poll(awsorch_poll_result *result, awsorch_describe_fn describe,
                                        void *userdata, const awsorch_poll_options *opts);

/* A waiter, declared per service like its operations: which describe call to
 * repeat and which values of which member end the wait. Members are named by
 * a path into the reply ("status", "JobRun.JobRunState"). */
typedef struct awsorch_waiter {
    const char *name;              /* "execution-complete" */
    const char *operation;         /* "DescribeExecution" */
    const char *state_member;      /* "status", "QueryExecution.Status.State" */
    const char *const *success;    /* NULL-terminated terminal success values */
    const char *const *failure;    /* NULL-terminated terminal failure values */
    const char *reason_members[3]; /* members that explain a failure ("error", "cause") */
    double delay_s;                /* AWS CLI-like default delay */
    /* `--wait` on the start operation builds the describe input from the describe
     * operation's required members that the start input has, plus the id. */
    const char *start_operation; /* the operation `--wait` follows ("StartExecution") */
    const char *id_member;       /* member of the start output that names the work; NULL: none */
    /* Appended fields (designated initializers leave them NULL): */
    const char *id_input_member;  /* id_member's name in the describe input when it differs:
                                     StartJobRun's JobRunId is GetJobRun's RunId */
    const char *ended_member;     /* when set, the work has ended only while this member */
    const char *ended_value;      /* holds this value; until then the wait goes on whatever
                                     state_member says (Glue crawlers: Crawler.State READY,
                                     then Crawler.LastCrawl.Status decides) */
    const char *start_operation2; /* a second operation `--wait` follows */
} awsorch_waiter;

/* Waits with a declared waiter: input_json is the describe call's input. On
 * return *final_json (free with free()) holds the last description. */
AWSORCH_API awsorch_status awsorch_wait(awsorch_poll_result *result, char **final_json,
                                        awsorch_client *client, const awsorch_service_model *model,
                                        const awsorch_operation *ops, size_t op_count,
                                        const awsorch_waiter *waiter, const char *input_json,
                                        const awsorch_poll_options *opts);

#ifdef __cplusplus
}
#endif

#endif
