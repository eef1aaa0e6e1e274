/* `awsorch sts ...` from outside, against a fake STS: output, errors and exit
 * codes as the AWS CLI gives them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fake_sts.h"
#include "helpers.h"

static mock_server *sts;
static char endpoint_env[128];

static void start(void)
{
    sts = mock_start(sts_handler, NULL);
    (void)snprintf(endpoint_env, sizeof(endpoint_env), "AWS_ENDPOINT_URL_STS=http://127.0.0.1:%u",
                   mock_port(sts));
}

static void stop(void)
{
    mock_stop(sts);
}

TestSuite(cli_sts, .init = start, .fini = stop);

static const char *region_env = "AWS_REGION=eu-west-1";

static int run(char *const *args, const char *config, const char *creds, awsorch_buf *out,
               awsorch_buf *err)
{
    char cfg_env[600];
    char creds_env[600];
    (void)snprintf(cfg_env, sizeof(cfg_env), "AWS_CONFIG_FILE=%s",
                   config ? tmp_file(0, "config", config) : "/nonexistent");
    (void)snprintf(creds_env, sizeof(creds_env), "AWS_SHARED_CREDENTIALS_FILE=%s",
                   creds ? tmp_file(1, "credentials", creds) : "/nonexistent");
    char *env[] = {endpoint_env,
                   cfg_env,
                   creds_env,
                   "HOME=/nonexistent",
                   "AWS_EC2_METADATA_DISABLED=true",
                   (char *)region_env,
                   config || creds ? "X=1" : "AWS_ACCESS_KEY_ID=AKIDENV",
                   config || creds ? "Y=1" : "AWS_SECRET_ACCESS_KEY=secretenv",
                   NULL};
    return run_cli(args, env, out, err);
}

Test(cli_sts, get_caller_identity_prints_json_like_the_aws_cli)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"sts", "get-caller-identity", NULL};
    cr_assert_eq(run(args, NULL, NULL, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "{\n"
                               "    \"UserId\": \"AKIDENV\",\n"
                               "    \"Account\": \"123456789012\",\n"
                               "    \"Arn\": \"arn:aws:iam::123456789012:user/test\"\n"
                               "}\n");
    mock_request r = mock_get(sts, 0);
    char auth[1024];
    mock_header(&r, "authorization", auth, sizeof(auth));
    cr_expect_not_null(strstr(auth, "Credential=AKIDENV/"), "%s", auth);
    cr_expect_not_null(strstr(auth, "/eu-west-1/sts/aws4_request"), "%s", auth);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, text_output)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"sts", "get-caller-identity", "--output", "text", NULL};
    cr_assert_eq(run(args, NULL, NULL, &out, &err), 0, "%s", err.data);
    cr_expect_str_eq(out.data, "123456789012\tarn:aws:iam::123456789012:user/test\tAKIDENV\n");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, role_profile_signs_with_the_role)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"--profile", "etl", "sts", "get-caller-identity", NULL};
    cr_assert_eq(run(args,
                     "[profile etl]\nrole_arn = arn:aws:iam::123456789012:role/etl\n"
                     "source_profile = base\n",
                     "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n", &out,
                     &err),
                 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"UserId\": \"ASIA-etl\""), "%s", out.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, assume_role_output_and_service_error)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *ok[] = {"sts",
                  "assume-role",
                  "--role-arn",
                  "arn:aws:iam::1:role/etl",
                  "--role-session-name=s1",
                  "--duration-seconds",
                  "900",
                  NULL};
    cr_assert_eq(run(ok, NULL, NULL, &out, &err), 0, "%s", err.data);
    cr_expect_not_null(strstr(out.data, "\"AccessKeyId\": \"ASIA-etl\""), "%s", out.data);
    cr_expect_not_null(strstr(out.data, "+00:00\""), "timestamps carry an offset: %s", out.data);
    cr_expect_not_null(strstr(out.data, "\"PackedPolicySize\": 6"), "%s", out.data);
    mock_request r = mock_get(sts, 0);
    cr_expect_not_null(strstr(r.body, "DurationSeconds=900"), "%s", r.body);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *denied[] = {
        "sts", "assume-role", "--role-arn", "arn:aws:iam::1:role/denied", "--role-session-name",
        "s1",  NULL};
    cr_expect_eq(run(denied, NULL, NULL, &out, &err), 254);
    cr_expect_str_eq(err.data, "\nAn error occurred (AccessDenied) when calling the AssumeRole "
                               "operation: User AKIDENV is not authorized to perform: "
                               "sts:AssumeRole\n");
    cr_expect_eq(out.len, 0);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, bad_command_lines_exit_252)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *missing[] = {"sts", "assume-role", "--role-session-name", "s", NULL};
    cr_expect_eq(run(missing, NULL, NULL, &out, &err), 252);
    cr_expect_not_null(strstr(err.data, "--role-arn"), "%s", err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *unknown[] = {"sts", "get-caller-identity", "--bogus", NULL};
    cr_expect_eq(run(unknown, NULL, NULL, &out, &err), 252);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *op[] = {"sts", "get-session-token-please", NULL};
    cr_expect_eq(run(op, NULL, NULL, &out, &err), 252);
    cr_expect_eq(mock_count(sts), 0, "nothing was sent");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, misconfiguration_exits_253)
{
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *nope[] = {"--profile", "nope", "sts", "get-caller-identity", NULL};
    cr_expect_eq(run(nope, "[default]\nregion = eu-west-1\n", NULL, &out, &err), 253);
    cr_expect_not_null(strstr(err.data, "The config profile (nope) could not be found"), "%s",
                       err.data);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    char *nocreds[] = {"sts", "get-caller-identity", NULL};
    cr_expect_eq(run(nocreds, "[default]\nregion = eu-west-1\n", NULL, &out, &err), 253);
    cr_expect_not_null(strstr(err.data, "Unable to locate credentials"), "%s", err.data);
    cr_expect_eq(mock_count(sts), 0, "nothing was sent");
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(cli_sts, no_region_signs_for_the_global_endpoint)
{
    region_env = "NO_REGION=1";
    awsorch_buf out = AWSORCH_BUF_INIT, err = AWSORCH_BUF_INIT;
    char *args[] = {"sts", "get-caller-identity", NULL};
    cr_assert_eq(run(args, NULL, NULL, &out, &err), 0, "%s", err.data);
    mock_request r = mock_get(sts, 0);
    char auth[1024];
    mock_header(&r, "authorization", auth, sizeof(auth));
    cr_expect_not_null(strstr(auth, "/us-east-1/sts/aws4_request"), "%s", auth);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}
