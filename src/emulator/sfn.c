/* awsorch-emulator: AWS Step Functions (awsJson 1.0, target prefix "AWSStepFunctions",
 * signing name "states").
 *
 * State machines, executions and activities with AWS's shapes, member names and errors.
 * Executions really run (sfn_engine.c, sfn_tasks.c): StartExecution starts a thread that
 * interprets the definition, calls Lambda, Glue, Athena, ... in-process, and writes the
 * history that GetExecutionHistory pages through; RedriveExecution resumes a failed run
 * where it stopped. Machines and activities may be declared in the config's "sfn" section;
 * they exist in every region a client uses. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl.h"
#include "sfn.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define TOKEN_TAG "AAAAKgAAAAIAAAAAAAAAA"
#define MAX_INPUT 262144
#define REDRIVE_WINDOW (14.0 * 86400.0)

/* ---- small helpers ------------------------------------------------------------------------ */

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        return NULL;
    }
    va_start(ap, fmt);
    (void)vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static const char *str(json_t *in, const char *key)
{
    return json_string_value(json_object_get(in, key));
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static const char *status_name(sfn_status st)
{
    switch (st) {
    case SFN_RUNNING: return "RUNNING";
    case SFN_SUCCEEDED: return "SUCCEEDED";
    case SFN_FAILED: return "FAILED";
    case SFN_TIMED_OUT: return "TIMED_OUT";
    default: return "ABORTED";
    }
}

/* Step Functions' names: 1 to 80 characters, none of whitespace, brackets, wildcards,
 * the special characters "#%\^|~`$&,;:/ or control characters. */
static bool valid_name(const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n > 80) {
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f || isspace(*p) || strchr("<>{}[]?*\"#%\\^|~`$&,;:/", *p)) {
            return false;
        }
    }
    return true;
}

static int invalid_name(emu_error *err, const char *name)
{
    return emu_fail(err, 400, "InvalidName", "Invalid Name: '%.200s'", name != NULL ? name : "");
}

/* 0 when arn is a Step Functions ARN of one of the resource types, else InvalidArn. */
static int check_arn(const char *arn, const char *type1, const char *type2, emu_error *err)
{
    static const char prefix[] = "arn:aws:states:";
    if (arn == NULL || strncmp(arn, prefix, sizeof(prefix) - 1) != 0) {
        return emu_fail(err, 400, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %.200s'",
                        arn != NULL ? arn : "");
    }
    const char *p = arn + sizeof(prefix) - 1;
    for (int k = 0; k < 2 && p != NULL; k++) {
        p = strchr(p, ':');
        p = p != NULL ? p + 1 : NULL;
    }
    const char *end = p != NULL ? strchr(p, ':') : NULL;
    size_t len = end != NULL ? (size_t)(end - p) : 0;
    bool ok =
        end != NULL && ((strlen(type1) == len && strncmp(p, type1, len) == 0) ||
                        (type2 != NULL && strlen(type2) == len && strncmp(p, type2, len) == 0));
    if (!ok) {
        return emu_fail(err, 400, "InvalidArn",
                        "Invalid Arn: 'Resource type not valid in this context: %.*s'",
                        (int)(p != NULL && end != NULL ? len : 0), p != NULL ? p : "");
    }
    return 0;
}

/* ---- paging ------------------------------------------------------------------------------- */

static int page_start(json_t *in, size_t *start, size_t *size, emu_error *err)
{
    json_t *mr = json_object_get(in, "maxResults");
    json_int_t max = json_is_integer(mr) ? json_integer_value(mr) : 0;
    if (max < 0 || max > PAGE_MAX) {
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value '%lld' at 'maxResults' failed to "
                        "satisfy constraint: Member must have value %s",
                        (long long)max,
                        max < 0 ? "greater than or equal to 0" : "less than or equal to 1000");
    }
    *size = max == 0 ? PAGE_DEFAULT : (size_t)max;
    *start = 0;
    const char *tok = str(in, "nextToken");
    if (tok != NULL) {
        size_t tag = strlen(TOKEN_TAG);
        char *end = NULL;
        unsigned long long v = 0;
        if (strncmp(tok, TOKEN_TAG, tag) == 0 && isdigit((unsigned char)tok[tag])) {
            v = strtoull(tok + tag, &end, 10);
        }
        if (end == NULL || *end != '\0') {
            return emu_fail(err, 400, "InvalidToken", "Invalid Token: '%.100s'", tok);
        }
        *start = (size_t)v;
    }
    return 0;
}

/* Adds the nextToken of the page after [start, start + size) to *out; a token that points
 * past the end of the list is none this API gave: *out is dropped and InvalidToken set. */
static int page_token(json_t **out, size_t start, size_t size, size_t total, emu_error *err)
{
    if (start > total) {
        json_decref(*out);
        *out = NULL;
        return emu_fail(err, 400, "InvalidToken", "Invalid Token: '%s%zu'", TOKEN_TAG, start);
    }
    size_t next = start + (size < total - start ? size : total - start);
    if (next < total) {
        char tok[64];
        (void)snprintf(tok, sizeof(tok), "%s%zu", TOKEN_TAG, next);
        (void)json_object_set_new(*out, "nextToken", json_string(tok));
    }
    return 0;
}

/* ---- state --------------------------------------------------------------------------------- */

static sfn_machine *machine_find(sfn_service *s, const char *arn)
{
    for (sfn_machine *m = s->machines; m != NULL; m = m->next) {
        if (arn != NULL && strcmp(m->arn, arn) == 0) {
            return m;
        }
    }
    return NULL;
}

static sfn_activity *activity_find(sfn_service *s, const char *arn)
{
    for (sfn_activity *a = s->activities; a != NULL; a = a->next) {
        if (arn != NULL && strcmp(a->arn, arn) == 0) {
            return a;
        }
    }
    return NULL;
}

static sfn_exec *exec_find(sfn_service *s, const char *arn)
{
    for (sfn_exec *x = s->execs; x != NULL; x = x->next) {
        if (arn != NULL && strcmp(x->arn, arn) == 0) {
            return x;
        }
    }
    return NULL;
}

