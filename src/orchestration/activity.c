/* The Step Functions activity worker. */
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "awsorch/sfn.h"
#include "core/internal.h"
#include "services/sfn_internal.h"

typedef struct worker {
    awsorch_client *client;
    const awsorch_activity_worker_options *o;
    awsorch_activity_handler handler;
    void *userdata;
    atomic_uint started; /* tasks taken */
    atomic_int failed;   /* a worker thread hit an error it cannot ride out */
    awsorch_status first_error;
    char first_message[1024]; /* error records are per thread: carried back by hand */
    pthread_mutex_t lock;
} worker;

static bool stopping(const worker *w)
{
    if (w->o->stop_flag != NULL && *w->o->stop_flag) {
        return true;
    }
    return atomic_load(&w->failed) != 0;
}

/* ---- heartbeats while a task runs -------------------------------------------- */

typedef struct beat {
    worker *w;
    const char *token;
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done;
} beat;

static void *heartbeat_loop(void *arg)
{
    beat *b = arg;
    pthread_mutex_lock(&b->lock);
    while (!b->done) {
        struct timespec until;
        (void)clock_gettime(CLOCK_REALTIME, &until);
        double period = b->w->o->heartbeat_s;
        until.tv_sec += (time_t)period;
        until.tv_nsec += (long)((period - (double)(time_t)period) * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (!b->done && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&b->done_cond, &b->lock, &until);
        }
        if (b->done) {
            break;
        }
        pthread_mutex_unlock(&b->lock);
        json_t *in = json_pack("{s:s}", "taskToken", b->token);
        if (awsorch__sfn_call(NULL, b->w->client, "SendTaskHeartbeat", in) != AWSORCH_OK) {
            awsorch__log(AWSORCH_LOG_WARN, "heartbeat failed: %s", awsorch_error_last()->message);
        }
        json_decref(in);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ---- one task ----------------------------------------------------------------- */

static void run_task(worker *w, const char *token, const char *input)
{
    beat b = {w, token, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
    pthread_t beater;
    bool beating = w->o->heartbeat_s > 0 && pthread_create(&beater, NULL, heartbeat_loop, &b) == 0;
    char *output = NULL;
    char error[256] = "";
    char cause[4096] = "";
    awsorch_status st =
        w->handler(w->userdata, input, &output, error, sizeof(error), cause, sizeof(cause));
    if (beating) {
        pthread_mutex_lock(&b.lock);
        b.done = true;
        pthread_cond_signal(&b.done_cond);
        pthread_mutex_unlock(&b.lock);
        pthread_join(beater, NULL);
    }
    json_t *in;
    const char *op;
    if (st == AWSORCH_OK) {
        in = json_pack("{s:s, s:s}", "taskToken", token, "output", output ? output : "{}");
        op = "SendTaskSuccess";
    } else {
        in = json_pack("{s:s, s:s, s:s}", "taskToken", token, "error",
                       error[0] ? error : awsorch_strerror(st), "cause", cause);
        op = "SendTaskFailure";
    }
    free(output);
    if (in == NULL || awsorch__sfn_call(NULL, w->client, op, in) != AWSORCH_OK) {
        awsorch__log(AWSORCH_LOG_ERROR, "%s failed: %s", op, awsorch_error_last()->message);
    }
    json_decref(in);
}

static bool take_slot(worker *w)
{
    if (w->o->max_tasks == 0) {
        return true;
    }
    unsigned n = atomic_fetch_add(&w->started, 1);
    return n < w->o->max_tasks;
}

static void *poll_loop(void *arg)
{
    worker *w = arg;
    while (!stopping(w)) {
        if (w->o->max_tasks > 0 && atomic_load(&w->started) >= w->o->max_tasks) {
            break;
        }
        json_t *in = json_pack("{s:s}", "activityArn", w->o->activity_arn);
        if (w->o->worker_name != NULL) {
            (void)json_object_set_new(in, "workerName", json_string(w->o->worker_name));
        }
        json_t *task = NULL;
        awsorch_status st = awsorch__sfn_call(&task, w->client, "GetActivityTask", in);
        json_decref(in);
        if (st != AWSORCH_OK) {
            /* The client already retried what is transient; what remains is fatal. */
            pthread_mutex_lock(&w->lock);
            if (atomic_exchange(&w->failed, 1) == 0) {
                w->first_error = st;
                (void)snprintf(w->first_message, sizeof(w->first_message), "%s",
                               awsorch_error_last()->message);
            }
            pthread_mutex_unlock(&w->lock);
            break;
        }
        const char *token = json_string_value(json_object_get(task, "taskToken"));
        if (token != NULL && token[0] != '\0') {
            if (take_slot(w)) {
                const char *input = json_string_value(json_object_get(task, "input"));
                run_task(w, token, input ? input : "{}");
            }
        }
        json_decref(task);
    }
    return NULL;
}

awsorch_status awsorch_sfn_activity_worker_run(awsorch_client *client,
                                               const awsorch_activity_worker_options *opts,
                                               awsorch_activity_handler handler, void *userdata)
{
    if (client == NULL || opts == NULL || opts->activity_arn == NULL || handler == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "activity worker: needs a client, an activity ARN and a handler");
    }
    worker w = {client, opts, handler, userdata, 0, 0, AWSORCH_OK, "", PTHREAD_MUTEX_INITIALIZER};
    unsigned n = opts->concurrency ? opts->concurrency : 1;
    pthread_t *threads = calloc(n, sizeof(*threads));
    if (threads == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    unsigned started = 0;
    for (; started < n; started++) {
        if (pthread_create(&threads[started], NULL, poll_loop, &w) != 0) {
            break;
        }
    }
    for (unsigned i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    free(threads);
    if (started == 0) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "cannot start worker threads");
    }
    if (atomic_load(&w.failed)) {
        return awsorch__fail(w.first_error, "activity worker stopped: %.900s", w.first_message);
    }
    return AWSORCH_OK;
}
