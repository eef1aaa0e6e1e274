/* bench/cli: the command-line check users run in shell scripts,
 * `awsorch stepfunctions describe-execution --execution-arn ARN`, against a local
 * server, next to the curl binary sending the same request signed once with the
 * public signer, N runs of each, interleaved, in the same run. For each: median
 * and p90 wall time per run (fork + exec + wait) and peak RSS (wait4's ru_maxrss),
 * plus /bin/true as the floor of starting any process here.
 *
 * The server is the emulator, in process, with a state machine and an execution
 * created through its API; with --mock, or while the emulator lacks Step
 * Functions, a libmicrohttpd server here answers DescribeExecution with a fixed
 * body (which also isolates the client's cost from the server's).
 *
 * The children are started by a launcher process forked before any server
 * thread or allocation of note: on Linux, exec folds the memory of the forked
 * copy into the child's ru_maxrss, so forking from this process (which holds a
 * server) would report the larger of its size and the command's. The floor that
 * remains is the launcher's own copy: /bin/true's figure.
 *
 * Targets: awsorch within 1.3x of curl, under 12 MiB. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "awsorch/awsorch.h"
#include "awsorch/sigv4.h"
#include "emulator/server.h"

#ifndef AWSORCH_CLI_PATH
#error "AWSORCH_CLI_PATH must name the awsorch binary"
#endif

#define ACCESS_KEY "AKIAIOSFODNN7EXAMPLE"
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define REGION "us-east-1"
#define MOCK_ARN "arn:aws:states:us-east-1:123456789012:execution:nightly-etl:run-1"
#define RESIGN_AFTER_S 600 /* the signature holds for 15 minutes */
#define TARGET_RATIO 1.3
#define TARGET_RSS_MIB 12.0

enum { CMD_AWSORCH = 0, CMD_CURL, CMD_TRUE, CMD_COUNT };
static const char *const cmd_names[CMD_COUNT] = {"awsorch", "curl", "/bin/true (floor)"};

/* ---- the mock server ----------------------------------------------------------------- */

static const char mock_reply[] =
    "{\"executionArn\":\"" MOCK_ARN "\","
    "\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:nightly-etl\","
    "\"name\":\"run-1\",\"status\":\"RUNNING\",\"startDate\":1764727200.123,"
    "\"input\":\"{\\\"date\\\":\\\"2026-12-03\\\"}\","
    "\"inputDetails\":{\"included\":true}}";
static const char mock_unknown[] =
    "{\"__type\":\"UnknownOperationException\",\"message\":\"the mock answers DescribeExecution\"}";

static enum MHD_Result mock_answer(void *cls, struct MHD_Connection *c, const char *url,
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
    const char *target = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Target");
    bool known = target != NULL && strcmp(target, "AWSStepFunctions.DescribeExecution") == 0;
    const char *body = known ? mock_reply : mock_unknown;
    size_t len = known ? sizeof(mock_reply) - 1 : sizeof(mock_unknown) - 1;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/x-amz-json-1.0");
    enum MHD_Result ok = MHD_queue_response(c, known ? 200 : 400, r);
    MHD_destroy_response(r);
    return ok;
}

static struct MHD_Daemon *mock_start(int *port)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, mock_answer, NULL,
                         MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
    if (d != NULL) {
        *port = (int)MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    }
    return d;
}

/* ---- the launcher: a small process that runs the commands and times them ------------- */

/* A message to the launcher: define a command's argv (NUL-separated strings,
 * len bytes follow), or run one (stdout to /dev/null, or to capture_path). */
typedef struct launch_msg {
    int kind; /* 'D' define, 'R' run, 'C' run and capture stdout */
    int slot;
    size_t len;
} launch_msg;

typedef struct run_result {
    double wall_ms;
    long maxrss_kib;
    int status; /* as wait4 gives it; -1 when the fork failed */
} run_result;

