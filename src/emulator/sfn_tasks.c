/* awsorch-emulator: Step Functions' Task resources.
 *
 * Lambda functions (by ARN, the legacy form, and lambda:invoke), the optimized Glue,
 * Athena and Step Functions integrations with their .sync variants (which poll the
 * job, query or execution until it ends), .waitForTaskToken callbacks, AWS SDK
 * integrations (aws-sdk:SERVICE:action) and activities served to workers through
 * GetActivityTask. Calls go in-process to the other services with the identity and
 * region of whoever started the execution; errors are named as Step Functions names
 * them ("Glue.EntityNotFoundException", "States.TaskFailed"). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asl.h"
#include "sfn.h"

typedef enum res_kind { RES_UNKNOWN = 0, RES_LAMBDA, RES_ACTIVITY, RES_SERVICE } res_kind;

typedef struct resource {
    res_kind kind;
    const char *arn;
    char service[48];     /* optimized: "glue", "lambda", "athena", "states"; "aws-sdk" */
    char sdk_service[48]; /* aws-sdk: "glue", "redshiftdata", ... */
    char action[96];      /* "startJobRun" */
    char pattern[24];     /* "", ".sync", ".sync:2", ".waitForTaskToken" */
    char type[80];        /* the history's resourceType: "glue", "aws-sdk:glue" */
    char name[128];       /* the history's resource: "startJobRun.sync" */
    char region[32];      /* from the ARN; "" when it names none */
} resource;

/* Everything one attempt needs to know. */
typedef struct attempt {
    sfn_frame *f;
    resource res;
    const char *region; /* where calls go */
    double deadline;    /* TimeoutSeconds, as an epoch time; 0: none */
    double timeout_s;   /* emulated, for the history; 0: not set */
    double heartbeat_s; /* emulated; 0: none */
    sfn_token *token;   /* callbacks */
} attempt;

/* ---- resources ------------------------------------------------------------------------------ */

/* The i-th ':'-separated field of s into out ("" when missing); returns where it ends. */
static const char *arn_field(const char *s, int i, char *out, size_t n)
{
    const char *p = s;
    for (int k = 0; k < i && p != NULL; k++) {
        p = strchr(p, ':');
        if (p != NULL) {
            p++;
        }
    }
    if (p == NULL) {
        out[0] = '\0';
        return NULL;
    }
    const char *end = strchr(p, ':');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    (void)snprintf(out, n, "%.*s", (int)len, p);
    return end;
}

static void parse_resource(const char *arn, resource *r)
{
    memset(r, 0, sizeof(*r));
    r->arn = arn != NULL ? arn : "";
    char svc[48];
    char kind[48];
    (void)arn_field(r->arn, 2, svc, sizeof(svc));
    (void)arn_field(r->arn, 3, r->region, sizeof(r->region));
    (void)arn_field(r->arn, 5, kind, sizeof(kind));
    if (strncmp(r->arn, "arn:", 4) != 0) {
        return;
    }
    if (strcmp(svc, "lambda") == 0 && strcmp(kind, "function") == 0) {
        r->kind = RES_LAMBDA;
        return;
    }
    if (strcmp(svc, "states") != 0) {
        return;
    }
    if (strcmp(kind, "activity") == 0) {
        r->kind = RES_ACTIVITY;
        return;
    }
    /* arn:aws:states:::SERVICE:ACTION[.pattern] or arn:aws:states:::aws-sdk:SERVICE:action */
    const char *rest = strchr(r->arn, ':');
    for (int k = 0; k < 5 && rest != NULL; k++) {
        rest = strchr(rest + 1, ':');
    }
    if (rest == NULL || kind[0] == '\0') {
        return;
    }
    rest++;
    (void)snprintf(r->service, sizeof(r->service), "%s", kind);
    if (strcmp(kind, "aws-sdk") == 0) {
        const char *colon = strchr(rest, ':');
        if (colon == NULL) {
            return;
        }
        (void)snprintf(r->sdk_service, sizeof(r->sdk_service), "%.*s", (int)(colon - rest), rest);
        (void)snprintf(r->action, sizeof(r->action), "%s", colon + 1);
        (void)snprintf(r->type, sizeof(r->type), "aws-sdk:%s", r->sdk_service);
        (void)snprintf(r->name, sizeof(r->name), "%s", r->action);
    } else {
        const char *dot = strchr(rest, '.');
        size_t alen = dot != NULL ? (size_t)(dot - rest) : strlen(rest);
        (void)snprintf(r->action, sizeof(r->action), "%.*s", (int)alen, rest);
        (void)snprintf(r->pattern, sizeof(r->pattern), "%s", dot != NULL ? dot : "");
        (void)snprintf(r->type, sizeof(r->type), "%s", kind);
        (void)snprintf(r->name, sizeof(r->name), "%s", rest);
    }
    r->kind = r->action[0] != '\0' ? RES_SERVICE : RES_UNKNOWN;
}

