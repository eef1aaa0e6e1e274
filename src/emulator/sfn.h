/* awsorch-emulator: Step Functions' internals, shared by sfn.c (the API), sfn_engine.c (the
 * interpreter that runs executions in their own threads) and sfn_tasks.c (Task resources:
 * Lambda, Glue, Athena, Step Functions, AWS SDK integrations and activities). */
#ifndef AWSORCH_EMULATOR_SFN_H
#define AWSORCH_EMULATOR_SFN_H

#include <pthread.h>
#include <stdbool.h>

#include <jansson.h>

#include "emu.h"

/* AWS fails an execution whose history would pass this many events. */
#define SFN_MAX_EVENTS 25000
/* An inline Map runs at most this many iterations at once, as AWS does. */
#define SFN_MAX_MAP_CONCURRENCY 40
/* Parallel branch and Map iteration threads the whole engine may have at once; past it,
 * children run one after the other in the thread that started them. */
#define SFN_MAX_WORKER_THREADS 256
/* RUNNING executions at once; StartExecution answers ExecutionLimitExceeded past it. */
#define SFN_MAX_RUNNING_EXECUTIONS 1000
/* Stack of the engine's threads: room for jansson's 2048 levels of nesting, well below
 * the 8 MiB default. */
#define SFN_THREAD_STACK ((size_t)2 * 1024 * 1024)

typedef enum sfn_status {
    SFN_RUNNING = 0,
    SFN_SUCCEEDED,
    SFN_FAILED,
    SFN_TIMED_OUT,
    SFN_ABORTED
} sfn_status;

typedef struct sfn_service sfn_service;

typedef struct sfn_exec {
    struct sfn_exec *next;
    emu *e;
    sfn_service *svc;
    char *arn;
    char *name;
    char *sm_arn;
    char *sm_name;
    char *role_arn;
    char *region;     /* of the caller that started it: its tasks call services there */
    char *access_key; /* likewise */
    char *trace_header;
    char *definition_text; /* the definition this execution runs, as the machine had it */
    json_t *definition;
    double sm_updated; /* the machine's last change when the execution started */
    char *sm_revision;
    bool express;
    bool synchronous; /* StartSyncExecution waits for it and frees it */
    char *input_text;
    json_t *input;
    sfn_status status;
    double start;
    double stop;
    char *output; /* JSON text, when SUCCEEDED */
    char *error;
    char *cause;
    json_t *history;        /* the events, in order; id = index + 1 */
    double last_event_time; /* timestamps never go back, even across threads */
    int redrive_count;
    double redrive_date;
    char *redrive_token;
    /* Where every running state list is (state, raw input, and per branch or iteration
     * either its own record or {"done": true, "output": ...}): what a redrive resumes. */
    json_t *progress;
    json_t *resume;        /* the progress a redrive starts from (NULL: from StartAt) */
    json_int_t first_prev; /* previousEventId of the first state entered by this run */
    double deadline;       /* execution TimeoutSeconds, as an epoch time; 0: none */
    pthread_t thread;
    bool has_thread;
    bool finished;  /* the thread is done with the execution */
    bool redriving; /* a RedriveExecution call is waiting for the old thread */
} sfn_exec;

/* A task waiting for SendTaskSuccess / SendTaskFailure: an activity task, or a
 * .waitForTaskToken callback. Owned by the task that waits for it. */
typedef struct sfn_token {
    struct sfn_token *next;
    char *token;
    sfn_exec *x;
    char *activity_arn; /* NULL for callbacks */
    char *input;        /* what GetActivityTask hands out */
    bool taken;         /* a worker took it */
    char *worker;
    double taken_at;
    double last_beat;
    int done; /* 0 pending, 1 succeeded, 2 failed */
    json_t *output;
    char *error;
    char *cause;
} sfn_token;

typedef struct sfn_machine {
    struct sfn_machine *next;
    char *arn;
    char *name;
    char *region;
    char *definition;
    char *role_arn;
    bool express;
    double created;
    double updated;
    char revision[37];
    bool revised;    /* UpdateStateMachine ran: DescribeStateMachine shows revisionId */
    json_t *logging; /* as given, or NULL */
    json_t *tracing;
} sfn_machine;

typedef struct sfn_activity {
    struct sfn_activity *next;
    char *arn;
    char *name;
    char *region;
    double created;
} sfn_activity;

