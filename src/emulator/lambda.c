/* awsorch-emulator: AWS Lambda (restJson1, signing name "lambda").
 *
 * Functions are declared in the config's "lambda" section with a behaviour
 * instead of code: echo the payload, return a fixed result, raise an error, or
 * wait (in emulated time) and then answer. Invoke follows Lambda's wire
 * contract (invocation types, tail logs, function errors as 200 with
 * X-Amz-Function-Error) and writes each invocation's START/END/REPORT log to
 * CloudWatch Logs; GetFunction, GetFunctionConfiguration and ListFunctions
 * describe the functions as Lambda does. Step Functions calls in through
 * emu_lambda_invoke. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "emu.h"
#include "lambda.h"

#define FUNCTIONS_PATH "/2015-03-31/functions"
#define SYNC_PAYLOAD_MAX 6291456
#define ASYNC_PAYLOAD_MAX 262144
#define TAIL_BYTES 4096

enum fn_mode { MODE_ECHO, MODE_FIXED, MODE_ERROR, MODE_DELAY };
enum fail_when { FAIL_NEVER, FAIL_ALWAYS, FAIL_FIRST };

typedef struct lambda_fn {
    char *name, *runtime, *handler, *role, *description;
    int mode;
    json_t *result;    /* what fixed and delay functions return; NULL: the payload */
    json_t *log_lines; /* array of strings */
    char *error_type, *error_message;
    double delay; /* emulated seconds */
    long timeout, memory, code_size;
    int fail_when;
    long fail_runs;
    long invocations;
    bool warm;
    char stream[96];
    char sha[48];
    char revision[37];
} lambda_fn;

/* An asynchronous invocation whose end (and so its log) lies in the future. */
typedef struct lambda_pending {
    size_t fn;
    double start, end;
    char request_id[37];
    bool cold, error;
    char *error_type, *error_message;
    double emulated;
} lambda_pending;

typedef struct lambda_state {
    lambda_fn *fns; /* sorted by name */
    size_t n;
    lambda_pending *pending;
    size_t npending, cap;
    double created;
} lambda_state;

/* The result of running a function once. */
typedef struct outcome {
    bool error;
    char *error_type, *error_message; /* malloc'd when error */
    json_t *result;                   /* when not error; NULL means the payload */
    double emulated;                  /* how long it ran, emulated seconds */
} outcome;

/* ---- small helpers -------------------------------------------------------------------- */

typedef struct strbuf {
    char *p;
    size_t n, cap;
    bool failed;
} strbuf;

static void sb_add(strbuf *b, const char *s)
{
    size_t len = strlen(s);
    if (b->failed)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->n + len + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, len + 1);
    b->n += len;
}

static const char *region_of(const emu_call *call)
{
    return call && call->region && *call->region ? call->region : "us-east-1";
}

static void function_arn(char *out, size_t len, const emu_call *call, const char *name,
                         const char *qualifier)
{
    (void)snprintf(out, len, "arn:aws:lambda:%s:%s:function:%s%s%s", region_of(call), EMU_ACCOUNT,
                   name, qualifier ? ":" : "", qualifier ? qualifier : "");
}

/* Lambda's LastModified: ISO 8601 with "+0000" rather than "Z". */
static void lambda_time(double t, char out[40])
{
    char iso[32];
    emu_iso8601(t, iso);
    size_t len = strlen(iso);
    if (len > 0 && iso[len - 1] == 'Z')
        iso[len - 1] = '\0';
    (void)snprintf(out, 40, "%s+0000", iso);
}

/* ---- config ----------------------------------------------------------------------------- */

static int cfg_error(char *why, size_t why_len, const char *name, const char *key,
                     const char *expect)
{
    (void)snprintf(why, why_len, "config: lambda.functions.%s.%s must be %s", name, key, expect);
    return -1;
}

static int cfg_str(json_t *o, const char *key, const char *def, char **out, const char *name,
                   char *why, size_t why_len)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v))
        return cfg_error(why, why_len, name, key, "a string");
    const char *s = v ? json_string_value(v) : def;
    *out = s ? strdup(s) : NULL;
    if (s && !*out)
        return cfg_error(why, why_len, name, key, "storable (out of memory)");
    return 0;
}