/* ---- service names and errors ----------------------------------------------------------- */

typedef struct service_names {
    const char *key;    /* as the resource ARN spells it */
    const char *emu;    /* the emulator's service name for emu_json_call, NULL: Lambda */
    const char *prefix; /* of error names: "Glue" */
    const char *v1;     /* in optimized integrations' causes: "AWSGlue" */
    bool camel;         /* the API's members start lowercase (the SDK's are PascalCase) */
} service_names;

static const service_names services[] = {
    {"glue", "glue", "Glue", "AWSGlue", false},
    {"athena", "athena", "Athena", "AmazonAthena", false},
    {"lambda", NULL, "Lambda", "AWSLambda", false},
    {"states", "sfn", "StepFunctions", "AWSStepFunctions", true},
    {"sfn", "sfn", "Sfn", "Sfn", true},
    {"redshiftdata", "redshift-data", "RedshiftData", "RedshiftData", false},
    {"cloudwatchlogs", "logs", "CloudWatchLogs", "CloudWatchLogs", true},
};

static const service_names *names_for(const char *key)
{
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (strcmp(services[i].key, key) == 0) {
            return &services[i];
        }
    }
    return NULL;
}

/* An API error as a task error: "Glue.EntityNotFoundException" with the SDK's message. */
static void api_error(sfn_result *r, const service_names *sn, bool sdk, const emu_error *err)
{
    char name[160];
    size_t n = strlen(err->code);
    bool has_suffix = n >= 9 && strcmp(err->code + n - 9, "Exception") == 0;
    (void)snprintf(name, sizeof(name), "%s.%s%s", sn->prefix, err->code,
                   has_suffix ? "" : "Exception");
    char rid[37];
    emu_uuid(rid);
    char cause[1024];
    if (sdk) {
        (void)snprintf(cause, sizeof(cause), "%s (Service: %s, Status Code: %d, Request ID: %s)",
                       err->message, sn->prefix, err->status, rid);
    } else {
        (void)snprintf(cause, sizeof(cause),
                       "%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; "
                       "Proxy: null)",
                       err->message, sn->v1, err->status, err->code, rid);
    }
    sfn_result_error(r, name, cause);
}

static int call_service(attempt *a, const char *service, const char *op, json_t *in, json_t **out,
                        emu_error *err)
{
    sfn_exec *x = a->f->x;
    char rid[37];
    emu_uuid(rid);
    emu_call c = {a->region, x->access_key, rid};
    return emu_json_call(x->e, &c, service, op, in, out, err);
}

/* Converts object keys recursively: first letter up (API to SDK) or down (SDK to API). An
 * execution's Input is data, not API members: it stays as it is. */
static json_t *recase(json_t *v, bool up)
{
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            (void)json_array_append_new(a, recase(item, up));
        }
        return a;
    }
    if (!json_is_object(v)) {
        return json_incref(v);
    }
    json_t *o = json_object();
    const char *k;
    json_t *item;
    json_object_foreach(v, k, item)
    {
        char *key = strdup(k);
        if (key == NULL) {
            continue;
        }
        key[0] = (char)(up ? toupper((unsigned char)key[0]) : tolower((unsigned char)key[0]));
        bool data = strcmp(key, "input") == 0 || strcmp(key, "Input") == 0 ||
                    strcmp(key, "output") == 0 || strcmp(key, "Output") == 0;
        (void)json_object_set_new(o, key, data ? json_deep_copy(item) : recase(item, up));
        free(key);
    }
    return o;
}

/* A TimeoutSeconds or HeartbeatSeconds for the history, clamped into json_int_t's range
 * first (AWS caps both at 99999999; a larger double would not fit the cast). */
static json_t *seconds_json(double seconds)
{
    const double max = 99999999.0;
    double v = seconds > 0 ? seconds : 0; /* also NaN */
    return json_integer((json_int_t)(v < max ? v : max));
}

/* Epoch-second members turned into epoch milliseconds, as the Java SDK behind Step
 * Functions' optimized integrations serializes dates. */
static void millis(json_t *o, const char *const *keys)
{
    for (size_t i = 0; keys[i] != NULL; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_number(v)) {
            (void)json_object_set_new(
                o, keys[i], json_integer((json_int_t)llround(json_number_value(v) * 1000.0)));
        }
    }
}

