/* Settings and the credentials chain, against local STS, container, IMDS and
 * SSO endpoints started by each test. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsorch/awsorch.h"
#include "helpers.h"
#include "fake_sts.h"
#include "mock_server.h"

static void clean_env(void)
{
    static const char *const names[] = {"AWS_ACCESS_KEY_ID",
                                        "AWS_SECRET_ACCESS_KEY",
                                        "AWS_SESSION_TOKEN",
                                        "AWS_PROFILE",
                                        "AWS_SHARED_CREDENTIALS_FILE",
                                        "AWS_CONFIG_FILE",
                                        "AWS_REGION",
                                        "AWS_DEFAULT_REGION",
                                        "AWS_ENDPOINT_URL",
                                        "AWS_ENDPOINT_URL_STS",
                                        "AWS_WEB_IDENTITY_TOKEN_FILE",
                                        "AWS_ROLE_ARN",
                                        "AWS_ROLE_SESSION_NAME",
                                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                        "AWS_MAX_ATTEMPTS",
                                        "AWS_RETRY_MODE",
                                        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unsetenv(names[i]);
    }
    setenv("HOME", "/nonexistent", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    /* No test waits on 169.254.169.254; the IMDS tests point at their own server. */
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

TestSuite(credentials, .init = clean_env);
TestSuite(settings, .init = clean_env);

static awsorch_credentials *resolve_ok(const char *profile)
{
    awsorch_credentials_options o = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    o.profile = profile;
    awsorch_credentials *c = NULL;
    awsorch_status st = awsorch_credentials_resolve(&c, &o);
    cr_assert_eq(st, AWSORCH_OK, "resolve: %s", awsorch_error_last()->message);
    return c;
}

static awsorch_status resolve_err(const char *profile)
{
    awsorch_credentials_options o = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    o.profile = profile;
    awsorch_credentials *c = NULL;
    awsorch_status st = awsorch_credentials_resolve(&c, &o);
    cr_expect_null(c);
    return st;
}

static const char *creds_file = "[default]\n"
                                "aws_access_key_id = AKIDDEFAULT\n"
                                "aws_secret_access_key = secretdefault\n"
                                "[dev]\n"
                                "aws_access_key_id=AKIDDEV\n"
                                "aws_secret_access_key=secretdev\n"
                                "aws_session_token=tokendev\n"
                                "[half]\n"
                                "aws_access_key_id=AKIDHALF\n"
                                "[base]\n"
                                "aws_access_key_id=AKIDBASE\n"
                                "aws_secret_access_key=secretbase\n";

/* ---- static sources ------------------------------------------------------------ */

Test(credentials, environment_first)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
    setenv("AWS_SESSION_TOKEN", "tokenenv", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    awsorch_credentials *c = resolve_ok(NULL);
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
    awsorch_credentials *c = resolve_ok("dev");
    cr_expect_str_eq(c->access_key_id, "AKIDDEV");
    cr_expect_str_eq(c->session_token, "tokendev");
    awsorch_credentials_free(c);
}

Test(credentials, credentials_file_before_config_file)
{
    setenv("AWS_PROFILE", "dev", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile dev]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\n"),
           1);
    awsorch_credentials *c = resolve_ok(NULL);
    cr_expect_str_eq(c->access_key_id, "AKIDDEV");
    awsorch_credentials_free(c);
}

Test(credentials, config_file_keys)
{
    setenv("AWS_PROFILE", "cfg", 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile cfg]\nregion = eu-west-1\naws_access_key_id = AKIDCFG\n"
                    "aws_secret_access_key = secretcfg\n"),
           1);
    awsorch_credentials *c = resolve_ok(NULL);
    cr_expect_str_eq(c->access_key_id, "AKIDCFG");
    cr_expect_null(c->session_token);
    cr_expect_str_eq(c->source, "config file");
    awsorch_credentials_free(c);
}

Test(credentials, half_a_key_pair_is_an_error)
{
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    cr_expect_eq(resolve_err("half"), AWSORCH_E_CREDENTIALS);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "only one of"));
}

Test(credentials, unknown_profile_is_a_config_error)
{
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    cr_expect_eq(resolve_err("nope"), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "(nope) could not be found"));
}

