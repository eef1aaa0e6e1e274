/* Input validation against the SDK's own operation declarations, with the
 * errors AWS's JSON services give: a wrong JSON type is a SerializationException,
 * a missing required member or a value outside the enum a ValidationException
 * listing every violation, named by its path as AWS names it. */
#include <stdio.h>
#include <string.h>

#include "awsorch/athena.h"
#include "awsorch/glue.h"
#include "awsorch/logs.h"
#include "awsorch/redshift_data.h"
#include "awsorch/sfn.h"
#include "internal.h"

#define MAX_VIOLATIONS 10

typedef struct violations {
    int count;
    char text[MAX_VIOLATIONS][512];
} violations;

/* AWS names members in violations with a lowercase first letter: 'jobName'. */
static void member_path(char *out, size_t n, const char *parent, const char *name)
{
    char lowered[128];
    (void)snprintf(lowered, sizeof(lowered), "%s", name);
    if (lowered[0] >= 'A' && lowered[0] <= 'Z') {
        lowered[0] = (char)(lowered[0] - 'A' + 'a');
    }
    if (parent[0] == '\0') {
        (void)snprintf(out, n, "%s", lowered);
    } else {
        (void)snprintf(out, n, "%s.%s", parent, lowered);
    }
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static int check(const awsorch_shape *shape, json_t *v, const char *path, violations *vs,
                 emu_error *err, int depth);

static int type_error(emu_error *err, const char *path, const char *want, const json_t *v)
{
    return emu_fail(err, 400, "SerializationException", "Expected %s for '%s', got %s", want, path,
                    json_kind(v));
}

static int check_struct(const awsorch_shape *shape, json_t *v, const char *path, violations *vs,
                        emu_error *err, int depth)
{
    for (size_t i = 0; i < shape->member_count; i++) {
        const awsorch_member *m = &shape->members[i];
        if (m->location != AWSORCH_IN_BODY) {
            continue;
        }
        char sub[256];
        member_path(sub, sizeof(sub), path, m->name);
        json_t *child = json_object_get(v, m->name);
        if (child == NULL || json_is_null(child)) {
            if ((m->flags & AWSORCH_REQUIRED) != 0 && vs->count < MAX_VIOLATIONS) {
                (void)snprintf(
                    vs->text[vs->count++], sizeof(vs->text[0]),
                    "Value null at '%.200s' failed to satisfy constraint: Member must not "
                    "be null",
                    sub);
            }
            continue;
        }
        if (check(m->shape, child, sub, vs, err, depth + 1) != 0) {
            return -1;
        }
    }
    return 0;
}

static int check_enum(const awsorch_shape *shape, json_t *v, const char *path, violations *vs)
{
    const char *s = json_string_value(v);
    for (size_t i = 0; shape->enum_values[i] != NULL; i++) {
        if (strcmp(shape->enum_values[i], s) == 0) {
            return 0;
        }
    }
    if (vs->count >= MAX_VIOLATIONS) {
        return 0;
    }
    char set[160] = "";
    size_t used = 0;
    for (size_t i = 0; shape->enum_values[i] != NULL && used < sizeof(set); i++) {
        int w = snprintf(set + used, sizeof(set) - used, "%s%s", i > 0 ? ", " : "",
                         shape->enum_values[i]);
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
    (void)snprintf(
        vs->text[vs->count++], sizeof(vs->text[0]),
        "Value '%.40s' at '%.160s' failed to satisfy constraint: Member must satisfy enum "
        "value set: [%.150s]",
        s, path, set);
    return 0;
}

static int check(const awsorch_shape *shape, json_t *v, const char *path, violations *vs,
                 emu_error *err, int depth)
{
    if (depth > 32) {
        return emu_fail(err, 400, "SerializationException", "Input nests too deeply at '%s'", path);
    }
    switch (shape->type) {
    case AWSORCH_STRING:
        if (!json_is_string(v)) {
            return type_error(err, path, "a string", v);
        }
        return shape->enum_values != NULL ? check_enum(shape, v, path, vs) : 0;
    case AWSORCH_INTEGER:
    case AWSORCH_LONG: return json_is_integer(v) ? 0 : type_error(err, path, "an integer", v);
    case AWSORCH_BOOLEAN: return json_is_boolean(v) ? 0 : type_error(err, path, "a boolean", v);
    case AWSORCH_DOUBLE: return json_is_number(v) ? 0 : type_error(err, path, "a number", v);
    case AWSORCH_TIMESTAMP:
        return json_is_number(v) || json_is_string(v) ? 0 : type_error(err, path, "a timestamp", v);
    case AWSORCH_BLOB: return json_is_string(v) ? 0 : type_error(err, path, "a base64 string", v);
    case AWSORCH_STRUCTURE:
        if (!json_is_object(v)) {
            return type_error(err, path, "a structure", v);
        }
        return check_struct(shape, v, path, vs, err, depth);
    case AWSORCH_LIST: {
        if (!json_is_array(v)) {
            return type_error(err, path, "a list", v);
        }
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            char sub[256];
            (void)snprintf(sub, sizeof(sub), "%s.%zu.member", path, i + 1);
            if (check(shape->element, item, sub, vs, err, depth + 1) != 0) {
                return -1;
            }
        }
        return 0;
    }
    case AWSORCH_MAP: {
        if (!json_is_object(v)) {
            return type_error(err, path, "a map", v);
        }
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            char sub[256];
            (void)snprintf(sub, sizeof(sub), "%s.%.64s", path, key);
            if (check(shape->element, item, sub, vs, err, depth + 1) != 0) {
                return -1;
            }
        }
        return 0;
    }
    }
    return 0;
}

int emu_validate(const awsorch_shape *shape, json_t *input, emu_error *err)
{
    if (shape == NULL) {
        return 0;
    }
    if (!json_is_object(input)) {
        return emu_fail(err, 400, "SerializationException",
                        "Start of structure or map found where not expected: the request body "
                        "must be a JSON object");
    }
    violations vs;
    vs.count = 0;
    if (check(shape, input, "", &vs, err, 0) != 0) {
        return -1;
    }
    if (vs.count == 0) {
        return 0;
    }
    char msg[512];
    int used = snprintf(msg, sizeof(msg), "%d validation error%s detected: ", vs.count,
                        vs.count > 1 ? "s" : "");
    for (int i = 0; i < vs.count && used > 0 && (size_t)used < sizeof(msg); i++) {
        int w =
            snprintf(msg + used, sizeof(msg) - (size_t)used, "%s%s", i > 0 ? "; " : "", vs.text[i]);
        if (w < 0) {
            break;
        }
        used += w;
    }
    return emu_fail(err, 400, "ValidationException", "%s", msg);
}

const awsorch_operation *emu_model_operation(const char *service, const char *operation)
{
    static const struct {
        const char *service;
        const awsorch_operation *ops;
        const size_t *count;
    } models[] = {
        {"sfn", awsorch_sfn_operations, &awsorch_sfn_operation_count},
        {"glue", awsorch_glue_operations, &awsorch_glue_operation_count},
        {"athena", awsorch_athena_operations, &awsorch_athena_operation_count},
        {"redshift-data", awsorch_redshift_data_operations, &awsorch_redshift_data_operation_count},
        {"logs", awsorch_logs_operations, &awsorch_logs_operation_count},
    };
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(models[i].service, service) == 0) {
            return awsorch_operation_find(models[i].ops, *models[i].count, operation);
        }
    }
    return NULL;
}
