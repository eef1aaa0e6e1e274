/* awsorch-emulator's core: routing, signature checks with AWS's errors, STS's
 * temporary keys, the fault and request-log control API, config errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "emu_harness.h"
#include "helpers.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
    (void)awsorch_buf_append(userdata, data, size * n);
    return size * n;
}

/* Sends a request exactly as given (headers "Name: value"), unsigned unless the
 * caller signed it; returns the status and the body in out. */
static long send_raw(const emu_harness *h, const char *method, const char *target,
                     const char *const *headers, size_t n, const char *body, awsorch_buf *out)
{
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    char url[512];
    (void)snprintf(url, sizeof(url), "%s%s", h->endpoint, target);
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < n; i++) {
        list = curl_slist_append(list, headers[i]);
    }
    list = curl_slist_append(list, "Expect:");
    list = curl_slist_append(list, "Accept:");
    (void)curl_easy_setopt(c, CURLOPT_URL, url);
    (void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    (void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    (void)curl_easy_setopt(c, CURLOPT_USERAGENT, "");
    if (body != NULL) {
        (void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) {
        (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    (void)awsorch_buf_append(out, "", 1);
    out->len--;
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    return status;
}

/* Signs a POST / for `service` at `time_s` with the given secret and sends it. */
/* How a signed request is bent before it is sent. */
typedef struct signing {
    const char *token; /* session token, signed */
    bool drop_host;    /* claim that Host was not signed */
} signing;

static long send_signed_ex(const emu_harness *h, const char *service, const char *target_hdr,
                           const char *body, const char *ak, const char *sk, int64_t time_s,
                           const char *content_type, const signing *how, awsorch_buf *out)
{
    char host[64];
    (void)snprintf(host, sizeof(host), "127.0.0.1:%d", h->port);
    awsorch_sigv4_header hs[3] = {{{"Host", 4}, {host, strlen(host)}},
                                  {{"Content-Type", 12}, {content_type, strlen(content_type)}},
                                  {{"X-Amz-Target", 12}, {NULL, 0}}};
    size_t hn = 2;
    if (target_hdr != NULL) {
        hs[2].value.ptr = target_hdr;
        hs[2].value.len = strlen(target_hdr);
        hn = 3;
    }
    awsorch_sigv4_request req = AWSORCH_SIGV4_REQUEST_INIT;
    req.method = "POST";
    req.path.ptr = "/";
    req.path.len = 1;
    req.headers = hs;
    req.header_count = hn;
    req.body = body;
    req.body_len = strlen(body);
    awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
    p.region = "us-east-1";
    p.service = service;
    p.access_key_id = ak;
    p.secret_access_key = sk;
    p.session_token = how->token;
    p.time_s = time_s;
    char scratch[8192];
    awsorch_sigv4_result r;
    cr_assert_eq(awsorch_sigv4_sign(&r, &req, &p, scratch, sizeof(scratch)), AWSORCH_OK);
    char lines[6][2048];
    const char *ptrs[6];
    size_t n = 0;
    (void)snprintf(lines[n], sizeof(lines[n]), "Content-Type: %s", content_type);
    ptrs[n] = lines[n];
    n++;
    if (target_hdr != NULL) {
        (void)snprintf(lines[n], sizeof(lines[n]), "X-Amz-Target: %s", target_hdr);
        ptrs[n] = lines[n];
        n++;
    }
    for (size_t i = 0; i < r.add_header_count; i++) {
        (void)snprintf(lines[n], sizeof(lines[n]), "%.*s: %.*s", (int)r.add_headers[i].name.len,
                       r.add_headers[i].name.ptr, (int)r.add_headers[i].value.len,
                       r.add_headers[i].value.ptr);
        if (how->drop_host) {
            char *host_in_list = strstr(lines[n], ";host;");
            if (host_in_list != NULL) {
                memmove(host_in_list, host_in_list + 5, strlen(host_in_list + 5) + 1);
            }
        }
        ptrs[n] = lines[n];
        n++;
    }
    return send_raw(h, "POST", "/", ptrs, n, body, out);
}

static long send_signed(const emu_harness *h, const char *service, const char *target_hdr,
                        const char *body, const char *ak, const char *sk, int64_t time_s,
                        const char *content_type, awsorch_buf *out)
{
    const signing plain = {NULL, false};
    return send_signed_ex(h, service, target_hdr, body, ak, sk, time_s, content_type, &plain, out);
}

#define JSON11 "application/x-amz-json-1.1"
#define FORM "application/x-www-form-urlencoded"
#define CALLER "Action=GetCallerIdentity&Version=2011-06-15"

Test(emu_core, sts_get_caller_identity_with_the_default_keys)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = send_signed(&h, "sts", NULL, CALLER, AK, SK, awsorch_time_now(), FORM, &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    cr_expect(strstr((char *)out.data, "<Arn>arn:aws:iam::000000000000:root</Arn>") != NULL);
    cr_expect(strstr((char *)out.data, "<Account>000000000000</Account>") != NULL);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, a_wrong_secret_gets_the_services_signature_error)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = send_signed(&h, "glue", "AWSGlue.GetJob", "{\"JobName\":\"j\"}", AK, "wrong-secret",
                          awsorch_time_now(), JSON11, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "\"__type\":\"InvalidSignatureException\"") != NULL, "%s",
              (char *)out.data);
    cr_expect(strstr((char *)out.data, "The Canonical String for this request should have been") !=
              NULL);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = send_signed(&h, "sts", NULL, CALLER, AK, "wrong-secret", awsorch_time_now(), FORM, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "<Code>SignatureDoesNotMatch</Code>") != NULL, "%s",
              (char *)out.data);
    cr_expect(strstr((char *)out.data, "<Type>Sender</Type>") != NULL);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, a_signature_older_than_fifteen_minutes_is_expired)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = send_signed(&h, "glue", "AWSGlue.GetJob", "{}", AK, SK, awsorch_time_now() - 960,
                          JSON11, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "Signature expired:") != NULL, "%s", (char *)out.data);
    awsorch_buf_free(&out);
    /* 14 minutes of skew is still accepted (the reply is then about the job). */
    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = send_signed(&h, "glue", "AWSGlue.GetJob", "{}", AK, SK, awsorch_time_now() - 840, JSON11,
                     &out);
    cr_expect(strstr((char *)out.data, "Signature") == NULL, "%s", (char *)out.data);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, unknown_keys_wrong_scope_and_missing_signatures_are_refused)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = send_signed(&h, "glue", "AWSGlue.GetJob", "{}", "AKIANOTKNOWN", SK,
                          awsorch_time_now(), JSON11, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "UnrecognizedClientException") != NULL, "%s",
              (char *)out.data);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st =
        send_signed(&h, "athena", "AWSGlue.GetJob", "{}", AK, SK, awsorch_time_now(), JSON11, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "Credential should be scoped to correct service: 'glue'") !=
                  NULL,
              "%s", (char *)out.data);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    const char *hs[] = {"X-Amz-Target: AWSGlue.GetJob", "Content-Type: " JSON11};
    st = send_raw(&h, "POST", "/", hs, 2, "{}", &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "MissingAuthenticationTokenException") != NULL);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = send_raw(&h, "GET", "/some-bucket/key", NULL, 0, NULL, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "<Code>AccessDenied</Code>") != NULL, "%s",
              (char *)out.data);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, an_unknown_target_is_an_unknown_operation)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    json_t *reply = NULL;
    int st = emu_harness_json(&h, "glue", "AWSGlue.NoSuchThing", "{}", &reply);
    cr_expect_eq(st, 400);
    cr_expect_str_eq(json_string_value(json_object_get(reply, "__type")),
                     "UnknownOperationException");
    json_decref(reply);
    emu_harness_stop(&h);
}

