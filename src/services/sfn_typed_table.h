/* Typed structs over declared operations. A field table maps each member of a
 * C struct to a member of the operation's JSON, so one routine serializes every
 * input, fills and frees every output and pages every list; a typed call is its
 * operation's name and two tables. Nothing here knows a particular service. */
#ifndef AWSORCH_SERVICES_SFN_TYPED_TABLE_H
#define AWSORCH_SERVICES_SFN_TYPED_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "awsorch/model.h"

typedef enum awsorch__kind {
    AWSORCH__STR,  /* char * (const char * in inputs) */
    AWSORCH__JSON, /* char *: any JSON value as text */
    AWSORCH__TIME, /* double, epoch seconds; 0 is absent */
    AWSORCH__I64,  /* int64_t */
    AWSORCH__INT,  /* int; 0 is absent in inputs */
    AWSORCH__BOOL, /* bool */
    AWSORCH__FLAG, /* an int-sized flag, -1 (unset) absent: inputs */
    AWSORCH__ENUM, /* an int-sized enum named by a table; 0 is unknown, absent in inputs */
    AWSORCH__LIST  /* a pointer to elements and a size_t count */
} awsorch__kind;

typedef struct awsorch__table awsorch__table;

typedef struct awsorch__field {
    /* The JSON member: "name"; "outer.inner" reaches into a structure; a segment
     * "*Suffix" is the first member whose name ends so ("*EventDetails"). */
    const char *path;
    awsorch__kind kind;
    size_t offset;
    const char *const *names; /* ENUM: names by value, [0] unused */
    size_t name_count;
    const awsorch__table *element; /* LIST: the elements' table */
    size_t count_offset;           /* LIST: where the count lives */
} awsorch__field;

struct awsorch__table {
    const awsorch__field *fields;
    size_t count;
    size_t size; /* of the C struct */
};

/* The service a typed call goes to: its model, operations and paginators. */
typedef struct awsorch__typed_service {
    const awsorch_service_model *model;
    const awsorch_operation *operations;
    const size_t *operation_count;
    const awsorch_paginator_spec *paginators;
    const size_t *paginator_count;
} awsorch__typed_service;

/* One typed operation. Inputs begin with `unsigned version`; a NULL table is
 * an empty input or no output. For a list, out describes one page. */
typedef struct awsorch__typed_op {
    const awsorch__typed_service *service;
    const char *name;
    const awsorch__table *in;
    const awsorch__table *out;
} awsorch__typed_op;

/* The newest input version the tables read. */
#define AWSORCH__TYPED_VERSION 1u

/* Builds an input struct's JSON; errors name the operation and the member. */
awsorch_status awsorch__typed_to_json(json_t **out, const awsorch__typed_op *op, const void *in);

/* Fills a zeroed struct from a JSON object. On AWSORCH_E_NOMEM it is partly
 * filled: release it. */
awsorch_status awsorch__typed_fill(void *obj, const awsorch__table *t, const json_t *doc);

/* Frees what a struct's members own, not the struct. */
void awsorch__typed_release(void *obj, const awsorch__table *t);

/* Releases and frees a struct; NULL is accepted. */
void awsorch__typed_free(void *obj, const awsorch__table *t);

/* Calls an operation: in is its input struct (NULL: empty); out, when not NULL,
 * is a zeroed struct of op->out->size that receives the reply. */
awsorch_status awsorch__typed_call(void *out, awsorch_client *client, const awsorch__typed_op *op,
                                   const void *in);

/* The same, with the output allocated (free it with awsorch__typed_free). */
awsorch_status awsorch__typed_call_new(void **out, awsorch_client *client,
                                       const awsorch__typed_op *op, const void *in);

/* The two halves of awsorch_paginator_next (paginator.c), so a caller can move
 * past a page only once it has used it. _peek fetches the page the paginator
 * stands at (*page_json NULL after the last) without moving: until _commit, each
 * _peek fetches that page again. A reply that is not a JSON object fails with
 * AWSORCH_E_PARSE and leaves the paginator where it was. */
awsorch_status awsorch__paginator_peek(char **page_json, awsorch_paginator *p);
awsorch_status awsorch__paginator_commit(awsorch_paginator *p);

/* An iterator over the items of a paged operation (op->out has one LIST field). */
typedef struct awsorch__typed_iter awsorch__typed_iter;

awsorch_status awsorch__typed_iter_new(awsorch__typed_iter **out, awsorch_client *client,
                                       const awsorch__typed_op *op, const void *in);

/* The next item (a pointer into the current page), or NULL after the last. */
awsorch_status awsorch__typed_iter_next(const void **item, awsorch__typed_iter *it);

void awsorch__typed_iter_free(awsorch__typed_iter *it);

/* Checks an operation's tables against its declaration: every path names a
 * declared member of a fitting type, enum names are among the declared values,
 * and every enum value has a name. On a mismatch, false and a message. */
bool awsorch__typed_check(const awsorch__typed_op *op, char *msg, size_t msg_len);

/* Step Functions' typed operations (sfn_typed.c), for the tests' checks. */
extern const awsorch__typed_op *const awsorch__sfn_typed_ops[];
extern const size_t awsorch__sfn_typed_op_count;

#endif
