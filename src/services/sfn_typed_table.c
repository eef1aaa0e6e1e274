/* The table-driven typed layer: struct to JSON for inputs, JSON to struct for
 * outputs, freeing, paging, and the check of the tables against the model. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sfn_typed_table.h"

/* Path segments are member names; longer ones are a bug in a table. */
#define MAX_SEGMENT 128
/* A service that keeps answering empty pages with new tokens would otherwise
 * hold the caller inside one _next call for ever. */
#define MAX_EMPTY_PAGES 100

/* ---- members by offset ---------------------------------------------------------
 * Read and written with memcpy: a table reaches `const char *` input members and
 * enum members through one generic type. */

static void *member(const void *obj, size_t offset)
{
    return (char *)(uintptr_t)obj + offset;
}

static void *get_ptr(const void *obj, size_t offset)
{
    void *p;
    memcpy(&p, member(obj, offset), sizeof(p));
    return p;
}

static void set_ptr(void *obj, size_t offset, const void *p)
{
    memcpy(member(obj, offset), &p, sizeof(p));
}

static int get_int(const void *obj, size_t offset)
{
    int v;
    memcpy(&v, member(obj, offset), sizeof(v));
    return v;
}

static void set_int(void *obj, size_t offset, int v)
{
    memcpy(member(obj, offset), &v, sizeof(v));
}

static size_t get_size(const void *obj, size_t offset)
{
    size_t v;
    memcpy(&v, member(obj, offset), sizeof(v));
    return v;
}

static void set_size(void *obj, size_t offset, size_t v)
{
    memcpy(member(obj, offset), &v, sizeof(v));
}

/* ---- paths ------------------------------------------------------------------------ */

/* Copies the first segment of path into seg; returns the rest ("" at the end),
 * or NULL when the segment does not fit. */