static void machine_free(sfn_machine *m)
{
    free(m->arn);
    free(m->name);
    free(m->region);
    free(m->definition);
    free(m->role_arn);
    json_decref(m->logging);
    json_decref(m->tracing);
    free(m);
}

static void activity_free(sfn_activity *a)
{
    free(a->arn);
    free(a->name);
    free(a->region);
    free(a);
}

static void exec_free(sfn_exec *x)
{
    free(x->arn);
    free(x->name);
    free(x->sm_arn);
    free(x->sm_name);
    free(x->role_arn);
    free(x->region);
    free(x->access_key);
    free(x->trace_header);
    free(x->definition_text);
    json_decref(x->definition);
    free(x->sm_revision);
    free(x->input_text);
    json_decref(x->input);
    free(x->output);
    free(x->error);
    free(x->cause);
    json_decref(x->history);
    free(x->redrive_token);
    json_decref(x->progress);
    json_decref(x->resume);
    free(x);
}

static void exec_unlink(sfn_service *s, sfn_exec *x)
{
    for (sfn_exec **p = &s->execs; *p != NULL; p = &(*p)->next) {
        if (*p == x) {
            *p = x->next;
            return;
        }
    }
}

/* Checks and parses a definition: 0 with *out, or InvalidDefinition. */
static int definition_check(const char *text, json_t **out, emu_error *err)
{
    *out = NULL;
    json_t *def = NULL;
    if (asl_parse_definition(text, &def, err) != 0 || asl_validate(def, err) != 0) {
        json_decref(def);
        if (err->code[0] == '\0' || err->status == 0) {
            err->status = 400;
            (void)snprintf(err->code, sizeof(err->code), "InvalidDefinition");
        }
        return -1;
    }
    *out = def;
    return 0;
}

static int machine_create(sfn_service *s, const char *region, const char *name,
                          const char *definition, const char *role_arn, bool express,
                          json_t *logging, json_t *tracing, sfn_machine **out, emu_error *err)
{
    char *arn = dup_printf("arn:aws:states:%s:%s:stateMachine:%s", region, EMU_ACCOUNT, name);
    sfn_machine *m = calloc(1, sizeof(*m));
    if (arn == NULL || m == NULL) {
        free(arn);
        free(m);
        return emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    m->arn = arn;
    m->name = strdup(name);
    m->region = strdup(region);
    m->definition = strdup(definition);
    m->role_arn = strdup(role_arn);
    m->express = express;
    m->created = m->updated = emu_now();
    emu_uuid(m->revision);
    m->logging = json_deep_copy(logging);
    m->tracing = json_deep_copy(tracing);
    /* The list stays in creation order, which is how ListStateMachines pages through it. */
    sfn_machine **p = &s->machines;
    while (*p != NULL) {
        p = &(*p)->next;
    }
    *p = m;
    *out = m;
    return 0;
}

static sfn_activity *activity_create(sfn_service *s, const char *region, const char *name)
{
    char *arn = dup_printf("arn:aws:states:%s:%s:activity:%s", region, EMU_ACCOUNT, name);
    sfn_activity *a = arn != NULL ? activity_find(s, arn) : NULL;
    if (a != NULL || arn == NULL) {
        free(arn);
        return a;
    }
    a = calloc(1, sizeof(*a));
    if (a == NULL) {
        free(arn);
        return NULL;
    }
    a->arn = arn;
    a->name = strdup(name);
    a->region = strdup(region);
    a->created = emu_now();
    sfn_activity **p = &s->activities;
    while (*p != NULL) {
        p = &(*p)->next;
    }
    *p = a;
    return a;
}

/* The config's machines and activities, created the first time a region is used. */
static void seed_region(emu *e, sfn_service *s, const char *region)
{
    if (json_object_get(s->seeded, region) != NULL) {
        return;
    }
    (void)json_object_set_new(s->seeded, region, json_true());
    json_t *sec = emu_config_section(e, "sfn");
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(sec, "state_machines"), name, v)
    {
        json_t *d = json_object_get(v, "definition");
        char *text = json_is_string(d) ? strdup(json_string_value(d))
                                       : json_dumps(d, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        const char *role = str(v, "role_arn");
        const char *type = str(v, "type");
        json_t *def = NULL;
        emu_error err = {0};
        char *role_default =
            dup_printf("arn:aws:iam::%s:role/StepFunctions-%s-role", EMU_ACCOUNT, name);
        sfn_machine *m = NULL;
        if (!valid_name(name)) {
            (void)invalid_name(&err, name);
        } else if (text != NULL && definition_check(text, &def, &err) == 0) {
            (void)machine_create(s, region, name, text,
                                 role != NULL           ? role
                                 : role_default != NULL ? role_default
                                                        : "",
                                 type != NULL && strcmp(type, "EXPRESS") == 0, NULL, NULL, &m,
                                 &err);
        } else if (text == NULL) {
            (void)emu_fail(&err, 400, "InvalidDefinition", "no definition");
        }
        if (m == NULL) {
            (void)fprintf(stderr, "awsorch-emulator: sfn.state_machines.%s: %s: %s\n", name,
                          err.code, err.message);
        }
        json_decref(def);
        free(text);
        free(role_default);
    }
    json_t *acts = json_object_get(sec, "activities");
    size_t i;
    json_array_foreach(acts, i, v)
    {
        if (json_is_string(v) && valid_name(json_string_value(v))) {
            (void)activity_create(s, region, json_string_value(v));
        }
    }
    json_object_foreach(acts, name, v)
    {
        if (valid_name(name)) {
            (void)activity_create(s, region, name);
        }
    }
}

static sfn_service *svc_get(emu *e, const emu_call *call)
{
    sfn_service *s = (sfn_service *)e->sfn;
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL) {
            return NULL;
        }
        s->seeded = json_object();
        json_t *cap = json_object_get(emu_config_section(e, "sfn"), "max_history_events");
        s->max_events = json_is_integer(cap) && json_integer_value(cap) > 0
                            ? (size_t)json_integer_value(cap)
                            : SFN_MAX_EVENTS;
        e->sfn = (emu_service_state *)s;
    }
    seed_region(e, s, call->region != NULL ? call->region : "us-east-1");
    return s;
}

