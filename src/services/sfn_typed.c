/* Typed Step Functions calls: each struct is filled from the declared
 * operation's JSON by a field table, so no call has a hand-written parser. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsorch/sfn.h"
#include "core/internal.h"
#include "sfn_internal.h"

typedef enum field_kind { F_STRING, F_TIME, F_INT, F_STATUS } field_kind;

typedef struct field {
    const char *member;
    field_kind kind;
    size_t offset;
} field;

#define FIELD(type, member, kind, name)                                                            \
    {                                                                                              \
        (member), (kind), offsetof(type, name)                                                     \
    }

static const char *const status_names[] = {NULL,        "RUNNING", "SUCCEEDED",      "FAILED",
                                           "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"};

static const field execution_fields[] = {
    FIELD(awsorch_sfn_execution, "executionArn", F_STRING, execution_arn),
    FIELD(awsorch_sfn_execution, "stateMachineArn", F_STRING, state_machine_arn),
    FIELD(awsorch_sfn_execution, "name", F_STRING, name),
    FIELD(awsorch_sfn_execution, "status", F_STATUS, status),
    FIELD(awsorch_sfn_execution, "status", F_STRING, status_text),
    FIELD(awsorch_sfn_execution, "startDate", F_TIME, start_date),
    FIELD(awsorch_sfn_execution, "stopDate", F_TIME, stop_date),
    FIELD(awsorch_sfn_execution, "input", F_STRING, input),
    FIELD(awsorch_sfn_execution, "output", F_STRING, output),
    FIELD(awsorch_sfn_execution, "error", F_STRING, error),
    FIELD(awsorch_sfn_execution, "cause", F_STRING, cause),
    FIELD(awsorch_sfn_execution, "traceHeader", F_STRING, trace_header),
    FIELD(awsorch_sfn_execution, "mapRunArn", F_STRING, map_run_arn),
    FIELD(awsorch_sfn_execution, "redriveCount", F_INT, redrive_count),
    FIELD(awsorch_sfn_execution, "redriveDate", F_TIME, redrive_date),
    FIELD(awsorch_sfn_execution, "redriveStatus", F_STRING, redrive_status),
};

static const field started_fields[] = {
    FIELD(awsorch_sfn_started_execution, "executionArn", F_STRING, execution_arn),
    FIELD(awsorch_sfn_started_execution, "startDate", F_TIME, start_date),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void free_fields(void *obj, const field *fields, size_t n)
{
    if (obj == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (fields[i].kind == F_STRING) {
            free(*(char **)(void *)((char *)obj + fields[i].offset));
        }
    }
    free(obj);
}

/* Fills a zeroed struct from a JSON object; false when out of memory. */
static bool fill(void *obj, const field *fields, size_t n, json_t *doc)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(doc, fields[i].member);
        void *dst = (char *)obj + fields[i].offset;
        if (v == NULL) {
            continue;
        }
        switch (fields[i].kind) {
        case F_STRING:
            if (json_is_string(v)) {
                char *copy = strdup(json_string_value(v));
                if (copy == NULL) {
                    return false;
                }
                *(char **)dst = copy;
            }
            break;
        case F_TIME:
        case F_INT:
            if (json_is_number(v)) {
                if (fields[i].kind == F_TIME) {
                    *(double *)dst = json_number_value(v);
                } else {
                    *(int64_t *)dst = (int64_t)json_number_value(v);
                }
            }
            break;
        case F_STATUS:
            for (size_t k = 1; json_is_string(v) && k < COUNT(status_names); k++) {
                if (strcmp(status_names[k], json_string_value(v)) == 0) {
                    *(awsorch_sfn_execution_status *)dst = (awsorch_sfn_execution_status)k;
                }
            }
            break;
        }
    }
    return true;
}