static const char *next_segment(const char *path, char seg[MAX_SEGMENT])
{
    const char *dot = strchr(path, '.');
    size_t n = dot != NULL ? (size_t)(dot - path) : strlen(path);
    if (n >= MAX_SEGMENT) {
        return NULL;
    }
    memcpy(seg, path, n);
    seg[n] = '\0';
    return dot != NULL ? dot + 1 : path + n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static json_t *lookup(const json_t *doc, const char *path)
{
    json_t *cur = (json_t *)(uintptr_t)doc;
    char seg[MAX_SEGMENT];
    while (cur != NULL && path != NULL && *path != '\0') {
        path = next_segment(path, seg);
        if (path == NULL || !json_is_object(cur)) {
            return NULL;
        }
        if (seg[0] == '*') {
            json_t *found = NULL;
            const char *key;
            json_t *v;
            json_object_foreach(cur, key, v)
            {
                if (found == NULL && ends_with(key, seg + 1)) {
                    found = v;
                }
            }
            cur = found;
        } else {
            cur = json_object_get(cur, seg);
        }
    }
    return cur;
}

/* Sets root.<path> = v (taking v), creating the structures on the way. */
static awsorch_status put(json_t *root, const char *path, json_t *v)
{
    char seg[MAX_SEGMENT];
    json_t *parent = root;
    const char *rest = next_segment(path, seg);
    while (rest != NULL && *rest != '\0' && parent != NULL) {
        json_t *child = json_object_get(parent, seg);
        if (child == NULL) {
            child = json_object();
            if (child == NULL || json_object_set_new(parent, seg, child) != 0) {
                parent = NULL;
                break;
            }
        }
        parent = child;
        rest = next_segment(rest, seg);
    }
    if (rest == NULL || parent == NULL || json_object_set_new(parent, seg, v) != 0) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    return AWSORCH_OK;
}

/* ---- inputs ----------------------------------------------------------------------- */

static awsorch_status struct_to_json(json_t *obj, const awsorch__table *t, const void *in,
                                     const char *op_name);

static awsorch_status field_to_json(json_t **out, const awsorch__field *f, const void *in,
                                    const char *op_name)
{
    *out = NULL;
    const char *text = NULL;
    int v = 0;
    switch (f->kind) {
    case AWSORCH__STR:
        text = get_ptr(in, f->offset);
        if (text != NULL && (*out = json_string(text)) == NULL) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: %s is not valid UTF-8", op_name,
                                 f->path);
        }
        return AWSORCH_OK;
    case AWSORCH__JSON: {
        text = get_ptr(in, f->offset);
        if (text == NULL) {
            return AWSORCH_OK;
        }
        json_error_t err;
        *out = json_loads(text, JSON_DECODE_ANY, &err);
        if (*out == NULL) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: %s is not valid JSON: %s", op_name,
                                 f->path, err.text);
        }
        return AWSORCH_OK;
    }
    case AWSORCH__TIME: {
        double d;
        memcpy(&d, member(in, f->offset), sizeof(d));
        *out = d != 0 ? json_real(d) : NULL;
        break;
    }
    case AWSORCH__I64: {
        int64_t n;
        memcpy(&n, member(in, f->offset), sizeof(n));
        *out = n != 0 ? json_integer((json_int_t)n) : NULL;
        break;
    }
    case AWSORCH__INT:
        v = get_int(in, f->offset);
        *out = v != 0 ? json_integer(v) : NULL;
        break;
    case AWSORCH__BOOL: {
        bool b;
        memcpy(&b, member(in, f->offset), sizeof(b));
        *out = b ? json_true() : NULL;
        break;
    }
    case AWSORCH__FLAG:
        v = get_int(in, f->offset);
        *out = v != -1 ? json_boolean(v != 0) : NULL;
        break;
    case AWSORCH__ENUM:
        v = get_int(in, f->offset);
        if (v == 0) {
            return AWSORCH_OK;
        }
        if (v < 0 || (size_t)v >= f->name_count || f->names[v] == NULL) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: %d is not a value of %s", op_name, v,
                                 f->path);
        }
        *out = json_string(f->names[v]);
        break;
    case AWSORCH__LIST: {
        const char *items = get_ptr(in, f->offset);
        size_t count = get_size(in, f->count_offset);
        if (count == 0) {
            return AWSORCH_OK;
        }
        if (items == NULL) {
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: %s has a count but no items", op_name,
                                 f->path);
        }
        json_t *arr = json_array();
        for (size_t i = 0; arr != NULL && i < count; i++) {
            json_t *e = json_object();
            if (e == NULL || json_array_append_new(arr, e) != 0) {
                json_decref(arr);
                arr = NULL;
                break;
            }
            awsorch_status st =
                struct_to_json(e, f->element, items + i * f->element->size, op_name);
            if (st != AWSORCH_OK) {
                json_decref(arr);
                return st;
            }
        }
        if (arr == NULL) {
            return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        *out = arr;
        return AWSORCH_OK;
    }
    }
    return AWSORCH_OK;
}

static awsorch_status struct_to_json(json_t *obj, const awsorch__table *t, const void *in,
                                     const char *op_name)
{
    for (size_t i = 0; i < t->count; i++) {
        json_t *v = NULL;
        awsorch_status st = field_to_json(&v, &t->fields[i], in, op_name);
        if (st == AWSORCH_OK && v != NULL) {
            st = put(obj, t->fields[i].path, v);
        }
        if (st != AWSORCH_OK) {
            return st;
        }
    }
    return AWSORCH_OK;
}