typedef struct launcher {
    pid_t pid;
    int to;
    int from;
    char capture_path[64]; /* where a checked run's stdout goes */
} launcher;

static int write_full(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* fork + exec + wait4 of one command, timed. */
static run_result spawn_timed(char *const argv[], char *const envp[], const char *capture_path)
{
    run_result res = {0.0, 0, -1};
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        return res;
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int out = capture_path != NULL
                      ? open(capture_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                      : open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0) {
            _exit(126);
        }
        execve(argv[0], argv, envp);
        _exit(127);
    }
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    int status = 0;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            return res;
        }
    }
    res.wall_ms = now_ms() - t0;
    res.maxrss_kib = ru.ru_maxrss;
    res.status = status;
    return res;
}

static void launcher_main(int in, int out, char *const envp[], const char *capture_path)
{
    char *blobs[CMD_COUNT] = {NULL};
    char **argvs[CMD_COUNT] = {NULL};
    launch_msg m;
    while (read_full(in, &m, sizeof(m)) == 0) {
        if (m.slot < 0 || m.slot >= CMD_COUNT) {
            break;
        }
        if (m.kind == 'D') {
            free(blobs[m.slot]);
            free(argvs[m.slot]);
            blobs[m.slot] = malloc(m.len + 1);
            argvs[m.slot] = calloc(m.len + 1, sizeof(char *));
            if (blobs[m.slot] == NULL || argvs[m.slot] == NULL ||
                read_full(in, blobs[m.slot], m.len) != 0) {
                break;
            }
            blobs[m.slot][m.len] = '\0';
            size_t argc = 0;
            for (size_t i = 0; i < m.len; i += strlen(blobs[m.slot] + i) + 1) {
                argvs[m.slot][argc++] = blobs[m.slot] + i;
            }
            argvs[m.slot][argc] = NULL;
            continue;
        }
        run_result r = {0.0, 0, -1};
        if (argvs[m.slot] != NULL) {
            r = spawn_timed(argvs[m.slot], envp, m.kind == 'C' ? capture_path : NULL);
        }
        if (write_full(out, &r, sizeof(r)) != 0) {
            break;
        }
    }
    _exit(0);
}

static int launcher_start(launcher *l, char *const envp[])
{
    int down[2];
    int up[2];
    if (pipe(down) != 0) {
        return -1;
    }
    if (pipe(up) != 0) {
        (void)close(down[0]);
        (void)close(down[1]);
        return -1;
    }
    (void)fflush(NULL);
    l->pid = fork();
    if (l->pid < 0) {
        (void)close(down[0]);
        (void)close(down[1]);
        (void)close(up[0]);
        (void)close(up[1]);
        return -1;
    }
    if (l->pid == 0) {
        (void)close(down[1]);
        (void)close(up[0]);
        (void)fcntl(down[0], F_SETFD, FD_CLOEXEC);
        (void)fcntl(up[1], F_SETFD, FD_CLOEXEC);
        launcher_main(down[0], up[1], envp, l->capture_path);
    }
    (void)close(down[0]);
    (void)close(up[1]);
    (void)fcntl(down[1], F_SETFD, FD_CLOEXEC);
    (void)fcntl(up[0], F_SETFD, FD_CLOEXEC);
    l->to = down[1];
    l->from = up[0];
    return 0;
}

static void launcher_stop(launcher *l)
{
    (void)close(l->to);
    (void)close(l->from);
    int status = 0;
    while (waitpid(l->pid, &status, 0) < 0 && errno == EINTR) {
    }
}

static int launcher_define(launcher *l, int slot, const char *const argv[])
{
    size_t len = 0;
    for (size_t i = 0; argv[i] != NULL; i++) {
        len += strlen(argv[i]) + 1;
    }
    char *blob = malloc(len);
    if (blob == NULL) {
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; argv[i] != NULL; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(blob + at, argv[i], n);
        at += n;
    }
    launch_msg m = {'D', slot, len};
    int rc = write_full(l->to, &m, sizeof(m)) == 0 && write_full(l->to, blob, len) == 0 ? 0 : -1;
    free(blob);
    return rc;
}

