/* Paginators: the caller drives, one page per call, with the service's token. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsorch/model.h"
#include "core/internal.h"
#include "sfn_typed_table.h"

struct awsorch_paginator {
    awsorch_client *client;
    const awsorch_service_model *model;
    const awsorch_operation *op;
    const awsorch_paginator_spec *spec;
    json_t *input;
    char *last_token; /* the token the input holds */
    char *pending;    /* the token of the page peeked at, NULL: it is the last */
    bool peeked;      /* a page was peeked at and not committed */
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
    *p = (awsorch_paginator){client, model, op, spec, in, NULL, NULL, false, false};
    *out = p;
    return AWSORCH_OK;
}

/* Fetches the page the paginator stands at without moving past it: *page_json
 * is NULL after the last page. The page's token waits in p->pending until
 * awsorch__paginator_commit; until then every call fetches the same page. A reply
 * that is not a JSON object, or that hands back the token it was asked with,
 * fails and leaves the paginator where it was. */
awsorch_status awsorch__paginator_peek(char **page_json, awsorch_paginator *p)
{
    if (page_json == NULL || p == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "paginator_next: NULL argument");
    }
    *page_json = NULL;
    free(p->pending);
    p->pending = NULL;
    p->peeked = false;
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
    json_t *page = output != NULL ? json_loads(output, 0, NULL) : NULL;
    if (!json_is_object(page)) {
        /* Without a page there is no token to tell the end from a lost page. */
        json_decref(page);
        free(output);
        return awsorch__fail(AWSORCH_E_PARSE, "the reply to %s is not a JSON object", p->op->name);
    }
    const char *token = json_string_value(json_object_get(page, p->spec->output_token));
    if (token != NULL && token[0] != '\0' && p->last_token != NULL &&
        strcmp(p->last_token, token) == 0) {
        /* A service that hands back the same token would page forever. */
        json_decref(page);
        free(output);
        return awsorch__fail(AWSORCH_E_PARSE, "%s returned the same %s twice", p->op->name,
                             p->spec->output_token);
    }
    char *pending = token != NULL && token[0] != '\0' ? strdup(token) : NULL;
    json_decref(page);
    if (pending == NULL && token != NULL && token[0] != '\0') {
        free(output);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    p->pending = pending;
    p->peeked = true;
    *page_json = output;
    return AWSORCH_OK;
}

/* Moves past the page the last awsorch__paginator_peek fetched. */
awsorch_status awsorch__paginator_commit(awsorch_paginator *p)
{
    if (p == NULL || !p->peeked) {
        return AWSORCH_OK;
    }
    if (p->pending == NULL) {
        p->done = true;
    } else if (json_object_set_new(p->input, p->spec->input_token, json_string(p->pending)) != 0) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    } else {
        free(p->last_token);
        p->last_token = p->pending;
        p->pending = NULL;
    }
    p->peeked = false;
    return AWSORCH_OK;
}

awsorch_status awsorch_paginator_next(char **page_json, awsorch_paginator *p)
{
    awsorch_status st = awsorch__paginator_peek(page_json, p);
    if (st == AWSORCH_OK && *page_json != NULL &&
        (st = awsorch__paginator_commit(p)) != AWSORCH_OK) {
        free(*page_json);
        *page_json = NULL;
    }
    return st;
}

void awsorch_paginator_free(awsorch_paginator *p)
{
    if (p == NULL) {
        return;
    }
    json_decref(p->input);
    free(p->last_token);
    free(p->pending);
    free(p);
}