static int service(emu *e, const emu_call *call, sfn_service **out, emu_error *err)
{
    *out = svc_get(e, call);
    return *out != NULL ? 0 : emu_fail(err, 500, "InternalFailure", "out of memory");
}

static int machine_get(sfn_service *s, json_t *in, sfn_machine **out, emu_error *err)
{
    const char *arn = str(in, "stateMachineArn");
    if (check_arn(arn, "stateMachine", NULL, err) != 0) {
        return -1;
    }
    *out = machine_find(s, arn);
    if (*out == NULL) {
        return emu_fail(err, 400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'",
                        arn);
    }
    return 0;
}

/* A standard execution by ARN; express ones are not visible to these APIs, as in AWS. */
static int exec_get(sfn_service *s, json_t *in, sfn_exec **out, emu_error *err)
{
    const char *arn = str(in, "executionArn");
    if (check_arn(arn, "execution", NULL, err) != 0) {
        return -1;
    }
    *out = exec_find(s, arn);
    if (*out == NULL || (*out)->express) {
        return emu_fail(err, 400, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn);
    }
    return 0;
}

/* ---- state machines ------------------------------------------------------------------------ */

static json_t *default_logging(void)
{
    return json_pack("{s:s, s:b}", "level", "OFF", "includeExecutionData", 0);
}

static json_t *default_tracing(void)
{
    return json_pack("{s:b}", "enabled", 0);
}

static bool same_json(json_t *a, json_t *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && json_equal(a, b));
}

static int op_create_state_machine(emu *e, const emu_call *call, json_t *in, json_t **out,
                                   emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    const char *name = str(in, "name");
    const char *text = str(in, "definition");
    const char *role = str(in, "roleArn");
    const char *type = str(in, "type");
    if (!valid_name(name)) {
        return invalid_name(err, name);
    }
    if (role == NULL || strncmp(role, "arn:", 4) != 0) {
        return emu_fail(err, 400, "InvalidArn", "Invalid Role Arn: '%.200s'",
                        role != NULL ? role : "");
    }
    if (type != NULL && strcmp(type, "STANDARD") != 0 && strcmp(type, "EXPRESS") != 0) {
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value '%.50s' at 'type' failed to satisfy "
                        "constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
                        type);
    }
    bool express = type != NULL && strcmp(type, "EXPRESS") == 0;
    json_t *def = NULL;
    if (definition_check(text != NULL ? text : "", &def, err) != 0) {
        return -1;
    }
    json_decref(def);
    json_t *logging = json_object_get(in, "loggingConfiguration");
    json_t *tracing = json_object_get(in, "tracingConfiguration");
    char arn[400];
    (void)snprintf(arn, sizeof(arn), "arn:aws:states:%s:%s:stateMachine:%s", call->region,
                   EMU_ACCOUNT, name);
    sfn_machine *m = machine_find(s, arn);
    if (m != NULL) {
        /* Idempotent for an identical request, as AWS is. */
        if (strcmp(m->definition, text) != 0 || strcmp(m->role_arn, role) != 0 ||
            m->express != express || !same_json(m->logging, logging) ||
            !same_json(m->tracing, tracing)) {
            return emu_fail(err, 400, "StateMachineAlreadyExists",
                            "State Machine Already Exists: '%s'", arn);
        }
    } else if (machine_create(s, call->region, name, text, role, express, logging, tracing, &m,
                              err) != 0) {
        return -1;
    }
    *out = json_pack("{s:s, s:f}", "stateMachineArn", m->arn, "creationDate", m->created);
    return 0;
}

static int op_update_state_machine(emu *e, const emu_call *call, json_t *in, json_t **out,
                                   emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_machine *m;
    if (machine_get(s, in, &m, err) != 0) {
        return -1;
    }
    const char *text = str(in, "definition");
    const char *role = str(in, "roleArn");
    json_t *logging = json_object_get(in, "loggingConfiguration");
    json_t *tracing = json_object_get(in, "tracingConfiguration");
    if (text == NULL && role == NULL && logging == NULL && tracing == NULL) {
        return emu_fail(err, 400, "MissingRequiredParameter",
                        "Either the definition, the role ARN, the LoggingConfiguration, or the "
                        "TracingConfiguration must be specified");
    }
    if (role != NULL && strncmp(role, "arn:", 4) != 0) {
        return emu_fail(err, 400, "InvalidArn", "Invalid Role Arn: '%.200s'", role);
    }
    if (text != NULL) {
        json_t *def = NULL;
        if (definition_check(text, &def, err) != 0) {
            return -1;
        }
        json_decref(def);
        free(m->definition);
        m->definition = strdup(text);
    }
    if (role != NULL) {
        free(m->role_arn);
        m->role_arn = strdup(role);
    }
    if (logging != NULL) {
        json_decref(m->logging);
        m->logging = json_deep_copy(logging);
    }
    if (tracing != NULL) {
        json_decref(m->tracing);
        m->tracing = json_deep_copy(tracing);
    }
    m->updated = emu_now();
    emu_uuid(m->revision);
    m->revised = true;
    *out = json_pack("{s:f, s:s}", "updateDate", m->updated, "revisionId", m->revision);
    return 0;
}

static int op_describe_state_machine(emu *e, const emu_call *call, json_t *in, json_t **out,
                                     emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_machine *m;
    if (machine_get(s, in, &m, err) != 0) {
        return -1;
    }
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f}", "stateMachineArn", m->arn, "name", m->name,
                  "status", "ACTIVE", "definition", m->definition, "roleArn", m->role_arn, "type",
                  m->express ? "EXPRESS" : "STANDARD", "creationDate", m->created);
    (void)json_object_set_new(o, "loggingConfiguration",
                              m->logging != NULL ? json_deep_copy(m->logging) : default_logging());
    (void)json_object_set_new(o, "tracingConfiguration",
                              m->tracing != NULL ? json_deep_copy(m->tracing) : default_tracing());
    if (m->revised) {
        (void)json_object_set_new(o, "revisionId", json_string(m->revision));
    }
    *out = o;
    return 0;
}