awsorch_status awsorch__typed_to_json(json_t **out, const awsorch__typed_op *op, const void *in)
{
    *out = json_object();
    if (*out == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    if (in == NULL || op->in == NULL) {
        return AWSORCH_OK;
    }
    unsigned version;
    memcpy(&version, in, sizeof(version));
    if (version == 0 || version > AWSORCH__TYPED_VERSION) {
        json_decref(*out);
        *out = NULL;
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "%s: input version %u is not one this library reads (start from "
                             "the input's _INIT macro)",
                             op->name, version);
    }
    awsorch_status st = struct_to_json(*out, op->in, in, op->name);
    if (st != AWSORCH_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* ---- outputs ---------------------------------------------------------------------- */

/* Doubles outside this range do not convert to int64_t. */
#define INT64_LIMIT 9.2e18

static int64_t integer_of(const json_t *v)
{
    if (json_is_integer(v)) {
        return (int64_t)json_integer_value(v);
    }
    double d = json_number_value(v);
    return d > -INT64_LIMIT && d < INT64_LIMIT ? (int64_t)d : 0;
}

static awsorch_status fill_field(void *obj, const awsorch__field *f, const json_t *v)
{
    void *dst = member(obj, f->offset);
    switch (f->kind) {
    case AWSORCH__STR:
    case AWSORCH__JSON: {
        /* Several paths may feed one member: the first present wins. */
        if (get_ptr(obj, f->offset) != NULL || (f->kind == AWSORCH__STR && !json_is_string(v))) {
            return AWSORCH_OK;
        }
        char *text = f->kind == AWSORCH__STR
                         ? strdup(json_string_value(v))
                         : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        if (text == NULL) {
            return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        set_ptr(obj, f->offset, text);
        return AWSORCH_OK;
    }
    case AWSORCH__TIME: {
        double d = 0;
        int64_t t = 0;
        if (json_is_number(v)) {
            d = json_number_value(v);
        } else if (json_is_string(v) &&
                   awsorch_time_parse(json_string_value(v), &t) == AWSORCH_OK) {
            d = (double)t;
        }
        memcpy(dst, &d, sizeof(d));
        return AWSORCH_OK;
    }
    case AWSORCH__I64:
        if (json_is_number(v)) {
            int64_t n = integer_of(v);
            memcpy(dst, &n, sizeof(n));
        }
        return AWSORCH_OK;
    case AWSORCH__INT:
        if (json_is_number(v)) {
            int64_t n = integer_of(v);
            set_int(obj, f->offset, n >= INT32_MIN && n <= INT32_MAX ? (int)n : 0);
        }
        return AWSORCH_OK;
    case AWSORCH__BOOL:
        if (json_is_boolean(v)) {
            bool b = json_is_true(v);
            memcpy(dst, &b, sizeof(b));
        }
        return AWSORCH_OK;
    case AWSORCH__FLAG:
        if (json_is_boolean(v)) {
            set_int(obj, f->offset, json_is_true(v) ? 1 : 0);
        }
        return AWSORCH_OK;
    case AWSORCH__ENUM:
        for (size_t k = 1; json_is_string(v) && k < f->name_count; k++) {
            if (f->names[k] != NULL && strcmp(f->names[k], json_string_value(v)) == 0) {
                set_int(obj, f->offset, (int)k);
            }
        }
        return AWSORCH_OK;
    case AWSORCH__LIST: {
        size_t n = json_array_size(v);
        if (n == 0 || get_ptr(obj, f->offset) != NULL) {
            return AWSORCH_OK;
        }
        char *items = calloc(n, f->element->size);
        if (items == NULL) {
            return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        /* Owned by obj from here, so releasing obj frees a partial list too. */
        set_ptr(obj, f->offset, items);
        set_size(obj, f->count_offset, n);
        for (size_t i = 0; i < n; i++) {
            awsorch_status st =
                awsorch__typed_fill(items + i * f->element->size, f->element, json_array_get(v, i));
            if (st != AWSORCH_OK) {
                return st;
            }
        }
        return AWSORCH_OK;
    }
    }
    return AWSORCH_OK;
}

awsorch_status awsorch__typed_fill(void *obj, const awsorch__table *t, const json_t *doc)
{
    for (size_t i = 0; json_is_object(doc) && i < t->count; i++) {
        json_t *v = lookup(doc, t->fields[i].path);
        awsorch_status st = v != NULL ? fill_field(obj, &t->fields[i], v) : AWSORCH_OK;
        if (st != AWSORCH_OK) {
            return st;
        }
    }
    return AWSORCH_OK;
}

/* True when an earlier field fills the same member (an alternative path). */
static bool seen_before(const awsorch__table *t, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (t->fields[j].offset == t->fields[i].offset) {
            return true;
        }
    }
    return false;
}

void awsorch__typed_release(void *obj, const awsorch__table *t)
{
    for (size_t i = 0; obj != NULL && i < t->count; i++) {
        const awsorch__field *f = &t->fields[i];
        if (seen_before(t, i)) {
            continue;
        }
        if (f->kind == AWSORCH__STR || f->kind == AWSORCH__JSON) {
            free(get_ptr(obj, f->offset));
            set_ptr(obj, f->offset, NULL);
        } else if (f->kind == AWSORCH__LIST) {
            char *items = get_ptr(obj, f->offset);
            size_t n = items != NULL ? get_size(obj, f->count_offset) : 0;
            for (size_t k = 0; k < n; k++) {
                awsorch__typed_release(items + k * f->element->size, f->element);
            }
            free(items);
            set_ptr(obj, f->offset, NULL);
            set_size(obj, f->count_offset, 0);
        }
    }
}

void awsorch__typed_free(void *obj, const awsorch__table *t)
{
    awsorch__typed_release(obj, t);
    free(obj);
}

/* ---- calls ------------------------------------------------------------------------ */

static const awsorch_operation *declared(const awsorch__typed_op *op)
{
    return awsorch_operation_find(op->service->operations, *op->service->operation_count, op->name);
}

/* The input struct as the JSON text awsorch_invoke_json takes. */
static awsorch_status input_text(char **out, const awsorch__typed_op *op, const void *in)
{
    *out = NULL;
    json_t *doc = NULL;
    awsorch_status st = awsorch__typed_to_json(&doc, op, in);
    if (st != AWSORCH_OK) {
        return st;
    }
    *out = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return *out != NULL ? AWSORCH_OK : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
}

/* Fills out (zeroed) from a reply's JSON text; released again on failure. */
static awsorch_status fill_from_text(void *out, const awsorch__table *t, const char *text,
                                     const char *op_name)
{
    json_error_t err;
    json_t *doc = json_loads(text != NULL ? text : "{}", 0, &err);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return awsorch__fail(AWSORCH_E_PARSE, "%s: the reply is not a JSON object", op_name);
    }
    awsorch_status st = awsorch__typed_fill(out, t, doc);
    json_decref(doc);
    if (st != AWSORCH_OK) {
        awsorch__typed_release(out, t);
    }
    return st;
}

awsorch_status awsorch__typed_call(void *out, awsorch_client *client, const awsorch__typed_op *op,
                                   const void *in)
{
    if (client == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: NULL client", op->name);
    }
    const awsorch_operation *decl = declared(op);
    if (decl == NULL) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "%s is not declared", op->name);
    }
    char *input = NULL;
    awsorch_status st = input_text(&input, op, in);
    char *reply = NULL;
    if (st == AWSORCH_OK) {
        st = awsorch_invoke_json(&reply, client, op->service->model, decl, input);
    }
    if (st == AWSORCH_OK && out != NULL && op->out != NULL) {
        st = fill_from_text(out, op->out, reply, op->name);
    }
    free(input);
    free(reply);
    return st;
}