/* An STS client on the emulator; NULL credentials: the built-in key pair. */
static awsorch_sts_client *sts_client(const emu_harness *h, const awsorch_credentials *creds)
{
    static char ak[] = AK;
    static char sk[] = SK;
    const awsorch_credentials builtin = {ak, sk, NULL, 0, "test"};
    awsorch_client_options opts = AWSORCH_CLIENT_OPTIONS_INIT;
    opts.region = "us-east-1";
    opts.endpoint_url = h->endpoint;
    opts.credentials = creds != NULL ? creds : &builtin;
    awsorch_sts_client *c = NULL;
    cr_assert_eq(awsorch_sts_client_new(&c, &opts), AWSORCH_OK);
    return c;
}

/* AssumeRole of the role "etl" for the session "nightly". */
static awsorch_status assume_etl_role(awsorch_sts_client *c, awsorch_sts_assumed_role **role)
{
    awsorch_sts_assume_role_input in = AWSORCH_STS_ASSUME_ROLE_INPUT_INIT;
    in.role_arn = "arn:aws:iam::000000000000:role/etl";
    in.role_session_name = "nightly";
    *role = NULL;
    return awsorch_sts_assume_role(role, c, &in);
}

Test(emu_core, assumed_role_keys_work_until_their_token_is_wrong)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_sts_client *c = sts_client(&h, NULL);
    awsorch_sts_assumed_role *role = NULL;
    cr_assert_eq(assume_etl_role(c, &role), AWSORCH_OK, "%s", awsorch_error_last()->message);
    awsorch_credentials *temp = role->credentials;
    cr_expect_str_eq(role->arn, "arn:aws:sts::000000000000:assumed-role/etl/nightly");
    cr_expect(strncmp(temp->access_key_id, "ASIA", 4) == 0);
    awsorch_sts_client_free(c);

    c = sts_client(&h, temp);
    awsorch_sts_caller_identity *id = NULL;
    cr_assert_eq(awsorch_sts_get_caller_identity(&id, c), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    cr_expect_str_eq(id->arn, "arn:aws:sts::000000000000:assumed-role/etl/nightly");
    awsorch_sts_caller_identity_free(id);
    awsorch_sts_client_free(c);

    char *real = temp->session_token;
    char forged[] = "FQoGZXIvYXdzEforged";
    temp->session_token = forged;
    c = sts_client(&h, temp);
    id = NULL;
    cr_expect_eq(awsorch_sts_get_caller_identity(&id, c), AWSORCH_E_SERVICE);
    cr_expect_str_eq(awsorch_error_last()->service_code, "InvalidClientTokenId");
    awsorch_sts_client_free(c);
    temp->session_token = real;
    awsorch_sts_assumed_role_free(role);
    emu_harness_stop(&h);
}