static int op_delete_state_machine(emu *e, const emu_call *call, json_t *in, json_t **out,
                                   emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    const char *arn = str(in, "stateMachineArn");
    if (check_arn(arn, "stateMachine", NULL, err) != 0) {
        return -1;
    }
    /* Running executions keep their own copy of the definition and finish. */
    for (sfn_machine **p = &s->machines; *p != NULL; p = &(*p)->next) {
        if (strcmp((*p)->arn, arn) == 0) {
            sfn_machine *m = *p;
            *p = m->next;
            machine_free(m);
            break;
        }
    }
    *out = json_object();
    return 0;
}

static int op_list_state_machines(emu *e, const emu_call *call, json_t *in, json_t **out,
                                  emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    size_t start;
    size_t size;
    if (page_start(in, &start, &size, err) != 0) {
        return -1;
    }
    json_t *list = json_array();
    size_t idx = 0;
    for (sfn_machine *m = s->machines; m != NULL; m = m->next) {
        if (strcmp(m->region, call->region) != 0) {
            continue;
        }
        if (idx >= start && idx < start + size) {
            (void)json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:f}", "stateMachineArn",
                                                        m->arn, "name", m->name, "type",
                                                        m->express ? "EXPRESS" : "STANDARD",
                                                        "creationDate", m->created));
        }
        idx++;
    }
    *out = json_pack("{s:o}", "stateMachines", list);
    return page_token(out, start, size, idx, err);
}

/* Splits AWS's "Invalid State Machine Definition: 'CODE: message at /path'" into a
 * diagnostic. */
static json_t *diagnostic_from(const char *message)
{
    static const char head[] = "Invalid State Machine Definition: '";
    const char *p =
        strncmp(message, head, sizeof(head) - 1) == 0 ? message + sizeof(head) - 1 : message;
    char code[64] = "SCHEMA_VALIDATION_FAILED";
    const char *colon = strstr(p, ": ");
    size_t clen = colon != NULL ? (size_t)(colon - p) : 0;
    bool is_code = clen > 0 && clen < sizeof(code);
    for (size_t i = 0; is_code && i < clen; i++) {
        is_code = isupper((unsigned char)p[i]) || p[i] == '_';
    }
    if (is_code) {
        (void)snprintf(code, sizeof(code), "%.*s", (int)clen, p);
        p = colon + 2;
    }
    char text[512];
    (void)snprintf(text, sizeof(text), "%s", p);
    size_t n = strlen(text);
    if (n > 0 && text[n - 1] == '\'') {
        text[n - 1] = '\0';
    }
    return json_pack("{s:s, s:s, s:o}", "severity", "ERROR", "code", code, "message",
                     sfn_jstr(text));
}