static run_result launcher_run(launcher *l, int slot, bool capture)
{
    launch_msg m = {capture ? 'C' : 'R', slot, 0};
    run_result r = {0.0, 0, -1};
    if (write_full(l->to, &m, sizeof(m)) != 0 || read_full(l->from, &r, sizeof(r)) != 0) {
        r.status = -1;
    }
    return r;
}

/* ---- setup --------------------------------------------------------------------------- */

static bool find_on_path(const char *name, char *out, size_t out_len)
{
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    while (*path != '\0') {
        const char *colon = strchr(path, ':');
        size_t n = colon != NULL ? (size_t)(colon - path) : strlen(path);
        if (n > 0) {
            int w = snprintf(out, out_len, "%.*s/%s", (int)n, path, name);
            if (w > 0 && (size_t)w < out_len && access(out, X_OK) == 0) {
                return true;
            }
        }
        path += n;
        if (*path == ':') {
            path++;
        }
    }
    return false;
}

/* Calls a Step Functions operation through the SDK; *value gets a string member
 * of the reply (malloc'd). */
static awsorch_status sfn_call(awsorch_client *client, const char *operation, json_t *input,
                               const char *member, char **value)
{
    *value = NULL;
    const awsorch_operation *op =
        awsorch_operation_find(awsorch_sfn_operations, awsorch_sfn_operation_count, operation);
    char *in = json_dumps(input, JSON_COMPACT);
    json_decref(input);
    if (op == NULL || in == NULL) {
        free(in);
        return AWSORCH_E_INVALID_ARG;
    }
    char *out = NULL;
    awsorch_status st = awsorch_invoke_json(&out, client, &awsorch_sfn_model, op, in);
    free(in);
    if (st != AWSORCH_OK) {
        return st;
    }
    json_t *doc = json_loads(out, 0, NULL);
    free(out);
    const char *v = json_string_value(json_object_get(doc, member));
    *value = v != NULL ? strdup(v) : NULL;
    json_decref(doc);
    return *value != NULL ? AWSORCH_OK : AWSORCH_E_PARSE;
}

/* A state machine and an execution on the emulator; *arn gets the execution's ARN,
 * or the call that failed is described in why. */
static bool emulator_execution(const char *endpoint, char **arn, char *why, size_t why_len)
{
    *arn = NULL;
    awsorch_credentials *creds = NULL;
    awsorch_client *client = NULL;
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.region = REGION;
    o.endpoint_url = endpoint;
    awsorch_status st = awsorch_credentials_new(&creds, ACCESS_KEY, SECRET_KEY, NULL);
    o.credentials = creds;
    if (st == AWSORCH_OK) {
        st = awsorch_client_new(&client, &awsorch_sfn_model.service, &o);
    }
    const char *step = "client";
    char *sm = NULL;
    char *seen = NULL;
    if (st == AWSORCH_OK) {
        step = "CreateStateMachine";
        st = sfn_call(client, step,
                      json_pack("{s:s, s:s, s:s}", "name", "cli-bench", "definition",
                                "{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Pass\","
                                "\"Result\":{\"rows\":42},\"End\":true}}}",
                                "roleArn", "arn:aws:iam::000000000000:role/cli-bench"),
                      "stateMachineArn", &sm);
    }
    if (st == AWSORCH_OK) {
        step = "StartExecution";
        st = sfn_call(client, step,
                      json_pack("{s:s, s:s, s:s}", "stateMachineArn", sm, "name", "run-1", "input",
                                "{\"date\":\"2026-12-03\"}"),
                      "executionArn", arn);
    }
    if (st == AWSORCH_OK) {
        step = "DescribeExecution";
        st = sfn_call(client, step, json_pack("{s:s}", "executionArn", *arn), "status", &seen);
    }
    if (st != AWSORCH_OK) {
        const awsorch_error *e = awsorch_error_last();
        (void)snprintf(why, why_len, "%s: %.600s", step,
                       e->status == st && e->message[0] != '\0' ? e->message
                                                                : awsorch_strerror(st));
        free(*arn);
        *arn = NULL;
    }
    free(seen);
    free(sm);
    awsorch_client_free(client);
    awsorch_credentials_free(creds);
    return st == AWSORCH_OK;
}