awsorch_status awsorch__sfn_call(json_t **out, awsorch_client *client, const char *op_name,
                                 json_t *in)
{
    if (out != NULL) {
        *out = NULL;
    }
    const awsorch_operation *op =
        awsorch_operation_find(awsorch_sfn_operations, awsorch_sfn_operation_count, op_name);
    char *input = in ? json_dumps(in, JSON_COMPACT) : NULL;
    if (op == NULL || input == NULL) {
        free(input);
        return op ? awsorch__fail(AWSORCH_E_NOMEM, "out of memory")
                  : awsorch__fail(AWSORCH_E_INTERNAL, "no Step Functions operation %s", op_name);
    }
    char *output = NULL;
    awsorch_status st = awsorch_invoke_json(&output, client, &awsorch_sfn_model, op, input);
    free(input);
    if (st == AWSORCH_OK && out != NULL) {
        *out = json_loads(output, 0, NULL);
        if (*out == NULL) {
            st = awsorch__fail(AWSORCH_E_PARSE, "%s: unreadable reply", op_name);
        }
    }
    free(output);
    return st;
}

/* Calls an operation with a JSON input and fills a struct from its output. */
static awsorch_status typed_call(void **out, size_t size, const field *fields, size_t n,
                                 awsorch_client *client, const char *op_name, json_t *in)
{
    *out = NULL;
    json_t *doc = NULL;
    awsorch_status st = awsorch__sfn_call(&doc, client, op_name, in);
    if (st != AWSORCH_OK) {
        return st;
    }
    void *obj = calloc(1, size);
    if (obj == NULL || !fill(obj, fields, n, doc)) {
        free_fields(obj, fields, n);
        json_decref(doc);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    json_decref(doc);
    *out = obj;
    return AWSORCH_OK;
}

awsorch_status awsorch_sfn_describe_execution(awsorch_sfn_execution **out, awsorch_client *client,
                                              const char *execution_arn)
{
    if (out == NULL || client == NULL || execution_arn == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "DescribeExecution: NULL argument");
    }
    json_t *in = json_pack("{s:s}", "executionArn", execution_arn);
    void *obj = NULL;
    awsorch_status st = typed_call(&obj, sizeof(awsorch_sfn_execution), execution_fields,
                                   COUNT(execution_fields), client, "DescribeExecution", in);
    json_decref(in);
    *out = obj;
    return st;
}

void awsorch_sfn_execution_free(awsorch_sfn_execution *e)
{
    free_fields(e, execution_fields, COUNT(execution_fields));
}

awsorch_status awsorch_sfn_start_execution(awsorch_sfn_started_execution **out,
                                           awsorch_client *client,
                                           const awsorch_sfn_start_execution_input *in)
{
    if (out == NULL || client == NULL || in == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "StartExecution: NULL argument");
    }
    json_t *doc = json_object();
    const struct {
        const char *member;
        const char *value;
    } members[] = {{"stateMachineArn", in->state_machine_arn},
                   {"name", in->name},
                   {"input", in->input},
                   {"traceHeader", in->trace_header}};
    for (size_t i = 0; i < COUNT(members); i++) {
        if (members[i].value != NULL) {
            (void)json_object_set_new(doc, members[i].member, json_string(members[i].value));
        }
    }
    void *obj = NULL;
    awsorch_status st = typed_call(&obj, sizeof(awsorch_sfn_started_execution), started_fields,
                                   COUNT(started_fields), client, "StartExecution", doc);
    json_decref(doc);
    *out = obj;
    return st;
}

void awsorch_sfn_started_execution_free(awsorch_sfn_started_execution *s)
{
    free_fields(s, started_fields, COUNT(started_fields));
}

awsorch_status awsorch_sfn_wait_execution(awsorch_poll_result *result,
                                          awsorch_sfn_execution **final, awsorch_client *client,
                                          const char *execution_arn,
                                          const awsorch_poll_options *opts)
{
    if (result == NULL || final == NULL || client == NULL || execution_arn == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "wait_execution: NULL argument");
    }
    *final = NULL;
    json_t *in = json_pack("{s:s}", "executionArn", execution_arn);
    char *input = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    char *last = NULL;
    awsorch_status st =
        awsorch_wait(result, &last, client, &awsorch_sfn_model, awsorch_sfn_operations,
                     awsorch_sfn_operation_count, &awsorch_sfn_waiters[0], input, opts);
    free(input);
    if (last != NULL) {
        json_t *doc = json_loads(last, 0, NULL);
        awsorch_sfn_execution *e = calloc(1, sizeof(*e));
        if (e != NULL && fill(e, execution_fields, COUNT(execution_fields), doc)) {
            *final = e;
        } else {
            awsorch_sfn_execution_free(e);
        }
        json_decref(doc);
        free(last);
    }
    return st;
}