/* GetCallerIdentity through the SDK's client (with its retries); returns the attempts. */
static unsigned caller_identity(emu_harness *h)
{
    const char *hs[] = {"Content-Type: " FORM};
    awsorch_response *r = NULL;
    int st = emu_harness_send(h, "sts", "POST", "/", NULL, hs, 1, CALLER, strlen(CALLER), &r);
    cr_expect_eq(st, 200, "%s", r != NULL ? r->body : awsorch_error_last()->message);
    unsigned attempts = r != NULL ? r->attempts : 0;
    awsorch_response_free(r);
    return attempts;
}

Test(emu_core, faults_are_injected_and_requests_are_listed)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    const char *hs[] = {"Content-Type: application/json"};
    long st = send_raw(&h, "POST", "/_awsorch/faults", hs, 1,
                       "{\"service\":\"sts\",\"operation\":\"GetCallerIdentity\",\"type\":"
                       "\"throttle\",\"count\":2}",
                       &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    awsorch_buf_free(&out);

    cr_expect_eq(caller_identity(&h), 3);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = send_raw(&h, "GET", "/_awsorch/requests?service=sts", NULL, 0, NULL, &out);
    cr_expect_eq(st, 200);
    json_t *log = json_loads((char *)out.data, 0, NULL);
    json_t *reqs = json_object_get(log, "requests");
    cr_assert_eq(json_array_size(reqs), 3, "%s", (char *)out.data);
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(reqs, 0), "status")), 400);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "fault")),
                     "throttle");
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(reqs, 2), "status")), 200);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(reqs, 2), "amz_sdk_request")),
                     "attempt=3; max=3");
    json_decref(log);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = send_raw(&h, "POST", "/_awsorch/faults", hs, 1, "{\"type\":\"explode\"}", &out);
    cr_expect_eq(st, 400);
    cr_expect(strstr((char *)out.data, "type") != NULL);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, a_reset_fault_closes_the_connection_and_the_client_retries)
{
    emu_harness h;
    emu_harness_start(&h, "{\"faults\":[{\"service\":\"sts\",\"type\":\"reset\",\"count\":1}]}");
    cr_expect_eq(caller_identity(&h), 2);
    emu_harness_stop(&h);
}