/* The curl command: the request signed now with the public signer. */
typedef struct curl_cmd {
    char date_header[64];
    char auth_header[512];
    char host[64];
    char url[96];
    char body[512];
    time_t signed_at;
} curl_cmd;

static bool curl_sign(curl_cmd *c)
{
    static char scratch[8192];
    awsorch_sigv4_header headers[] = {
        {{"Host", 4}, {c->host, strlen(c->host)}},
        {{"Content-Type", 12}, {"application/x-amz-json-1.0", 26}},
        {{"X-Amz-Target", 12}, {"AWSStepFunctions.DescribeExecution", 34}},
    };
    awsorch_sigv4_request req = AWSORCH_SIGV4_REQUEST_INIT;
    req.method = "POST";
    req.path = (awsorch_sigv4_str){"/", 1};
    req.headers = headers;
    req.header_count = sizeof(headers) / sizeof(headers[0]);
    req.body = c->body;
    req.body_len = strlen(c->body);
    awsorch_sigv4_params params = AWSORCH_SIGV4_PARAMS_INIT;
    params.region = REGION;
    params.service = "states";
    params.access_key_id = ACCESS_KEY;
    params.secret_access_key = SECRET_KEY;
    c->signed_at = time(NULL);
    params.time_s = (int64_t)c->signed_at;
    awsorch_sigv4_result res;
    if (awsorch_sigv4_sign(&res, &req, &params, scratch, sizeof(scratch)) != AWSORCH_OK) {
        (void)fprintf(stderr, "cli_bench: signing failed: %s\n", awsorch_error_last()->message);
        return false;
    }
    (void)snprintf(c->date_header, sizeof(c->date_header), "X-Amz-Date: %s", res.amz_date);
    (void)snprintf(c->auth_header, sizeof(c->auth_header), "Authorization: %.*s",
                   (int)res.authorization.len, res.authorization.ptr);
    return true;
}

static int curl_define(launcher *l, const char *curl_path, const curl_cmd *c)
{
    const char *argv[] = {curl_path,
                          "-q", /* no .curlrc */
                          "-sS",
                          "--fail",
                          "-H",
                          "Content-Type: application/x-amz-json-1.0",
                          "-H",
                          "X-Amz-Target: AWSStepFunctions.DescribeExecution",
                          "-H",
                          c->date_header,
                          "-H",
                          c->auth_header,
                          "--data-binary",
                          c->body,
                          c->url,
                          NULL};
    return launcher_define(l, CMD_CURL, argv);
}

/* ---- figures ------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct figures {
    double median_ms;
    double p90_ms;
    double rss_median_mib;
    double rss_max_mib;
} figures;

/* Sorts the samples in place; p90 by the nearest rank. */
static figures summarize(double *ms, double *rss_kib, size_t n)
{
    qsort(ms, n, sizeof(double), cmp_double);
    qsort(rss_kib, n, sizeof(double), cmp_double);
    figures f;
    f.median_ms = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2.0;
    size_t rank = (n * 9 + 9) / 10; /* ceil(0.9 n) */
    f.p90_ms = ms[rank - 1];
    f.rss_median_mib =
        (n % 2 ? rss_kib[n / 2] : (rss_kib[n / 2 - 1] + rss_kib[n / 2]) / 2.0) / 1024.0;
    f.rss_max_mib = rss_kib[n - 1] / 1024.0;
    return f;
}