static int op_validate_definition(emu *e, const emu_call *call, json_t *in, json_t **out,
                                  emu_error *err)
{
    (void)e;
    (void)call;
    const char *text = str(in, "definition");
    json_t *def = NULL;
    emu_error perr = {0};
    json_t *diags;
    if (asl_parse_definition(text != NULL ? text : "", &def, &perr) != 0) {
        diags = json_pack("[o]", diagnostic_from(perr.message));
    } else {
        diags = asl_validate_diagnostics(def);
    }
    json_decref(def);
    if (diags == NULL) {
        return emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    json_t *mr = json_object_get(in, "maxResults");
    size_t max =
        json_is_integer(mr) && json_integer_value(mr) > 0 ? (size_t)json_integer_value(mr) : 100;
    bool truncated = json_array_size(diags) > max;
    while (json_array_size(diags) > max) {
        (void)json_array_remove(diags, json_array_size(diags) - 1);
    }
    *out = json_pack("{s:s, s:o, s:b}", "result", json_array_size(diags) > 0 ? "FAIL" : "OK",
                     "diagnostics", diags, "truncated", truncated);
    return 0;
}

/* ---- executions --------------------------------------------------------------------------- */

/* Joins the threads of finished executions (each holds a stack until joined) and frees
 * finished express executions started asynchronously: nobody can ask about them any more. */
static void reap(sfn_service *s)
{
    sfn_exec **p = &s->execs;
    while (*p != NULL) {
        sfn_exec *x = *p;
        sfn_exec_join(x);
        if (x->express && !x->synchronous && x->finished && !x->has_thread) {
            *p = x->next;
            exec_free(x);
        } else {
            p = &x->next;
        }
    }
}

/* Executions RUNNING now. */
static size_t running_count(const sfn_service *s)
{
    size_t n = 0;
    for (const sfn_exec *x = s->execs; x != NULL; x = x->next) {
        n += x->status == SFN_RUNNING ? 1 : 0;
    }
    return n;
}

/* Creates and launches an execution; *existing is set instead when an identical standard
 * execution is running (StartExecution's idempotency). */
static int exec_start(emu *e, sfn_service *s, const emu_call *call, json_t *in, bool sync,
                      sfn_exec **out, emu_error *err)
{
    *out = NULL;
    if (s->stopping || emu_stopping(e)) {
        return emu_fail(err, 503, "ServiceUnavailable", "The emulator is shutting down");
    }
    sfn_machine *m;
    if (machine_get(s, in, &m, err) != 0) {
        return -1;
    }
    if (sync && !m->express) {
        return emu_fail(err, 400, "StateMachineTypeNotSupported",
                        "This operation is not supported by this type of state machine");
    }
    const char *given = str(in, "name");
    if (given != NULL && !valid_name(given)) {
        return invalid_name(err, given);
    }
    char uuid[37];
    emu_uuid(uuid);
    const char *name = given != NULL ? given : uuid;
    const char *input_text = str(in, "input");
    if (input_text == NULL) {
        input_text = "{}";
    }
    if (strlen(input_text) > MAX_INPUT) {
        return emu_fail(err, 400, "InvalidExecutionInput",
                        "Invalid State Machine Execution Input: 'the input is larger than "
                        "262144 bytes'");
    }
    json_error_t jerr;
    json_t *input = json_loads(input_text, JSON_DECODE_ANY, &jerr);
    if (input == NULL) {
        return emu_fail(err, 400, "InvalidExecutionInput",
                        "Invalid State Machine Execution Input: '%s at line %d, column %d'",
                        jerr.text, jerr.line, jerr.column);
    }
    char *arn;
    if (m->express) {
        char id[37];
        emu_uuid(id);
        arn = dup_printf("arn:aws:states:%s:%s:express:%s:%s:%s", m->region, EMU_ACCOUNT, m->name,
                         name, id);
    } else {
        arn = dup_printf("arn:aws:states:%s:%s:execution:%s:%s", m->region, EMU_ACCOUNT, m->name,
                         name);
    }
    reap(s);
    sfn_exec *old = arn != NULL && !m->express ? exec_find(s, arn) : NULL;
    if (old != NULL) {
        free(arn);
        json_decref(input);
        /* Same name and input as a running execution: the same answer, as AWS gives. */
        if (old->status == SFN_RUNNING && strcmp(old->input_text, input_text) == 0) {
            *out = old;
            return 0;
        }
        return emu_fail(err, 400, "ExecutionAlreadyExists", "Execution Already Exists: '%s'",
                        old->arn);
    }
    if (running_count(s) >= SFN_MAX_RUNNING_EXECUTIONS) {
        free(arn);
        json_decref(input);
        return emu_fail(err, 400, "ExecutionLimitExceeded",
                        "The maximum number of running executions (%d) has been reached",
                        SFN_MAX_RUNNING_EXECUTIONS);
    }
    json_t *def = NULL;
    emu_error derr = {0};
    sfn_exec *x = calloc(1, sizeof(*x));
    if (arn == NULL || x == NULL || asl_parse_definition(m->definition, &def, &derr) != 0) {
        free(arn);
        free(x);
        json_decref(input);
        json_decref(def);
        return emu_fail(err, 500, "InternalFailure", "the execution could not be created");
    }
    x->e = e;
    x->svc = s;
    x->arn = arn;
    x->name = strdup(name);
    x->sm_arn = strdup(m->arn);
    x->sm_name = strdup(m->name);
    x->role_arn = strdup(m->role_arn);
    x->region = strdup(call->region);
    x->access_key = strdup(call->access_key != NULL ? call->access_key : EMU_DEFAULT_ACCESS_KEY);
    x->trace_header = dup_or_null(str(in, "traceHeader"));
    x->definition_text = strdup(m->definition);
    x->definition = def;
    x->sm_updated = m->updated;
    x->sm_revision = m->revised ? strdup(m->revision) : NULL;
    x->express = m->express;
    x->synchronous = sync;
    x->input_text = strdup(input_text);
    x->input = input;
    x->status = SFN_RUNNING;
    x->start = emu_now();
    x->history = json_array();
    x->progress = json_object();
    /* The members AWS writes (no stateMachineArn: the API has none here). */
    json_t *d = json_pack("{s:s, s:o, s:s}", "input", input_text, "inputDetails",
                          sfn_not_truncated(), "roleArn", x->role_arn);
    (void)sfn_history_add(x, x->start, "ExecutionStarted", 0, "executionStartedEventDetails", d);
    x->next = s->execs;
    s->execs = x;
    if (sfn_exec_launch(x) != 0) {
        sfn_exec_end(x, SFN_FAILED, NULL, "States.Runtime", "The execution could not start",
                     (json_int_t)json_array_size(x->history));
    }
    *out = x;
    return 0;
}

static int op_start_execution(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_start(e, s, call, in, false, &x, err) != 0) {
        return -1;
    }
    *out = json_pack("{s:s, s:f}", "executionArn", x->arn, "startDate", x->start);
    return 0;
}

static void add_data(json_t *o, const char *key, const char *text)
{
    char details[32];
    (void)snprintf(details, sizeof(details), "%sDetails", key);
    (void)json_object_set_new(o, key, sfn_jstr(text));
    (void)json_object_set_new(o, details, json_pack("{s:b}", "included", 1));
}

static int op_start_sync_execution(emu *e, const emu_call *call, json_t *in, json_t **out,
                                   emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_start(e, s, call, in, true, &x, err) != 0) {
        return -1;
    }
    while (!x->finished && !s->stopping && !emu_stopping(e)) {
        (void)emu_wait_until(e, emu_now() + 1.0);
    }
    if (!x->finished) {
        return emu_fail(err, 503, "ServiceUnavailable", "The emulator is shutting down");
    }
    sfn_exec_join(x);
    exec_unlink(s, x);
    json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:f, s:s}", "executionArn", x->arn,
                          "stateMachineArn", x->sm_arn, "name", x->name, "startDate", x->start,
                          "stopDate", x->stop, "status", status_name(x->status));
    if (x->error != NULL) {
        (void)json_object_set_new(o, "error", sfn_jstr(x->error));
    }
    if (x->cause != NULL) {
        (void)json_object_set_new(o, "cause", sfn_jstr(x->cause));
    }
    add_data(o, "input", x->input_text);
    if (x->output != NULL) {
        add_data(o, "output", x->output);
    }
    if (x->trace_header != NULL) {
        (void)json_object_set_new(o, "traceHeader", json_string(x->trace_header));
    }
    /* Express workflows bill by 100 ms and 64 MB steps. */
    double ms = (x->stop - x->start) * 1000.0;
    json_int_t billed = ((json_int_t)(ms / 100.0) + 1) * 100;
    (void)json_object_set_new(o, "billingDetails",
                              json_pack("{s:i, s:I}", "billedMemoryUsedInMB", 64,
                                        "billedDurationInMilliseconds", billed));
    exec_free(x);
    *out = o;
    return 0;
}