static int cfg_long(json_t *o, const char *key, long def, long lo, long hi, long *out,
                    const char *name, char *why, size_t why_len)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char expect[64];
        (void)snprintf(expect, sizeof expect, "a whole number from %ld to %ld", lo, hi);
        return cfg_error(why, why_len, name, key, expect);
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static void fn_free(lambda_fn *f)
{
    free(f->name);
    free(f->runtime);
    free(f->handler);
    free(f->role);
    free(f->description);
    free(f->error_type);
    free(f->error_message);
    json_decref(f->result);
    json_decref(f->log_lines);
}

static void fresh_sha(char out[48])
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        memset(raw, 0, sizeof raw);
    }
    char *b = emu_base64_encode(raw, sizeof raw);
    (void)snprintf(out, 48, "%s", b ? b : "");
    free(b);
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

static int fn_parse(lambda_fn *f, const char *name, json_t *o, char *why, size_t why_len)
{
    memset(f, 0, sizeof *f);
    f->name = strdup(name);
    if (!f->name)
        return cfg_error(why, why_len, name, "name", "storable (out of memory)");
    if (!valid_name(name))
        return cfg_error(why, why_len, name, "(name)",
                         "1 to 64 letters, digits, hyphens or underscores");
    if (!json_is_object(o))
        return cfg_error(why, why_len, name, "(definition)", "an object");
    const char *mode = json_string_value(json_object_get(o, "mode"));
    if (json_object_get(o, "mode") && !mode)
        return cfg_error(why, why_len, name, "mode", "a string");
    if (!mode || strcmp(mode, "echo") == 0)
        f->mode = MODE_ECHO;
    else if (strcmp(mode, "fixed") == 0)
        f->mode = MODE_FIXED;
    else if (strcmp(mode, "error") == 0)
        f->mode = MODE_ERROR;
    else if (strcmp(mode, "delay") == 0)
        f->mode = MODE_DELAY;
    else
        return cfg_error(why, why_len, name, "mode", "\"echo\", \"fixed\", \"error\" or \"delay\"");
    json_t *d = json_object_get(o, "delay_seconds");
    if (d && (!json_is_number(d) || json_number_value(d) < 0 || !isfinite(json_number_value(d))))
        return cfg_error(why, why_len, name, "delay_seconds", "a number >= 0");
    f->delay = d ? json_number_value(d) : (f->mode == MODE_DELAY ? 1 : 0);
    /* Lambda's default timeout is 3 seconds; a function configured to take longer
     * gets the maximum unless it says otherwise, so "delay" means "answers late". */
    long def_timeout = f->delay > 3 ? 900 : 3;
    json_t *lines = json_object_get(o, "log_lines");
    if (lines) {
        size_t i;
        json_t *x;
        if (!json_is_array(lines))
            return cfg_error(why, why_len, name, "log_lines", "a list of strings");
        json_array_foreach(lines, i, x)
        {
            if (!json_is_string(x))
                return cfg_error(why, why_len, name, "log_lines", "a list of strings");
        }
        f->log_lines = json_deep_copy(lines);
    }
    json_t *res = json_object_get(o, "result");
    if (res)
        f->result = json_deep_copy(res);
    char role[160];
    (void)snprintf(role, sizeof role, "arn:aws:iam::%s:role/service-role/%s-role", EMU_ACCOUNT,
                   name);
    if (cfg_str(o, "runtime", "python3.12", &f->runtime, name, why, why_len) ||
        cfg_str(o, "handler", "lambda_function.lambda_handler", &f->handler, name, why, why_len) ||
        cfg_str(o, "role", role, &f->role, name, why, why_len) ||
        cfg_str(o, "description", "", &f->description, name, why, why_len) ||
        cfg_str(o, "error_type", "Exception", &f->error_type, name, why, why_len) ||
        cfg_long(o, "timeout_seconds", def_timeout, 1, 900, &f->timeout, name, why, why_len) ||
        cfg_long(o, "memory_size", 128, 128, 10240, &f->memory, name, why, why_len) ||
        cfg_long(o, "code_size", 1024, 0, 262144000, &f->code_size, name, why, why_len))
        return -1;
    json_t *msg = json_object_get(o, "error_message");
    if (msg && !json_is_string(msg))
        return cfg_error(why, why_len, name, "error_message", "a string");
    char def_msg[160];
    (void)snprintf(def_msg, sizeof def_msg, "Function %s raised an error", name);
    f->error_message = strdup(msg ? json_string_value(msg) : def_msg);
    if (!f->error_message)
        return cfg_error(why, why_len, name, "error_message", "storable (out of memory)");
    if (f->mode == MODE_ERROR)
        f->fail_when = FAIL_ALWAYS;
    json_t *fail = json_object_get(o, "fail");
    if (fail && json_is_true(fail)) {
        f->fail_when = FAIL_ALWAYS;
    } else if (fail && json_is_object(fail)) {
        const char *when = json_string_value(json_object_get(fail, "when"));
        if (!when || strcmp(when, "always") == 0)
            f->fail_when = FAIL_ALWAYS;
        else if (strcmp(when, "first") == 0)
            f->fail_when = FAIL_FIRST;
        else if (strcmp(when, "never") == 0)
            f->fail_when = FAIL_NEVER;
        else
            return cfg_error(why, why_len, name, "fail.when", "\"always\", \"first\" or \"never\"");
        if (cfg_long(fail, "runs", 1, 0, 1000000000, &f->fail_runs, name, why, why_len))
            return -1;
        json_t *t = json_object_get(fail, "error_type"),
               *m = json_object_get(fail, "error_message");
        if ((t && !json_is_string(t)) || (m && !json_is_string(m)))
            return cfg_error(why, why_len, name, "fail",
                             "an object with string error_type and "
                             "error_message");
        if (t) {
            free(f->error_type);
            f->error_type = strdup(json_string_value(t));
        }
        if (m) {
            free(f->error_message);
            f->error_message = strdup(json_string_value(m));
        }
        if (!f->error_type || !f->error_message)
            return cfg_error(why, why_len, name, "fail", "storable (out of memory)");
    } else if (fail && !json_is_false(fail) && !json_is_null(fail)) {
        return cfg_error(why, why_len, name, "fail", "an object");
    }
    fresh_sha(f->sha);
    emu_uuid(f->revision);
    return 0;
}

