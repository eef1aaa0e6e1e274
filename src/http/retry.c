#include "retry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

/* The quota every SDK starts with and never exceeds. */
#define QUOTA_MAX 500
#define NO_RETRY_INCREMENT 1
/* x-amz-retry-after may lengthen a backoff by at most this much. */
#define RETRY_AFTER_MAX_EXTRA_S 5.0

/* CUBIC constants of the adaptive mode, as the SDKs define them. */
#define CUBIC_BETA 0.7
#define CUBIC_SCALE 0.4
#define RATE_SMOOTHING 0.8
#define RATE_BUCKET_S 0.5
#define MIN_FILL_RATE 0.5
#define MIN_CAPACITY 1.0

static double system_random(void *userdata)
{
    (void)userdata;
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1) {
        r = (unsigned int)rand(); /* NOLINT(cert-msc30-c,cert-msc50-cpp): jitter only */
    }
    return (double)r / 4294967296.0;
}

static double system_clock(void *userdata)
{
    (void)userdata;
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void awsorch__retry_init(awsorch__retry_strategy *s, awsorch__retry_config cfg,
                         awsorch__random_fn random, awsorch__clock_fn clock, void *userdata)
{
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    if (s->cfg.max_attempts == 0) {
        s->cfg.max_attempts = 3;
    }
    s->quota = QUOTA_MAX;
    s->random = random ? random : system_random;
    s->clock = clock ? clock : system_clock;
    s->userdata = userdata;
    s->last_refill = -1.0;
    (void)pthread_mutex_init(&s->lock, NULL);
}

void awsorch__retry_clean_up(awsorch__retry_strategy *s)
{
    (void)pthread_mutex_destroy(&s->lock);
}

double awsorch__retry_backoff_cap(const awsorch__retry_config *cfg, awsorch__failure failure,
                                  unsigned attempt)
{
    return awsorch__backoff_cap(cfg->new_2026, failure, attempt);
}

static int retry_cost(const awsorch__retry_config *cfg, awsorch__failure failure)
{
    if (cfg->new_2026) {
        return failure == AWSORCH__THROTTLE ? 5 : 14;
    }
    return failure == AWSORCH__TIMEOUT ? 10 : 5;
}

/* ---- adaptive: the client-side rate limiter -------------------------------- */

static void refill(awsorch__retry_strategy *s, double now)
{
    if (s->last_refill < 0) {
        s->last_refill = now;
        return;
    }
    double amount = (now - s->last_refill) * s->fill_rate;
    s->capacity = fmin(s->max_capacity, s->capacity + amount);
    s->last_refill = now;
}

double awsorch__retry_before_send(awsorch__retry_strategy *s)
{
    if (!s->cfg.adaptive) {
        return 0.0;
    }
    pthread_mutex_lock(&s->lock);
    double wait = 0.0;
    if (s->limiter_enabled) {
        double now = s->clock(s->userdata);
        refill(s, now);
        if (s->capacity < 1.0) {
            wait = (1.0 - s->capacity) / s->fill_rate;
            /* The token is spoken for: the caller sends once the wait is over. */
            s->capacity = 0.0;
            s->last_refill = now + wait;
        } else {
            s->capacity -= 1.0;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return wait;
}

static double measure_rate(awsorch__retry_strategy *s, double now)
{
    double bucket = floor(now / RATE_BUCKET_S) * RATE_BUCKET_S;
    s->rate_count++;
    if (bucket > s->rate_bucket) {
        double current = s->rate_count / (bucket - s->rate_bucket);
        s->measured_rate = current * RATE_SMOOTHING + s->measured_rate * (1.0 - RATE_SMOOTHING);
        s->rate_count = 0;
        s->rate_bucket = bucket;
    }
    return s->measured_rate;
}

void awsorch__retry_after_reply(awsorch__retry_strategy *s, bool throttled)
{
    if (!s->cfg.adaptive) {
        return;
    }
    pthread_mutex_lock(&s->lock);
    double now = s->clock(s->userdata);
    double measured = measure_rate(s, now);
    double rate;
    if (throttled) {
        double base = s->limiter_enabled ? fmin(measured, s->fill_rate) : measured;
        s->last_max_rate = base;
        s->time_window = cbrt(base * (1.0 - CUBIC_BETA) / CUBIC_SCALE);
        s->last_throttle = now;
        rate = base * CUBIC_BETA;
        s->limiter_enabled = true;
    } else {
        s->time_window = cbrt(s->last_max_rate * (1.0 - CUBIC_BETA) / CUBIC_SCALE);
        double t = now - s->last_throttle - s->time_window;
        rate = CUBIC_SCALE * t * t * t + s->last_max_rate;
    }
    rate = fmin(rate, 2.0 * measured);
    refill(s, now);
    s->fill_rate = fmax(rate, MIN_FILL_RATE);
    s->max_capacity = rate >= 1.0 ? rate : MIN_CAPACITY;
    s->capacity = fmin(s->capacity, s->max_capacity);
    pthread_mutex_unlock(&s->lock);
}

/* ---- standard: quota and backoff --------------------------------------------- */

awsorch__retry_decision awsorch__retry_decide(awsorch__retry_strategy *s, awsorch__retry_call *c,
                                              awsorch__failure failure, long retry_after_ms,
                                              bool long_poll)
{
    awsorch__retry_decision d = {false, 0.0, NULL};
    c->attempt++;
    if (failure == AWSORCH__FATAL || failure == AWSORCH__OK) {
        d.why = "the error is not retryable";
        return d;
    }
    if (c->attempt >= s->cfg.max_attempts) {
        d.why = "the maximum number of attempts was reached";
        return d;
    }
    if (failure == AWSORCH__SKEW) {
        /* The caller has corrected its clock from the reply's Date: one immediate retry. */
        if (c->skew_fixed) {
            d.why = "the clock was corrected once already";
            return d;
        }
        c->skew_fixed = true;
        d.retry = true;
        return d;
    }
    double cap = awsorch__retry_backoff_cap(&s->cfg, failure, c->attempt);
    double delay = s->random(s->userdata) * cap;
    if (retry_after_ms >= 0) {
        /* The service may ask for a longer wait, but no less than the backoff and no
         * more than five seconds beyond it. */
        double asked = (double)retry_after_ms / 1000.0;
        delay = fmin(fmax(asked, delay), delay + RETRY_AFTER_MAX_EXTRA_S);
    }
    int cost = retry_cost(&s->cfg, failure);
    pthread_mutex_lock(&s->lock);
    bool have = s->quota >= cost;
    if (have) {
        s->quota -= cost;
    }
    pthread_mutex_unlock(&s->lock);
    if (!have) {
        d.why = "the retry quota is exhausted";
        /* A long poll that gives up at once would be polled again at once. */
        d.delay_s = long_poll ? delay : 0.0;
        return d;
    }
    c->last_cost = cost;
    d.retry = true;
    d.delay_s = delay;
    return d;
}

void awsorch__retry_succeeded(awsorch__retry_strategy *s, awsorch__retry_call *c)
{
    int refund = c->last_cost > 0 ? c->last_cost : NO_RETRY_INCREMENT;
    pthread_mutex_lock(&s->lock);
    s->quota = s->quota + refund > QUOTA_MAX ? QUOTA_MAX : s->quota + refund;
    pthread_mutex_unlock(&s->lock);
    c->last_cost = 0;
}