awsorch_status awsorch__typed_call_new(void **out, awsorch_client *client,
                                       const awsorch__typed_op *op, const void *in)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: NULL output", op->name);
    }
    *out = NULL;
    void *obj = calloc(1, op->out->size);
    if (obj == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    awsorch_status st = awsorch__typed_call(obj, client, op, in);
    if (st != AWSORCH_OK) {
        free(obj); /* typed_call released its members */
        return st;
    }
    *out = obj;
    return AWSORCH_OK;
}

/* ---- iterators -------------------------------------------------------------------- */

struct awsorch__typed_iter {
    const awsorch__typed_op *op;
    const awsorch__field *list; /* the page's list of items */
    awsorch_paginator *pages;
    void *page;  /* the current page, filled by op->out */
    size_t next; /* its next item */
};

static const awsorch__field *list_field(const awsorch__table *t)
{
    for (size_t i = 0; t != NULL && i < t->count; i++) {
        if (t->fields[i].kind == AWSORCH__LIST) {
            return &t->fields[i];
        }
    }
    return NULL;
}

static const awsorch_paginator_spec *paginator_of(const awsorch__typed_op *op)
{
    const awsorch__typed_service *s = op->service;
    for (size_t i = 0; i < *s->paginator_count; i++) {
        if (strcmp(s->paginators[i].operation, op->name) == 0) {
            return &s->paginators[i];
        }
    }
    return NULL;
}

