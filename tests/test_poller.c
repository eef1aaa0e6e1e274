/* The generic poller with a scripted describe callback. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "awsorch/poller.h"
#include "core/internal.h"

typedef struct script {
    int calls;
    int succeed_at;   /* call number that reports success; 0: never */
    int fail_at;      /* call number that reports failure; 0: never */
    int transient_at; /* call number that fails with a 503 */
    int fatal_at;     /* call number that fails with a 400 */
    int cancel_at;    /* call number after which cancel() says yes */
    char labels[256];
} script;

static awsorch_status describe(void *ud, awsorch_poll_state *state, char *label, size_t n)
{
    script *s = ud;
    s->calls++;
    if (s->calls == s->transient_at) {
        return awsorch__fail_service(503, "ServiceUnavailable", "busy", "r");
    }
    if (s->calls == s->fatal_at) {
        return awsorch__fail_service(400, "ExecutionDoesNotExist", "gone", "r");
    }
    *state = s->calls == s->succeed_at ? AWSORCH_POLL_SUCCEEDED
             : s->calls == s->fail_at  ? AWSORCH_POLL_FAILED
                                       : AWSORCH_POLL_RUNNING;
    (void)snprintf(label, n, "call%d", s->calls);
    return AWSORCH_OK;
}

static void progress(void *ud, const char *label, double elapsed)
{
    script *s = ud;
    (void)elapsed;
    size_t used = strlen(s->labels);
    (void)snprintf(s->labels + used, sizeof(s->labels) - used, "%s ", label);
}

static bool cancel(void *ud)
{
    return ((script *)ud)->calls >= ((script *)ud)->cancel_at;
}

static awsorch_poll_options fast(script *s)
{
    awsorch_poll_options o = AWSORCH_POLL_OPTIONS_INIT;
    o.min_delay_s = 0.01;
    o.max_delay_s = 0.02;
    o.progress = progress;
    o.progress_userdata = s;
    return o;
}

Test(poller, until_success_with_progress)
{
    script s = {.succeed_at = 3};
    awsorch_poll_options o = fast(&s);
    awsorch_poll_result r = AWSORCH_POLL_TIMED_OUT;
    cr_assert_eq(awsorch_poll(&r, describe, &s, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_ENDED_SUCCEEDED);
    cr_expect_eq(s.calls, 3);
    cr_expect_str_eq(s.labels, "call1 call2 call3 ");
}

Test(poller, failure_is_an_outcome_not_an_error)
{
    script s = {.fail_at = 2};
    awsorch_poll_options o = fast(&s);
    awsorch_poll_result r = AWSORCH_POLL_TIMED_OUT;
    cr_assert_eq(awsorch_poll(&r, describe, &s, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_ENDED_FAILED);
}

Test(poller, transient_errors_are_retried_fatal_ones_returned)
{
    script s = {.transient_at = 1, .succeed_at = 2};
    awsorch_poll_options o = fast(&s);
    awsorch_poll_result r = AWSORCH_POLL_TIMED_OUT;
    cr_assert_eq(awsorch_poll(&r, describe, &s, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_ENDED_SUCCEEDED);
    script f = {.fatal_at = 2};
    o = fast(&f);
    cr_expect_eq(awsorch_poll(&r, describe, &f, &o), AWSORCH_E_SERVICE);
    cr_expect_str_eq(awsorch_error_last()->service_code, "ExecutionDoesNotExist");
}

Test(poller, deadline_and_cancellation)
{
    script s = {0};
    awsorch_poll_options o = fast(&s);
    o.timeout_s = 0.1;
    awsorch_poll_result r = AWSORCH_POLL_ENDED_SUCCEEDED;
    cr_assert_eq(awsorch_poll(&r, describe, &s, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_TIMED_OUT);
    cr_expect_geq(s.calls, 2);
    script c = {.cancel_at = 2};
    o = fast(&c);
    o.cancel = cancel;
    o.cancel_userdata = &c;
    cr_assert_eq(awsorch_poll(&r, describe, &c, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_CANCELLED);
    cr_expect_eq(c.calls, 2);
    volatile sig_atomic_t flag = 1;
    script d = {0};
    o = fast(&d);
    o.cancel_flag = &flag;
    cr_assert_eq(awsorch_poll(&r, describe, &d, &o), AWSORCH_OK);
    cr_expect_eq(r, AWSORCH_POLL_CANCELLED);
    cr_expect_eq(d.calls, 0, "a raised flag stops before the first call");
}
