/* Typed Step Functions calls against a local endpoint. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/awsorch.h"
#include "mock_server.h"

static void sfn(const mock_request *req, mock_reply *reply, void *ud)
{
    int *describes = ud;
    char target[128];
    mock_header(req, "x-amz-target", target, sizeof(target));
    reply->content_type = "application/x-amz-json-1.0";
    if (strcmp(target, "AWSStepFunctions.StartExecution") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"executionArn\":\"arn:exec\",\"startDate\":1764727200.5}");
    } else {
        int n = ++*describes;
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"executionArn\":\"arn:exec\",\"stateMachineArn\":\"arn:sm\",\"name\":"
                       "\"n1\",\"status\":\"%s\",\"startDate\":1764727200,\"stopDate\":"
                       "1764730800.25,\"error\":\"States.TaskFailed\",\"redriveCount\":2,"
                       "\"someNewMember\":true}",
                       n < 2 ? "RUNNING" : "FAILED");
    }
}

static mock_server *server;
static int describes;
static awsorch_client *client;
static awsorch_credentials *creds;

static void start(void)
{
    server = mock_start(sfn, &describes);
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(server));
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    cr_assert_eq(awsorch_credentials_new(&creds, "AKID", "secret", NULL), AWSORCH_OK);
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.region = "eu-west-1";
    o.endpoint_url = url;
    o.credentials = creds;
    cr_assert_eq(awsorch_client_new(&client, &awsorch_sfn_model.service, &o), AWSORCH_OK);
}

static void stop(void)
{
    awsorch_client_free(client);
    awsorch_credentials_free(creds);
    mock_stop(server);
}

TestSuite(sfn_typed, .init = start, .fini = stop);

Test(sfn_typed, start_and_describe)
{
    awsorch_sfn_start_execution_input in = AWSORCH_SFN_START_EXECUTION_INPUT_INIT;
    in.state_machine_arn = "arn:sm";
    in.input = "{\"date\":\"2026-12-03\"}";
    awsorch_sfn_started_execution *started = NULL;
    cr_assert_eq(awsorch_sfn_start_execution(&started, client, &in), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_str_eq(started->execution_arn, "arn:exec");
    cr_expect_float_eq(started->start_date, 1764727200.5, 1e-9);
    mock_request r = mock_get(server, 0);
    json_t *body = json_loads(r.body, 0, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(body, "input")),
                     "{\"date\":\"2026-12-03\"}");
    cr_expect_eq(strlen(json_string_value(json_object_get(body, "name"))), 36);
    json_decref(body);
    awsorch_sfn_started_execution_free(started);

    awsorch_sfn_execution *e = NULL;
    cr_assert_eq(awsorch_sfn_describe_execution(&e, client, "arn:exec"), AWSORCH_OK);
    cr_expect_eq(e->status, AWSORCH_SFN_EXECUTION_RUNNING);
    cr_expect_str_eq(e->status_text, "RUNNING");
    cr_expect_str_eq(e->state_machine_arn, "arn:sm");
    cr_expect_float_eq(e->stop_date, 1764730800.25, 1e-9);
    cr_expect_eq(e->redrive_count, 2);
    cr_expect_null(e->output);
    awsorch_sfn_execution_free(e);
    cr_expect_eq(awsorch_sfn_describe_execution(&e, client, NULL), AWSORCH_E_INVALID_ARG);
}

Test(sfn_typed, wait_until_the_execution_ends)
{
    awsorch_poll_options o = AWSORCH_POLL_OPTIONS_INIT;
    o.min_delay_s = 0.01;
    o.max_delay_s = 0.02;
    awsorch_poll_result result = AWSORCH_POLL_TIMED_OUT;
    awsorch_sfn_execution *final = NULL;
    cr_assert_eq(awsorch_sfn_wait_execution(&result, &final, client, "arn:exec", &o), AWSORCH_OK);
    cr_expect_eq(result, AWSORCH_POLL_ENDED_FAILED);
    cr_assert_not_null(final);
    cr_expect_eq(final->status, AWSORCH_SFN_EXECUTION_FAILED);
    cr_expect_str_eq(final->error, "States.TaskFailed");
    awsorch_sfn_execution_free(final);
}