Test(emu_core, a_bad_config_is_refused_with_a_reason)
{
    emu_server *s = NULL;
    char err[512];
    emu_server_options opts = {"127.0.0.1", 0, NULL, "{\"time_scale\": -3}", false};
    cr_expect_eq(emu_server_start(&s, &opts, err, sizeof(err)), -1);
    cr_expect(strstr(err, "time_scale") != NULL, "%s", err);
    opts.config_json = "{\"faults\": [{\"type\": \"error\", \"count\": 0}]}";
    cr_expect_eq(emu_server_start(&s, &opts, err, sizeof(err)), -1);
    cr_expect(strstr(err, "faults[0]") != NULL, "%s", err);
    opts.config_json = "{not json";
    cr_expect_eq(emu_server_start(&s, &opts, err, sizeof(err)), -1);
    cr_expect(strstr(err, "line 1") != NULL, "%s", err);
}

Test(emu_core, the_binary_starts_and_answers_health)
{
    /* --help documents the default keys; a bad option exits 2. */
    awsorch_buf out = AWSORCH_BUF_INIT;
    awsorch_buf err = AWSORCH_BUF_INIT;
    char *const help[] = {AWSORCH_EMULATOR, "--help", NULL};
    char *const env[] = {NULL};
    cr_expect_eq(run_cmd(help, env, NULL, &out, &err), 0);
    cr_expect(strstr((char *)out.data, AK) != NULL);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
    out = (awsorch_buf)AWSORCH_BUF_INIT;
    err = (awsorch_buf)AWSORCH_BUF_INIT;
    char *const bad[] = {AWSORCH_EMULATOR, "--port", "99999", NULL};
    cr_expect_eq(run_cmd(bad, env, NULL, &out, &err), 2);
    cr_expect(strstr((char *)err.data, "--port") != NULL);
    awsorch_buf_free(&out);
    awsorch_buf_free(&err);
}

Test(emu_core, input_is_checked_against_the_declared_operation)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    json_t *reply = NULL;
    int st = emu_harness_json(&h, "glue", "AWSGlue.StartJobRun", "{}", &reply);
    cr_expect_eq(st, 400);
    cr_expect_str_eq(json_string_value(json_object_get(reply, "__type")), "ValidationException");
    cr_expect_str_eq(json_string_value(json_object_get(reply, "message")),
                     "1 validation error detected: Value null at 'jobName' failed to satisfy "
                     "constraint: Member must not be null");
    json_decref(reply);

    st = emu_harness_json(&h, "glue", "AWSGlue.StartJobRun", "{\"JobName\": 5}", &reply);
    cr_expect_eq(st, 400);
    cr_expect_str_eq(json_string_value(json_object_get(reply, "__type")), "SerializationException");
    cr_expect(strstr(json_string_value(json_object_get(reply, "message")), "jobName") != NULL);
    json_decref(reply);

    st = emu_harness_json(&h, "states", "AWSStepFunctions.ListExecutions",
                          "{\"stateMachineArn\": \"arn:aws:states:us-east-1:000000000000:"
                          "stateMachine:m\", \"statusFilter\": \"BOGUS\"}",
                          &reply);
    cr_expect_eq(st, 400);
    const char *msg = json_string_value(json_object_get(reply, "message"));
    cr_expect(msg != NULL && strstr(msg, "Value 'BOGUS' at 'statusFilter'") != NULL &&
                  strstr(msg, "RUNNING, SUCCEEDED") != NULL,
              "%s", msg);
    json_decref(reply);

    st = emu_harness_json(&h, "glue", "AWSGlue.GetJob", "{not json", &reply);
    cr_expect_eq(st, 400);
    cr_expect_str_eq(json_string_value(json_object_get(reply, "__type")), "SerializationException");
    json_decref(reply);
    emu_harness_stop(&h);
}

Test(emu_core, error_and_truncate_faults_take_the_services_form)
{
    emu_harness h;
    emu_harness_start(&h, "{\"faults\":["
                          "{\"service\":\"glue\",\"operation\":\"GetJobs\",\"type\":\"error\","
                          "\"status\":503,\"count\":3},"
                          "{\"service\":\"sts\",\"type\":\"truncate\"}]}");
    json_t *reply = NULL;
    /* Three 503s use up the client's three attempts. */
    int st = emu_harness_json(&h, "glue", "AWSGlue.GetJobs", "{}", &reply);
    cr_expect_eq(st, 503);
    cr_expect_str_eq(json_string_value(json_object_get(reply, "__type")), "ServiceUnavailable");
    json_decref(reply);
    st = emu_harness_json(&h, "glue", "AWSGlue.GetJobs", "{}", &reply);
    cr_expect_eq(st, 200);
    cr_expect(json_is_array(json_object_get(reply, "Jobs")));
    json_decref(reply);
    /* A reply cut halfway is a transient error: the retry gets a whole one. */
    cr_expect_eq(caller_identity(&h), 2);
    emu_harness_stop(&h);
}