static bool exited_ok(run_result r)
{
    return r.status >= 0 && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
}

static void describe_failure(const char *what, run_result r)
{
    if (r.status < 0) {
        (void)fprintf(stderr, "cli_bench: %s: could not run it\n", what);
    } else if (WIFEXITED(r.status)) {
        (void)fprintf(stderr, "cli_bench: %s exited with %d\n", what, WEXITSTATUS(r.status));
    } else {
        (void)fprintf(stderr, "cli_bench: %s died (status 0x%x)\n", what, (unsigned)r.status);
    }
}

/* A checked run's reply: a DescribeExecution of this execution, with a status. */
static bool check_capture(const char *what, const char *path, const char *arn)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    const char *got = json_string_value(json_object_get(doc, "executionArn"));
    const char *status = json_string_value(json_object_get(doc, "status"));
    bool ok = got != NULL && status != NULL && strcmp(got, arn) == 0;
    if (ok) {
        (void)printf("  check: %-8s got the execution, status %s\n", what, status);
    } else {
        (void)fprintf(stderr, "cli_bench: %s did not print this execution's description%s%s\n",
                      what, doc == NULL ? ": " : "", doc == NULL ? err.text : "");
    }
    json_decref(doc);
    return ok;
}

/* One run of the bench: the commands, and the samples they gave. */
typedef struct bench {
    launcher l;
    long n;
    int cmds; /* CMD_COUNT, or CMD_TRUE when there is no `true` binary */
    const char *curl_path;
    curl_cmd cc;
    const char *arn;
    double *ms[CMD_COUNT];
    double *rss[CMD_COUNT];
} bench;

/* One checked run of each client (also the warm-up), then n interleaved rounds. */
static bool measure(bench *b)
{
    for (int c = 0; c < CMD_TRUE; c++) {
        run_result r = launcher_run(&b->l, c, true);
        if (!exited_ok(r)) {
            describe_failure(cmd_names[c], r);
            return false;
        }
        if (!check_capture(cmd_names[c], b->l.capture_path, b->arn)) {
            return false;
        }
    }
    (void)fflush(stdout);
    for (long i = 0; i < b->n; i++) {
        if (time(NULL) - b->cc.signed_at > RESIGN_AFTER_S &&
            (!curl_sign(&b->cc) || curl_define(&b->l, b->curl_path, &b->cc) != 0)) {
            return false;
        }
        /* Rotate who goes first, so that no command always follows the same one. */
        for (int k = 0; k < b->cmds; k++) {
            int c = (int)((i + k) % b->cmds);
            run_result r = launcher_run(&b->l, c, false);
            if (!exited_ok(r)) {
                (void)fprintf(stderr, "cli_bench: run %ld: ", i + 1);
                describe_failure(cmd_names[c], r);
                return false;
            }
            b->ms[c][i] = r.wall_ms;
            b->rss[c][i] = (double)r.maxrss_kib;
        }
    }
    return true;
}

static void report(bench *b)
{
    figures f[CMD_COUNT];
    for (int c = 0; c < b->cmds; c++) {
        f[c] = summarize(b->ms[c], b->rss[c], (size_t)b->n);
    }
    (void)printf("  %-24s %10s %10s %23s\n", "per run (fork+exec+wait)", "median", "p90",
                 "peak RSS median / max");
    for (int c = 0; c < b->cmds; c++) {
        (void)printf("  %-24s %7.2f ms %7.2f ms %12.1f / %4.1f MiB\n", cmd_names[c], f[c].median_ms,
                     f[c].p90_ms, f[c].rss_median_mib, f[c].rss_max_mib);
    }
    double r_med = f[CMD_AWSORCH].median_ms / f[CMD_CURL].median_ms;
    double r_p90 = f[CMD_AWSORCH].p90_ms / f[CMD_CURL].p90_ms;
    double r_rss = f[CMD_AWSORCH].rss_median_mib / f[CMD_CURL].rss_median_mib;
    (void)printf("  ratio awsorch/curl: median %.2fx (target <= %.2fx: %s), p90 %.2fx, "
                 "peak RSS %.2fx\n",
                 r_med, TARGET_RATIO, r_med <= TARGET_RATIO ? "met" : "missed", r_p90, r_rss);
    (void)printf("  awsorch peak RSS, largest of the runs: %.1f MiB (target < %.0f MiB: %s)\n",
                 f[CMD_AWSORCH].rss_max_mib, TARGET_RSS_MIB,
                 f[CMD_AWSORCH].rss_max_mib < TARGET_RSS_MIB ? "met" : "missed");
}