static void redrive_status(const sfn_exec *x, const char **status, const char **reason)
{
    *reason = NULL;
    if (x->status == SFN_RUNNING) {
        *status = "NOT_REDRIVABLE";
        *reason = "Execution is RUNNING and cannot be redriven";
    } else if (x->status == SFN_SUCCEEDED) {
        *status = "NOT_REDRIVABLE";
        *reason = "Execution is SUCCEEDED and cannot be redriven";
    } else if (json_array_size(x->history) >= sfn_max_events(x)) {
        *status = "NOT_REDRIVABLE";
        *reason = "Execution has reached the maximum number of history events";
    } else if (emu_now() - x->stop > emu_real_seconds(x->e, REDRIVE_WINDOW)) {
        *status = "NOT_REDRIVABLE";
        *reason = "Execution has exceeded the max execution time for redrive (14 days)";
    } else {
        *status = "REDRIVABLE";
    }
}

static int op_describe_execution(emu *e, const emu_call *call, json_t *in, json_t **out,
                                 emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    reap(s);
    sfn_exec *x;
    if (exec_get(s, in, &x, err) != 0) {
        return -1;
    }
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:f}", "executionArn", x->arn, "stateMachineArn", x->sm_arn,
                  "name", x->name, "status", status_name(x->status), "startDate", x->start);
    if (x->status != SFN_RUNNING) {
        (void)json_object_set_new(o, "stopDate", json_real(x->stop));
    }
    add_data(o, "input", x->input_text);
    if (x->output != NULL) {
        add_data(o, "output", x->output);
    }
    if (x->error != NULL) {
        (void)json_object_set_new(o, "error", sfn_jstr(x->error));
    }
    if (x->cause != NULL) {
        (void)json_object_set_new(o, "cause", sfn_jstr(x->cause));
    }
    if (x->trace_header != NULL) {
        (void)json_object_set_new(o, "traceHeader", json_string(x->trace_header));
    }
    (void)json_object_set_new(o, "redriveCount", json_integer(x->redrive_count));
    if (x->redrive_count > 0) {
        (void)json_object_set_new(o, "redriveDate", json_real(x->redrive_date));
    }
    const char *rs;
    const char *reason;
    redrive_status(x, &rs, &reason);
    (void)json_object_set_new(o, "redriveStatus", json_string(rs));
    if (reason != NULL) {
        (void)json_object_set_new(o, "redriveStatusReason", json_string(reason));
    }
    *out = o;
    return 0;
}

static int op_stop_execution(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_get(s, in, &x, err) != 0) {
        return -1;
    }
    if (x->status == SFN_RUNNING) {
        /* The execution's threads notice at their next step and wind down quietly. */
        sfn_exec_end(x, SFN_ABORTED, NULL, str(in, "error"), str(in, "cause"),
                     (json_int_t)json_array_size(x->history));
    }
    *out = json_pack("{s:f}", "stopDate", x->stop);
    return 0;
}

static int op_list_executions(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    reap(s);
    const char *sm = str(in, "stateMachineArn");
    if (sm == NULL) {
        return emu_fail(err, 400, "ValidationException",
                        "Must provide a StateMachine ARN or MapRun ARN");
    }
    if (check_arn(sm, "stateMachine", NULL, err) != 0) {
        return -1;
    }
    sfn_machine *m = machine_find(s, sm);
    if (m == NULL) {
        return emu_fail(err, 400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'",
                        sm);
    }
    if (m->express) {
        return emu_fail(err, 400, "StateMachineTypeNotSupported",
                        "This operation is not supported by this type of state machine");
    }
    size_t start;
    size_t size;
    if (page_start(in, &start, &size, err) != 0) {
        return -1;
    }
    const char *status = str(in, "statusFilter");
    const char *redrive = str(in, "redriveFilter");
    json_t *list = json_array();
    size_t idx = 0;
    for (sfn_exec *x = s->execs; x != NULL; x = x->next) {
        if (x->express || strcmp(x->sm_arn, sm) != 0 ||
            (status != NULL && strcmp(status, status_name(x->status)) != 0) ||
            (redrive != NULL && (strcmp(redrive, "REDRIVEN") == 0) != (x->redrive_count > 0))) {
            continue;
        }
        if (idx >= start && idx < start + size) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "executionArn", x->arn,
                                  "stateMachineArn", x->sm_arn, "name", x->name, "status",
                                  status_name(x->status), "startDate", x->start);
            if (x->status != SFN_RUNNING) {
                (void)json_object_set_new(o, "stopDate", json_real(x->stop));
            }
            if (x->redrive_count > 0) {
                (void)json_object_set_new(o, "redriveCount", json_integer(x->redrive_count));
                (void)json_object_set_new(o, "redriveDate", json_real(x->redrive_date));
            }
            (void)json_array_append_new(list, o);
        }
        idx++;
    }
    *out = json_pack("{s:o}", "executions", list);
    return page_token(out, start, size, idx, err);
}

/* An event without its data, for includeExecutionData false. */
static json_t *without_data(json_t *ev)
{
    json_t *c = json_deep_copy(ev);
    const char *k;
    json_t *v;
    json_object_foreach(c, k, v)
    {
        if (json_is_object(v)) {
            (void)json_object_del(v, "input");
            (void)json_object_del(v, "output");
            (void)json_object_del(v, "parameters");
        }
    }
    return c;
}

static int op_get_execution_history(emu *e, const emu_call *call, json_t *in, json_t **out,
                                    emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_get(s, in, &x, err) != 0) {
        return -1;
    }
    size_t start;
    size_t size;
    if (page_start(in, &start, &size, err) != 0) {
        return -1;
    }
    bool reverse = json_is_true(json_object_get(in, "reverseOrder"));
    json_t *inc = json_object_get(in, "includeExecutionData");
    bool data = inc == NULL || json_is_true(inc);
    size_t total = json_array_size(x->history);
    json_t *events = json_array();
    for (size_t i = start; i < total && i < start + size; i++) {
        json_t *ev = json_array_get(x->history, reverse ? total - 1 - i : i);
        (void)json_array_append_new(events, data ? json_deep_copy(ev) : without_data(ev));
    }
    *out = json_pack("{s:o}", "events", events);
    return page_token(out, start, size, total, err);
}

