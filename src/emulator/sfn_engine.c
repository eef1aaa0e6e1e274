/* awsorch-emulator: the Step Functions interpreter.
 *
 * Every execution runs in its own thread, holding e->lock while it works and giving it up
 * only while it waits (Wait states, polls of .sync jobs, activity workers, Lambda delays).
 * Parallel branches and Map iterations run in threads of their own, so they really overlap:
 * two Glue jobs in parallel branches start at the same moment. The history follows AWS's
 * event types, ids and previousEventId chains, which tools (our re-run planner among them)
 * follow back from an event to the state it belongs to. Each running state list keeps a
 * progress record (state, raw input, per branch or iteration what finished) so that
 * RedriveExecution resumes exactly where the execution stopped. */
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asl.h"
#include "sfn.h"

#define MAX_RETRIERS 32

/* ---- small helpers ------------------------------------------------------------------- */

char *sfn_json_text(json_t *v)
{
    char *s = v != NULL ? asl_json_dumps(v) : NULL;
    return s != NULL ? s : strdup("null");
}

json_t *sfn_jstr(const char *s)
{
    if (s == NULL) {
        return json_string("");
    }
    json_t *j = json_string(s);
    if (j != NULL) {
        return j;
    }
    /* A message cut at a fixed size may end inside a character. */
    char *copy = strdup(s);
    if (copy == NULL) {
        return json_string("");
    }
    for (char *p = copy; *p != '\0'; p++) {
        if ((unsigned char)*p >= 0x80) {
            *p = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j != NULL ? j : json_string("");
}

json_t *sfn_json_text_value(json_t *v)
{
    char *s = sfn_json_text(v);
    json_t *j = sfn_jstr(s);
    free(s);
    return j;
}

json_t *sfn_not_truncated(void)
{
    return json_pack("{s:b}", "truncated", 0);
}

void sfn_result_error(sfn_result *r, const char *error, const char *cause)
{
    sfn_result_clear(r);
    r->rc = SFN_ERR;
    r->error = error != NULL ? strdup(error) : NULL;
    r->cause = cause != NULL ? strdup(cause) : NULL;
}

void sfn_result_clear(sfn_result *r)
{
    json_decref(r->value);
    free(r->error);
    free(r->cause);
    r->value = NULL;
    r->error = NULL;
    r->cause = NULL;
    r->rc = SFN_OK;
}

static void result_ok(sfn_result *r, json_t *value)
{
    sfn_result_clear(r);
    r->rc = SFN_OK;
    r->value = value;
}

static void result_cancel(sfn_result *r)
{
    sfn_result_clear(r);
    r->rc = SFN_CANCEL;
}

/* Moves src into dst. */
static void result_move(sfn_result *dst, sfn_result *src)
{
    sfn_result_clear(dst);
    *dst = *src;
    memset(src, 0, sizeof(*src));
}

/* An error of the ASL library, with the prefix AWS puts on a state's runtime failures. */
static void state_error(sfn_frame *f, sfn_result *r, const emu_error *err)
{
    char cause[1024];
    (void)snprintf(cause, sizeof(cause),
                   "An error occurred while executing the state '%.128s' (entered at the event "
                   "id #%lld). %.512s",
                   f->state_name != NULL ? f->state_name : "", (long long)f->state_entered_id,
                   err->message);
    sfn_result_error(r, err->code[0] != '\0' ? err->code : "States.Runtime", cause);
}

static void runtime_error(sfn_frame *f, sfn_result *r, const char *message)
{
    emu_error err = {0};
    (void)emu_fail(&err, 400, "States.Runtime", "%s", message);
    state_error(f, r, &err);
}

/* ---- threads ----------------------------------------------------------------------------- */

/* Execution threads started and not joined yet, in the whole process (for tests). */
static atomic_size_t unjoined_exec_threads;

size_t sfn_unjoined_threads(void)
{
    return atomic_load(&unjoined_exec_threads);
}

void sfn_thread_attr(pthread_attr_t *attr)
{
    (void)pthread_attr_init(attr);
    (void)pthread_attr_setstacksize(attr, SFN_THREAD_STACK);
}

void sfn_exec_join(sfn_exec *x)
{
    if (x->has_thread && x->finished) {
        /* exec_main sets finished as its last step under the lock and then only returns. */
        (void)pthread_join(x->thread, NULL);
        x->has_thread = false;
        atomic_fetch_sub(&unjoined_exec_threads, 1);
    }
}

void sfn_exec_thread_gone(void)
{
    atomic_fetch_sub(&unjoined_exec_threads, 1);
}

/* ---- history ----------------------------------------------------------------------------- */

size_t sfn_max_events(const sfn_exec *x)
{
    return x->svc != NULL && x->svc->max_events > 0 ? x->svc->max_events : SFN_MAX_EVENTS;
}

json_int_t sfn_history_add(sfn_exec *x, double t, const char *type, json_int_t prev,
                           const char *details_key, json_t *details)
{
    /* AWS fails an execution whose history reaches its limit, wherever the events come
     * from (a Retry loop inside one state too); its closing event still goes in. */
    size_t count = json_array_size(x->history);
    if (x->status == SFN_RUNNING && count >= sfn_max_events(x) &&
        strcmp(type, "ExecutionStarted") != 0 && strcmp(type, "ExecutionRedriven") != 0) {
        json_decref(details);
        char cause[128];
        (void)snprintf(cause, sizeof(cause),
                       "The execution history has reached the limit of %zu events.",
                       sfn_max_events(x));
        sfn_exec_end(x, SFN_FAILED, NULL, "States.Runtime", cause, (json_int_t)count);
        return (json_int_t)count;
    }
    if (t < x->last_event_time) {
        t = x->last_event_time;
    }
    x->last_event_time = t;
    json_int_t id = (json_int_t)json_array_size(x->history) + 1;
    json_t *ev = json_object();
    (void)json_object_set_new(ev, "timestamp", json_real(t));
    (void)json_object_set_new(ev, "type", json_string(type));
    (void)json_object_set_new(ev, "id", json_integer(id));
    (void)json_object_set_new(ev, "previousEventId", json_integer(prev));
    if (details_key != NULL && details != NULL) {
        (void)json_object_set_new(ev, details_key, details);
    } else {
        json_decref(details);
    }
    (void)json_array_append_new(x->history, ev);
    return id;
}

json_int_t sfn_emit_at(sfn_frame *f, double t, const char *type, const char *details_key,
                       json_t *details)
{
    /* An aborted or timed-out execution's threads wind down without writing more. */
    if (f->x->status != SFN_RUNNING) {
        json_decref(details);
        return f->prev;
    }
    f->prev = sfn_history_add(f->x, t, type, f->prev, details_key, details);
    return f->prev;
}

json_int_t sfn_emit(sfn_frame *f, const char *type, const char *details_key, json_t *details)
{
    return sfn_emit_at(f, emu_now(), type, details_key, details);
}

static json_int_t last_event(sfn_exec *x)
{
    return (json_int_t)json_array_size(x->history);
}

void sfn_exec_end(sfn_exec *x, sfn_status status, json_t *output, const char *error,
                  const char *cause, json_int_t prev)
{
    if (x->status != SFN_RUNNING) {
        return;
    }
    x->status = status;
    x->stop = emu_now();
    free(x->output);
    free(x->error);
    free(x->cause);
    x->output = NULL;
    x->error = error != NULL ? strdup(error) : NULL;
    x->cause = cause != NULL ? strdup(cause) : NULL;
    json_t *d = json_object();
    const char *type;
    const char *key;
    if (status == SFN_SUCCEEDED) {
        x->output = sfn_json_text(output);
        type = "ExecutionSucceeded";
        key = "executionSucceededEventDetails";
        (void)json_object_set_new(d, "output", sfn_jstr(x->output));
        (void)json_object_set_new(d, "outputDetails", sfn_not_truncated());
    } else {
        type = status == SFN_FAILED      ? "ExecutionFailed"
               : status == SFN_TIMED_OUT ? "ExecutionTimedOut"
                                         : "ExecutionAborted";
        key = status == SFN_FAILED      ? "executionFailedEventDetails"
              : status == SFN_TIMED_OUT ? "executionTimedOutEventDetails"
                                        : "executionAbortedEventDetails";
        if (error != NULL) {
            (void)json_object_set_new(d, "error", sfn_jstr(error));
        }
        if (cause != NULL) {
            (void)json_object_set_new(d, "cause", sfn_jstr(cause));
        }
    }
    (void)sfn_history_add(x, x->stop, type, prev, key, d);
    emu_changed(x->e);
}

/* ---- cancellation and waiting ---------------------------------------------------------- */

static void check_timeout(sfn_exec *x)
{
    if (x->status == SFN_RUNNING && x->deadline > 0 && emu_now() >= x->deadline) {
        sfn_exec_end(x, SFN_TIMED_OUT, NULL, "States.Timeout",
                     "The execution ran longer than the state machine's TimeoutSeconds.",
                     last_event(x));
    }
}

static bool shutting_down(sfn_exec *x)
{
    return x->svc->stopping || emu_stopping(x->e);
}

bool sfn_cancelled(sfn_frame *f)
{
    sfn_exec *x = f->x;
    check_timeout(x);
    if (x->status != SFN_RUNNING || shutting_down(x)) {
        return true;
    }
    for (const sfn_frame *p = f; p != NULL; p = p->parent) {
        if (p->cancel) {
            return true;
        }
    }
    return false;
}

int sfn_frame_wait(sfn_frame *f, double until)
{
    if (sfn_cancelled(f)) {
        return -1;
    }
    double d = until;
    if (f->x->deadline > 0 && f->x->deadline < d) {
        d = f->x->deadline;
    }
    (void)emu_wait_until(f->x->e, d);
    return sfn_cancelled(f) ? -1 : 0;
}

/* Waits for other threads of this execution; unlike emu_wait_until it still gives up the
 * lock while the emulator stops, so those threads can wind down. */
static void pause_for_others(emu *e)
{
    if (emu_stopping(e)) {
        pthread_mutex_unlock(&e->lock);
        struct timespec ts = {0, 2000000};
        (void)nanosleep(&ts, NULL);
        pthread_mutex_lock(&e->lock);
        return;
    }
    (void)emu_wait_until(e, emu_now() + 1.0);
}

/* Sleeps `emulated` seconds (scaled); -1 when cancelled. */
static int sleep_emulated(sfn_frame *f, double emulated)
{
    double until = emu_now() + emu_real_seconds(f->x->e, emulated);
    while (emu_now() < until) {
        if (sfn_frame_wait(f, until) < 0) {
            return -1;
        }
    }
    return sfn_cancelled(f) ? -1 : 0;
}

/* ---- states: common parts --------------------------------------------------------------- */

static void run_states(sfn_frame *f, const char *start_at, json_t *input, json_t *resume,
                       sfn_result *out);

static void emit_state_event(sfn_frame *f, const char *type, const char *what, const char *name,
                             json_t *value)
{
    char ev[64];
    (void)snprintf(ev, sizeof(ev), "%sState%s", type, what);
    bool entered = strcmp(what, "Entered") == 0;
    json_t *d = json_object();
    (void)json_object_set_new(d, "name", sfn_jstr(name));
    (void)json_object_set_new(d, entered ? "input" : "output", sfn_json_text_value(value));
    (void)json_object_set_new(d, entered ? "inputDetails" : "outputDetails", sfn_not_truncated());
    (void)sfn_emit(f, ev, entered ? "stateEnteredEventDetails" : "stateExitedEventDetails", d);
}

/* The StateEntered event and the context object for a state starting. */
static void enter_state(sfn_frame *f, const char *type, const char *name, json_t *raw, char iso[32])
{
    emu_iso8601(emu_now(), iso);
    f->state_name = name;
    f->state_input = raw;
    emit_state_event(f, type, "Entered", name, raw);
    f->state_entered_id = f->prev;
    asl_context_enter(f->ctx, name, iso, 0);
}

static const char *next_of(json_t *st)
{
    return json_is_true(json_object_get(st, "End"))
               ? NULL
               : json_string_value(json_object_get(st, "Next"));
}

/* Output processing of a state that produced a result, its StateExited event, its Next. */
static void exit_with_result(sfn_frame *f, const char *type, const char *name, json_t *st,
                             json_t *raw, json_t *result, sfn_result *r, const char **next)
{
    emu_error err = {0};
    json_t *out = asl_effective_output(st, raw, result, f->ctx, &err);
    if (out == NULL) {
        state_error(f, r, &err);
        return;
    }
    emit_state_event(f, type, "Exited", name, out);
    *next = next_of(st);
    result_ok(r, out);
}

enum { HANDLE_FAIL, HANDLE_RETRY, HANDLE_CAUGHT };

static double num_field(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* What to do after a state failed: retry after *delay emulated seconds, go to a
 * catcher's Next with *output, or fail. States.Runtime is never retried or caught. */
static int handle_error(sfn_frame *f, json_t *st, json_t *raw, int *counts, sfn_result *a,
                        double *delay, json_t **output, const char **next)
{
    const char *error = a->error != NULL ? a->error : "";
    if (strcmp(error, "States.Runtime") == 0 || strcmp(error, "States.DataLimitExceeded") == 0) {
        return HANDLE_FAIL;
    }
    json_t *retriers = json_object_get(st, "Retry");
    int i = asl_find_handler(retriers, error);
    if (i >= 0 && i < MAX_RETRIERS) {
        json_t *rt = json_array_get(retriers, (size_t)i);
        double max_attempts = num_field(rt, "MaxAttempts", 3);
        if (counts[i] < max_attempts) {
            double d = num_field(rt, "IntervalSeconds", 1) *
                       pow(num_field(rt, "BackoffRate", 2.0), counts[i]);
            double cap = num_field(rt, "MaxDelaySeconds", 0);
            if (cap > 0 && d > cap) {
                d = cap;
            }
            counts[i]++;
            *delay = d;
            return HANDLE_RETRY;
        }
    }
    json_t *catchers = json_object_get(st, "Catch");
    int c = asl_find_handler(catchers, error);
    if (c < 0) {
        return HANDLE_FAIL;
    }
    json_t *catcher = json_array_get(catchers, (size_t)c);
    json_t *errobj = json_object();
    (void)json_object_set_new(errobj, "Error", sfn_jstr(error));
    if (a->cause != NULL) {
        (void)json_object_set_new(errobj, "Cause", sfn_jstr(a->cause));
    }
    emu_error err = {0};
    json_t *out = asl_effective_output(catcher, raw, errobj, f->ctx, &err);
    json_decref(errobj);
    if (out == NULL) {
        state_error(f, a, &err);
        return HANDLE_FAIL;
    }
    *output = out;
    *next = json_string_value(json_object_get(catcher, "Next"));
    return HANDLE_CAUGHT;
}

/* After a failed attempt of a Task, Parallel or Map: 1 to run another attempt, 0 when
 * r is final (failed, caught, or cancelled while waiting to retry). */
static int after_failure(sfn_frame *f, const char *type, const char *name, json_t *st, json_t *raw,
                         int *counts, sfn_result *a, sfn_result *r, const char **next)
{
    double delay = 0;
    json_t *out = NULL;
    const char *nx = NULL;
    int h = handle_error(f, st, raw, counts, a, &delay, &out, &nx);
    if (h == HANDLE_RETRY) {
        sfn_result_clear(a);
        if (sleep_emulated(f, delay) < 0) {
            result_cancel(r);
            return 0;
        }
        return 1;
    }
    if (h == HANDLE_CAUGHT) {
        sfn_result_clear(a);
        emit_state_event(f, type, "Exited", name, out);
        *next = nx;
        result_ok(r, out);
        return 0;
    }
    result_move(r, a);
    return 0;
}

/* ---- simple states ------------------------------------------------------------------------ */

static void run_pass(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r,
                     const char **next)
{
    char iso[32];
    enter_state(f, "Pass", name, raw, iso);
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    if (eff == NULL) {
        state_error(f, r, &err);
        return;
    }
    json_t *result = asl_pass_result(st, eff);
    json_decref(eff);
    exit_with_result(f, "Pass", name, st, raw, result, r, next);
    json_decref(result);
}

/* Output of a state without a result (Choice, Wait, Succeed): OutputPath on its effective
 * input. */
static void exit_plain(sfn_frame *f, const char *type, const char *name, json_t *st, json_t *eff,
                       sfn_result *r)
{
    emu_error err = {0};
    json_t *out = asl_effective_output(st, eff, NULL, f->ctx, &err);
    if (out == NULL) {
        state_error(f, r, &err);
        return;
    }
    emit_state_event(f, type, "Exited", name, out);
    result_ok(r, out);
}

static void run_choice(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r,
                       const char **next)
{
    char iso[32];
    enter_state(f, "Choice", name, raw, iso);
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    const char *nx = NULL;
    if (eff == NULL || asl_choose(st, eff, f->ctx, &nx, &err) != 0) {
        state_error(f, r, &err);
        json_decref(eff);
        return;
    }
    exit_plain(f, "Choice", name, st, eff, r);
    json_decref(eff);
    if (r->rc == SFN_OK) {
        *next = nx;
    }
}

static void run_succeed(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r)
{
    char iso[32];
    enter_state(f, "Succeed", name, raw, iso);
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    if (eff == NULL) {
        state_error(f, r, &err);
        return;
    }
    exit_plain(f, "Succeed", name, st, eff, r);
    json_decref(eff);
}

/* Error or Cause of a Fail state: the literal, or its *Path resolved against the input. */
static int fail_field(sfn_frame *f, json_t *st, json_t *raw, const char *key, char **out,
                      sfn_result *r)
{
    *out = NULL;
    const char *lit = json_string_value(json_object_get(st, key));
    if (lit != NULL) {
        *out = strdup(lit);
        return 0;
    }
    char path_key[32];
    (void)snprintf(path_key, sizeof(path_key), "%sPath", key);
    const char *path = json_string_value(json_object_get(st, path_key));
    if (path == NULL) {
        return 0;
    }
    emu_error err = {0};
    json_t *v = asl_resolve(path, raw, f->ctx, path_key, &err);
    if (v == NULL) {
        state_error(f, r, &err);
        return -1;
    }
    if (!json_is_string(v)) {
        char msg[256];
        (void)snprintf(msg, sizeof(msg), "The value of the field '%s' must be a string", path_key);
        json_decref(v);
        runtime_error(f, r, msg);
        return -1;
    }
    *out = strdup(json_string_value(v));
    json_decref(v);
    return 0;
}

static void run_fail(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r)
{
    char iso[32];
    enter_state(f, "Fail", name, raw, iso);
    char *error = NULL;
    char *cause = NULL;
    if (fail_field(f, st, raw, "Error", &error, r) == 0 &&
        fail_field(f, st, raw, "Cause", &cause, r) == 0) {
        sfn_result_error(r, error, cause);
    }
    free(error);
    free(cause);
}

/* When a Wait state ends: -1 with r filled on a bad value. */
static int wait_until(sfn_frame *f, json_t *st, json_t *eff, double *until, sfn_result *r)
{
    double now = emu_now();
    emu *e = f->x->e;
    json_t *v = json_object_get(st, "Seconds");
    if (v != NULL) {
        *until = now + emu_real_seconds(e, fmax(0, json_number_value(v)));
        return 0;
    }
    const char *ts = json_string_value(json_object_get(st, "Timestamp"));
    json_t *resolved = NULL;
    emu_error err = {0};
    const char *path = json_string_value(json_object_get(st, "SecondsPath"));
    if (path != NULL) {
        resolved = asl_path_get(eff, path, f->ctx, &err);
        if (resolved == NULL) {
            state_error(f, r, &err);
            return -1;
        }
        if (!json_is_number(resolved) || json_number_value(resolved) < 0) {
            json_decref(resolved);
            runtime_error(f, r,
                          "The SecondsPath parameter does not reference a valid "
                          "non-negative integer");
            return -1;
        }
        *until = now + emu_real_seconds(e, json_number_value(resolved));
        json_decref(resolved);
        return 0;
    }
    path = json_string_value(json_object_get(st, "TimestampPath"));
    if (path != NULL) {
        resolved = asl_path_get(eff, path, f->ctx, &err);
        if (resolved == NULL) {
            state_error(f, r, &err);
            return -1;
        }
        ts = json_string_value(resolved);
    }
    double when = 0;
    if (ts == NULL || !asl_parse_timestamp(ts, &when)) {
        json_decref(resolved);
        runtime_error(f, r,
                      "The TimestampPath parameter does not reference a valid ISO-8601 "
                      "extended offset date-time format string");
        return -1;
    }
    json_decref(resolved);
    /* The emulator's clock is the wall clock: the distance to the timestamp is emulated
     * time and passes time_scale times faster. */
    *until = now + (when > now ? emu_real_seconds(e, when - now) : 0);
    return 0;
}

static void run_wait(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r,
                     const char **next)
{
    char iso[32];
    enter_state(f, "Wait", name, raw, iso);
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    if (eff == NULL) {
        state_error(f, r, &err);
        return;
    }
    double until = 0;
    if (wait_until(f, st, eff, &until, r) != 0) {
        json_decref(eff);
        return;
    }
    while (emu_now() < until) {
        if (sfn_frame_wait(f, until) < 0) {
            (void)sfn_emit(f, "WaitStateAborted", NULL, NULL);
            json_decref(eff);
            result_cancel(r);
            return;
        }
    }
    exit_plain(f, "Wait", name, st, eff, r);
    json_decref(eff);
    if (r->rc == SFN_OK) {
        *next = next_of(st);
    }
}

static void run_task(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r,
                     const char **next)
{
    char iso[32];
    enter_state(f, "Task", name, raw, iso);
    int counts[MAX_RETRIERS] = {0};
    int retries = 0;
    for (;;) {
        asl_context_enter(f->ctx, name, iso, retries);
        sfn_result a = {0};
        sfn_task_attempt(f, name, st, raw, &a);
        if (a.rc == SFN_OK) {
            exit_with_result(f, "Task", name, st, raw, a.value, r, next);
            sfn_result_clear(&a);
            return;
        }
        if (a.rc == SFN_CANCEL) {
            (void)sfn_emit(f, "TaskStateAborted", NULL, NULL);
            result_move(r, &a);
            return;
        }
        if (!after_failure(f, "Task", name, st, raw, counts, &a, r, next)) {
            if (r->rc == SFN_CANCEL) {
                (void)sfn_emit(f, "TaskStateAborted", NULL, NULL);
            }
            return;
        }
        retries++;
    }
}

/* ---- Parallel and Map: state lists in threads of their own ---------------------------------- */

typedef struct child {
    sfn_frame frame;
    const char *start_at;
    json_t *input;  /* owned */
    json_t *resume; /* borrowed from x->resume, or NULL */
    sfn_result res;
    size_t index;
    bool claimed;  /* a worker took it (or it was done before a redrive) */
    bool finished; /* res is final */
    int fail_order;
} child;

typedef struct group {
    sfn_frame *parent;
    child *kids;
    size_t n;
    const char *map_name; /* NULL for Parallel */
    int failures;
    size_t active; /* worker threads still running */
    size_t next;   /* children before this one are all claimed */
} group;

static void run_child(group *g, child *k)
{
    sfn_frame *f = &k->frame;
    /* The context is made only now, and shallow: a child only replaces its top-level
     * members (State, Task, Map), so Execution (and its Input) stays shared. */
    if (f->ctx == NULL) {
        f->ctx = json_copy(g->parent->ctx);
    }
    json_t *d = NULL;
    if (g->map_name != NULL) {
        d = json_pack("{s:s, s:I}", "name", g->map_name, "index", (json_int_t)k->index);
        (void)sfn_emit(f, "MapIterationStarted", "mapIterationStartedEventDetails",
                       json_deep_copy(d));
    }
    run_states(f, k->start_at, k->input, k->resume, &k->res);
    if (g->map_name != NULL) {
        const char *type = k->res.rc == SFN_OK    ? "MapIterationSucceeded"
                           : k->res.rc == SFN_ERR ? "MapIterationFailed"
                                                  : "MapIterationAborted";
        const char *key = k->res.rc == SFN_OK    ? "mapIterationSucceededEventDetails"
                          : k->res.rc == SFN_ERR ? "mapIterationFailedEventDetails"
                                                 : "mapIterationAbortedEventDetails";
        (void)sfn_emit(f, type, key, d);
        d = NULL;
    }
    json_decref(d);
    if (k->res.rc == SFN_ERR) {
        k->fail_order = ++g->failures;
    }
    k->finished = true;
    json_decref(f->ctx);
    f->ctx = NULL;
    emu_changed(f->x->e);
}

/* A worker: runs pending children until none is left or the group stops. Lock held. */
static void work(group *g)
{
    for (;;) {
        if (g->failures > 0 || sfn_cancelled(g->parent)) {
            return;
        }
        while (g->next < g->n && g->kids[g->next].claimed) {
            g->next++;
        }
        if (g->next >= g->n) {
            return;
        }
        child *k = &g->kids[g->next++];
        k->claimed = true;
        run_child(g, k);
        /* A child of Pass and Choice states never waits: give other threads (API calls,
         * other executions) a turn between children. */
        emu *e = g->parent->x->e;
        pthread_mutex_unlock(&e->lock);
        (void)sched_yield();
        pthread_mutex_lock(&e->lock);
    }
}

static void *worker_main(void *arg)
{
    group *g = arg;
    emu *e = g->parent->x->e;
    pthread_mutex_lock(&e->lock);
    work(g);
    g->active--;
    g->parent->x->svc->worker_threads--;
    emu_changed(e);
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

/* Runs the children on `workers` threads and waits for them; the first failure stops
 * the others, as a failed branch or iteration fails the whole state. */
static void run_group(group *g, size_t workers)
{
    emu *e = g->parent->x->e;
    sfn_service *svc = g->parent->x->svc;
    /* Threads come from one budget for the whole engine: nested Maps and Parallels would
     * multiply them otherwise. Without any left, the children run in this thread. */
    size_t left = svc->worker_threads < SFN_MAX_WORKER_THREADS
                      ? SFN_MAX_WORKER_THREADS - svc->worker_threads
                      : 0;
    if (workers > left) {
        workers = left;
    }
    if (workers > g->n) {
        workers = g->n;
    }
    pthread_t *threads = calloc(workers > 0 ? workers : 1, sizeof(*threads));
    size_t started = 0;
    pthread_attr_t attr;
    sfn_thread_attr(&attr);
    for (size_t i = 0; threads != NULL && i < workers; i++) {
        g->active++;
        svc->worker_threads++;
        if (pthread_create(&threads[i], &attr, worker_main, g) != 0) {
            g->active--;
            svc->worker_threads--;
            break;
        }
        started++;
    }
    (void)pthread_attr_destroy(&attr);
    if (started == 0) {
        work(g); /* no thread to be had: one after the other, in this one */
    }
    bool stopped_others = false;
    while (g->active > 0) {
        if (g->failures > 0 && !stopped_others) {
            for (size_t i = 0; i < g->n; i++) {
                g->kids[i].frame.cancel = true;
            }
            stopped_others = true;
            emu_changed(e);
        }
        pause_for_others(e);
    }
    /* Each worker set active-- as its last step under the lock: joining cannot block on it. */
    for (size_t i = 0; i < started; i++) {
        (void)pthread_join(threads[i], NULL);
    }
    free(threads);
}

/* ParallelStateSucceeded / MapStateSucceeded: AWS chains them, and the state's exit after
 * them, to the branches' last event. */
static void succeeded(sfn_frame *f, const char *type)
{
    json_int_t last = f->prev;
    (void)sfn_emit(f, type, NULL, NULL);
    f->prev = last;
}

/* Prepares child i: its frame (context taken from the parent when it runs, chain from `from`), its
 * progress record in rec_list, and what a redrive kept of it. */
static void child_init(group *g, size_t i, json_t *states, const char *start_at, json_t *input,
                       json_t *rec_list, json_t *resume_list, json_int_t from)
{
    child *k = &g->kids[i];
    sfn_frame *parent = g->parent;
    k->index = i;
    k->start_at = start_at;
    k->input = input;
    k->frame.x = parent->x;
    k->frame.parent = parent;
    k->frame.states = states;
    k->frame.ctx = NULL; /* made when a worker claims it (run_child) */
    k->frame.prev = from;
    json_t *rec = json_object();
    (void)json_array_append_new(rec_list, rec);
    k->frame.rec = rec;
    json_t *kept = json_array_get(resume_list, i);
    if (json_is_true(json_object_get(kept, "done"))) {
        k->claimed = true;
        k->finished = true;
        k->res.rc = SFN_OK;
        k->res.value = json_incref(json_object_get(kept, "output"));
        (void)json_object_set_new(rec, "done", json_true());
        (void)json_object_set(rec, "output", json_object_get(kept, "output"));
    } else if (json_object_get(kept, "state") != NULL) {
        k->resume = kept;
    }
}

static void group_free(group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        json_decref(g->kids[i].frame.ctx);
        json_decref(g->kids[i].input);
        sfn_result_clear(&g->kids[i].res);
    }
    free(g->kids);
    g->kids = NULL;
}

/* The group's outcome: the first failure, else a cancellation, else the outputs in order.
 * Records done children so a redrive keeps them. *last is the event the outcome follows. */
static void group_result(group *g, json_t *rec_list, sfn_result *r, json_int_t *last)
{
    child *first_fail = NULL;
    bool cancelled = false;
    json_t *outputs = json_array();
    for (size_t i = 0; i < g->n; i++) {
        child *k = &g->kids[i];
        if (k->frame.prev > *last) {
            *last = k->frame.prev;
        }
        if (k->finished && k->res.rc == SFN_OK) {
            (void)json_array_append(outputs, k->res.value);
            json_t *done = json_pack("{s:b, s:O}", "done", 1, "output", k->res.value);
            (void)json_array_set_new(rec_list, i, done);
        } else if (k->finished && k->res.rc == SFN_ERR && k->fail_order == 1) {
            first_fail = k;
        } else {
            cancelled = true;
        }
    }
    if (first_fail != NULL) {
        /* The state's failure follows the failed branch's last event, as AWS chains it. */
        *last = first_fail->frame.prev;
        sfn_result_error(r, first_fail->res.error, first_fail->res.cause);
        json_decref(outputs);
    } else if (cancelled) {
        result_cancel(r);
        json_decref(outputs);
    } else {
        result_ok(r, outputs);
    }
}

static void run_parallel(sfn_frame *f, const char *name, json_t *st, json_t *raw, json_t *resume,
                         sfn_result *r, const char **next)
{
    char iso[32];
    enter_state(f, "Parallel", name, raw, iso);
    int counts[MAX_RETRIERS] = {0};
    int retries = 0;
    json_t *branches = json_object_get(st, "Branches");
    for (;;) {
        asl_context_enter(f->ctx, name, iso, retries);
        emu_error err = {0};
        json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
        if (eff == NULL) {
            state_error(f, r, &err);
            return;
        }
        json_int_t started = sfn_emit(f, "ParallelStateStarted", NULL, NULL);
        group g = {f, NULL, json_array_size(branches), NULL, 0, 0, 0};
        g.kids = calloc(g.n > 0 ? g.n : 1, sizeof(*g.kids));
        json_t *rec_list = json_array();
        (void)json_object_set_new(f->rec, "children", rec_list);
        for (size_t i = 0; g.kids != NULL && i < g.n; i++) {
            json_t *b = json_array_get(branches, i);
            child_init(&g, i, json_object_get(b, "States"),
                       json_string_value(json_object_get(b, "StartAt")), json_incref(eff), rec_list,
                       resume, started);
        }
        json_decref(eff);
        if (g.kids == NULL) {
            runtime_error(f, r, "out of memory");
            return;
        }
        run_group(&g, g.n);
        sfn_result a = {0};
        json_int_t last = f->prev;
        group_result(&g, rec_list, &a, &last);
        group_free(&g);
        resume = NULL; /* a retry runs every branch again */
        f->prev = last;
        if (a.rc == SFN_OK) {
            succeeded(f, "ParallelStateSucceeded");
            exit_with_result(f, "Parallel", name, st, raw, a.value, r, next);
            sfn_result_clear(&a);
            return;
        }
        if (a.rc == SFN_CANCEL) {
            (void)sfn_emit(f, "ParallelStateAborted", NULL, NULL);
            result_move(r, &a);
            return;
        }
        (void)sfn_emit(f, "ParallelStateFailed", NULL, NULL);
        if (!after_failure(f, "Parallel", name, st, raw, counts, &a, r, next)) {
            return;
        }
        retries++;
    }
}

/* MaxConcurrency (or MaxConcurrencyPath): the Map's worker count for n items. */
static size_t map_workers(sfn_frame *f, json_t *st, json_t *eff, size_t n)
{
    double maxc = num_field(st, "MaxConcurrency", 0);
    const char *path = json_string_value(json_object_get(st, "MaxConcurrencyPath"));
    if (path != NULL) {
        emu_error err = {0};
        json_t *v = asl_path_get(eff, path, f->ctx, &err);
        maxc = json_is_number(v) ? json_number_value(v) : 0;
        json_decref(v);
    }
    size_t w = n;
    if (maxc >= 1 && maxc < (double)w) {
        w = (size_t)maxc;
    }
    return w > SFN_MAX_MAP_CONCURRENCY ? SFN_MAX_MAP_CONCURRENCY : w;
}

/* One attempt of a Map state: its items, iterations in threads, their outcome. */
static void map_attempt(sfn_frame *f, const char *name, json_t *st, json_t *raw, json_t *resume,
                        sfn_result *a)
{
    json_t *proc = json_object_get(st, "ItemProcessor");
    if (proc == NULL) {
        proc = json_object_get(st, "Iterator");
    }
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    json_t *items = eff != NULL ? asl_map_items(st, eff, f->ctx, &err) : NULL;
    if (items == NULL) {
        state_error(f, a, &err);
        json_decref(eff);
        return;
    }
    group g = {f, NULL, json_array_size(items), name, 0, 0, 0};
    g.kids = calloc(g.n > 0 ? g.n : 1, sizeof(*g.kids));
    json_t **inputs = calloc(g.n > 0 ? g.n : 1, sizeof(json_t *));
    int bad = g.kids == NULL || inputs == NULL;
    for (size_t i = 0; !bad && i < g.n; i++) {
        inputs[i] = asl_map_item_input(st, eff, f->ctx, i, json_array_get(items, i), &err);
        bad = inputs[i] == NULL;
    }
    if (bad) {
        if (g.kids == NULL || inputs == NULL) {
            runtime_error(f, a, "out of memory");
        } else {
            state_error(f, a, &err);
        }
        for (size_t i = 0; inputs != NULL && i < g.n; i++) {
            json_decref(inputs[i]);
        }
        free(inputs);
        free(g.kids);
        json_decref(items);
        json_decref(eff);
        return;
    }
    json_t *d = json_pack("{s:I}", "length", (json_int_t)g.n);
    json_int_t started = sfn_emit(f, "MapStateStarted", "mapStateStartedEventDetails", d);
    json_t *rec_list = json_array();
    (void)json_object_set_new(f->rec, "children", rec_list);
    for (size_t i = 0; i < g.n; i++) {
        child_init(&g, i, json_object_get(proc, "States"),
                   json_string_value(json_object_get(proc, "StartAt")), inputs[i], rec_list, resume,
                   started);
    }
    free(inputs);
    size_t workers = map_workers(f, st, eff, g.n);
    json_decref(items);
    json_decref(eff);
    run_group(&g, workers);
    json_int_t last = f->prev;
    group_result(&g, rec_list, a, &last);
    group_free(&g);
    f->prev = last;
}

static void run_map(sfn_frame *f, const char *name, json_t *st, json_t *raw, json_t *resume,
                    sfn_result *r, const char **next)
{
    char iso[32];
    enter_state(f, "Map", name, raw, iso);
    int counts[MAX_RETRIERS] = {0};
    int retries = 0;
    for (;;) {
        asl_context_enter(f->ctx, name, iso, retries);
        sfn_result a = {0};
        map_attempt(f, name, st, raw, resume, &a);
        resume = NULL;
        if (a.rc == SFN_OK) {
            succeeded(f, "MapStateSucceeded");
            exit_with_result(f, "Map", name, st, raw, a.value, r, next);
            sfn_result_clear(&a);
            return;
        }
        if (a.rc == SFN_CANCEL) {
            (void)sfn_emit(f, "MapStateAborted", NULL, NULL);
            result_move(r, &a);
            return;
        }
        if (a.error == NULL || strcmp(a.error, "States.Runtime") != 0) {
            (void)sfn_emit(f, "MapStateFailed", NULL, NULL);
        }
        if (!after_failure(f, "Map", name, st, raw, counts, &a, r, next)) {
            return;
        }
        retries++;
    }
}

/* ---- state lists ------------------------------------------------------------------------- */

static void run_state(sfn_frame *f, const char *name, json_t *st, json_t *raw, json_t *resume,
                      sfn_result *r, const char **next)
{
    const char *type = json_string_value(json_object_get(st, "Type"));
    if (type == NULL) {
        type = "";
    }
    if (strcmp(type, "Task") == 0) {
        run_task(f, name, st, raw, r, next);
    } else if (strcmp(type, "Pass") == 0) {
        run_pass(f, name, st, raw, r, next);
    } else if (strcmp(type, "Choice") == 0) {
        run_choice(f, name, st, raw, r, next);
    } else if (strcmp(type, "Wait") == 0) {
        run_wait(f, name, st, raw, r, next);
    } else if (strcmp(type, "Succeed") == 0) {
        run_succeed(f, name, st, raw, r);
    } else if (strcmp(type, "Fail") == 0) {
        run_fail(f, name, st, raw, r);
    } else if (strcmp(type, "Parallel") == 0) {
        run_parallel(f, name, st, raw, resume, r, next);
    } else if (strcmp(type, "Map") == 0) {
        run_map(f, name, st, raw, resume, r, next);
    } else {
        char msg[160];
        (void)snprintf(msg, sizeof(msg), "The state type '%.64s' is not supported", type);
        f->state_name = name;
        runtime_error(f, r, msg);
    }
}

/* Runs states from start_at (or from where resume says a previous run stopped) until
 * one ends the list; out gets its output, or the error, or a cancellation. */
static void run_states(sfn_frame *f, const char *start_at, json_t *input, json_t *resume,
                       sfn_result *out)
{
    const char *name = start_at;
    json_t *in = json_incref(input);
    if (json_is_string(json_object_get(resume, "state"))) {
        name = json_string_value(json_object_get(resume, "state"));
        json_decref(in);
        in = json_incref(json_object_get(resume, "input"));
        if (in == NULL) {
            in = json_object();
        }
    }
    for (;;) {
        if (sfn_cancelled(f)) {
            result_cancel(out);
            break;
        }
        json_t *st = name != NULL ? json_object_get(f->states, name) : NULL;
        if (!json_is_object(st)) {
            char msg[400];
            (void)snprintf(msg, sizeof(msg), "Missing the state '%.300s'",
                           name != NULL ? name : "(none)");
            runtime_error(f, out, msg);
            break;
        }
        (void)json_object_set_new(f->rec, "state", json_string(name));
        (void)json_object_set(f->rec, "input", in);
        (void)json_object_del(f->rec, "children");
        const char *next = NULL;
        sfn_result r = {0};
        run_state(f, name, st, in, json_object_get(resume, "children"), &r, &next);
        resume = NULL;
        json_decref(in);
        in = NULL;
        if (r.rc != SFN_OK || next == NULL) {
            result_move(out, &r);
            break;
        }
        in = r.value;
        r.value = NULL;
        name = next;
    }
    json_decref(in);
}

/* ---- executions ------------------------------------------------------------------------- */

static void *exec_main(void *arg)
{
    sfn_exec *x = arg;
    emu *e = x->e;
    pthread_mutex_lock(&e->lock);
    sfn_frame f;
    memset(&f, 0, sizeof(f));
    f.x = x;
    f.states = json_object_get(x->definition, "States");
    char iso[32];
    emu_iso8601(x->start, iso);
    f.ctx = asl_context_new(x->arn, x->name, x->input, x->sm_arn, x->sm_name, iso, x->role_arn);
    json_t *ex = json_object_get(f.ctx, "Execution");
    if (json_is_object(ex)) {
        (void)json_object_set_new(ex, "RedriveCount", json_integer(x->redrive_count));
    }
    f.rec = x->progress;
    f.prev = x->first_prev;
    sfn_result r = {0};
    run_states(&f, json_string_value(json_object_get(x->definition, "StartAt")), x->input,
               x->resume, &r);
    if (x->status == SFN_RUNNING && !shutting_down(x)) {
        if (r.rc == SFN_OK) {
            sfn_exec_end(x, SFN_SUCCEEDED, r.value, NULL, NULL, f.prev);
        } else if (r.rc == SFN_ERR) {
            sfn_exec_end(x, SFN_FAILED, NULL, r.error, r.cause, f.prev);
        }
    }
    sfn_result_clear(&r);
    json_decref(f.ctx);
    json_decref(x->resume);
    x->resume = NULL;
    x->finished = true;
    emu_changed(e);
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

int sfn_exec_launch(sfn_exec *x)
{
    x->finished = false;
    json_t *timeout = json_object_get(x->definition, "TimeoutSeconds");
    x->deadline = json_is_number(timeout) && json_number_value(timeout) > 0
                      ? emu_now() + emu_real_seconds(x->e, json_number_value(timeout))
                      : 0;
    pthread_attr_t attr;
    sfn_thread_attr(&attr);
    int rc = pthread_create(&x->thread, &attr, exec_main, x);
    (void)pthread_attr_destroy(&attr);
    if (rc != 0) {
        x->has_thread = false;
        x->finished = true;
        return -1;
    }
    x->has_thread = true;
    atomic_fetch_add(&unjoined_exec_threads, 1);
    return 0;
}