/* The server and the execution to describe: the emulator's, or the mock's. */
typedef struct server {
    emu_server *emulator;
    struct MHD_Daemon *mock;
    int port;
    char *arn;
} server;

static bool server_start(server *s, bool mock)
{
    memset(s, 0, sizeof(*s));
    if (!mock) {
        emu_server_options opts = {"127.0.0.1", 0, NULL, NULL, false};
        char err[512];
        char why[768] = "";
        if (emu_server_start(&s->emulator, &opts, err, sizeof(err)) != 0) {
            (void)snprintf(why, sizeof(why), "the emulator did not start: %s", err);
            s->emulator = NULL;
        } else {
            s->port = emu_server_port(s->emulator);
            char endpoint[64];
            (void)snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", s->port);
            if (!emulator_execution(endpoint, &s->arn, why, sizeof(why))) {
                emu_server_stop(s->emulator);
                s->emulator = NULL;
            }
        }
        if (s->emulator != NULL) {
            return true;
        }
        (void)printf("note: no execution on the emulator (%s);\n"
                     "      timing against the --mock server instead\n",
                     why);
    }
    s->mock = mock_start(&s->port);
    s->arn = strdup(MOCK_ARN);
    if (s->mock == NULL || s->arn == NULL) {
        (void)fprintf(stderr, "cli_bench: cannot start the mock server\n");
        return false;
    }
    return true;
}

static void server_stop(server *s)
{
    emu_server_stop(s->emulator);
    if (s->mock != NULL) {
        MHD_stop_daemon(s->mock);
    }
    free(s->arn);
}

static void usage(void)
{
    (void)fprintf(stderr, "usage: cli_bench [N] [--mock]\n");
}