Test(credentials, nothing_found_lists_every_provider_without_secrets)
{
    setenv("AWS_SECRET_ACCESS_KEY", "do-not-print-me", 1);
    cr_expect_eq(resolve_err(NULL), AWSORCH_E_CREDENTIALS);
    const char *msg = awsorch_error_last()->message;
    static const char *const providers[] = {"environment",
                                            "assume role",
                                            "web identity",
                                            "sso",
                                            "shared credentials file",
                                            "credential_process",
                                            "config file",
                                            "container",
                                            "instance metadata"};
    for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
        cr_expect_not_null(strstr(msg, providers[i]), "'%s' missing from: %s", providers[i], msg);
    }
    cr_expect_null(strstr(msg, "do-not-print-me"), "%s", msg);
}

Test(credentials, explicit_keys_and_copy)
{
    awsorch_credentials *c = NULL;
    awsorch_credentials *d = NULL;
    cr_expect_eq(awsorch_credentials_new(&c, "", "s", NULL), AWSORCH_E_INVALID_ARG);
    cr_assert_eq(awsorch_credentials_new(&c, "A", "s", ""), AWSORCH_OK);
    cr_expect_null(c->session_token);
    cr_assert_eq(awsorch_credentials_copy(&d, c), AWSORCH_OK);
    cr_expect_str_eq(d->access_key_id, "A");
    cr_expect_neq(d->access_key_id, c->access_key_id);
    awsorch_credentials_free(c);
    awsorch_credentials_free(d);
    awsorch_credentials_free(NULL);
}

/* ---- roles ----------------------------------------------------------------- */

Test(credentials, role_with_source_profile)
{
    mock_server *sts = start_sts();
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile etl]\nrole_arn = arn:aws:iam::123456789012:role/etl\n"
                    "source_profile = base\nexternal_id = ext-1\nrole_session_name = nightly\n"
                    "region = eu-west-1\n"),
           1);
    awsorch_credentials *c = resolve_ok("etl");
    cr_expect_str_eq(c->access_key_id, "ASIA-etl");
    cr_expect_str_eq(c->session_token, "token-etl");
    cr_expect_gt(c->expiration_s, awsorch_time_now());
    cr_assert_eq(mock_count(sts), 1);
    mock_request r = mock_get(sts, 0);
    char akid[64], auth[1024];
    signer_akid(&r, akid, sizeof(akid));
    cr_expect_str_eq(akid, "AKIDBASE", "AssumeRole must be signed by the source profile");
    mock_header(&r, "authorization", auth, sizeof(auth));
    cr_expect_not_null(strstr(auth, "/eu-west-1/sts/aws4_request"), "%s", auth);
    cr_expect_not_null(strstr(r.body, "Action=AssumeRole&Version=2011-06-15"), "%s", r.body);
    cr_expect_not_null(strstr(r.body, "ExternalId=ext-1"), "%s", r.body);
    cr_expect_not_null(strstr(r.body, "RoleSessionName=nightly"), "%s", r.body);
    awsorch_credentials_free(c);
    mock_stop(sts);
}

Test(credentials, chained_roles_and_loops)
{
    mock_server *sts = start_sts();
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                    "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = base\n"
                    "[profile x]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = y\n"
                    "[profile y]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = x\n"),
           1);
    awsorch_credentials *c = resolve_ok("a");
    cr_expect_str_eq(c->access_key_id, "ASIA-a");
    cr_assert_eq(mock_count(sts), 2);
    mock_request first = mock_get(sts, 0);
    mock_request second = mock_get(sts, 1);
    char akid[64];
    signer_akid(&first, akid, sizeof(akid));
    cr_expect_str_eq(akid, "AKIDBASE");
    signer_akid(&second, akid, sizeof(akid));
    cr_expect_str_eq(akid, "ASIA-b", "role a is assumed with role b's credentials");
    awsorch_credentials_free(c);
    cr_expect_eq(resolve_err("x"), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "loop"), "%s",
                       awsorch_error_last()->message);
    mock_stop(sts);
}

