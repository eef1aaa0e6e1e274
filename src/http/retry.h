/* The retry strategies of the AWS SDKs: standard (with the November 2026
 * defaults, or the earlier ones) and adaptive (standard plus a client-side
 * rate limiter). Pure logic: randomness and time are injected, so the tests
 * check the arithmetic exactly. */
#ifndef AWSORCH_HTTP_RETRY_H
#define AWSORCH_HTTP_RETRY_H

#include <pthread.h>
#include <stdbool.h>

#include "awsorch/core.h"
#include "core/failure.h"

typedef double (*awsorch__random_fn)(void *userdata); /* uniform in [0, 1) */
typedef double (*awsorch__clock_fn)(void *userdata);  /* monotonic seconds */

typedef struct awsorch__retry_config {
    unsigned max_attempts; /* including the first */
    bool adaptive;
    bool new_2026; /* AWS_NEW_RETRIES_2026, on unless set to false */
} awsorch__retry_config;

/* Shared by every call of a client: the retry quota and the adaptive limiter. */
typedef struct awsorch__retry_strategy {
    awsorch__retry_config cfg;
    pthread_mutex_t lock;
    int quota; /* retry quota tokens, at most 500 */
    awsorch__random_fn random;
    awsorch__clock_fn clock;
    void *userdata;
    /* adaptive rate limiter (CUBIC), as the SDKs implement it */
    bool limiter_enabled;
    double fill_rate; /* tokens per second */
    double max_capacity;
    double capacity; /* tokens available */
    double last_refill;
    double last_max_rate; /* rate before the last throttle */
    double last_throttle; /* when it came */
    double measured_rate; /* smoothed sending rate */
    double rate_bucket;   /* the half-second bucket being counted */
    unsigned rate_count;
    double time_window; /* CUBIC's K */
} awsorch__retry_strategy;

/* Per-call state. */
typedef struct awsorch__retry_call {
    unsigned attempt; /* attempts made so far */
    int last_cost;    /* quota taken for the retry in flight, refunded on success */
    bool skew_fixed;  /* a clock-skew retry was already spent */
} awsorch__retry_call;

/* Prepares a strategy; NULL random/clock use the system's. */
void awsorch__retry_init(awsorch__retry_strategy *s, awsorch__retry_config cfg,
                         awsorch__random_fn random, awsorch__clock_fn clock, void *userdata);
void awsorch__retry_clean_up(awsorch__retry_strategy *s);

/* Seconds to wait before sending an attempt (adaptive mode's send token; 0 otherwise). */
double awsorch__retry_before_send(awsorch__retry_strategy *s);

/* Tells the adaptive limiter how an attempt went. */
void awsorch__retry_after_reply(awsorch__retry_strategy *s, bool throttled);

typedef struct awsorch__retry_decision {
    bool retry;
    double delay_s;  /* wait this long first (also set when a long poll must not spin) */
    const char *why; /* why there is no retry, for the error record */
} awsorch__retry_decision;

/* Decides about a failed attempt. retry_after_ms is the x-amz-retry-after value
 * or -1. A long-poll operation whose quota is empty waits the backoff instead of
 * returning at once, so a worker loop never spins. */
awsorch__retry_decision awsorch__retry_decide(awsorch__retry_strategy *s, awsorch__retry_call *c,
                                              awsorch__failure failure, long retry_after_ms,
                                              bool long_poll);

/* Records a successful attempt: refunds the quota the call took. */
void awsorch__retry_succeeded(awsorch__retry_strategy *s, awsorch__retry_call *c);

/* The backoff before retry number `attempt` (1 = the first retry), before jitter. */
double awsorch__retry_backoff_cap(const awsorch__retry_config *cfg, awsorch__failure failure,
                                  unsigned attempt);

#endif