/* Presigns GET /bucket/key for S3 at `time_s`, valid for `expires` seconds. */
static long presigned_get(const emu_harness *h, int64_t time_s, uint32_t expires, awsorch_buf *out)
{
    char host[64];
    (void)snprintf(host, sizeof(host), "127.0.0.1:%d", h->port);
    awsorch_sigv4_header hs[1] = {{{"Host", 4}, {host, strlen(host)}}};
    awsorch_sigv4_request req = AWSORCH_SIGV4_REQUEST_INIT;
    req.method = "GET";
    req.path.ptr = "/reports/daily.csv";
    req.path.len = strlen(req.path.ptr);
    req.headers = hs;
    req.header_count = 1;
    awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
    p.region = "us-east-1";
    p.service = "s3";
    p.access_key_id = AK;
    p.secret_access_key = SK;
    p.time_s = time_s;
    p.mode = AWSORCH_SIGV4_QUERY;
    p.expires_s = expires;
    char scratch[8192];
    awsorch_sigv4_result r;
    cr_assert_eq(awsorch_sigv4_sign(&r, &req, &p, scratch, sizeof(scratch)), AWSORCH_OK);
    char target[2048];
    (void)snprintf(target, sizeof(target), "/reports/daily.csv?%.*s", (int)r.presign_query.len,
                   r.presign_query.ptr);
    return send_raw(h, "GET", target, NULL, 0, NULL, out);
}

Test(emu_core, presigned_urls_work_until_they_expire)
{
    emu_harness h;
    emu_harness_start(&h, "{\"s3\":{\"objects\":{\"reports/daily.csv\":\"day,total\\n3,42\\n\"}}}");
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = presigned_get(&h, awsorch_time_now(), 300, &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    cr_expect_str_eq((char *)out.data, "day,total\n3,42\n");
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = presigned_get(&h, awsorch_time_now() - 600, 300, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "Request has expired") != NULL, "%s", (char *)out.data);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

/* GETs `path` with S3's Signature Version 2 query authentication (what `aws s3 presign` of
 * AWS CLI v1 produces), signing `resource` with `secret`, expiring at `expires`. */
static long presigned_v2_get(const emu_harness *h, const char *path, const char *resource,
                             const char *secret, int64_t expires, awsorch_buf *out)
{
    char tosign[512];
    (void)snprintf(tosign, sizeof(tosign), "GET\n\n\n%lld\n%s", (long long)expires, resource);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    cr_assert_not_null(HMAC(EVP_sha1(), secret, (int)strlen(secret), (unsigned char *)tosign,
                            strlen(tosign), mac, &mac_len));
    char b64[64];
    (void)EVP_EncodeBlock((unsigned char *)b64, mac, (int)mac_len);
    char sig[128] = "";
    size_t o = 0;
    for (const char *p = b64; *p != '\0' && o + 4 < sizeof(sig); p++) {
        o += (size_t)snprintf(sig + o, sizeof(sig) - o,
                              *p == '+' || *p == '/' || *p == '=' ? "%%%02X" : "%c", *p);
    }
    char target[512];
    (void)snprintf(target, sizeof(target), "%s%sAWSAccessKeyId=%s&Signature=%s&Expires=%lld", path,
                   strchr(path, '?') != NULL ? "&" : "?", AK, sig, (long long)expires);
    return send_raw(h, "GET", target, NULL, 0, NULL, out);
}

Test(emu_core, sigv2_presigned_urls_of_the_cli_work_until_they_expire)
{
    emu_harness h;
    emu_harness_start(&h, "{\"s3\":{\"objects\":{\"reports/daily.csv\":\"day,total\\n3,42\\n\"}}}");
    int64_t now = awsorch_time_now();
    awsorch_buf out = AWSORCH_BUF_INIT;
    long st = presigned_v2_get(&h, "/reports/daily.csv", "/reports/daily.csv", SK, now + 300, &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    cr_expect_str_eq((char *)out.data, "day,total\n3,42\n");
    awsorch_buf_free(&out);

    /* Subresources are signed; the bucket itself signs as "/bucket/". */
    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = presigned_v2_get(&h, "/reports/daily.csv?response-content-type=text%2Fcsv",
                          "/reports/daily.csv?response-content-type=text/csv", SK, now + 300, &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    awsorch_buf_free(&out);
    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = presigned_v2_get(&h, "/reports?list-type=2", "/reports/", SK, now + 300, &out);
    cr_expect_eq(st, 200, "%s", (char *)out.data);
    cr_expect(strstr((char *)out.data, "<Key>daily.csv</Key>") != NULL, "%s", (char *)out.data);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = presigned_v2_get(&h, "/reports/daily.csv", "/reports/daily.csv", SK, now - 10, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "<Code>AccessDenied</Code>") != NULL &&
                  strstr((char *)out.data, "Request has expired") != NULL,
              "%s", (char *)out.data);
    awsorch_buf_free(&out);

    out = (awsorch_buf)AWSORCH_BUF_INIT;
    st = presigned_v2_get(&h, "/reports/daily.csv", "/reports/daily.csv", "wrong-secret", now + 300,
                          &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "<Code>SignatureDoesNotMatch</Code>") != NULL &&
                  strstr((char *)out.data, "<StringToSign>GET\n\n\n") != NULL,
              "%s", (char *)out.data);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, host_must_be_signed)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_buf out = AWSORCH_BUF_INIT;
    const signing no_host = {NULL, true};
    long st = send_signed_ex(&h, "glue", "AWSGlue.GetJobs", "{}", AK, SK, awsorch_time_now(),
                             JSON11, &no_host, &out);
    cr_expect_eq(st, 400);
    cr_expect(strstr((char *)out.data, "'Host' or ':authority' must be a 'SignedHeader'") != NULL,
              "%s", (char *)out.data);
    awsorch_buf_free(&out);
    emu_harness_stop(&h);
}