static int op_redrive_execution(emu *e, const emu_call *call, json_t *in, json_t **out,
                                emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_get(s, in, &x, err) != 0) {
        return -1;
    }
    const char *token = str(in, "clientToken");
    int seen = x->redrive_count;
    /* The checks run again after every wait: another call may have redriven meanwhile. */
    for (;;) {
        if (token != NULL && x->redrive_token != NULL && strcmp(token, x->redrive_token) == 0) {
            *out = json_pack("{s:f}", "redriveDate", x->redrive_date);
            return 0;
        }
        if (x->redrive_count != seen) {
            return emu_fail(err, 400, "ExecutionNotRedrivable",
                            "Execution is RUNNING and cannot be redriven: '%s'", x->arn);
        }
        const char *rs;
        const char *reason;
        redrive_status(x, &rs, &reason);
        if (strcmp(rs, "REDRIVABLE") != 0) {
            return emu_fail(err, 400, "ExecutionNotRedrivable", "%s: '%s'", reason, x->arn);
        }
        if (s->stopping || emu_stopping(e)) {
            return emu_fail(err, 503, "ServiceUnavailable", "The emulator is shutting down");
        }
        /* A stopped execution's thread may still be winding down from a wait; while one
         * call waits for it, others wait for that call. */
        if (x->finished && !x->redriving) {
            break;
        }
        if (x->redriving) {
            (void)emu_wait_until(e, emu_now() + 1.0);
            continue;
        }
        x->redriving = true;
        while (!x->finished && !s->stopping && !emu_stopping(e)) {
            (void)emu_wait_until(e, emu_now() + 1.0);
        }
        x->redriving = false;
        emu_changed(e);
    }
    sfn_exec_join(x);
    x->redrive_count++;
    x->redrive_date = emu_now();
    free(x->redrive_token);
    x->redrive_token = dup_or_null(token);
    x->status = SFN_RUNNING;
    x->stop = 0;
    free(x->error);
    free(x->cause);
    free(x->output);
    x->error = x->cause = x->output = NULL;
    json_decref(x->resume);
    x->resume = x->progress;
    x->progress = json_object();
    json_t *d = json_pack("{s:i}", "redriveCount", x->redrive_count);
    x->first_prev = sfn_history_add(x, x->redrive_date, "ExecutionRedriven",
                                    (json_int_t)json_array_size(x->history),
                                    "executionRedrivenEventDetails", d);
    if (sfn_exec_launch(x) != 0) {
        sfn_exec_end(x, SFN_FAILED, NULL, "States.Runtime", "The execution could not restart",
                     x->first_prev);
    }
    *out = json_pack("{s:f}", "redriveDate", x->redrive_date);
    return 0;
}

static int op_describe_sm_for_execution(emu *e, const emu_call *call, json_t *in, json_t **out,
                                        emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_exec *x;
    if (exec_get(s, in, &x, err) != 0) {
        return -1;
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:o, s:o}", "stateMachineArn", x->sm_arn,
                          "name", x->sm_name, "definition", x->definition_text, "roleArn",
                          x->role_arn, "updateDate", x->sm_updated, "loggingConfiguration",
                          default_logging(), "tracingConfiguration", default_tracing());
    if (x->sm_revision != NULL) {
        (void)json_object_set_new(o, "revisionId", json_string(x->sm_revision));
    }
    *out = o;
    return 0;
}

/* ---- activities ------------------------------------------------------------------------- */