int main(int argc, char **argv)
{
    bench b;
    memset(&b, 0, sizeof(b));
    b.n = 200;
    bool mock = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mock") == 0) {
            mock = true;
            continue;
        }
        char *end = NULL;
        errno = 0;
        b.n = strtol(argv[i], &end, 10);
        if (errno != 0 || end == argv[i] || *end != '\0' || b.n <= 0 || b.n > 1000000) {
            usage();
            return 2;
        }
    }
    const char *cli = AWSORCH_CLI_PATH;
    char curl_path[4096];
    char true_path[4096];
    if (!find_on_path("curl", curl_path, sizeof(curl_path))) {
        (void)printf("cli bench: skipped: no curl binary on PATH to compare with\n");
        return 0;
    }
    if (access(cli, X_OK) != 0) {
        (void)fprintf(stderr, "cli_bench: %s: %s (build the awsorch target)\n", cli,
                      strerror(errno));
        return 1;
    }
    b.curl_path = curl_path;
    b.cmds = find_on_path("true", true_path, sizeof(true_path)) ? CMD_COUNT : CMD_TRUE;

    /* An empty HOME, so that neither client finds a config file. */
    char home[] = "/tmp/cli_bench.XXXXXX";
    if (mkdtemp(home) == NULL) {
        (void)fprintf(stderr, "cli_bench: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    char home_env[64];
    (void)snprintf(home_env, sizeof(home_env), "HOME=%s", home);
    (void)snprintf(b.l.capture_path, sizeof(b.l.capture_path), "%s/out", home);
    static char env_ak[] = "AWS_ACCESS_KEY_ID=" ACCESS_KEY;
    static char env_sk[] = "AWS_SECRET_ACCESS_KEY=" SECRET_KEY;
    static char env_region[] = "AWS_REGION=" REGION;
    static char env_imds[] = "AWS_EC2_METADATA_DISABLED=true";
    static char env_config[] = "AWS_CONFIG_FILE=/dev/null";
    static char env_creds[] = "AWS_SHARED_CREDENTIALS_FILE=/dev/null";
    char *const envp[] = {env_ak,     env_sk,    env_region, env_imds,
                          env_config, env_creds, home_env,   NULL};
    /* This process's own client (the one that starts the execution) finds none either. */
    for (size_t i = 0; envp[i] != NULL; i++) {
        const char *eq = strchr(envp[i], '=');
        char name[64];
        (void)snprintf(name, sizeof(name), "%.*s", (int)(eq - envp[i]), envp[i]);
        (void)setenv(name, eq + 1, 1);
    }

    /* Before any server thread: the launcher is a copy of this process as it is now. */
    if (launcher_start(&b.l, envp) != 0) {
        (void)fprintf(stderr, "cli_bench: cannot start the launcher: %s\n", strerror(errno));
        (void)rmdir(home);
        return 1;
    }
    (void)signal(SIGPIPE, SIG_IGN);

    server s;
    bool ok = server_start(&s, mock);
    char endpoint[64];
    (void)snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", s.port);
    (void)snprintf(b.cc.host, sizeof(b.cc.host), "127.0.0.1:%d", s.port);
    (void)snprintf(b.cc.url, sizeof(b.cc.url), "http://127.0.0.1:%d/", s.port);
    (void)snprintf(b.cc.body, sizeof(b.cc.body), "{\"executionArn\":\"%s\"}",
                   s.arn != NULL ? s.arn : "");
    b.arn = s.arn;
    const char *cli_argv[] = {cli,
                              "--endpoint-url",
                              endpoint,
                              "stepfunctions",
                              "describe-execution",
                              "--execution-arn",
                              s.arn != NULL ? s.arn : "",
                              NULL};
    const char *true_argv[] = {true_path, NULL};
    for (int c = 0; ok && c < b.cmds; c++) {
        b.ms[c] = calloc((size_t)b.n, sizeof(double));
        b.rss[c] = calloc((size_t)b.n, sizeof(double));
        ok = b.ms[c] != NULL && b.rss[c] != NULL;
    }
    if (ok && (!curl_sign(&b.cc) || launcher_define(&b.l, CMD_AWSORCH, cli_argv) != 0 ||
               curl_define(&b.l, curl_path, &b.cc) != 0 ||
               (b.cmds > CMD_TRUE && launcher_define(&b.l, CMD_TRUE, true_argv) != 0))) {
        (void)fprintf(stderr, "cli_bench: cannot set the commands up\n");
        ok = false;
    }
    if (ok) {
        (void)printf("cli bench: `awsorch stepfunctions describe-execution` and curl sending the "
                     "same request, signed once, %ld runs each, interleaved\n"
                     "  server: %s, execution %s\n",
                     b.n, s.emulator != NULL ? "the emulator, in this process" : "the mock", s.arn);
        ok = measure(&b);
    }
    if (ok) {
        report(&b);
    }

    launcher_stop(&b.l);
    server_stop(&s);
    for (int c = 0; c < CMD_COUNT; c++) {
        free(b.ms[c]);
        free(b.rss[c]);
    }
    (void)unlink(b.l.capture_path);
    if (rmdir(home) != 0) {
        (void)fprintf(stderr, "cli_bench: note: %s left behind (%s): a client wrote into HOME\n",
                      home, strerror(errno));
    }
    return ok ? 0 : 1;
}