Test(credentials, role_without_a_source_is_a_config_error)
{
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile lonely]\nrole_arn = arn:aws:iam::1:role/x\n"
                    "[profile ghost]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = none\n"),
           1);
    cr_expect_eq(resolve_err("lonely"), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "neither source_profile"), "%s",
                       awsorch_error_last()->message);
    cr_expect_eq(resolve_err("ghost"), AWSORCH_E_CONFIG);
    cr_expect_not_null(
        strstr(awsorch_error_last()->message, "source_profile none could not be found"), "%s",
        awsorch_error_last()->message);
}

Test(settings, tilde_in_file_variables)
{
    const char *cfg = tmp_file(1, "config", "[default]\nregion = ca-central-1\n");
    char home[512];
    (void)snprintf(home, sizeof(home), "%s", cfg);
    *strrchr(home, '/') = '\0';
    setenv("HOME", home, 1);
    setenv("AWS_CONFIG_FILE", "~/config", 1);
    awsorch_settings *s = NULL;
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect_str_eq(s->region, "ca-central-1");
    awsorch_settings_free(s);
}

Test(credentials, credential_source_environment_and_mfa_refusal)
{
    mock_server *sts = start_sts();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\n"
                    "credential_source = Environment\n"
                    "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = ci\n"
                    "mfa_serial = arn:aws:iam::1:mfa/me\n"),
           1);
    awsorch_credentials *c = resolve_ok("ci");
    cr_expect_str_eq(c->access_key_id, "ASIA-ci");
    mock_request r = mock_get(sts, 0);
    char akid[64];
    signer_akid(&r, akid, sizeof(akid));
    cr_expect_str_eq(akid, "AKIDENV");
    awsorch_credentials_free(c);
    cr_expect_eq(resolve_err("mfa"), AWSORCH_E_CREDENTIALS);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "MFA"));
    mock_stop(sts);
}

Test(credentials, sts_errors_fill_the_error_record)
{
    mock_server *sts = start_sts();
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file(0, "credentials", creds_file), 1);
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config",
                    "[profile no]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n"
                    "[profile proxy]\nrole_arn = arn:aws:iam::1:role/html\nsource_profile = "
                    "base\n"),
           1);
    cr_expect_eq(resolve_err("no"), AWSORCH_E_SERVICE);
    const awsorch_error *e = awsorch_error_last();
    cr_expect_str_eq(e->service_code, "AccessDenied");
    cr_expect_eq(e->http_status, 403);
    cr_expect_str_eq(e->request_id, "req-403");
    cr_expect_not_null(strstr(e->message, "not authorized"));
    cr_expect_eq(resolve_err("proxy"), AWSORCH_E_TRANSPORT);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "not an AWS error"), "%s",
                       awsorch_error_last()->message);
    mock_stop(sts);
}

Test(credentials, web_identity_from_environment_is_unsigned)
{
    mock_server *sts = start_sts();
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tmp_file(2, "token", "eyJhbGciOi.jwt.sig\n"), 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod", 1);
    setenv("AWS_ROLE_SESSION_NAME", "pod-session", 1);
    awsorch_credentials *c = resolve_ok(NULL);
    cr_expect_str_eq(c->access_key_id, "ASIA-pod");
    mock_request r = mock_get(sts, 0);
    char auth[256];
    cr_expect_str_eq(mock_header(&r, "authorization", auth, sizeof(auth)), "");
    cr_expect_not_null(strstr(r.body, "Action=AssumeRoleWithWebIdentity"));
    const char *tok = strstr(r.body, "WebIdentityToken=eyJhbGciOi.jwt.sig");
    cr_expect_not_null(tok, "%s", r.body);
    cr_expect(tok && (tok[35] == '\0' || tok[35] == '&'), "the token's newline is stripped: %s",
              r.body);
    cr_expect_not_null(strstr(r.body, "RoleSessionName=pod-session"));
    awsorch_credentials_free(c);
    mock_stop(sts);
}

/* ---- credential_process ------------------------------------------------------ */