static int activity_get(sfn_service *s, json_t *in, sfn_activity **out, emu_error *err)
{
    const char *arn = str(in, "activityArn");
    if (check_arn(arn, "activity", NULL, err) != 0) {
        return -1;
    }
    *out = activity_find(s, arn);
    if (*out == NULL) {
        return emu_fail(err, 400, "ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn);
    }
    return 0;
}

static int op_create_activity(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    const char *name = str(in, "name");
    if (!valid_name(name)) {
        return invalid_name(err, name);
    }
    sfn_activity *a = activity_create(s, call->region, name);
    if (a == NULL) {
        return emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    *out = json_pack("{s:s, s:f}", "activityArn", a->arn, "creationDate", a->created);
    return 0;
}

static int op_delete_activity(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    const char *arn = str(in, "activityArn");
    if (check_arn(arn, "activity", NULL, err) != 0) {
        return -1;
    }
    for (sfn_activity **p = &s->activities; *p != NULL; p = &(*p)->next) {
        if (strcmp((*p)->arn, arn) == 0) {
            sfn_activity *a = *p;
            *p = a->next;
            activity_free(a);
            break;
        }
    }
    *out = json_object();
    return 0;
}

static int op_describe_activity(emu *e, const emu_call *call, json_t *in, json_t **out,
                                emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_activity *a;
    if (activity_get(s, in, &a, err) != 0) {
        return -1;
    }
    *out = json_pack("{s:s, s:s, s:f}", "activityArn", a->arn, "name", a->name, "creationDate",
                     a->created);
    return 0;
}

static int op_list_activities(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    size_t start;
    size_t size;
    if (page_start(in, &start, &size, err) != 0) {
        return -1;
    }
    json_t *list = json_array();
    size_t idx = 0;
    for (sfn_activity *a = s->activities; a != NULL; a = a->next) {
        if (strcmp(a->region, call->region) != 0) {
            continue;
        }
        if (idx >= start && idx < start + size) {
            (void)json_array_append_new(list,
                                        json_pack("{s:s, s:s, s:f}", "activityArn", a->arn, "name",
                                                  a->name, "creationDate", a->created));
        }
        idx++;
    }
    *out = json_pack("{s:o}", "activities", list);
    return page_token(out, start, size, idx, err);
}

/* The oldest task of an activity that no worker took yet. */
static sfn_token *pending_task(sfn_service *s, const char *arn)
{
    sfn_token *found = NULL;
    for (sfn_token *t = s->tokens; t != NULL; t = t->next) {
        if (t->activity_arn != NULL && strcmp(t->activity_arn, arn) == 0 && !t->taken &&
            t->done == 0 && t->x->status == SFN_RUNNING) {
            found = t; /* newest first: the last match is the oldest */
        }
    }
    return found;
}

static int op_get_activity_task(emu *e, const emu_call *call, json_t *in, json_t **out,
                                emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_activity *a;
    if (activity_get(s, in, &a, err) != 0) {
        return -1;
    }
    char *arn = strdup(a->arn);
    if (arn == NULL) {
        return emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    /* AWS holds the poll up to 60 s; the config may shorten it (real seconds). */
    json_t *cfg = json_object_get(emu_config_section(e, "sfn"), "activity_poll_seconds");
    double wait = json_is_number(cfg) ? json_number_value(cfg) : 60.0;
    double end = emu_now() + (wait > 60.0 ? 60.0 : wait < 0 ? 0 : wait);
    const char *worker = str(in, "workerName");
    for (;;) {
        sfn_token *t = pending_task(s, arn);
        if (t != NULL) {
            t->taken = true;
            t->taken_at = t->last_beat = emu_now();
            free(t->worker);
            t->worker = dup_or_null(worker);
            emu_changed(e);
            *out = json_pack("{s:s, s:s}", "taskToken", t->token, "input",
                             t->input != NULL ? t->input : "{}");
            break;
        }
        if (emu_now() >= end || s->stopping || emu_stopping(e)) {
            *out = json_object();
            break;
        }
        (void)emu_wait_until(e, end);
    }
    free(arn);
    return 0;
}

static int token_get(sfn_service *s, json_t *in, sfn_token **out, emu_error *err)
{
    const char *tok = str(in, "taskToken");
    *out = NULL;
    for (sfn_token *t = s->tokens; tok != NULL && t != NULL; t = t->next) {
        if (strcmp(t->token, tok) == 0) {
            *out = t;
            break;
        }
    }
    if (*out != NULL && (*out)->done == 0 && (*out)->x->status == SFN_RUNNING) {
        return 0;
    }
    if (tok == NULL || strncmp(tok, "AQ", 2) != 0 || strlen(tok) < 64) {
        return emu_fail(err, 400, "InvalidToken", "Invalid Token: 'Invalid token'");
    }
    return emu_fail(err, 400, "TaskTimedOut",
                    "Task Timed Out: 'Provided task does not exist anymore'");
}

static int op_send_task_success(emu *e, const emu_call *call, json_t *in, json_t **out,
                                emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_token *t;
    if (token_get(s, in, &t, err) != 0) {
        return -1;
    }
    const char *text = str(in, "output");
    json_error_t jerr;
    json_t *v = text != NULL ? json_loads(text, JSON_DECODE_ANY, &jerr) : NULL;
    if (v == NULL) {
        return emu_fail(err, 400, "InvalidOutput", "Invalid Output: '%s'",
                        text != NULL ? jerr.text : "the output is missing");
    }
    t->done = 1;
    t->output = v;
    emu_changed(e);
    *out = json_object();
    return 0;
}

static int op_send_task_failure(emu *e, const emu_call *call, json_t *in, json_t **out,
                                emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_token *t;
    if (token_get(s, in, &t, err) != 0) {
        return -1;
    }
    t->done = 2;
    t->error = dup_or_null(str(in, "error"));
    t->cause = dup_or_null(str(in, "cause"));
    emu_changed(e);
    *out = json_object();
    return 0;
}

static int op_send_task_heartbeat(emu *e, const emu_call *call, json_t *in, json_t **out,
                                  emu_error *err)
{
    sfn_service *s;
    if (service(e, call, &s, err) != 0) {
        return -1;
    }
    sfn_token *t;
    if (token_get(s, in, &t, err) != 0) {
        return -1;
    }
    t->last_beat = emu_now();
    *out = json_object();
    return 0;
}

/* ---- the table and shutdown -------------------------------------------------------------- */

const emu_json_op emu_sfn_ops[] = {
    {"CreateActivity", op_create_activity},
    {"CreateStateMachine", op_create_state_machine},
    {"DeleteActivity", op_delete_activity},
    {"DeleteStateMachine", op_delete_state_machine},
    {"DescribeActivity", op_describe_activity},
    {"DescribeExecution", op_describe_execution},
    {"DescribeStateMachine", op_describe_state_machine},
    {"DescribeStateMachineForExecution", op_describe_sm_for_execution},
    {"GetActivityTask", op_get_activity_task},
    {"GetExecutionHistory", op_get_execution_history},
    {"ListActivities", op_list_activities},
    {"ListExecutions", op_list_executions},
    {"ListStateMachines", op_list_state_machines},
    {"RedriveExecution", op_redrive_execution},
    {"SendTaskFailure", op_send_task_failure},
    {"SendTaskHeartbeat", op_send_task_heartbeat},
    {"SendTaskSuccess", op_send_task_success},
    {"StartExecution", op_start_execution},
    {"StartSyncExecution", op_start_sync_execution},
    {"StopExecution", op_stop_execution},
    {"UpdateStateMachine", op_update_state_machine},
    {"ValidateStateMachineDefinition", op_validate_definition},
    {NULL, NULL},
};

void emu_sfn_free(emu *e)
{
    sfn_service *s = (sfn_service *)e->sfn;
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&e->lock);
    s->stopping = true;
    emu_changed(e);
    /* Joined one at a time without the lock: each thread needs it to wind down. */
    for (;;) {
        sfn_exec *x = s->execs;
        while (x != NULL && !x->has_thread) {
            x = x->next;
        }
        if (x == NULL) {
            break;
        }
        pthread_t t = x->thread;
        x->has_thread = false;
        pthread_mutex_unlock(&e->lock);
        (void)pthread_join(t, NULL);
        sfn_exec_thread_gone();
        pthread_mutex_lock(&e->lock);
    }
    while (s->tokens != NULL) {
        sfn_token_drop(s, s->tokens);
    }
    while (s->execs != NULL) {
        sfn_exec *x = s->execs;
        s->execs = x->next;
        exec_free(x);
    }
    while (s->machines != NULL) {
        sfn_machine *m = s->machines;
        s->machines = m->next;
        machine_free(m);
    }
    while (s->activities != NULL) {
        sfn_activity *a = s->activities;
        s->activities = a->next;
        activity_free(a);
    }
    json_decref(s->seeded);
    free(s);
    e->sfn = NULL;
    pthread_mutex_unlock(&e->lock);
}
