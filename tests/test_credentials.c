/* Credentials from the environment and the shared files. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/credentials.h"
#include "helpers.h"

static void clean_env(void)
{
    static const char *const names[] = {"AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY",
                                        "AWS_SESSION_TOKEN",           "AWS_PROFILE",
                                        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unsetenv(names[i]);
    }
    setenv("HOME", "/nonexistent", 1);
}

TestSuite(credentials, .init = clean_env);

static const char *creds_file = "[default]\n"
                                "aws_access_key_id = AKIDDEFAULT\n"
                                "aws_secret_access_key = secretdefault\n"
                                "[dev]\n"
                                "aws_access_key_id=AKIDDEV\n"
                                "aws_secret_access_key=secretdev\n"
                                "aws_session_token=tokendev\n"
                                "[half]\n"
                                "aws_access_key_id=AKIDHALF\n";

Test(credentials, environment_first)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
    setenv("AWS_SESSION_TOKEN", "tokenenv", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    awsorch_credentials *c = NULL;
    cr_assert_eq(awsorch_credentials_resolve(&c, NULL), AWSORCH_OK);
    cr_expect_str_eq(c->access_key_id, "AKIDENV");
    cr_expect_str_eq(c->session_token, "tokenenv");
    cr_expect_str_eq(c->source, "environment");
    awsorch_credentials_free(c);
}

Test(credentials, explicit_profile_skips_environment)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    awsorch_credentials_options o = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    o.profile = "dev";
    awsorch_credentials *c = NULL;
    cr_assert_eq(awsorch_credentials_resolve(&c, &o), AWSORCH_OK);
    cr_expect_str_eq(c->access_key_id, "AKIDDEV");
    cr_expect_str_eq(c->session_token, "tokendev");
    awsorch_credentials_free(c);
}

Test(credentials, aws_profile_and_config_file)
{
    setenv("AWS_PROFILE", "cfg", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile cfg]\nregion = eu-west-1\n"
                    "aws_access_key_id = AKIDCFG\n"
                    "aws_secret_access_key = secretcfg\n"),
           1);
    awsorch_credentials *c = NULL;
    cr_assert_eq(awsorch_credentials_resolve(&c, NULL), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_str_eq(c->access_key_id, "AKIDCFG");
    cr_expect_null(c->session_token);
    cr_expect_str_eq(c->source, "config file");
    awsorch_credentials_free(c);
}

Test(credentials, half_a_key_pair_is_an_error)
{
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    awsorch_credentials_options o = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    o.profile = "half";
    awsorch_credentials *c = NULL;
    cr_expect_eq(awsorch_credentials_resolve(&c, &o), AWSORCH_E_CREDENTIALS);
    cr_expect_null(c);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "only one of"));
}

Test(credentials, nothing_found_lists_every_provider_without_secrets)
{
    setenv("AWS_SECRET_ACCESS_KEY", "do-not-print-me", 1);
    awsorch_credentials *c = NULL;
    cr_expect_eq(awsorch_credentials_resolve(&c, NULL), AWSORCH_E_CREDENTIALS);
    const char *msg = awsorch_error_last()->message;
    cr_expect_not_null(strstr(msg, "environment"), "%s", msg);
    cr_expect_not_null(strstr(msg, "shared credentials file"), "%s", msg);
    cr_expect_not_null(strstr(msg, "config file"), "%s", msg);
    cr_expect_null(strstr(msg, "do-not-print-me"), "%s", msg);
}

Test(credentials, explicit_keys)
{
    awsorch_credentials *c = NULL;
    cr_expect_eq(awsorch_credentials_new(&c, "", "s", NULL), AWSORCH_E_INVALID_ARG);
    cr_assert_eq(awsorch_credentials_new(&c, "A", "s", ""), AWSORCH_OK);
    cr_expect_null(c->session_token);
    awsorch_credentials_free(c);
    awsorch_credentials_free(NULL);
}