static void pending_clear(lambda_pending *p)
{
    free(p->error_type);
    free(p->error_message);
}

static void state_free(lambda_state *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        fn_free(&s->fns[i]);
    for (size_t i = 0; i < s->npending; i++)
        pending_clear(&s->pending[i]);
    free(s->fns);
    free(s->pending);
    free(s);
}

static int fn_cmp(const void *a, const void *b)
{
    return strcmp(((const lambda_fn *)a)->name, ((const lambda_fn *)b)->name);
}

static lambda_state *lambda_get(emu *e, emu_error *err)
{
    if (e->lambda)
        return (lambda_state *)e->lambda;
    char why[512] = "out of memory";
    lambda_state *s = calloc(1, sizeof *s);
    json_t *sec = emu_config_section(e, "lambda");
    json_t *fns = json_object_get(sec, "functions");
    if (s && ((sec && !json_is_object(sec)) || (fns && !json_is_object(fns)))) {
        (void)snprintf(why, sizeof why, "config: lambda.functions must be an object");
        state_free(s);
        s = NULL;
    }
    if (s) {
        s->created = emu_now();
        s->fns = calloc(json_object_size(fns) + 1, sizeof *s->fns);
        if (!s->fns) {
            state_free(s);
            s = NULL;
        }
    }
    if (s) {
        const char *k;
        json_t *v;
        json_object_foreach(fns, k, v)
        {
            int rc = fn_parse(&s->fns[s->n], k, v, why, sizeof why);
            s->n++; /* counted even when it failed, so state_free frees what it holds */
            if (rc) {
                state_free(s);
                s = NULL;
                break;
            }
        }
    }
    if (!s) {
        if (err)
            (void)emu_fail(err, 500, "ServiceException", "awsorch-emulator %s", why);
        return NULL;
    }
    qsort(s->fns, s->n, sizeof *s->fns, fn_cmp);
    e->lambda = (emu_service_state *)s;
    return s;
}

void emu_lambda_free(emu *e)
{
    if (!e || !e->lambda)
        return;
    state_free((lambda_state *)e->lambda);
    e->lambda = NULL;
}

/* ---- resolving a FunctionName --------------------------------------------------------- */

static int bad_function_name(emu_error *err, const char *id)
{
    return emu_fail(err, 400, "ValidationException",
                    "1 validation error detected: Value '%.200s' at 'functionName' failed to "
                    "satisfy constraint: Member must satisfy regular expression pattern: "
                    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                    "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
                    id);
}