Test(credentials, credential_process_output_and_failure)
{
    char exp[32];
    iso_in(7200, exp, sizeof(exp));
    char config[1024];
    (void)snprintf(config, sizeof(config),
                   "[profile proc]\ncredential_process = printf '{\"Version\": 1, "
                   "\"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s\", "
                   "\"SessionToken\": \"t\", \"Expiration\": \"%s\"}'\n"
                   "[profile bad]\ncredential_process = sh -c 'echo token expired >&2; exit 3'\n"
                   "[profile v2]\ncredential_process = echo '{\"Version\": 2}'\n",
                   exp);
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", config), 1);
    awsorch_credentials *c = resolve_ok("proc");
    cr_expect_str_eq(c->access_key_id, "AKIDPROC");
    cr_expect_str_eq(c->session_token, "t");
    cr_expect_gt(c->expiration_s, awsorch_time_now() + 7000);
    awsorch_credentials_free(c);
    cr_expect_eq(resolve_err("bad"), AWSORCH_E_CREDENTIALS);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "exited with 3: token expired"), "%s",
                       awsorch_error_last()->message);
    cr_expect_eq(resolve_err("v2"), AWSORCH_E_CREDENTIALS);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "Version must be 1"));
}

/* ---- container, IMDS, SSO ------------------------------------------------------ */

typedef struct http_state {
    int imds_token_status; /* what PUT /latest/api/token answers */
} http_state;

static void json_handler(const mock_request *req, mock_reply *reply, void *ud)
{
    http_state *st = ud;
    char exp[32];
    iso_in(3600, exp, sizeof(exp));
    reply->content_type = "application/json";
    if (strcmp(req->url, "/latest/api/token") == 0) {
        reply->status = st ? st->imds_token_status : 200;
        (void)snprintf(reply->body, sizeof(reply->body), "%s",
                       reply->status == 200 ? "imds-token" : "");
    } else if (strcmp(req->url, "/latest/meta-data/placement/region") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body), "eu-north-1");
    } else if (strcmp(req->url, "/latest/meta-data/iam/security-credentials/") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body), "etl-instance-role\n");
    } else if (strcmp(req->url, "/latest/meta-data/iam/security-credentials/etl-instance-role") ==
               0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":"
                       "\"s\",\"Token\":\"t\",\"Expiration\":\"%s\"}",
                       exp);
    } else if (strcmp(req->url, "/federation/credentials") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":"
                       "\"s\",\"sessionToken\":\"t\",\"expiration\":%lld000}}",
                       (long long)awsorch_time_now() + 3600);
    } else {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"s\",\"Token\":"
                       "\"t\",\"Expiration\":\"%s\"}",
                       exp);
    }
}

Test(credentials, container_full_uri_with_token_file)
{
    mock_server *s = mock_start(json_handler, NULL);
    char url[128];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u/v2/credentials/abc", mock_port(s));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-is-set", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tmp_file(2, "eks-token", "pod-token\n"), 1);
    awsorch_credentials *c = resolve_ok(NULL);
    cr_expect_str_eq(c->access_key_id, "ASIACONTAINER");
    mock_request r = mock_get(s, 0);
    char auth[128];
    cr_expect_str_eq(mock_header(&r, "authorization", auth, sizeof(auth)), "pod-token");
    cr_expect_str_eq(r.url, "/v2/credentials/abc");
    awsorch_credentials_free(c);
    mock_stop(s);
}

Test(credentials, container_full_uri_must_be_local_or_https)
{
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254.evil.example/creds", 1);
    cr_expect_eq(resolve_err(NULL), AWSORCH_E_CREDENTIALS);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "FULL_URI must"));
}

static void imds_case(int token_status, const char *v1_disabled, bool expect_found)
{
    http_state st = {token_status};
    mock_server *s = mock_start(json_handler, &st);
    char url[128];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(s));
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    if (v1_disabled != NULL) {
        setenv("AWS_EC2_METADATA_V1_DISABLED", v1_disabled, 1);
    }
    awsorch_credentials_options o = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    awsorch_credentials *c = NULL;
    awsorch_status rc = awsorch_credentials_resolve(&c, &o);
    if (expect_found) {
        cr_assert_eq(rc, AWSORCH_OK, "%s", awsorch_error_last()->message);
        cr_expect_str_eq(c->access_key_id, "ASIAIMDS");
        mock_request put = mock_get(s, 0);
        cr_expect_str_eq(put.method, "PUT");
        char ttl[32];
        cr_expect_str_eq(
            mock_header(&put, "x-aws-ec2-metadata-token-ttl-seconds", ttl, sizeof(ttl)), "21600");
        mock_request get = mock_get(s, 2);
        char tok[64];
        cr_expect_str_eq(mock_header(&get, "x-aws-ec2-metadata-token", tok, sizeof(tok)),
                         token_status == 200 ? "imds-token" : "");
    } else {
        cr_expect_eq(rc, AWSORCH_E_CREDENTIALS);
        cr_expect_not_null(strstr(awsorch_error_last()->message, "IMDSv1 is disabled"), "%s",
                           awsorch_error_last()->message);
    }
    awsorch_credentials_free(c);
    mock_stop(s);
}

