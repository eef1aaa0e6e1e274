#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "awsorch/poller.h"
#include "core/internal.h"

static double now_s(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool cancelled(const awsorch_poll_options *o)
{
    return (o->cancel_flag != NULL && *o->cancel_flag) ||
           (o->cancel != NULL && o->cancel(o->cancel_userdata));
}

/* Sleeps in slices of at most 100 ms so cancellation is noticed promptly. */
static bool sleep_or_cancel(double seconds, const awsorch_poll_options *o)
{
    double end = now_s() + seconds;
    for (;;) {
        if (cancelled(o)) {
            return false;
        }
        double left = end - now_s();
        if (left <= 0) {
            return true;
        }
        double slice = left < 0.1 ? left : 0.1;
        struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
        (void)nanosleep(&ts, NULL);
    }
}

/* Worth another describe: the transport failed, or the service throttled or
 * had a server-side error. */
static bool transient(awsorch_status st)
{
    const awsorch_error *e = awsorch_error_last();
    if (st == AWSORCH_E_TRANSPORT || st == AWSORCH_E_TIMEOUT) {
        return true;
    }
    return st == AWSORCH_E_SERVICE &&
           (e->http_status >= 500 || e->http_status == 429 ||
            strstr(e->service_code, "Throttl") != NULL || strcmp(e->service_code, "SlowDown") == 0);
}

static double jitter(void)
{
    char u[37];
    awsorch__uuid4(u);
    return (double)(unsigned char)u[0] / 255.0;
}

awsorch_status awsorch_poll(awsorch_poll_result *result, awsorch_describe_fn describe,
                            void *userdata, const awsorch_poll_options *opts)
{
    if (result == NULL || describe == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "poll: NULL argument");
    }
    awsorch_poll_options defaults = AWSORCH_POLL_OPTIONS_INIT;
    const awsorch_poll_options *o = opts ? opts : &defaults;
    double start = now_s();
    double delay = o->min_delay_s > 0 ? o->min_delay_s : 1.0;
    double max_delay = o->max_delay_s >= delay ? o->max_delay_s : delay;
    unsigned errors = 0;
    for (;;) {
        if (cancelled(o)) {
            *result = AWSORCH_POLL_CANCELLED;
            return AWSORCH_OK;
        }
        awsorch_poll_state state = AWSORCH_POLL_RUNNING;
        char label[128] = "";
        awsorch_status st = describe(userdata, &state, label, sizeof(label));
        double elapsed = now_s() - start;
        if (st != AWSORCH_OK) {
            if (!transient(st) || ++errors > o->max_transient_errors) {
                return st;
            }
            awsorch__log(AWSORCH_LOG_INFO, "poll: transient error (%s), polling again",
                         awsorch_error_last()->message);
        } else {
            errors = 0;
            if (o->progress != NULL) {
                o->progress(o->progress_userdata, label, elapsed);
            }
            if (state != AWSORCH_POLL_RUNNING) {
                *result = state == AWSORCH_POLL_SUCCEEDED ? AWSORCH_POLL_ENDED_SUCCEEDED
                                                          : AWSORCH_POLL_ENDED_FAILED;
                return AWSORCH_OK;
            }
        }
        /* Full jitter over the upper half keeps many waiters from polling in step. */
        double wait = delay * (0.5 + 0.5 * jitter());
        if (o->timeout_s > 0) {
            double left = o->timeout_s - (now_s() - start);
            if (left <= 0) {
                *result = AWSORCH_POLL_TIMED_OUT;
                return AWSORCH_OK;
            }
            wait = fmin(wait, left);
        }
        if (!sleep_or_cancel(wait, o)) {
            *result = AWSORCH_POLL_CANCELLED;
            return AWSORCH_OK;
        }
        if (o->timeout_s > 0 && now_s() - start >= o->timeout_s) {
            /* One last look, so work that ended at the deadline is reported as ended. */
            st = describe(userdata, &state, label, sizeof(label));
            if (st == AWSORCH_OK && state != AWSORCH_POLL_RUNNING) {
                *result = state == AWSORCH_POLL_SUCCEEDED ? AWSORCH_POLL_ENDED_SUCCEEDED
                                                          : AWSORCH_POLL_ENDED_FAILED;
                return AWSORCH_OK;
            }
            *result = AWSORCH_POLL_TIMED_OUT;
            return AWSORCH_OK;
        }
        delay = fmin(delay * 2.0, max_delay);
    }
}