struct sfn_service {
    sfn_machine *machines;
    sfn_exec *execs; /* newest first */
    sfn_activity *activities;
    sfn_token *tokens;
    json_t *seeded; /* regions where the config's machines and activities exist: {region: true} */
    bool stopping;
    size_t max_events;     /* history cap (config "sfn.max_history_events"; SFN_MAX_EVENTS) */
    size_t worker_threads; /* Parallel/Map worker threads alive now */
};

/* ---- the engine (sfn_engine.c) ---------------------------------------------------------- */

typedef enum sfn_rc { SFN_OK = 0, SFN_ERR, SFN_CANCEL } sfn_rc;

/* What running a state, a task attempt or a state list gave. */
typedef struct sfn_result {
    sfn_rc rc;
    json_t *value; /* SFN_OK: the output (owned) */
    char *error;   /* SFN_ERR (malloc'd; either may be NULL) */
    char *cause;
} sfn_result;

/* One running state list: the top level, a Parallel branch or a Map iteration. */
typedef struct sfn_frame {
    sfn_exec *x;
    struct sfn_frame *parent;
    json_t *states;         /* borrowed "States" object */
    json_t *ctx;            /* this list's context object (owned) */
    json_t *rec;            /* this list's progress record (borrowed from x->progress's tree) */
    json_int_t prev;        /* the last event of this list's chain */
    bool cancel;            /* set by the parent when a sibling failed */
    const char *state_name; /* the state running now */
    json_t *state_input;    /* its raw input (borrowed) */
    json_int_t state_entered_id; /* event id of its StateEntered */
} sfn_frame;

/* Starts (or, after a redrive, restarts) an execution's thread. 0, or -1 when no thread. */
int sfn_exec_launch(sfn_exec *x);
/* Joins the thread of a finished execution (lock held; the thread no longer needs it). */
void sfn_exec_join(sfn_exec *x);
/* Attributes of the engine's threads (a small stack). */
void sfn_thread_attr(pthread_attr_t *attr);
/* Accounts for an execution thread joined elsewhere (emu_sfn_free). */
void sfn_exec_thread_gone(void);
/* Execution threads started and not joined yet in this process (tests watch it). */
size_t sfn_unjoined_threads(void);
/* The history cap of x's service. */
size_t sfn_max_events(const sfn_exec *x);
/* Appends an event to x's history (id = count + 1); returns its id. details may be NULL. */
json_int_t sfn_history_add(sfn_exec *x, double t, const char *type, json_int_t prev,
                           const char *details_key, json_t *details);
/* Appends an event on the frame's chain (dropped once the execution ended); returns its id. */
json_int_t sfn_emit(sfn_frame *f, const char *type, const char *details_key, json_t *details);
json_int_t sfn_emit_at(sfn_frame *f, double t, const char *type, const char *details_key,
                       json_t *details);
/* True when the frame must stop: aborted, timed out, a sibling failed, or shutting down. */
bool sfn_cancelled(sfn_frame *f);
/* Waits (giving up the lock) until `until` or a change; -1 once cancelled, else 0. */
int sfn_frame_wait(sfn_frame *f, double until);
/* Ends a running execution: status, stop date, output or error, the closing event. */
void sfn_exec_end(sfn_exec *x, sfn_status status, json_t *output, const char *error,
                  const char *cause, json_int_t prev);

/* ---- helpers (sfn_engine.c) ----------------------------------------------------------- */

/* Compact JSON text of any value as AWS renders it (malloc'd; "null" for NULL). */
char *sfn_json_text(json_t *v);
/* A JSON string holding v's compact text. */
json_t *sfn_json_text_value(json_t *v);
/* A JSON string of s, with bytes that are not UTF-8 replaced (messages cut short). */
json_t *sfn_jstr(const char *s);
/* {"truncated": false}, as AWS puts next to every input and output in the history. */
json_t *sfn_not_truncated(void);
/* Fills r as an error (copies both strings; either may be NULL). */
void sfn_result_error(sfn_result *r, const char *error, const char *cause);
void sfn_result_clear(sfn_result *r);

/* ---- tasks (sfn_tasks.c) ---------------------------------------------------------------- */

/* Runs one attempt of a Task state: effective input, the resource's events and call,
 * waiting for .sync jobs, callbacks and activity workers, timeouts and heartbeats. */
void sfn_task_attempt(sfn_frame *f, const char *name, json_t *state, json_t *raw_input,
                      sfn_result *r);
/* Frees a token and unlinks it from the service. */
void sfn_token_drop(sfn_service *svc, sfn_token *t);

#endif
