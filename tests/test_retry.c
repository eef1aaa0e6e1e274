/* The retry strategies, with a scripted random source and clock. */
#include <criterion/criterion.h>
#include <math.h>

#include "http/retry.h"

typedef struct script {
    double random; /* what every draw returns */
    double now;    /* the clock */
} script;

static double fixed_random(void *ud)
{
    return ((script *)ud)->random;
}

static double fixed_clock(void *ud)
{
    return ((script *)ud)->now;
}

static awsorch__retry_strategy strategy;
static script sc = {0.5, 100.0};

static void setup_mode(bool adaptive, bool new_2026, unsigned attempts)
{
    awsorch__retry_config cfg = {attempts, adaptive, new_2026};
    awsorch__retry_init(&strategy, cfg, fixed_random, fixed_clock, &sc);
}

Test(retry, classification)
{
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 200, NULL), AWSORCH__OK);
    for (int status = 500; status <= 504; status++) {
        if (status != 501) {
            cr_expect_eq(awsorch__classify(AWSORCH_OK, status, NULL), AWSORCH__TRANSIENT, "%d",
                         status);
        }
    }
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 501, NULL), AWSORCH__FATAL);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 429, NULL), AWSORCH__THROTTLE);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 400, "ThrottlingException"), AWSORCH__THROTTLE);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 503, "SlowDown"), AWSORCH__THROTTLE);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 400, "RequestTimeoutException"), AWSORCH__TRANSIENT);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 403, "RequestTimeTooSkewed"), AWSORCH__SKEW);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 400, "ValidationException"), AWSORCH__FATAL);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 403, "AccessDeniedException"), AWSORCH__FATAL);
    cr_expect_eq(awsorch__classify(AWSORCH_OK, 400, "ExecutionAlreadyExists"), AWSORCH__FATAL);
    cr_expect_eq(awsorch__classify(AWSORCH_E_TRANSPORT, 0, NULL), AWSORCH__TRANSIENT);
    cr_expect_eq(awsorch__classify(AWSORCH_E_TIMEOUT, 0, NULL), AWSORCH__TIMEOUT);
    cr_expect_eq(awsorch__classify(AWSORCH_E_CREDENTIALS, 0, NULL), AWSORCH__FATAL);
}

Test(retry, backoff_caps_2026_and_before)
{
    awsorch__retry_config now = {3, false, true};
    awsorch__retry_config before = {3, false, false};
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__TRANSIENT, 1), 0.05, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__TRANSIENT, 3), 0.2, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__THROTTLE, 1), 1.0, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__THROTTLE, 4), 8.0, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__THROTTLE, 10), 20.0, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&now, AWSORCH__TRANSIENT, 30), 20.0, 1e-12);
    cr_expect_float_eq(awsorch__retry_backoff_cap(&before, AWSORCH__TRANSIENT, 2), 2.0, 1e-12);
}

Test(retry, standard_attempts_delays_and_quota)
{
    setup_mode(false, true, 3);
    awsorch__retry_call c = {0};
    awsorch__retry_decision d = awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, -1, false);
    cr_expect(d.retry);
    cr_expect_float_eq(d.delay_s, 0.025, 1e-12, "rand 0.5 x 50 ms");
    cr_expect_eq(strategy.quota, 486, "a retry costs 14");
    d = awsorch__retry_decide(&strategy, &c, AWSORCH__THROTTLE, -1, false);
    cr_expect(d.retry);
    cr_expect_float_eq(d.delay_s, 1.0, 1e-12, "rand 0.5 x 2 s");
    cr_expect_eq(strategy.quota, 481, "a throttling retry costs 5");
    d = awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, -1, false);
    cr_expect_not(d.retry, "three attempts in all");
    cr_expect_str_eq(d.why, "the maximum number of attempts was reached");
    awsorch__retry_succeeded(&strategy, &c);
    cr_expect_eq(strategy.quota, 486, "success refunds the last retry's cost");
    awsorch__retry_call fresh = {0};
    awsorch__retry_succeeded(&strategy, &fresh);
    cr_expect_eq(strategy.quota, 487, "a first-try success adds one token");
    awsorch__retry_clean_up(&strategy);
}

Test(retry, non_retryable_errors_are_not_retried)
{
    setup_mode(false, true, 5);
    awsorch__retry_call c = {0};
    awsorch__retry_decision d = awsorch__retry_decide(&strategy, &c, AWSORCH__FATAL, -1, false);
    cr_expect_not(d.retry);
    cr_expect_eq(strategy.quota, 500);
    awsorch__retry_clean_up(&strategy);
}