typedef struct wait_ctx {
    awsorch_client *client;
    const awsorch_service_model *model;
    const awsorch_operation *op;
    const awsorch_waiter *waiter;
    const char *input;
    char *last; /* the last description, JSON */
} wait_ctx;

static bool in_list(const char *value, const char *const *list)
{
    for (; list != NULL && *list != NULL; list++) {
        if (strcmp(*list, value) == 0) {
            return true;
        }
    }
    return false;
}

/* The value at a dotted path ("JobRun.JobRunState") of a reply, or NULL. */
static json_t *at_path(json_t *doc, const char *path)
{
    json_t *v = doc;
    const char *p = path;
    while (v != NULL && p != NULL) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[256];
        if (n >= sizeof(key)) {
            return NULL;
        }
        memcpy(key, p, n);
        key[n] = '\0';
        v = json_object_get(v, key);
        p = dot ? dot + 1 : NULL;
    }
    return v;
}

static awsorch_status describe_once(void *ud, awsorch_poll_state *state, char *label,
                                    size_t label_len)
{
    wait_ctx *w = ud;
    const awsorch_waiter *wt = w->waiter;
    char *out = NULL;
    awsorch_status st = awsorch_invoke_json(&out, w->client, w->model, w->op, w->input);
    if (st != AWSORCH_OK) {
        return st;
    }
    json_t *doc = json_loads(out, 0, NULL);
    /* A gated waiter: until the gate member holds its value the work goes on,
     * and the gate's value is what progress shows. */
    const char *gate = wt->ended_member ? json_string_value(at_path(doc, wt->ended_member)) : NULL;
    bool ended = wt->ended_member == NULL ||
                 (gate != NULL && wt->ended_value != NULL && strcmp(gate, wt->ended_value) == 0);
    const char *value = ended ? json_string_value(at_path(doc, wt->state_member)) : gate;
    if (value == NULL) {
        json_decref(doc);
        free(out);
        return awsorch__fail(AWSORCH_E_PARSE, "%s: the reply has no %s", w->op->name,
                             ended ? wt->state_member : wt->ended_member);
    }
    (void)snprintf(label, label_len, "%s", value);
    *state = !ended                        ? AWSORCH_POLL_RUNNING
             : in_list(value, wt->success) ? AWSORCH_POLL_SUCCEEDED
             : in_list(value, wt->failure) ? AWSORCH_POLL_FAILED
                                           : AWSORCH_POLL_RUNNING;
    json_decref(doc);
    free(w->last);
    w->last = out;
    return AWSORCH_OK;
}

awsorch_status awsorch_wait(awsorch_poll_result *result, char **final_json, awsorch_client *client,
                            const awsorch_service_model *model, const awsorch_operation *ops,
                            size_t op_count, const awsorch_waiter *waiter, const char *input_json,
                            const awsorch_poll_options *opts)
{
    if (result == NULL || final_json == NULL || client == NULL || model == NULL || waiter == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "wait: NULL argument");
    }
    *final_json = NULL;
    const awsorch_operation *op = awsorch_operation_find(ops, op_count, waiter->operation);
    if (op == NULL) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "waiter %s names unknown operation %s",
                             waiter->name, waiter->operation);
    }
    wait_ctx w = {client, model, op, waiter, input_json, NULL};
    awsorch_status st = awsorch_poll(result, describe_once, &w, opts);
    *final_json = w.last;
    return st;
}