Test(credentials, imds_v2)
{
    imds_case(200, NULL, true);
}

Test(credentials, imds_v1_fallback_when_allowed)
{
    imds_case(403, NULL, true);
}

Test(credentials, imds_no_v1_when_disabled)
{
    imds_case(403, "true", false);
}

Test(credentials, sso_session_with_cached_token)
{
    mock_server *s = mock_start(json_handler, NULL);
    char url[128];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(s));
    setenv("AWS_ENDPOINT_URL_SSO", url, 1);
    const char *cfg =
        tmp_file(1, "config",
                 "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
                 "sso_role_name = DataEngineer\n"
                 "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                 "sso_region = eu-west-1\n");
    setenv("AWS_CONFIG_FILE", cfg, 1);
    /* HOME/.aws/sso/cache/<sha1("corp")>.json, as `aws sso login` writes it. */
    char home[512];
    (void)snprintf(home, sizeof(home), "%s", cfg);
    *strrchr(home, '/') = '\0';
    setenv("HOME", home, 1);
    char path[700];
    static const char *const dirs[] = {"/.aws", "/.aws/sso", "/.aws/sso/cache"};
    for (size_t i = 0; i < 3; i++) {
        (void)snprintf(path, sizeof(path), "%s%s", home, dirs[i]);
        cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
    }
    char exp[32];
    iso_in(3600, exp, sizeof(exp));
    /* The file name is the SHA-1 of the session name, as `aws sso login` writes it:
     * sha1("corp") = ee0bfd2552fbd840c02cc48b6e823320543c450f. */
    (void)snprintf(path, sizeof(path),
                   "%s/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", home);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    (void)fprintf(f, "{\"accessToken\":\"sso-bearer\",\"expiresAt\":\"%s\"}", exp);
    (void)fclose(f);
    awsorch_credentials *c = resolve_ok("sso");
    cr_expect_str_eq(c->access_key_id, "ASIASSO");
    cr_expect_str_eq(c->source, "sso");
    mock_request r = mock_get(s, 0);
    char bearer[64];
    cr_expect_str_eq(mock_header(&r, "x-amz-sso_bearer_token", bearer, sizeof(bearer)),
                     "sso-bearer");
    awsorch_credentials_free(c);
    mock_stop(s);
}

/* ---- the cached provider ----------------------------------------------------- */

static void *get_in_thread(void *arg)
{
    awsorch_credentials *c = NULL;
    awsorch_status st = awsorch_credentials_provider_get(&c, arg);
    bool ok = st == AWSORCH_OK && strcmp(c->access_key_id, "ASIACONTAINER") == 0;
    awsorch_credentials_free(c);
    return ok ? arg : NULL;
}

Test(credentials, provider_refreshes_once_for_many_threads)
{
    mock_server *s = mock_start(json_handler, NULL);
    char url[128];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u/creds", mock_port(s));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    awsorch_credentials_provider *p = NULL;
    cr_assert_eq(awsorch_credentials_provider_new(&p, NULL), AWSORCH_OK);
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(pthread_create(&threads[i], NULL, get_in_thread, p), 0);
    }
    for (int i = 0; i < 8; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        cr_expect_not_null(ok, "thread %d got no credentials", i);
    }
    cr_expect_eq(awsorch_credentials_provider_refreshes(p), 1);
    cr_expect_eq(mock_count(s), 1, "the endpoint was asked %zu times", mock_count(s));
    awsorch_credentials_provider_free(p);
    mock_stop(s);
}

