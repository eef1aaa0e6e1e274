#include <jansson.h>

#include "json.h"

const char *awsorch__json_string(const json_t *obj, const char *key)
{
    if (!json_is_object(obj)) {
        return NULL;
    }
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

awsorch_status awsorch__json_parse(json_t **out, const char *text, size_t len, const char *what)
{
    json_error_t err;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (*out == NULL) {
        return awsorch__fail(AWSORCH_E_PARSE, "%s is not valid JSON (line %d, column %d): %s", what,
                             err.line, err.column, err.text);
    }
    return AWSORCH_OK;
}