/* A name, a full ARN or a partial ARN ("123456789012:function:NAME"), each with an
 * optional ":QUALIFIER"; the qualifier may also come separately. */
static int resolve(emu *e, const emu_call *call, const char *id, const char *qualifier,
                   lambda_state *s, lambda_fn **out, emu_error *err)
{
    (void)e;
    char buf[256];
    if (!id || strlen(id) < 1 || strlen(id) >= sizeof buf)
        return bad_function_name(err, id ? id : "");
    memcpy(buf, id, strlen(id) + 1);
    char *parts[9];
    size_t np = 0;
    char *p = buf;
    while (np < 9) {
        parts[np++] = p;
        char *c = strchr(p, ':');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (np == 9)
        return bad_function_name(err, id);
    const char *name = NULL, *qual = NULL, *account = NULL;
    if (strcmp(parts[0], "arn") == 0) {
        if ((np != 7 && np != 8) || strcmp(parts[2], "lambda") != 0 ||
            strcmp(parts[5], "function") != 0)
            return bad_function_name(err, id);
        account = parts[4];
        name = parts[6];
        qual = np == 8 ? parts[7] : NULL;
    } else if (np >= 3 && strcmp(parts[1], "function") == 0) {
        if (np > 4)
            return bad_function_name(err, id);
        account = parts[0];
        name = parts[2];
        qual = np == 4 ? parts[3] : NULL;
    } else if (np <= 2) {
        name = parts[0];
        qual = np == 2 ? parts[1] : NULL;
    } else {
        return bad_function_name(err, id);
    }
    if (!valid_name(name) || (qual && !*qual))
        return bad_function_name(err, id);
    if (qual && qualifier && *qualifier && strcmp(qual, qualifier) != 0)
        return emu_fail(err, 400, "InvalidParameterValueException",
                        "The derived qualifier from the function name does not match the "
                        "specified qualifier.");
    if (!qual && qualifier && *qualifier)
        qual = qualifier;
    lambda_fn *f = NULL;
    for (size_t i = 0; i < s->n && !f; i++)
        if (strcmp(s->fns[i].name, name) == 0)
            f = &s->fns[i];
    /* Only $LATEST exists here: functions are declared, never published. */
    if (!f || (account && strcmp(account, EMU_ACCOUNT) != 0) ||
        (qual && strcmp(qual, "$LATEST") != 0)) {
        char arn[400];
        function_arn(arn, sizeof arn, call, name, qual);
        return emu_fail(err, 404, "ResourceNotFoundException", "Function not found: %s", arn);
    }
    *out = f;
    return 0;
}

/* ---- running a function ----------------------------------------------------------------- */

static void outcome_clear(outcome *o)
{
    free(o->error_type);
    free(o->error_message);
    json_decref(o->result);
    memset(o, 0, sizeof *o);
}

static void decide(lambda_fn *f, const char *request_id, outcome *o)
{
    memset(o, 0, sizeof *o);
    long ordinal = ++f->invocations;
    double runs_for = f->mode == MODE_DELAY ? f->delay : 0;
    if (runs_for > (double)f->timeout) {
        char msg[160];
        (void)snprintf(msg, sizeof msg, "RequestId: %s Error: Task timed out after %.2f seconds",
                       request_id, (double)f->timeout);
        o->error = true;
        o->error_type = strdup("Sandbox.Timedout");
        o->error_message = strdup(msg);
        o->emulated = (double)f->timeout;
        return;
    }
    o->emulated = runs_for;
    if (f->fail_when == FAIL_ALWAYS || (f->fail_when == FAIL_FIRST && ordinal <= f->fail_runs)) {
        o->error = true;
        o->error_type = strdup(f->error_type);
        o->error_message = strdup(f->error_message);
        return;
    }
    if (f->mode == MODE_FIXED)
        o->result = f->result ? json_deep_copy(f->result) : json_null();
    else if (f->mode == MODE_DELAY && f->result)
        o->result = json_deep_copy(f->result);
}

static void ensure_stream(lambda_fn *f, double now)
{
    if (f->stream[0])
        return;
    time_t t = (time_t)now;
    struct tm tm;
    char hex[33];
    emu_hex_id(hex, 32);
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    (void)snprintf(f->stream, sizeof f->stream, "%04d/%02d/%02d/[$LATEST]%s", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, hex);
}

static void log_line(emu *e, const char *group, const char *stream, double t, strbuf *text,
                     const char *line)
{
    emu_logs_put(e, group, stream, t, line);
    sb_add(text, line);
}

/* Writes one invocation's log as Lambda's runtime does and returns its text
 * (malloc'd, or NULL), from which the tail is cut. */
static char *write_log(emu *e, lambda_fn *f, const char *request_id, double start, double end,
                       bool cold, bool error, const char *error_type, const char *error_message,
                       double emulated)
{
    char group[128], line[1024];
    strbuf text = {0};
    (void)snprintf(group, sizeof group, "/aws/lambda/%s", f->name);
    ensure_stream(f, start);
    (void)snprintf(line, sizeof line, "START RequestId: %s Version: $LATEST\n", request_id);
    log_line(e, group, f->stream, start, &text, line);
    size_t n = json_array_size(f->log_lines);
    for (size_t i = 0; i < n; i++) {
        double t = start + (end - start) * (double)(i + 1) / (double)(n + 2);
        (void)snprintf(line, sizeof line, "%s\n",
                       json_string_value(json_array_get(f->log_lines, i)));
        log_line(e, group, f->stream, t, &text, line);
    }
    if (error) {
        if (error_type && strcmp(error_type, "Sandbox.Timedout") == 0) {
            char iso[32];
            emu_iso8601(end, iso);
            (void)snprintf(line, sizeof line, "%s %s Task timed out after %.2f seconds\n", iso,
                           request_id, (double)f->timeout);
        } else {
            (void)snprintf(line, sizeof line, "[ERROR] %s: %s\n", error_type ? error_type : "",
                           error_message ? error_message : "");
        }
        log_line(e, group, f->stream, end, &text, line);
    }
    (void)snprintf(line, sizeof line, "END RequestId: %s\n", request_id);
    log_line(e, group, f->stream, end, &text, line);
    double ms = emulated * 1000.0 + 1.52;
    char init[64] = "";
    if (cold)
        (void)snprintf(init, sizeof init, "Init Duration: %.2f ms\t", 112.34);
    (void)snprintf(line, sizeof line,
                   "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory "
                   "Size: %ld MB\tMax Memory Used: %ld MB\t%s\n",
                   request_id, ms, ceil(ms), f->memory, f->memory < 40 ? f->memory : 40L, init);
    log_line(e, group, f->stream, end, &text, line);
    if (text.failed) {
        free(text.p);
        return NULL;
    }
    return text.p;
}

static int stopped(emu_error *err)
{
    return emu_fail(err, 500, "ServiceException", "The emulator is shutting down.");
}

/* Runs f synchronously: waits its (scaled) duration with the lock released, then
 * logs. On success o is filled and *log_text (if asked) gets the log's text. */
static int run_sync(emu *e, lambda_fn *f, const char *request_id, outcome *o, char **log_text,
                    emu_error *err)
{
    double start = emu_now();
    bool cold = !f->warm;
    f->warm = true;
    decide(f, request_id, o);
    if (o->emulated > 0) {
        double deadline = start + emu_real_seconds(e, o->emulated);
        while (!emu_wait_until(e, deadline)) {
        }
        if (emu_stopping(e)) {
            outcome_clear(o);
            return stopped(err);
        }
    }
    char *text = write_log(e, f, request_id, start, emu_now(), cold, o->error, o->error_type,
                           o->error_message, o->emulated);
    if (log_text)
        *log_text = text;
    else
        free(text);
    return 0;
}

static json_t *error_payload(const outcome *o, const char *request_id)
{
    return json_pack("{s:s, s:s, s:s, s:[]}", "errorMessage",
                     o->error_message ? o->error_message : "", "errorType",
                     o->error_type ? o->error_type : "", "requestId", request_id, "stackTrace");
}

void emu_lambda_settle(emu *e)
{
    if (!e || !e->lambda)
        return;
    lambda_state *s = (lambda_state *)e->lambda;
    double now = emu_now();
    size_t keep = 0;
    for (size_t i = 0; i < s->npending; i++) {
        lambda_pending *p = &s->pending[i];
        if (p->end <= now) {
            free(write_log(e, &s->fns[p->fn], p->request_id, p->start, p->end, p->cold, p->error,
                           p->error_type, p->error_message, p->emulated));
            pending_clear(p);
        } else {
            s->pending[keep++] = *p;
        }
    }
    s->npending = keep;
}

/* An Event invocation: decided now, ends (and logs) later. */
static int run_async(emu *e, lambda_state *s, lambda_fn *f, const char *request_id, emu_error *err)
{
    if (s->npending == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8;
        lambda_pending *np = realloc(s->pending, nc * sizeof *np);
        if (!np)
            return emu_fail(err, 500, "ServiceException", "Out of memory.");
        s->pending = np;
        s->cap = nc;
    }
    outcome o;
    bool cold = !f->warm;
    f->warm = true;
    decide(f, request_id, &o);
    double now = emu_now();
    lambda_pending *p = &s->pending[s->npending++];
    memset(p, 0, sizeof *p);
    p->fn = (size_t)(f - s->fns);
    p->start = now;
    p->end = now + emu_real_seconds(e, o.emulated);
    (void)snprintf(p->request_id, sizeof p->request_id, "%s", request_id);
    p->cold = cold;
    p->error = o.error;
    p->error_type = o.error_type;
    p->error_message = o.error_message;
    p->emulated = o.emulated;
    o.error_type = o.error_message = NULL;
    outcome_clear(&o);
    emu_lambda_settle(e); /* an instant function has already finished */
    return 0;
}

static void new_request_id(const emu_call *call, char out[37])
{
    if (call && call->request_id && strlen(call->request_id) == 36)
        memcpy(out, call->request_id, 37);
    else
        emu_uuid(out);
}

int emu_lambda_invoke(emu *e, const emu_call *call, const char *function, json_t *payload,
                      json_t **result, char **error_type, char **error_message, emu_error *err)
{
    *result = NULL;
    *error_type = *error_message = NULL;
    lambda_state *s = lambda_get(e, err);
    lambda_fn *f;
    if (!s || resolve(e, call, function, NULL, s, &f, err))
        return -1;
    emu_lambda_settle(e);
    char request_id[37];
    /* Not the caller's request id: one Step Functions request may invoke many times. */
    emu_uuid(request_id);
    outcome o;
    if (run_sync(e, f, request_id, &o, NULL, err))
        return -1;
    if (o.error) {
        *error_type = o.error_type;
        *error_message = o.error_message;
        o.error_type = o.error_message = NULL;
        outcome_clear(&o);
        return 1;
    }
    if (o.result) {
        *result = o.result;
        o.result = NULL;
    } else {
        *result = payload ? json_deep_copy(payload) : json_object();
    }
    outcome_clear(&o);
    return 0;
}

/* ---- HTTP operations --------------------------------------------------------------------- */

static json_t *config_json(const lambda_fn *f, const emu_call *call, double created, bool full)
{
    char arn[400], modified[40], group[128];
    function_arn(arn, sizeof arn, call, f->name, NULL);
    lambda_time(created, modified);
    (void)snprintf(group, sizeof group, "/aws/lambda/%s", f->name);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:{s:s}, s:s, s:s, "
        "s:[s], s:{s:i}, s:{s:s, s:s}, s:{s:s, s:s}}",
        "FunctionName", f->name, "FunctionArn", arn, "Runtime", f->runtime, "Role", f->role,
        "Handler", f->handler, "CodeSize", (json_int_t)f->code_size, "Description", f->description,
        "Timeout", (json_int_t)f->timeout, "MemorySize", (json_int_t)f->memory, "LastModified",
        modified, "CodeSha256", f->sha, "Version", "$LATEST", "TracingConfig", "Mode",
        "PassThrough", "RevisionId", f->revision, "PackageType", "Zip", "Architectures", "x86_64",
        "EphemeralStorage", "Size", 512, "SnapStart", "ApplyOn", "None", "OptimizationStatus",
        "Off", "LoggingConfig", "LogFormat", "Text", "LogGroup", group);
    /* ListFunctions leaves the state fields out, as Lambda does. */
    if (o && full) {
        json_object_set_new(o, "State", json_string("Active"));
        json_object_set_new(o, "LastUpdateStatus", json_string("Successful"));
    }
    return o;
}