Test(credentials, provider_refreshes_credentials_about_to_expire)
{
    char config[1024];
    char exp[32];
    iso_in(120, exp, sizeof(exp)); /* inside the five-minute refresh window */
    (void)snprintf(config, sizeof(config),
                   "[default]\ncredential_process = printf '{\"Version\": 1, \"AccessKeyId\": "
                   "\"AKIDSOON\", \"SecretAccessKey\": \"s\", \"Expiration\": \"%s\"}'\n",
                   exp);
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", config), 1);
    awsorch_credentials_provider *p = NULL;
    cr_assert_eq(awsorch_credentials_provider_new(&p, NULL), AWSORCH_OK);
    for (int i = 0; i < 3; i++) {
        awsorch_credentials *c = NULL;
        cr_assert_eq(awsorch_credentials_provider_get(&c, p), AWSORCH_OK);
        cr_expect_str_eq(c->access_key_id, "AKIDSOON");
        awsorch_credentials_free(c);
    }
    cr_expect_eq(awsorch_credentials_provider_refreshes(p), 3);
    awsorch_credentials_provider_free(p);
    /* Long-term keys are resolved once. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
    cr_assert_eq(awsorch_credentials_provider_new(&p, NULL), AWSORCH_OK);
    for (int i = 0; i < 3; i++) {
        awsorch_credentials *c = NULL;
        cr_assert_eq(awsorch_credentials_provider_get(&c, p), AWSORCH_OK);
        awsorch_credentials_free(c);
    }
    cr_expect_eq(awsorch_credentials_provider_refreshes(p), 1);
    awsorch_credentials_provider_free(p);
}

/* ---- settings ------------------------------------------------------------------- */

static const char *settings_config = "[default]\n"
                                     "region = us-west-2\n"
                                     "max_attempts = 5\n"
                                     "retry_mode = adaptive\n"
                                     "services = local\n"
                                     "endpoint_url = http://profile-wide:1\n"
                                     "[services local]\n"
                                     "sts =\n"
                                     "  endpoint_url = http://sts-section:2\n"
                                     "[profile bad]\n"
                                     "max_attempts = many\n";

Test(settings, precedence_of_region)
{
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", settings_config), 1);
    awsorch_settings *s = NULL;
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(s->region, "us-west-2");
    cr_expect_eq(s->max_attempts, 5);
    cr_expect_str_eq(s->retry_mode, "adaptive");
    awsorch_settings_free(s);
    setenv("AWS_DEFAULT_REGION", "eu-central-1", 1);
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect_str_eq(s->region, "eu-central-1");
    awsorch_settings_free(s);
    setenv("AWS_REGION", "ap-south-1", 1);
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect_str_eq(s->region, "ap-south-1");
    cr_expect_str_eq(s->region_source, "AWS_REGION");
    awsorch_settings_free(s);
    awsorch_settings_options o = AWSORCH_SETTINGS_OPTIONS_INIT;
    o.region = "sa-east-1";
    cr_assert_eq(awsorch_settings_load(&s, &o), AWSORCH_OK);
    cr_expect_str_eq(s->region, "sa-east-1");
    awsorch_settings_free(s);
}

Test(settings, no_region_says_where_it_looked)
{
    awsorch_settings *s = NULL;
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    const char *region = NULL;
    cr_expect_eq(awsorch_settings_require_region(s, &region), AWSORCH_E_CONFIG);
    const char *msg = awsorch_error_last()->message;
    cr_expect_not_null(strstr(msg, "AWS_REGION"), "%s", msg);
    cr_expect_not_null(strstr(msg, "AWS_DEFAULT_REGION"), "%s", msg);
    cr_expect_not_null(strstr(msg, "/nonexistent/config"), "%s", msg);
    awsorch_settings_free(s);
}

Test(settings, region_from_instance_metadata_last)
{
    mock_server *m = mock_start(json_handler, NULL);
    char url[128];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(m));
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    awsorch_settings *s = NULL;
    const char *region = NULL;
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect_eq(awsorch_region_resolve(&region, s), AWSORCH_E_CONFIG,
                 "disabled instance metadata is not asked");
    cr_expect_not_null(strstr(awsorch_error_last()->message, "AWS_EC2_METADATA_DISABLED"));
    cr_expect_eq(mock_count(m), 0);
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    cr_assert_eq(awsorch_region_resolve(&region, s), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_str_eq(region, "eu-north-1");
    cr_expect_str_eq(s->region_source, "instance metadata");
    awsorch_settings_free(s);
    setenv("AWS_REGION", "us-east-2", 1);
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    size_t before = mock_count(m);
    cr_assert_eq(awsorch_region_resolve(&region, s), AWSORCH_OK);
    cr_expect_str_eq(region, "us-east-2");
    cr_expect_eq(mock_count(m), before, "a configured region needs no metadata call");
    awsorch_settings_free(s);
    mock_stop(m);
}

Test(settings, endpoint_precedence)
{
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", settings_config), 1);
    awsorch_settings *s = NULL;
    char url[256];
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect(awsorch_settings_endpoint(s, "STS", url, sizeof(url)));
    cr_expect_str_eq(url, "http://sts-section:2");
    cr_expect(awsorch_settings_endpoint(s, "Redshift Data", url, sizeof(url)));
    cr_expect_str_eq(url, "http://profile-wide:1");
    setenv("AWS_ENDPOINT_URL", "http://env-global:3", 1);
    cr_expect(awsorch_settings_endpoint(s, "STS", url, sizeof(url)));
    cr_expect_str_eq(url, "http://env-global:3");
    setenv("AWS_ENDPOINT_URL_REDSHIFT_DATA", "http://env-rsd:4", 1);
    cr_expect(awsorch_settings_endpoint(s, "Redshift Data", url, sizeof(url)));
    cr_expect_str_eq(url, "http://env-rsd:4");
    awsorch_settings_free(s);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK);
    cr_expect_not(awsorch_settings_endpoint(s, "STS", url, sizeof(url)));
    awsorch_settings_free(s);
    awsorch_settings_options o = AWSORCH_SETTINGS_OPTIONS_INIT;
    o.endpoint_url = "http://explicit:5";
    cr_assert_eq(awsorch_settings_load(&s, &o), AWSORCH_OK);
    cr_expect(awsorch_settings_endpoint(s, "STS", url, sizeof(url)));
    cr_expect_str_eq(url, "http://explicit:5");
    awsorch_settings_free(s);
}

