/* bench/calls: client CPU per call for N DescribeExecution-shaped calls on one
 * keep-alive connection to a local server, through the full request path
 * (endpoint, serialize, sign, send, parse) and, in the same run, through a
 * minimal libcurl loop that sends the same pre-signed bytes. Also prints the
 * resident memory of an idle client. Target: within 1.15x, under 12 MiB. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsorch/awsorch.h"

static const char reply[] =
    "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:nightly-etl:run-1\","
    "\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:nightly-etl\","
    "\"name\":\"run-1\",\"status\":\"RUNNING\",\"startDate\":1764727200.123,"
    "\"input\":\"{\\\"date\\\":\\\"2026-12-03\\\"}\"}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (*state == NULL) {
        *state = c;
        return MHD_YES;
    }
    if (*size > 0) {
        *size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof(reply) - 1, (void *)reply, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/x-amz-json-1.0");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

static double thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        (void)fclose(f);
    }
    return kib;
}

static const awsorch_shape str = {AWSORCH_STRING, NULL, 0, NULL, NULL};
static const awsorch_shape ts = {AWSORCH_TIMESTAMP, NULL, 0, NULL, NULL};
static const awsorch_member in_m[] = {
    {"executionArn", &str, AWSORCH_IN_BODY, NULL, AWSORCH_REQUIRED}};
static const awsorch_shape in_shape = {AWSORCH_STRUCTURE, in_m, 1, NULL, NULL};
static const awsorch_member out_m[] = {{"executionArn", &str, AWSORCH_IN_BODY, NULL, 0},
                                       {"stateMachineArn", &str, AWSORCH_IN_BODY, NULL, 0},
                                       {"name", &str, AWSORCH_IN_BODY, NULL, 0},
                                       {"status", &str, AWSORCH_IN_BODY, NULL, 0},
                                       {"startDate", &ts, AWSORCH_IN_BODY, NULL, 0},
                                       {"input", &str, AWSORCH_IN_BODY, NULL, 0}};
static const awsorch_shape out_shape = {AWSORCH_STRUCTURE, out_m, 6, NULL, NULL};
static const awsorch_service_model sfn = {{"states", "states", "SFN"},
                                          "stepfunctions",
                                          AWSORCH_AWS_JSON_1_0,
                                          "AWSStepFunctions",
                                          NULL,
                                          NULL};
static const awsorch_operation describe = {"DescribeExecution", "POST", "/",   &in_shape,
                                           &out_shape,          NULL,   false, NULL};
static const char input[] =
    "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:nightly-etl:run-1\"}";

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (n <= 0 || n > 1000000) {
        (void)fprintf(stderr, "usage: calls [N]\n");
        return 2;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer,
                                            NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
    if (d == NULL) {
        (void)fprintf(stderr, "cannot start the local server\n");
        return 1;
    }
    unsigned port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);

    long rss_before = rss_kib();
    awsorch_credentials *creds = NULL;
    awsorch_credentials_new(&creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            NULL);
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.region = "us-east-1";
    o.endpoint_url = url;
    o.credentials = creds;
    awsorch_client *client = NULL;
    if (awsorch_client_new(&client, &sfn.service, &o) != AWSORCH_OK) {
        (void)fprintf(stderr, "client: %s\n", awsorch_error_last()->message);
        return 1;
    }
    long rss_idle = rss_kib();
    char *out = NULL;
    if (awsorch_invoke_json(&out, client, &sfn, &describe, input) != AWSORCH_OK) {
        (void)fprintf(stderr, "call: %s\n", awsorch_error_last()->message);
        return 1;
    }
    free(out);
    long rss_warm = rss_kib();

    /* The same bytes, signed once, through a bare reused libcurl handle. */
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    hdrs = curl_slist_append(hdrs, "Content-Type: application/x-amz-json-1.0");
    hdrs = curl_slist_append(hdrs, "X-Amz-Target: AWSStepFunctions.DescribeExecution");
    hdrs = curl_slist_append(hdrs, "X-Amz-Date: 20261203T020000Z");
    hdrs = curl_slist_append(hdrs, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
                                   "20261203/us-east-1/states/aws4_request, SignedHeaders=host;"
                                   "x-amz-date;x-amz-target, Signature=0000000000000000000000"
                                   "000000000000000000000000000000000000000000");
    hdrs = curl_slist_append(hdrs, "Expect:");
    (void)curl_easy_setopt(h, CURLOPT_URL, url);
    (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, input);
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(sizeof(input) - 1));
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    (void)curl_easy_perform(h);

    /* Interleaved rounds, best of each: this machine's CPU time per call moves
     * by a fifth from one second to the next, and both loops see the same. */
    double full = 1e30;
    double minimal = 1e30;
    long per_round = n / 5 > 0 ? n / 5 : 1;
    for (int round = 0; round < 5; round++) {
        double t0 = thread_cpu_us();
        for (long i = 0; i < per_round; i++) {
            if (awsorch_invoke_json(&out, client, &sfn, &describe, input) != AWSORCH_OK) {
                (void)fprintf(stderr, "call %ld: %s\n", i, awsorch_error_last()->message);
                return 1;
            }
            free(out);
        }
        double f = (thread_cpu_us() - t0) / (double)per_round;
        t0 = thread_cpu_us();
        for (long i = 0; i < per_round; i++) {
            if (curl_easy_perform(h) != CURLE_OK) {
                (void)fprintf(stderr, "curl call %ld failed\n", i);
                return 1;
            }
        }
        double m = (thread_cpu_us() - t0) / (double)per_round;
        full = f < full ? f : full;
        minimal = m < minimal ? m : minimal;
    }

    (void)printf("calls bench: %ld DescribeExecution calls on one keep-alive connection\n", n);
    (void)printf("  full path (endpoint, serialize, sign, send, parse): %7.1f us CPU/call\n", full);
    (void)printf("  minimal libcurl loop, pre-signed bytes:              %7.1f us CPU/call\n",
                 minimal);
    (void)printf("  ratio %.2fx (target <= 1.15x)\n", full / minimal);
    (void)printf("  RSS: %.1f MiB before the client (this process also runs the server), "
                 "%.1f MiB with an idle client (target < 12 MiB), %.1f MiB after its first "
                 "call\n",
                 (double)rss_before / 1024.0, (double)rss_idle / 1024.0, (double)rss_warm / 1024.0);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    awsorch_client_free(client);
    awsorch_credentials_free(creds);
    MHD_stop_daemon(d);
    return 0;
}