static void reply_json(emu_http_reply *rep, int status, json_t *body)
{
    rep->status = status;
    emu_reply_header(rep, "Content-Type", "application/json");
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (text)
        emu_reply_take(rep, text);
    json_decref(body);
}

static int get_function(emu *e, const emu_call *call, lambda_state *s, const char *id,
                        const char *qualifier, bool config_only, emu_http_reply *rep,
                        emu_error *err)
{
    lambda_fn *f;
    if (resolve(e, call, id, qualifier, s, &f, err))
        return -1;
    json_t *conf = config_json(f, call, s->created, true);
    if (config_only) {
        reply_json(rep, 200, conf);
        return 0;
    }
    char loc[600], uuid[37];
    emu_uuid(uuid);
    (void)snprintf(loc, sizeof loc,
                   "https://awslambda-%s-tasks.s3.%s.amazonaws.com/snapshots/%s/%s-%s",
                   region_of(call), region_of(call), EMU_ACCOUNT, f->name, uuid);
    reply_json(rep, 200,
               json_pack("{s:o, s:{s:s, s:s}}", "Configuration", conf, "Code", "RepositoryType",
                         "S3", "Location", loc));
    return 0;
}

static int list_functions(const emu_call *call, lambda_state *s, const emu_http_request *req,
                          emu_http_reply *rep, emu_error *err)
{
    char *marker = emu_query_get(req->query, "Marker");
    char *max_s = emu_query_get(req->query, "MaxItems");
    long max = 50;
    if (max_s) {
        char *end = NULL;
        long v = strtol(max_s, &end, 10);
        bool ok = end && end != max_s && *end == '\0' && v >= 1 && v <= 10000;
        if (!ok) {
            (void)emu_fail(err, 400, "ValidationException",
                           "1 validation error detected: Value '%.40s' at 'maxItems' failed to "
                           "satisfy constraint: Member must have value between 1 and 10000",
                           max_s);
            free(max_s);
            free(marker);
            return -1;
        }
        max = v;
    }
    free(max_s);
    /* The marker is the name the next page starts at (the functions are sorted). */
    size_t i = 0;
    if (marker && *marker) {
        while (i < s->n && strcmp(s->fns[i].name, marker) != 0)
            i++;
        if (i == s->n) {
            free(marker);
            return emu_fail(err, 400, "InvalidParameterValueException",
                            "Invalid marker: it does not come from a ListFunctions response.");
        }
    }
    free(marker);
    json_t *list = json_array();
    size_t stop = s->n - i > (size_t)max ? i + (size_t)max : s->n;
    for (; i < stop; i++)
        json_array_append_new(list, config_json(&s->fns[i], call, s->created, false));
    json_t *body = json_pack("{s:o}", "Functions", list);
    if (body && stop < s->n)
        json_object_set_new(body, "NextMarker", json_string(s->fns[stop].name));
    reply_json(rep, 200, body);
    return 0;
}