awsorch_status awsorch__typed_iter_new(awsorch__typed_iter **out, awsorch_client *client,
                                       const awsorch__typed_op *op, const void *in)
{
    if (out == NULL || client == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: NULL argument", op->name);
    }
    *out = NULL;
    const awsorch_operation *decl = declared(op);
    const awsorch_paginator_spec *spec = paginator_of(op);
    const awsorch__field *list = list_field(op->out);
    if (decl == NULL || spec == NULL || list == NULL) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "%s is not declared as paged", op->name);
    }
    char *input = NULL;
    awsorch_status st = input_text(&input, op, in);
    if (st != AWSORCH_OK) {
        return st;
    }
    awsorch__typed_iter *it = calloc(1, sizeof(*it));
    void *page = calloc(1, op->out->size);
    awsorch_paginator *pages = NULL;
    st = it != NULL && page != NULL
             ? awsorch_paginator_new(&pages, client, op->service->model, decl, spec, input)
             : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    free(input);
    if (st != AWSORCH_OK) {
        free(it);
        free(page);
        return st;
    }
    *it = (awsorch__typed_iter){op, list, pages, page, 0};
    *out = it;
    return AWSORCH_OK;
}

awsorch_status awsorch__typed_iter_next(const void **item, awsorch__typed_iter *it)
{
    if (item == NULL || it == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "iterator next: NULL argument");
    }
    *item = NULL;
    for (int empty = 0; empty < MAX_EMPTY_PAGES; empty++) {
        const char *items = get_ptr(it->page, it->list->offset);
        if (items != NULL && it->next < get_size(it->page, it->list->count_offset)) {
            *item = items + it->next++ * it->list->element->size;
            return AWSORCH_OK;
        }
        awsorch__typed_release(it->page, it->op->out);
        it->next = 0;
        char *text = NULL;
        awsorch_status st = awsorch__paginator_peek(&text, it->pages);
        if (st != AWSORCH_OK || text == NULL) {
            return st; /* text NULL: past the last page */
        }
        st = fill_from_text(it->page, it->op->out, text, it->op->name);
        free(text);
        /* Only a page that was read moves the paginator on: a failed call is
         * repeated with the same token. */
        if (st == AWSORCH_OK && (st = awsorch__paginator_commit(it->pages)) != AWSORCH_OK) {
            awsorch__typed_release(it->page, it->op->out);
        }
        if (st != AWSORCH_OK) {
            return st;
        }
    }
    /* Not the service's error: the record carries no service code. */
    return awsorch__fail(AWSORCH_E_PARSE, "%s returned %d empty pages in a row", it->op->name,
                         MAX_EMPTY_PAGES);
}

void awsorch__typed_iter_free(awsorch__typed_iter *it)
{
    if (it == NULL) {
        return;
    }
    awsorch_paginator_free(it->pages);
    awsorch__typed_free(it->page, it->op->out);
    free(it);
}

/* ---- checks against the model ----------------------------------------------------- */

static bool fits(awsorch__kind kind, awsorch_type type)
{
    switch (kind) {
    case AWSORCH__STR:
    case AWSORCH__ENUM: return type == AWSORCH_STRING;
    case AWSORCH__JSON: return true;
    case AWSORCH__TIME: return type == AWSORCH_TIMESTAMP;
    case AWSORCH__I64:
    case AWSORCH__INT: return type == AWSORCH_INTEGER || type == AWSORCH_LONG;
    case AWSORCH__BOOL:
    case AWSORCH__FLAG: return type == AWSORCH_BOOLEAN;
    case AWSORCH__LIST: return type == AWSORCH_LIST;
    }
    return false;
}

static const awsorch_member *member_of(const awsorch_shape *s, const char *name)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (strcmp(s->members[i].name, name) == 0) {
            return &s->members[i];
        }
    }
    return NULL;
}