Test(retry, quota_exhaustion_and_long_polls)
{
    setup_mode(false, true, 100);
    int retries = 0;
    for (int i = 0; i < 100; i++) {
        awsorch__retry_call c = {0};
        if (awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, -1, false).retry) {
            retries++;
        }
    }
    cr_expect_eq(retries, 35, "500 tokens pay for 35 retries at 14");
    cr_expect_eq(strategy.quota, 10);
    awsorch__retry_call c = {0};
    awsorch__retry_decision d = awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, -1, false);
    cr_expect_not(d.retry);
    cr_expect_float_eq(d.delay_s, 0.0, 1e-12);
    awsorch__retry_call lp = {0};
    d = awsorch__retry_decide(&strategy, &lp, AWSORCH__TRANSIENT, -1, true);
    cr_expect_not(d.retry);
    cr_expect_gt(d.delay_s, 0.0, "a long poll sleeps instead of spinning");
    cr_expect_str_eq(d.why, "the retry quota is exhausted");
    d = awsorch__retry_decide(&strategy, &lp, AWSORCH__THROTTLE, -1, false);
    cr_expect(d.retry, "a throttling retry (5) still fits in the last 10 tokens");
    awsorch__retry_clean_up(&strategy);
}

static double delay_for(long retry_after_ms)
{
    awsorch__retry_call c = {0};
    return awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, retry_after_ms, false).delay_s;
}

Test(retry, retry_after_is_bounded)
{
    setup_mode(false, true, 5);
    /* Criterion may evaluate an assertion's operands twice: compute first. */
    double asked = delay_for(3000);
    double huge = delay_for(600000);
    double zero = delay_for(0);
    cr_expect_float_eq(asked, 3.0, 1e-12);
    cr_expect_float_eq(huge, 5.025, 1e-12, "at most five seconds beyond the backoff");
    cr_expect_float_eq(zero, 0.025, 1e-12, "never shorter than the backoff");
    awsorch__retry_clean_up(&strategy);
}

Test(retry, earlier_standard_values)
{
    setup_mode(false, false, 5);
    awsorch__retry_call c = {0};
    awsorch__retry_decision d = awsorch__retry_decide(&strategy, &c, AWSORCH__TRANSIENT, -1, false);
    cr_expect_float_eq(d.delay_s, 0.5, 1e-12, "1 s base");
    cr_expect_eq(strategy.quota, 495, "cost 5");
    d = awsorch__retry_decide(&strategy, &c, AWSORCH__TIMEOUT, -1, false);
    cr_expect_eq(strategy.quota, 485, "timeouts cost 10");
    awsorch__retry_clean_up(&strategy);
}

Test(retry, clock_skew_gets_one_immediate_retry)
{
    setup_mode(false, true, 5);
    awsorch__retry_call c = {0};
    awsorch__retry_decision d = awsorch__retry_decide(&strategy, &c, AWSORCH__SKEW, -1, false);
    cr_expect(d.retry);
    cr_expect_float_eq(d.delay_s, 0.0, 1e-12);
    cr_expect_eq(strategy.quota, 500);
    d = awsorch__retry_decide(&strategy, &c, AWSORCH__SKEW, -1, false);
    cr_expect_not(d.retry);
    awsorch__retry_clean_up(&strategy);
}

Test(retry, adaptive_slows_down_after_throttling_and_recovers)
{
    setup_mode(true, true, 3);
    sc.now = 100.0;
    /* Before any throttle nothing waits. */
    for (int i = 0; i < 20; i++) {
        cr_expect_float_eq(awsorch__retry_before_send(&strategy), 0.0, 1e-12);
        awsorch__retry_after_reply(&strategy, false);
        sc.now += 0.05; /* 20 requests a second */
    }
    double measured = strategy.measured_rate;
    cr_expect_gt(measured, 5.0, "measured %f", measured);
    awsorch__retry_after_reply(&strategy, true);
    cr_expect(strategy.limiter_enabled);
    cr_expect_float_eq(strategy.fill_rate, strategy.last_max_rate * 0.7, 1e-9);
    /* Sending at 20/s exceeds the fill rate: once the burst is spent, sends wait. */
    double waited = 0.0;
    for (int i = 0; i < 60; i++) {
        waited += awsorch__retry_before_send(&strategy);
        sc.now += 0.05;
    }
    cr_expect_gt(waited, 0.0, "the limiter made sends wait");
    /* Without throttles the rate climbs back along the cubic (up to twice the
     * measured sending rate). */
    double low = strategy.fill_rate;
    for (int i = 0; i < 200; i++) {
        sc.now += 0.05;
        awsorch__retry_after_reply(&strategy, false);
    }
    cr_expect_gt(strategy.fill_rate, low, "fill rate %f did not recover from %f",
                 strategy.fill_rate, low);
    awsorch__retry_clean_up(&strategy);
}