static int invoke(emu *e, const emu_call *call, lambda_state *s, const char *id,
                  const emu_http_request *req, emu_http_reply *rep, emu_error *err)
{
    char *qualifier = emu_query_get(req->query, "Qualifier");
    lambda_fn *f;
    int rc = resolve(e, call, id, qualifier, s, &f, err);
    free(qualifier);
    if (rc)
        return -1;
    const char *type = emu_header_get(req, "x-amz-invocation-type");
    const char *log_type = emu_header_get(req, "x-amz-log-type");
    if (!type || !*type)
        type = "RequestResponse";
    bool event = strcmp(type, "Event") == 0, dry = strcmp(type, "DryRun") == 0;
    if (!event && !dry && strcmp(type, "RequestResponse") != 0)
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value '%.40s' at 'invocationType' failed "
                        "to satisfy constraint: Member must satisfy enum value set: [Event, "
                        "RequestResponse, DryRun]",
                        type);
    if (log_type && strcmp(log_type, "None") != 0 && strcmp(log_type, "Tail") != 0)
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value '%.40s' at 'logType' failed to "
                        "satisfy constraint: Member must satisfy enum value set: [None, Tail]",
                        log_type);
    bool tail = log_type && strcmp(log_type, "Tail") == 0;
    size_t max = event ? ASYNC_PAYLOAD_MAX : SYNC_PAYLOAD_MAX;
    if (req->body_len > max)
        return emu_fail(err, 413, "RequestTooLargeException",
                        "Request must be smaller than %zu bytes for the %s operation", max,
                        event ? "InvokeAsync" : "InvokeFunction");
    json_t *payload;
    if (req->body_len == 0) {
        payload = json_object();
    } else {
        json_error_t jerr;
        payload = json_loadb((const char *)req->body, req->body_len, JSON_DECODE_ANY, &jerr);
        if (!payload)
            return emu_fail(err, 400, "InvalidRequestContentException",
                            "Could not parse request body into json: Could not parse payload "
                            "into json: %s",
                            jerr.text);
    }
    if (dry) {
        json_decref(payload);
        rep->status = 204;
        return 0;
    }
    char request_id[37];
    new_request_id(call, request_id);
    if (event) {
        json_decref(payload);
        if (run_async(e, s, f, request_id, err))
            return -1;
        rep->status = 202;
        return 0;
    }
    outcome o;
    char *text = NULL;
    if (run_sync(e, f, request_id, &o, tail ? &text : NULL, err)) {
        json_decref(payload);
        return -1;
    }
    rep->status = 200;
    emu_reply_header(rep, "Content-Type", "application/json");
    emu_reply_header(rep, "X-Amz-Executed-Version", "$LATEST");
    if (tail && text) {
        size_t len = strlen(text);
        size_t from = len > TAIL_BYTES ? len - TAIL_BYTES : 0;
        char *b64 = emu_base64_encode(text + from, len - from);
        if (b64)
            emu_reply_header(rep, "X-Amz-Log-Result", b64);
        free(b64);
    }
    free(text);
    if (o.error) {
        emu_reply_header(rep, "X-Amz-Function-Error", "Unhandled");
        json_t *body = error_payload(&o, request_id);
        char *dump = body ? json_dumps(body, JSON_COMPACT) : NULL;
        if (dump)
            emu_reply_take(rep, dump);
        json_decref(body);
    } else if (o.result) {
        char *dump = json_dumps(o.result, JSON_COMPACT | JSON_ENCODE_ANY);
        if (dump)
            emu_reply_take(rep, dump);
    } else if (req->body_len) {
        emu_reply_body(rep, req->body, req->body_len); /* echo, byte for byte */
    } else {
        emu_reply_body(rep, "{}", 2);
    }
    outcome_clear(&o);
    json_decref(payload);
    return 0;
}

