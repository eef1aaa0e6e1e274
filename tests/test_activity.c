/* The activity worker against a local Step Functions endpoint. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsorch/awsorch.h"
#include "mock_server.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int handed_out;

static void sfn(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    reply->content_type = "application/x-amz-json-1.0";
    if (strcmp(target, "AWSStepFunctions.GetActivityTask") == 0) {
        static const char *const inputs[] = {"{\\\"n\\\":1}", "{\\\"bad\\\":true}",
                                             "{\\\"slow\\\":true}"};
        pthread_mutex_lock(&lock);
        int i = handed_out++;
        pthread_mutex_unlock(&lock);
        if (i < 3) {
            (void)snprintf(reply->body, sizeof(reply->body),
                           "{\"taskToken\":\"token-%d\",\"input\":\"%s\"}", i, inputs[i]);
        } else {
            (void)snprintf(reply->body, sizeof(reply->body), "{\"taskToken\":\"\"}");
        }
    } else {
        (void)snprintf(reply->body, sizeof(reply->body), "{}");
    }
}

static awsorch_status handler(void *ud, const char *input, char **output, char *error,
                              size_t error_len, char *cause, size_t cause_len)
{
    (void)ud;
    if (strstr(input, "bad") != NULL) {
        (void)snprintf(error, error_len, "BadInput");
        (void)snprintf(cause, cause_len, "the input says bad");
        return AWSORCH_E_INVALID_ARG;
    }
    if (strstr(input, "slow") != NULL) {
        /* long enough for the worker's 0.1 s heartbeat to fire */
        struct timespec ts = {0, 350000000L};
        (void)nanosleep(&ts, NULL);
    }
    size_t len = strlen(input) + 16;
    *output = malloc(len);
    (void)snprintf(*output, len, "{\"echo\":%s}", input);
    return AWSORCH_OK;
}

static int count_target(mock_server *m, const char *target, char bodies[][512], size_t max)
{
    int n = 0;
    for (size_t i = 0; i < mock_count(m); i++) {
        mock_request r = mock_get(m, i);
        char t[128];
        mock_header(&r, "x-amz-target", t, sizeof(t));
        if (strcmp(t, target) == 0) {
            if (bodies != NULL && (size_t)n < max) {
                (void)snprintf(bodies[n], 512, "%.500s", r.body);
            }
            n++;
        }
    }
    return n;
}

Test(activity, runs_tasks_reports_results_and_heartbeats)
{
    mock_server *m = mock_start(sfn, NULL);
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(m));
    awsorch_credentials *creds = NULL;
    cr_assert_eq(awsorch_credentials_new(&creds, "AKID", "secret", NULL), AWSORCH_OK);
    awsorch_client_options co = AWSORCH_CLIENT_OPTIONS_INIT;
    co.region = "us-east-1";
    co.endpoint_url = url;
    co.credentials = creds;
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    awsorch_client *c = NULL;
    cr_assert_eq(awsorch_client_new(&c, &awsorch_sfn_model.service, &co), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    awsorch_activity_worker_options o = AWSORCH_ACTIVITY_WORKER_OPTIONS_INIT;
    o.activity_arn = "arn:aws:states:us-east-1:1:activity:load";
    o.worker_name = "test-worker";
    o.concurrency = 2;
    o.heartbeat_s = 0.1;
    o.max_tasks = 3;
    cr_assert_eq(awsorch_sfn_activity_worker_run(c, &o, handler, NULL), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    char bodies[8][512];
    cr_expect_eq(count_target(m, "AWSStepFunctions.SendTaskSuccess", bodies, 8), 2);
    bool echoed = strstr(bodies[0], "echo") != NULL || strstr(bodies[1], "echo") != NULL;
    cr_expect(echoed, "%s / %s", bodies[0], bodies[1]);
    cr_expect_eq(count_target(m, "AWSStepFunctions.SendTaskFailure", bodies, 8), 1);
    cr_expect_not_null(strstr(bodies[0], "\"error\":\"BadInput\""), "%s", bodies[0]);
    cr_expect_not_null(strstr(bodies[0], "\"taskToken\":\"token-1\""), "%s", bodies[0]);
    cr_expect_geq(count_target(m, "AWSStepFunctions.SendTaskHeartbeat", bodies, 8), 2,
                  "the slow task was heartbeaten");
    cr_expect_not_null(strstr(bodies[0], "token-2"), "%s", bodies[0]);
    awsorch_client_free(c);
    awsorch_credentials_free(creds);
    mock_stop(m);
}

Test(activity, stop_flag_drains_and_returns)
{
    volatile sig_atomic_t stop = 1;
    awsorch_activity_worker_options o = AWSORCH_ACTIVITY_WORKER_OPTIONS_INIT;
    o.activity_arn = "arn:a";
    o.stop_flag = &stop;
    awsorch_credentials *creds = NULL;
    cr_assert_eq(awsorch_credentials_new(&creds, "AKID", "secret", NULL), AWSORCH_OK);
    awsorch_client_options co = AWSORCH_CLIENT_OPTIONS_INIT;
    co.region = "us-east-1";
    co.endpoint_url = "http://127.0.0.1:9";
    co.credentials = creds;
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    awsorch_client *c = NULL;
    cr_assert_eq(awsorch_client_new(&c, &awsorch_sfn_model.service, &co), AWSORCH_OK);
    cr_expect_eq(awsorch_sfn_activity_worker_run(c, &o, handler, NULL), AWSORCH_OK,
                 "a raised stop flag returns before polling");
    cr_expect_eq(awsorch_sfn_activity_worker_run(c, NULL, handler, NULL), AWSORCH_E_INVALID_ARG);
    awsorch_client_free(c);
    awsorch_credentials_free(creds);
}