static bool in_names(const char *value, const awsorch__field *f)
{
    for (size_t k = 1; k < f->name_count; k++) {
        if (f->names[k] != NULL && strcmp(f->names[k], value) == 0) {
            return true;
        }
    }
    return false;
}

/* The enum's names and the declared values are the same set, with no gaps. */
static bool check_enum(const awsorch__field *f, const awsorch_shape *s, char *msg, size_t len,
                       const char *where)
{
    for (size_t k = 1; k < f->name_count; k++) {
        bool declared = s->enum_values == NULL;
        for (const char *const *e = s->enum_values; e != NULL && *e != NULL; e++) {
            declared = declared || (f->names[k] != NULL && strcmp(*e, f->names[k]) == 0);
        }
        if (f->names[k] == NULL || !declared) {
            (void)snprintf(msg, len, "%s.%s: value %zu (%s) is not declared", where, f->path, k,
                           f->names[k] ? f->names[k] : "no name");
            return false;
        }
    }
    for (const char *const *e = s->enum_values; e != NULL && *e != NULL; e++) {
        if (!in_names(*e, f)) {
            (void)snprintf(msg, len, "%s.%s: the declared value %s has no enum value", where,
                           f->path, *e);
            return false;
        }
    }
    return true;
}

static bool check_table(const awsorch__table *t, const awsorch_shape *shape, bool input, char *msg,
                        size_t len, const char *where)
{
    for (size_t i = 0; i < t->count; i++) {
        const awsorch__field *f = &t->fields[i];
        const awsorch_shape *s = shape;
        char seg[MAX_SEGMENT];
        const char *rest = f->path;
        bool undeclared_ok = false;
        while (s != NULL && rest != NULL && *rest != '\0') {
            rest = next_segment(rest, seg);
            if (seg[0] == '*' && !input) {
                undeclared_ok = true; /* members the parser keeps as they come */
                break;
            }
            const awsorch_member *m = s->type == AWSORCH_STRUCTURE ? member_of(s, seg) : NULL;
            s = m != NULL ? m->shape : NULL;
        }
        if (undeclared_ok) {
            continue;
        }
        if (s == NULL || rest == NULL) {
            (void)snprintf(msg, len, "%s: %s is not a declared member", where, f->path);
            return false;
        }
        if (!fits(f->kind, s->type)) {
            (void)snprintf(msg, len, "%s: %s has a C type that does not fit its declaration", where,
                           f->path);
            return false;
        }
        if (f->kind == AWSORCH__ENUM && !check_enum(f, s, msg, len, where)) {
            return false;
        }
        if (f->kind == AWSORCH__LIST &&
            (s->element == NULL || s->element->type != AWSORCH_STRUCTURE ||
             !check_table(f->element, s->element, input, msg, len, where))) {
            if (msg[0] == '\0') {
                (void)snprintf(msg, len, "%s: %s is not a list of structures", where, f->path);
            }
            return false;
        }
    }
    /* A required member the table cannot set would make every typed call fail. */
    for (size_t i = 0; input && shape != NULL && i < shape->member_count; i++) {
        const awsorch_member *m = &shape->members[i];
        bool covered = false;
        for (size_t k = 0; k < t->count && !covered; k++) {
            covered = strcmp(t->fields[k].path, m->name) == 0;
        }
        if ((m->flags & AWSORCH_REQUIRED) && !covered) {
            (void)snprintf(msg, len, "%s: the required member %s has no field", where, m->name);
            return false;
        }
    }
    return true;
}

bool awsorch__typed_check(const awsorch__typed_op *op, char *msg, size_t msg_len)
{
    msg[0] = '\0';
    const awsorch_operation *decl = declared(op);
    char where[160];
    if (decl == NULL) {
        (void)snprintf(msg, msg_len, "%s is not declared", op->name);
        return false;
    }
    (void)snprintf(where, sizeof(where), "%s input", op->name);
    if (op->in != NULL && !check_table(op->in, decl->input, true, msg, msg_len, where)) {
        return false;
    }
    (void)snprintf(where, sizeof(where), "%s output", op->name);
    if (op->out != NULL && !check_table(op->out, decl->output, false, msg, msg_len, where)) {
        return false;
    }
    return true;
}