static int unknown_operation(const emu_http_request *req, emu_error *err)
{
    return emu_fail(err, 404, "UnknownOperationException", "Unknown operation: %.16s %.200s",
                    req->method, req->path);
}

int emu_lambda_handle(emu *e, const emu_call *call, const emu_http_request *req,
                      emu_http_reply *rep, emu_error *err)
{
    lambda_state *s = lambda_get(e, err);
    if (!s)
        return -1;
    emu_lambda_settle(e);
    size_t plen = strlen(FUNCTIONS_PATH);
    if (strncmp(req->path, FUNCTIONS_PATH, plen) != 0)
        return unknown_operation(req, err);
    const char *rest = req->path + plen;
    if (*rest == '\0' || strcmp(rest, "/") == 0) {
        if (strcmp(req->method, "GET") != 0)
            return unknown_operation(req, err);
        return list_functions(call, s, req, rep, err);
    }
    if (*rest != '/')
        return unknown_operation(req, err);
    const char *seg = rest + 1;
    const char *slash = strchr(seg, '/');
    size_t seg_len = slash ? (size_t)(slash - seg) : strlen(seg);
    const char *tail = slash ? slash : "";
    if (strcmp(tail, "/") == 0)
        tail = "";
    char *id = emu_uri_decode(seg, seg_len, false);
    if (!id)
        return emu_fail(err, 500, "ServiceException", "Out of memory.");
    int rc;
    if (strcmp(tail, "/invocations") == 0 && strcmp(req->method, "POST") == 0) {
        rc = invoke(e, call, s, id, req, rep, err);
    } else if ((*tail == '\0' || strcmp(tail, "/configuration") == 0) &&
               strcmp(req->method, "GET") == 0) {
        char *qualifier = emu_query_get(req->query, "Qualifier");
        rc = get_function(e, call, s, id, qualifier, *tail != '\0', rep, err);
        free(qualifier);
    } else {
        rc = unknown_operation(req, err);
    }
    free(id);
    return rc;
}