Test(emu_core, a_session_token_never_comes_back_in_a_signature_error)
{
    emu_harness h;
    emu_harness_start(&h, NULL);
    awsorch_sts_client *c = sts_client(&h, NULL);
    awsorch_sts_assumed_role *role = NULL;
    cr_assert_eq(assume_etl_role(c, &role), AWSORCH_OK);
    awsorch_sts_client_free(c);
    const awsorch_credentials *temp = role->credentials;
    awsorch_buf out = AWSORCH_BUF_INIT;
    const signing with_token = {temp->session_token, false};
    long st = send_signed_ex(&h, "glue", "AWSGlue.GetJobs", "{}", temp->access_key_id,
                             "not-the-secret", awsorch_time_now(), JSON11, &with_token, &out);
    cr_expect_eq(st, 403);
    cr_expect(strstr((char *)out.data, "x-amz-security-token:<redacted>") != NULL, "%s",
              (char *)out.data);
    cr_expect(strstr((char *)out.data, temp->session_token) == NULL,
              "the token must not be echoed");
    awsorch_buf_free(&out);
    awsorch_sts_assumed_role_free(role);
    emu_harness_stop(&h);
}

Test(emu_core, sts_calls_retry_transient_failures_not_bad_requests)
{
    emu_harness h;
    emu_harness_start(&h, "{\"faults\":[{\"service\":\"sts\",\"operation\":\"AssumeRole\","
                          "\"type\":\"error\",\"status\":503,\"count\":2}]}");
    awsorch_sts_client *c = sts_client(&h, NULL);
    awsorch_sts_assumed_role *role = NULL;
    cr_expect_eq(assume_etl_role(c, &role), AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_eq(awsorch_error_last()->attempts, 3, "two 503s, then the role");
    awsorch_sts_assumed_role_free(role);

    role = NULL;
    awsorch_sts_assume_role_input bad = AWSORCH_STS_ASSUME_ROLE_INPUT_INIT;
    bad.role_arn = "arn:aws:iam::000000000000:role/etl";
    bad.role_session_name = "no spaces allowed";
    cr_expect_eq(awsorch_sts_assume_role(&role, c, &bad), AWSORCH_E_SERVICE);
    cr_expect_str_eq(awsorch_error_last()->service_code, "ValidationError");
    cr_expect_eq(awsorch_error_last()->attempts, 1, "a bad request is not retried");
    cr_expect_null(role);
    awsorch_sts_client_free(c);
    emu_harness_stop(&h);
}
