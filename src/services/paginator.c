/* Paginators: the caller drives, one page per call, with the service's token. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsorch/model.h"
#include "core/internal.h"

struct awsorch_paginator {
    awsorch_client *client;
    const awsorch_service_model *model;
    const awsorch_operation *op;
    const awsorch_paginator_spec *spec;
    json_t *input;
    char *last_token;
    bool done;
};

awsorch_status awsorch_paginator_new(awsorch_paginator **out, awsorch_client *client,
                                     const awsorch_service_model *model,
                                     const awsorch_operation *op,
                                     const awsorch_paginator_spec *spec, const char *input_json)
{
    if (out == NULL || client == NULL || model == NULL || op == NULL || spec == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "paginator_new: NULL argument");
    }
    *out = NULL;
    json_error_t err;
    json_t *in = json_loads(input_json && input_json[0] ? input_json : "{}", 0, &err);
    if (!json_is_object(in)) {
        json_decref(in);
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "the input of %s is not a JSON object",
                             op->name);
    }
    awsorch_paginator *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        json_decref(in);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    *p = (awsorch_paginator){client, model, op, spec, in, NULL, false};
    *out = p;
    return AWSORCH_OK;
}

awsorch_status awsorch_paginator_next(char **page_json, awsorch_paginator *p)
{
    if (page_json == NULL || p == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "paginator_next: NULL argument");
    }
    *page_json = NULL;
    if (p->done) {
        return AWSORCH_OK;
    }
    char *input = json_dumps(p->input, JSON_COMPACT);
    char *output = NULL;
    awsorch_status st = input ? awsorch_invoke_json(&output, p->client, p->model, p->op, input)
                              : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    free(input);
    if (st != AWSORCH_OK) {
        return st;
    }
    json_t *page = json_loads(output, 0, NULL);
    const char *token = json_string_value(json_object_get(page, p->spec->output_token));
    if (token == NULL || token[0] == '\0') {
        p->done = true;
    } else if (p->last_token != NULL && strcmp(p->last_token, token) == 0) {
        /* A service that hands back the same token would page forever. */
        json_decref(page);
        free(output);
        p->done = true;
        return awsorch__fail(AWSORCH_E_SERVICE, "%s returned the same %s twice", p->op->name,
                             p->spec->output_token);
    } else {
        free(p->last_token);
        p->last_token = strdup(token);
        (void)json_object_set_new(p->input, p->spec->input_token, json_string(token));
    }
    json_decref(page);
    *page_json = output;
    return AWSORCH_OK;
}

void awsorch_paginator_free(awsorch_paginator *p)
{
    if (p == NULL) {
        return;
    }
    json_decref(p->input);
    free(p->last_token);
    free(p);
}