Test(settings, bad_values_are_clear_errors)
{
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", settings_config), 1);
    awsorch_settings_options o = AWSORCH_SETTINGS_OPTIONS_INIT;
    o.profile = "bad";
    awsorch_settings *s = NULL;
    cr_expect_eq(awsorch_settings_load(&s, &o), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "max_attempts"));
    setenv("AWS_RETRY_MODE", "sometimes", 1);
    cr_expect_eq(awsorch_settings_load(&s, NULL), AWSORCH_E_CONFIG);
    unsetenv("AWS_RETRY_MODE");
    setenv("AWS_USE_FIPS_ENDPOINT", "yes", 1);
    cr_expect_eq(awsorch_settings_load(&s, NULL), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "true or false"));
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    setenv("AWS_REGION", "us-east-1; rm -rf", 1);
    cr_expect_eq(awsorch_settings_load(&s, NULL), AWSORCH_E_CONFIG);
    cr_expect_null(s);
}

Test(settings, hostile_config_files)
{
    static char huge[200000];
    static const char prefix[] = "[default]\nregion = ";
    memset(huge, 'a', sizeof(huge) - 1);
    for (size_t i = 0; i + 1 < sizeof(prefix); i++) {
        huge[i] = prefix[i];
    }
    setenv("AWS_CONFIG_FILE", tmp_file(1, "config", huge), 1);
    awsorch_settings *s = NULL;
    cr_expect_eq(awsorch_settings_load(&s, NULL), AWSORCH_E_CONFIG, "a 200 kB region is refused");
    setenv("AWS_CONFIG_FILE",
           tmp_file(1, "config", "[default]\nregion = eu-west-1\n[default]\noutput = json"), 1);
    cr_assert_eq(awsorch_settings_load(&s, NULL), AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(s->region, "eu-west-1", "duplicate sections merge");
    awsorch_settings_free(s);
    const char binary[] = "[default]\nregion = eu\0west-1\n";
    FILE *f = fopen(tmp_file(1, "config", ""), "wb");
    cr_assert_not_null(f);
    (void)fwrite(binary, 1, sizeof(binary) - 1, f);
    (void)fclose(f);
    cr_expect_eq(awsorch_settings_load(&s, NULL), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "NUL"));
}