static char *pascal(const char *action)
{
    char *s = strdup(action);
    if (s != NULL && s[0] != '\0') {
        s[0] = (char)toupper((unsigned char)s[0]);
    }
    return s;
}

/* ---- tokens -------------------------------------------------------------------------------- */

#define TOKEN_PREFIX "AQCEAAAAKgAAAAMAAAAAAAAAAe"
#define TOKEN_HEX 96

static sfn_token *token_new(sfn_exec *x, const char *activity_arn, const char *input)
{
    sfn_token *t = calloc(1, sizeof(*t));
    char hex[TOKEN_HEX + 1];
    emu_hex_id(hex, TOKEN_HEX);
    size_t n = strlen(TOKEN_PREFIX) + TOKEN_HEX + 1;
    char *tok = malloc(n);
    if (t == NULL || tok == NULL) {
        free(t);
        free(tok);
        return NULL;
    }
    (void)snprintf(tok, n, "%s%s", TOKEN_PREFIX, hex);
    t->token = tok;
    t->x = x;
    t->activity_arn = activity_arn != NULL ? strdup(activity_arn) : NULL;
    t->input = input != NULL ? strdup(input) : NULL;
    t->next = x->svc->tokens;
    x->svc->tokens = t;
    return t;
}

void sfn_token_drop(sfn_service *svc, sfn_token *t)
{
    if (t == NULL) {
        return;
    }
    for (sfn_token **p = &svc->tokens; *p != NULL; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    free(t->token);
    free(t->activity_arn);
    free(t->input);
    free(t->worker);
    json_decref(t->output);
    free(t->error);
    free(t->cause);
    free(t);
}

/* ---- events -------------------------------------------------------------------------------- */

static json_t *task_details(const attempt *a)
{
    return json_pack("{s:s, s:s}", "resourceType", a->res.type, "resource", a->res.name);
}

static void emit_task_failed(attempt *a, const char *type, const char *key, const sfn_result *r)
{
    json_t *d = a->res.kind == RES_SERVICE ? task_details(a) : json_object();
    if (r->error != NULL) {
        (void)json_object_set_new(d, "error", sfn_jstr(r->error));
    }
    if (r->cause != NULL) {
        (void)json_object_set_new(d, "cause", sfn_jstr(r->cause));
    }
    (void)sfn_emit(a->f, type, key, d);
}

static void emit_with_output(attempt *a, const char *type, const char *key, json_t *output)
{
    json_t *d = a->res.kind == RES_SERVICE ? task_details(a) : json_object();
    (void)json_object_set_new(d, "output", sfn_json_text_value(output));
    (void)json_object_set_new(d, "outputDetails", sfn_not_truncated());
    (void)sfn_emit(a->f, type, key, d);
}

static void fail_service(attempt *a, sfn_result *r)
{
    emit_task_failed(a, "TaskFailed", "taskFailedEventDetails", r);
}

static void timed_out(attempt *a, const char *error, sfn_result *r)
{
    sfn_result_error(r, error,
                     strcmp(error, "States.HeartbeatTimeout") == 0
                         ? "The task did not send a heartbeat within HeartbeatSeconds."
                         : "The task did not finish within TimeoutSeconds.");
    const char *type = a->res.kind == RES_ACTIVITY ? "ActivityTimedOut"
                       : a->res.kind == RES_LAMBDA ? "LambdaFunctionTimedOut"
                                                   : "TaskTimedOut";
    const char *key = a->res.kind == RES_ACTIVITY ? "activityTimedOutEventDetails"
                      : a->res.kind == RES_LAMBDA ? "lambdaFunctionTimedOutEventDetails"
                                                  : "taskTimedOutEventDetails";
    emit_task_failed(a, type, key, r);
}

/* Waits once, until a change, `until` or the task's deadline: 0 (look again), 1 when the
 * deadline passed, -1 when cancelled. */
static int task_wait(attempt *a, double until)
{
    double d = until;
    if (a->deadline > 0 && a->deadline < d) {
        d = a->deadline;
    }
    if (sfn_frame_wait(a->f, d) < 0) {
        return -1;
    }
    return a->deadline > 0 && emu_now() >= a->deadline ? 1 : 0;
}

/* ---- Lambda --------------------------------------------------------------------------------- */

/* A function's error as Step Functions reports it: the error type, and the payload Lambda
 * returned as the cause. */
static void function_error(sfn_result *r, const char *type, const char *message)
{
    json_t *payload = json_pack("{s:o, s:o, s:[]}", "errorMessage", sfn_jstr(message), "errorType",
                                sfn_jstr(type != NULL ? type : "Error"), "trace");
    char *cause = sfn_json_text(payload);
    sfn_result_error(r, type != NULL ? type : "Error", cause);
    free(cause);
    json_decref(payload);
}

/* 0 with *result, or -1 with r filled. */
static int invoke(attempt *a, const char *function, json_t *payload, json_t **result, sfn_result *r)
{
    sfn_exec *x = a->f->x;
    char rid[37];
    emu_uuid(rid);
    emu_call c = {a->region, x->access_key, rid};
    char *etype = NULL;
    char *emsg = NULL;
    emu_error err = {0};
    *result = NULL;
    int rc = emu_lambda_invoke(x->e, &c, function, payload, result, &etype, &emsg, &err);
    if (rc == 1) {
        function_error(r, etype, emsg);
    } else if (rc != 0) {
        api_error(r, names_for("lambda"), false, &err);
    }
    free(etype);
    free(emsg);
    return rc == 0 ? 0 : -1;
}

static void run_lambda_arn(attempt *a, json_t *eff, sfn_result *r)
{
    json_t *d = json_pack("{s:s, s:o, s:o}", "resource", a->res.arn, "input",
                          sfn_json_text_value(eff), "inputDetails", sfn_not_truncated());
    if (a->timeout_s > 0) {
        (void)json_object_set_new(d, "timeoutInSeconds", seconds_json(a->timeout_s));
    }
    (void)sfn_emit(a->f, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", d);
    (void)sfn_emit(a->f, "LambdaFunctionStarted", NULL, NULL);
    json_t *out = NULL;
    if (invoke(a, a->res.arn, eff, &out, r) != 0) {
        emit_task_failed(a, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", r);
        return;
    }
    if (sfn_cancelled(a->f)) {
        json_decref(out);
        sfn_result_clear(r);
        r->rc = SFN_CANCEL;
        return;
    }
    if (a->deadline > 0 && emu_now() >= a->deadline) {
        json_decref(out);
        timed_out(a, "States.Timeout", r);
        return;
    }
    emit_with_output(a, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", out);
    sfn_result_clear(r);
    r->value = out;
}

static json_t *lambda_envelope(json_t *payload)
{
    char rid[37];
    emu_uuid(rid);
    char *text = sfn_json_text(payload);
    char len[32];
    (void)snprintf(len, sizeof(len), "%zu", strlen(text));
    free(text);
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
        (void)snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
    char trace[96];
    char hex[25];
    emu_hex_id(hex, 24);
    (void)snprintf(trace, sizeof(trace), "root=1-%08lx-%s;sampled=0", (unsigned long)now, hex);
    json_t *all =
        json_pack("{s:[s], s:[s], s:[s], s:[s], s:[s], s:[s], s:[s], s:[s]}", "Connection",
                  "keep-alive", "Content-Length", len, "Content-Type", "application/json", "Date",
                  date, "X-Amz-Executed-Version", "$LATEST", "x-amzn-Remapped-Content-Length", "0",
                  "x-amzn-RequestId", rid, "X-Amzn-Trace-Id", trace);
    json_t *single = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Connection", "keep-alive", "Content-Length",
        len, "Content-Type", "application/json", "Date", date, "X-Amz-Executed-Version", "$LATEST",
        "x-amzn-Remapped-Content-Length", "0", "x-amzn-RequestId", rid, "X-Amzn-Trace-Id", trace);
    return json_pack("{s:s, s:O, s:{s:o, s:o, s:i}, s:{s:s}, s:i}", "ExecutedVersion", "$LATEST",
                     "Payload", payload, "SdkHttpMetadata", "AllHttpHeaders", all, "HttpHeaders",
                     single, "HttpStatusCode", 200, "SdkResponseMetadata", "RequestId", rid,
                     "StatusCode", 200);
}

/* lambda:invoke (optimized) and aws-sdk:lambda:invoke: 0 with *out, -1 with r. */
static int lambda_invoke_call(attempt *a, json_t *params, bool sdk, json_t **out, sfn_result *r)
{
    const char *fn = json_string_value(json_object_get(params, "FunctionName"));
    if (fn == NULL) {
        emu_error err = {0};
        (void)emu_fail(&err, 400, "InvalidParameterValueException",
                       "1 validation error detected: Value null at 'functionName' failed to "
                       "satisfy constraint: Member must not be null");
        api_error(r, names_for("lambda"), sdk, &err);
        return -1;
    }
    char target[600];
    const char *q = json_string_value(json_object_get(params, "Qualifier"));
    (void)snprintf(target, sizeof(target), "%s%s%s", fn, q != NULL ? ":" : "", q != NULL ? q : "");
    json_t *payload = json_object_get(params, "Payload");
    json_t *parsed = NULL;
    if (json_is_string(payload)) {
        parsed = json_loads(json_string_value(payload), JSON_DECODE_ANY, NULL);
    }
    json_t *sent = parsed != NULL ? parsed : payload != NULL ? json_incref(payload) : json_object();
    json_t *result = NULL;
    int rc = invoke(a, target, sent, &result, r);
    json_decref(sent);
    if (rc != 0) {
        return -1;
    }
    const char *type = json_string_value(json_object_get(params, "InvocationType"));
    if (type != NULL && strcmp(type, "Event") == 0) {
        json_decref(result);
        result = json_string("");
    }
    if (sdk) {
        *out = json_pack("{s:s, s:o, s:i}", "ExecutedVersion", "$LATEST", "Payload", result,
                         "StatusCode", type != NULL && strcmp(type, "Event") == 0 ? 202 : 200);
    } else {
        *out = lambda_envelope(result);
        json_decref(result);
    }
    return 0;
}

/* ---- .sync: polls until the job, query or execution ends ----------------------------------- */

static const char *const glue_dates[] = {"StartedOn", "CompletedOn", "LastModifiedOn", NULL};
static const char *const athena_dates[] = {"SubmissionDateTime", "CompletionDateTime", NULL};
static const char *const sfn_dates[] = {"StartDate", "StopDate", "RedriveDate", NULL};

typedef enum poll_state { POLL_RUNNING, POLL_SUCCEEDED, POLL_FAILED } poll_state;

static json_t *glue_output(json_t *got)
{
    json_t *run = json_deep_copy(json_object_get(got, "JobRun"));
    if (!json_is_object(run)) {
        json_decref(run);
        return json_object();
    }
    millis(run, glue_dates);
    if (json_object_get(run, "Attempt") == NULL) {
        (void)json_object_set_new(run, "Attempt", json_integer(0));
    }
    if (json_object_get(run, "PredecessorRuns") == NULL) {
        (void)json_object_set_new(run, "PredecessorRuns", json_array());
    }
    return run;
}

static json_t *athena_output(json_t *got)
{
    json_t *o = json_deep_copy(got);
    millis(json_object_get(json_object_get(o, "QueryExecution"), "Status"), athena_dates);
    return o;
}

static json_t *sfn_output(json_t *got, bool parse_data)
{
    json_t *o = recase(got, true);
    millis(o, sfn_dates);
    static const char *const data[] = {"Input", "Output", NULL};
    for (size_t i = 0; parse_data && data[i] != NULL; i++) {
        const char *text = json_string_value(json_object_get(o, data[i]));
        json_t *v = text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
        if (v != NULL) {
            (void)json_object_set_new(o, data[i], v);
        }
    }
    return o;
}

/* The polled object's state and output for Step Functions' result. */
static poll_state poll_once(attempt *a, json_t *start_out, json_t *params, json_t **out,
                            sfn_result *r)
{
    const char *svc = a->res.service;
    emu_error err = {0};
    json_t *got = NULL;
    json_t *in;
    const char *op;
    const char *emu_svc;
    if (strcmp(svc, "glue") == 0) {
        in = json_pack("{s:s?, s:s?}", "JobName",
                       json_string_value(json_object_get(params, "JobName")), "RunId",
                       json_string_value(json_object_get(start_out, "JobRunId")));
        op = "GetJobRun";
        emu_svc = "glue";
    } else if (strcmp(svc, "athena") == 0) {
        in = json_pack("{s:s?}", "QueryExecutionId",
                       json_string_value(json_object_get(start_out, "QueryExecutionId")));
        op = "GetQueryExecution";
        emu_svc = "athena";
    } else {
        in = json_pack("{s:s?}", "executionArn",
                       json_string_value(json_object_get(start_out, "ExecutionArn")));
        op = "DescribeExecution";
        emu_svc = "sfn";
    }
    if (call_service(a, emu_svc, op, in, &got, &err) != 0) {
        json_decref(in);
        api_error(r, names_for(svc), false, &err);
        return POLL_FAILED;
    }
    json_decref(in);
    const char *state;
    if (strcmp(svc, "glue") == 0) {
        state = json_string_value(json_object_get(json_object_get(got, "JobRun"), "JobRunState"));
        *out = glue_output(got);
    } else if (strcmp(svc, "athena") == 0) {
        state = json_string_value(json_object_get(
            json_object_get(json_object_get(got, "QueryExecution"), "Status"), "State"));
        *out = athena_output(got);
    } else {
        state = json_string_value(json_object_get(got, "status"));
        *out = sfn_output(got, strcmp(a->res.pattern, ".sync:2") == 0);
    }
    poll_state ps = POLL_FAILED;
    if (state == NULL || strcmp(state, "STARTING") == 0 || strcmp(state, "RUNNING") == 0 ||
        strcmp(state, "STOPPING") == 0 || strcmp(state, "WAITING") == 0 ||
        strcmp(state, "QUEUED") == 0 || strcmp(state, "PENDING_REDRIVE") == 0) {
        ps = POLL_RUNNING;
    } else if (strcmp(state, "SUCCEEDED") == 0) {
        ps = POLL_SUCCEEDED;
    } else {
        char *cause = sfn_json_text(*out);
        sfn_result_error(r, "States.TaskFailed", cause);
        free(cause);
    }
    json_decref(got);
    return ps;
}

/* Stops what a .sync task started, when the task is abandoned (timeout, abort, a failed
 * sibling branch), as Step Functions does. */
static void stop_started(attempt *a, json_t *start_out, json_t *params)
{
    emu_error err = {0};
    json_t *out = NULL;
    json_t *in = NULL;
    const char *svc = a->res.service;
    if (strcmp(svc, "glue") == 0) {
        in = json_pack("{s:s?, s:[s?]}", "JobName",
                       json_string_value(json_object_get(params, "JobName")), "JobRunIds",
                       json_string_value(json_object_get(start_out, "JobRunId")));
        (void)call_service(a, "glue", "BatchStopJobRun", in, &out, &err);
    } else if (strcmp(svc, "athena") == 0) {
        in = json_pack("{s:s?}", "QueryExecutionId",
                       json_string_value(json_object_get(start_out, "QueryExecutionId")));
        (void)call_service(a, "athena", "StopQueryExecution", in, &out, &err);
    } else if (strcmp(svc, "states") == 0) {
        in = json_pack("{s:s?}", "executionArn",
                       json_string_value(json_object_get(start_out, "ExecutionArn")));
        (void)call_service(a, "sfn", "StopExecution", in, &out, &err);
    }
    json_decref(in);
    json_decref(out);
}

static void run_sync(attempt *a, json_t *start_out, json_t *params, sfn_result *r)
{
    emu *e = a->f->x->e;
    for (;;) {
        json_t *out = NULL;
        poll_state ps = poll_once(a, start_out, params, &out, r);
        if (ps == POLL_SUCCEEDED) {
            emit_with_output(a, "TaskSucceeded", "taskSucceededEventDetails", out);
            sfn_result_clear(r);
            r->value = out;
            return;
        }
        json_decref(out);
        if (ps == POLL_FAILED) {
            fail_service(a, r);
            return;
        }
        /* Step Functions polls every few seconds; never slower than 0.2 s in real time. */
        double until = emu_now() + fmin(0.2, emu_real_seconds(e, 5));
        int w = 0;
        while (w == 0 && emu_now() < until) {
            w = task_wait(a, until);
        }
        if (w != 0) {
            stop_started(a, start_out, params);
            if (w < 0) {
                sfn_result_clear(r);
                r->rc = SFN_CANCEL;
            } else {
                timed_out(a, "States.Timeout", r);
            }
            return;
        }
    }
}

/* ---- callbacks and activities -------------------------------------------------------------- */

/* Waits for SendTask* on the attempt's token. */
static void run_callback(attempt *a, const char *ok_type, const char *ok_key, const char *ko_type,
                         const char *ko_key, sfn_result *r)
{
    sfn_token *t = a->token;
    bool started = a->res.kind != RES_ACTIVITY;
    if (started) {
        t->last_beat = emu_now();
    }
    for (;;) {
        if (!started && t->taken) {
            json_t *d = json_pack("{s:s}", "workerName", t->worker != NULL ? t->worker : "");
            (void)sfn_emit_at(a->f, t->taken_at, "ActivityStarted", "activityStartedEventDetails",
                              d);
            started = true;
        }
        if (t->done == 1) {
            emit_with_output(a, ok_type, ok_key, t->output);
            sfn_result_clear(r);
            r->value = json_incref(t->output);
            return;
        }
        if (t->done == 2) {
            sfn_result_error(r, t->error, t->cause);
            emit_task_failed(a, ko_type, ko_key, r);
            return;
        }
        double now = emu_now();
        double beat_due = started && a->heartbeat_s > 0
                              ? t->last_beat + emu_real_seconds(a->f->x->e, a->heartbeat_s)
                              : 0;
        if (beat_due > 0 && now >= beat_due) {
            timed_out(a, "States.HeartbeatTimeout", r);
            return;
        }
        int w = task_wait(a, beat_due > 0 ? beat_due : now + 3600);
        if (w < 0) {
            sfn_result_clear(r);
            r->rc = SFN_CANCEL;
            return;
        }
        if (w > 0) {
            timed_out(a, "States.Timeout", r);
            return;
        }
    }
}

static void run_activity(attempt *a, json_t *eff, sfn_result *r)
{
    sfn_exec *x = a->f->x;
    char *input = sfn_json_text(eff);
    a->token = token_new(x, a->res.arn, input);
    json_t *d = json_pack("{s:s, s:s, s:o}", "resource", a->res.arn, "input", input, "inputDetails",
                          sfn_not_truncated());
    free(input);
    if (a->timeout_s > 0) {
        (void)json_object_set_new(d, "timeoutInSeconds", seconds_json(a->timeout_s));
    }
    if (a->heartbeat_s > 0) {
        (void)json_object_set_new(d, "heartbeatInSeconds", seconds_json(a->heartbeat_s));
    }
    (void)sfn_emit(a->f, "ActivityScheduled", "activityScheduledEventDetails", d);
    if (a->token == NULL) {
        sfn_result_error(r, "States.Runtime", "out of memory");
        return;
    }
    emu_changed(x->e); /* wakes workers long-polling GetActivityTask */
    run_callback(a, "ActivitySucceeded", "activitySucceededEventDetails", "ActivityFailed",
                 "activityFailedEventDetails", r);
}

/* ---- service integrations ------------------------------------------------------------------ */

/* Parameters of the optimized Step Functions integration in the API's terms. */
static json_t *states_params(json_t *params)
{
    json_t *in = recase(params, false);
    json_t *input = json_object_get(in, "input");
    if (input != NULL && !json_is_string(input)) {
        (void)json_object_set_new(in, "input", sfn_json_text_value(input));
    }
    return in;
}

/* The start call of a service task: 0 with *out, -1 with r. */
static int start_call(attempt *a, json_t *params, json_t **out, sfn_result *r)
{
    bool sdk = strcmp(a->res.service, "aws-sdk") == 0;
    const char *key = sdk ? a->res.sdk_service : a->res.service;
    const service_names *sn = names_for(key);
    if (sn == NULL) {
        char cause[300];
        (void)snprintf(cause, sizeof(cause),
                       "The emulator does not implement the resource '%.200s'", a->res.arn);
        sfn_result_error(r, "States.TaskFailed", cause);
        return -1;
    }
    if (sn->emu == NULL) {
        return lambda_invoke_call(a, params, sdk, out, r);
    }
    char *op = pascal(a->res.action);
    json_t *in = strcmp(key, "states") == 0 ? states_params(params)
                 : sn->camel                ? recase(params, false)
                                            : json_incref(params);
    emu_error err = {0};
    json_t *got = NULL;
    int rc = op != NULL ? call_service(a, sn->emu, op, in, &got, &err)
                        : emu_fail(&err, 500, "InternalFailure", "out of memory");
    free(op);
    json_decref(in);
    if (rc != 0) {
        api_error(r, sn, sdk, &err);
        return -1;
    }
    if (sn->camel) {
        json_t *up = recase(got, true);
        json_decref(got);
        got = up;
        if (!sdk) {
            millis(got, sfn_dates);
        }
    }
    *out = got;
    return 0;
}

static void run_service(attempt *a, json_t *eff, sfn_result *r)
{
    json_t *d = task_details(a);
    (void)json_object_set_new(d, "region", json_string(a->region));
    (void)json_object_set_new(d, "parameters", sfn_json_text_value(eff));
    if (a->timeout_s > 0) {
        (void)json_object_set_new(d, "timeoutInSeconds", seconds_json(a->timeout_s));
    }
    if (a->heartbeat_s > 0) {
        (void)json_object_set_new(d, "heartbeatInSeconds", seconds_json(a->heartbeat_s));
    }
    (void)sfn_emit(a->f, "TaskScheduled", "taskScheduledEventDetails", d);
    (void)sfn_emit(a->f, "TaskStarted", "taskStartedEventDetails", task_details(a));
    if (sfn_cancelled(a->f)) {
        sfn_result_clear(r);
        r->rc = SFN_CANCEL;
        return;
    }
    json_t *out = NULL;
    if (start_call(a, eff, &out, r) != 0) {
        fail_service(a, r);
        return;
    }
    const char *p = a->res.pattern;
    bool sync = strcmp(p, ".sync") == 0 || strcmp(p, ".sync:2") == 0;
    bool callback = strcmp(p, ".waitForTaskToken") == 0;
    if (!sync && !callback) {
        emit_with_output(a, "TaskSucceeded", "taskSucceededEventDetails", out);
        sfn_result_clear(r);
        r->value = out;
        return;
    }
    emit_with_output(a, "TaskSubmitted", "taskSubmittedEventDetails", out);
    if (sync && (strcmp(a->res.service, "glue") == 0 || strcmp(a->res.service, "athena") == 0 ||
                 strcmp(a->res.service, "states") == 0)) {
        run_sync(a, out, eff, r);
    } else if (callback) {
        run_callback(a, "TaskSucceeded", "taskSucceededEventDetails", "TaskFailed",
                     "taskFailedEventDetails", r);
    } else {
        /* .sync of an action that has nothing to wait for: done once started. */
        emit_with_output(a, "TaskSucceeded", "taskSucceededEventDetails", out);
        sfn_result_clear(r);
        r->value = json_incref(out);
    }
    json_decref(out);
}

/* ---- one attempt ---------------------------------------------------------------------------- */

/* TimeoutSeconds / HeartbeatSeconds, or their *Path against the raw input: emulated seconds,
 * 0 when not set; -1 with r on a bad path. */
static int seconds_field(sfn_frame *f, json_t *st, json_t *raw, const char *key, double *out,
                         sfn_result *r)
{
    *out = 0;
    json_t *v = json_object_get(st, key);
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    char path_key[48];
    (void)snprintf(path_key, sizeof(path_key), "%sPath", key);
    const char *path = json_string_value(json_object_get(st, path_key));
    if (path == NULL) {
        return 0;
    }
    emu_error err = {0};
    json_t *got = asl_path_get(raw, path, f->ctx, &err);
    if (got == NULL || !json_is_number(got) || json_number_value(got) <= 0) {
        char cause[1024];
        (void)snprintf(cause, sizeof(cause),
                       "An error occurred while executing the state '%.128s' (entered at the "
                       "event id #%lld). The %s field does not reference a positive integer: "
                       "%.512s",
                       f->state_name != NULL ? f->state_name : "", (long long)f->state_entered_id,
                       path_key, got == NULL ? err.message : path);
        sfn_result_error(r, "States.Runtime", cause);
        json_decref(got);
        return -1;
    }
    *out = json_number_value(got);
    json_decref(got);
    return 0;
}

void sfn_task_attempt(sfn_frame *f, const char *name, json_t *st, json_t *raw, sfn_result *r)
{
    (void)name;
    sfn_exec *x = f->x;
    attempt a;
    memset(&a, 0, sizeof(a));
    a.f = f;
    parse_resource(json_string_value(json_object_get(st, "Resource")), &a.res);
    a.region = a.res.region[0] != '\0' ? a.res.region : x->region;
    if (seconds_field(f, st, raw, "TimeoutSeconds", &a.timeout_s, r) != 0 ||
        seconds_field(f, st, raw, "HeartbeatSeconds", &a.heartbeat_s, r) != 0) {
        return;
    }
    if (a.timeout_s > 0) {
        a.deadline = emu_now() + emu_real_seconds(x->e, a.timeout_s);
    }
    if (a.res.kind == RES_SERVICE && strcmp(a.res.pattern, ".waitForTaskToken") == 0) {
        a.token = token_new(x, NULL, NULL);
        if (a.token != NULL) {
            asl_context_set_task_token(f->ctx, a.token->token);
        }
    }
    emu_error err = {0};
    json_t *eff = asl_effective_input(st, raw, f->ctx, &err);
    if (eff == NULL) {
        char cause[1024];
        (void)snprintf(cause, sizeof(cause),
                       "An error occurred while executing the state '%.128s' (entered at the "
                       "event id #%lld). %.512s",
                       f->state_name != NULL ? f->state_name : "", (long long)f->state_entered_id,
                       err.message);
        sfn_result_error(r, err.code[0] != '\0' ? err.code : "States.Runtime", cause);
        sfn_token_drop(x->svc, a.token);
        return;
    }
    switch (a.res.kind) {
    case RES_LAMBDA: run_lambda_arn(&a, eff, r); break;
    case RES_ACTIVITY: run_activity(&a, eff, r); break;
    case RES_SERVICE: run_service(&a, eff, r); break;
    default: {
        char cause[400];
        (void)snprintf(cause, sizeof(cause),
                       "The emulator does not implement the resource '%.300s'", a.res.arn);
        sfn_result_error(r, "States.Runtime", cause);
        break;
    }
    }
    json_decref(eff);
    sfn_token_drop(x->svc, a.token);
}
