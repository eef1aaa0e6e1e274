/* Request serialization for every protocol, driven by the operation's shapes:
 * validate the JSON input, fill idempotency tokens, then lay the members out
 * as awsJson, restJson1, restXml or awsQuery put them on the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "awsorch/model.h"
#include "core/internal.h"
#include "core/xml.h"
#include "protocol.h"

/* ---- validation ---------------------------------------------------------------- */

static const char *type_name(awsorch_type t)
{
    static const char *const names[] = {"string",    "integer", "long",      "boolean", "double",
                                        "timestamp", "blob",    "structure", "list",    "map"};
    return names[t];
}

/* "Parameter validation failed: <path> <what> <detail>", as the AWS CLI words it. */
static awsorch_status invalid(const char *path, const char *what, const char *detail)
{
    return awsorch__fail(AWSORCH_E_INVALID_ARG, "Parameter validation failed: %s %s %s",
                         path[0] ? path : "input", what, detail);
}

const awsorch_operation *awsorch_operation_find(const awsorch_operation *ops, size_t count,
                                                const char *name)
{
    for (size_t i = 0; ops != NULL && name != NULL && i < count; i++) {
        if (strcmp(ops[i].name, name) == 0) {
            return &ops[i];
        }
    }
    return NULL;
}

/* Timestamps may be given as epoch seconds or ISO 8601 text. */
static bool timestamp_value(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    int64_t t = 0;
    if (json_is_string(v) && awsorch_time_parse(json_string_value(v), &t) == AWSORCH_OK) {
        *out = (double)t;
        return true;
    }
    return false;
}

static awsorch_status validate(json_t *v, const awsorch_shape *s, const char *path);

static awsorch_status validate_structure(json_t *obj, const awsorch_shape *s, const char *path)
{
    if (!json_is_object(obj)) {
        return invalid(path, "must be a", "structure (a JSON object)");
    }
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        const awsorch_member *m = awsorch__find_member(s, key);
        if (m == NULL) {
            char names[768] = "";
            for (size_t i = 0; i < s->member_count; i++) {
                size_t used = strlen(names);
                (void)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                               s->members[i].name);
            }
            char what[1024];
            (void)snprintf(what, sizeof(what), "\"%s\", must be one of: %s", key, names);
            return awsorch__fail(AWSORCH_E_INVALID_ARG,
                                 "Parameter validation failed: Unknown parameter in %s: %s",
                                 path[0] ? path : "input", what);
        }
        char sub[512];
        (void)snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
        awsorch_status st = validate(val, m->shape, sub);
        if (st != AWSORCH_OK) {
            return st;
        }
    }
    for (size_t i = 0; i < s->member_count; i++) {
        const awsorch_member *m = &s->members[i];
        if ((m->flags & AWSORCH_IDEMPOTENCY_TOKEN) && json_object_get(obj, m->name) == NULL) {
            /* Generated once per call, so every retry carries the same token. */
            char token[37];
            awsorch__uuid4(token);
            (void)json_object_set_new(obj, m->name, json_string(token));
        }
        if ((m->flags & AWSORCH_REQUIRED) && json_object_get(obj, m->name) == NULL) {
            char what[256];
            (void)snprintf(what, sizeof(what), "Missing required parameter in %s: \"%s\"",
                           path[0] ? path : "input", m->name);
            return awsorch__fail(AWSORCH_E_INVALID_ARG, "Parameter validation failed: %s", what);
        }
    }
    return AWSORCH_OK;
}

static awsorch_status validate(json_t *v, const awsorch_shape *s, const char *path)
{
    double t;
    switch (s->type) {
    case AWSORCH_STRING:
    case AWSORCH_BLOB:
        if (!json_is_string(v)) {
            return invalid(path, "must be a", type_name(s->type));
        }
        /* Enum values are not checked here: a service adds values before an SDK
         * knows them, and the AWS CLI and SDKs leave the verdict to the service. */
        return AWSORCH_OK;
    case AWSORCH_INTEGER:
    case AWSORCH_LONG:
        return json_is_integer(v) ? AWSORCH_OK : invalid(path, "must be an", "integer");
    case AWSORCH_DOUBLE:
        return json_is_number(v) ? AWSORCH_OK : invalid(path, "must be a", "number");
    case AWSORCH_BOOLEAN:
        return json_is_boolean(v) ? AWSORCH_OK : invalid(path, "must be a", "boolean");
    case AWSORCH_TIMESTAMP:
        return timestamp_value(v, &t)
                   ? AWSORCH_OK
                   : invalid(path, "must be a", "timestamp (epoch seconds or ISO 8601)");
    case AWSORCH_STRUCTURE: return validate_structure(v, s, path);
    case AWSORCH_LIST: {
        if (!json_is_array(v)) {
            return invalid(path, "must be a", "list");
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            char sub[512];
            (void)snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            awsorch_status st = validate(e, s->element, sub);
            if (st != AWSORCH_OK) {
                return st;
            }
        }
        return AWSORCH_OK;
    }
    case AWSORCH_MAP: {
        if (!json_is_object(v)) {
            return invalid(path, "must be a", "map (a JSON object)");
        }
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e)
        {
            char sub[512];
            (void)snprintf(sub, sizeof(sub), "%s.%s", path, key);
            awsorch_status st = validate(e, s->element, sub);
            if (st != AWSORCH_OK) {
                return st;
            }
        }
        return AWSORCH_OK;
    }
    }
    return invalid(path, "has an unknown", "type");
}

const awsorch_member *awsorch__find_member(const awsorch_shape *s, const char *name)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (strcmp(s->members[i].name, name) == 0) {
            return &s->members[i];
        }
    }
    return NULL;
}

/* ---- scalars as text ------------------------------------------------------------ */

char *awsorch__base64(const unsigned char *p, size_t n)
{
    size_t cap = 4 * ((n + 2) / 3) + 1;
    char *out = malloc(cap);
    if (out != NULL) {
        (void)EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    }
    return out;
}

typedef enum ts_format { TS_ISO, TS_HTTP_DATE, TS_EPOCH } ts_format;

/* Writes a scalar as the wire text a query, header or XML element carries. */
static void scalar_text(const json_t *v, const awsorch_shape *s, ts_format ts, awsorch_buf *out)
{
    char buf[64];
    double t = 0;
    switch (s->type) {
    case AWSORCH_BOOLEAN: (void)awsorch_buf_puts(out, json_is_true(v) ? "true" : "false"); return;
    case AWSORCH_INTEGER:
    case AWSORCH_LONG:
        (void)snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        (void)awsorch_buf_puts(out, buf);
        return;
    case AWSORCH_DOUBLE:
        (void)snprintf(buf, sizeof(buf), "%.17g", json_number_value(v));
        (void)awsorch_buf_puts(out, buf);
        return;
    case AWSORCH_TIMESTAMP:
        (void)timestamp_value(v, &t);
        if (ts == TS_EPOCH) {
            (void)snprintf(buf, sizeof(buf), "%lld", (long long)t);
        } else if (ts == TS_HTTP_DATE) {
            time_t tt = (time_t)t;
            struct tm tm;
            (void)gmtime_r(&tt, &tm);
            (void)strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        } else {
            (void)awsorch_time_format_epoch((int64_t)t, AWSORCH_TIME_ISO8601_EXTENDED, buf,
                                            sizeof(buf));
        }
        (void)awsorch_buf_puts(out, buf);
        return;
    case AWSORCH_BLOB: {
        const char *raw = json_string_value(v);
        char *b64 = awsorch__base64((const unsigned char *)raw, json_string_length(v));
        (void)awsorch_buf_puts(out, b64 ? b64 : "");
        free(b64);
        return;
    }
    default: (void)awsorch_buf_puts(out, json_string_value(v)); return;
    }
}

/* ---- JSON bodies ------------------------------------------------------------------ */

/* The body as the JSON protocols send it: members in shape order, timestamps as
 * epoch seconds, blobs base64. */
static json_t *to_wire_json(const json_t *v, const awsorch_shape *s, bool body_only)
{
    double t = 0;
    switch (s->type) {
    case AWSORCH_TIMESTAMP:
        (void)timestamp_value(v, &t);
        return t == (double)(long long)t ? json_integer((json_int_t)t) : json_real(t);
    case AWSORCH_BLOB: {
        char *b64 =
            awsorch__base64((const unsigned char *)json_string_value(v), json_string_length(v));
        json_t *r = json_string(b64 ? b64 : "");
        free(b64);
        return r;
    }
    case AWSORCH_STRUCTURE: {
        json_t *obj = json_object();
        for (size_t i = 0; i < s->member_count; i++) {
            const awsorch_member *m = &s->members[i];
            json_t *mv = json_object_get(v, m->name);
            if (mv == NULL || (body_only && m->location != AWSORCH_IN_BODY)) {
                continue;
            }
            (void)json_object_set_new(obj, m->location_name ? m->location_name : m->name,
                                      to_wire_json(mv, m->shape, false));
        }
        return obj;
    }
    case AWSORCH_LIST: {
        json_t *arr = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            (void)json_array_append_new(arr, to_wire_json(e, s->element, false));
        }
        return arr;
    }
    case AWSORCH_MAP: {
        json_t *obj = json_object();
        const char *key;
        json_t *e;
        json_object_foreach((json_t *)v, key, e)
        {
            (void)json_object_set_new(obj, key, to_wire_json(e, s->element, false));
        }
        return obj;
    }
    default: return json_deep_copy(v);
    }
}

/* ---- XML bodies ----------------------------------------------------------------- */

static void to_xml(awsorch_buf *out, const char *name, const json_t *v, const awsorch_shape *s,
                   unsigned flags);

static void xml_members(awsorch_buf *out, const json_t *v, const awsorch_shape *s)
{
    for (size_t i = 0; i < s->member_count; i++) {
        const awsorch_member *m = &s->members[i];
        json_t *mv = json_object_get(v, m->name);
        if (mv != NULL && m->location == AWSORCH_IN_BODY) {
            to_xml(out, m->location_name ? m->location_name : m->name, mv, m->shape, m->flags);
        }
    }
}

static void to_xml(awsorch_buf *out, const char *name, const json_t *v, const awsorch_shape *s,
                   unsigned flags)
{
    if (s->type == AWSORCH_LIST) {
        if (!(flags & AWSORCH_FLATTENED)) {
            (void)awsorch_buf_puts(out, "<");
            (void)awsorch_buf_puts(out, name);
            (void)awsorch_buf_puts(out, ">");
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            to_xml(out, (flags & AWSORCH_FLATTENED) ? name : "member", e, s->element, 0);
        }
        if (!(flags & AWSORCH_FLATTENED)) {
            (void)awsorch_buf_puts(out, "</");
            (void)awsorch_buf_puts(out, name);
            (void)awsorch_buf_puts(out, ">");
        }
        return;
    }
    (void)awsorch_buf_puts(out, "<");
    (void)awsorch_buf_puts(out, name);
    (void)awsorch_buf_puts(out, ">");
    if (s->type == AWSORCH_STRUCTURE) {
        xml_members(out, v, s);
    } else if (s->type == AWSORCH_MAP) {
        const char *key;
        json_t *e;
        json_object_foreach((json_t *)v, key, e)
        {
            (void)awsorch_buf_puts(out, "<entry><key>");
            awsorch__xml_escape(out, key);
            (void)awsorch_buf_puts(out, "</key>");
            to_xml(out, "value", e, s->element, 0);
            (void)awsorch_buf_puts(out, "</entry>");
        }
    } else {
        awsorch_buf text = AWSORCH_BUF_INIT;
        scalar_text(v, s, TS_ISO, &text);
        awsorch__xml_escape(out, text.data ? text.data : "");
        awsorch_buf_free(&text);
    }
    (void)awsorch_buf_puts(out, "</");
    (void)awsorch_buf_puts(out, name);
    (void)awsorch_buf_puts(out, ">");
}

/* ---- awsQuery forms -------------------------------------------------------------- */

static void form_pair(awsorch_buf *out, const char *key, const char *value)
{
    (void)awsorch_buf_puts(out, "&");
    awsorch__uri_encode(out, key, strlen(key), false);
    (void)awsorch_buf_puts(out, "=");
    awsorch__uri_encode(out, value, strlen(value), false);
}

static void to_query(awsorch_buf *out, const char *prefix, const json_t *v, const awsorch_shape *s,
                     unsigned flags)
{
    char key[512];
    if (s->type == AWSORCH_STRUCTURE) {
        for (size_t i = 0; i < s->member_count; i++) {
            const awsorch_member *m = &s->members[i];
            json_t *mv = json_object_get(v, m->name);
            if (mv == NULL) {
                continue;
            }
            (void)snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "",
                           m->location_name ? m->location_name : m->name);
            to_query(out, key, mv, m->shape, m->flags);
        }
    } else if (s->type == AWSORCH_LIST) {
        if (json_array_size(v) == 0) {
            form_pair(out, prefix, ""); /* an empty list is sent as "Name=" */
            return;
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            (void)snprintf(key, sizeof(key), "%s.%s%zu", prefix,
                           (flags & AWSORCH_FLATTENED) ? "" : "member.", i + 1);
            to_query(out, key, e, s->element, 0);
        }
    } else if (s->type == AWSORCH_MAP) {
        size_t n = 1;
        const char *mk;
        json_t *e;
        json_object_foreach((json_t *)v, mk, e)
        {
            (void)snprintf(key, sizeof(key), "%s.entry.%zu.key", prefix, n);
            form_pair(out, key, mk);
            (void)snprintf(key, sizeof(key), "%s.entry.%zu.value", prefix, n);
            to_query(out, key, e, s->element, 0);
            n++;
        }
    } else {
        awsorch_buf text = AWSORCH_BUF_INIT;
        scalar_text(v, s, TS_ISO, &text);
        form_pair(out, prefix, text.data ? text.data : "");
        awsorch_buf_free(&text);
    }
}

/* ---- REST bindings ------------------------------------------------------------------ */

static awsorch_status add_header(awsorch_request_parts *p, const char *name, const char *value)
{
    char **h = realloc(p->headers, (p->header_count + 1) * sizeof(*h));
    if (h == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    p->headers = h;
    size_t len = strlen(name) + strlen(value) + 3;
    h[p->header_count] = malloc(len);
    if (h[p->header_count] == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    (void)snprintf(h[p->header_count], len, "%s: %s", name, value);
    p->header_count++;
    return AWSORCH_OK;
}

static awsorch_status rest_uri(const awsorch_operation *op, const json_t *in, awsorch_buf *path,
                               awsorch_buf *query)
{
    const char *uri = op->uri ? op->uri : "/";
    const char *q = strchr(uri, '?');
    size_t n = q ? (size_t)(q - uri) : strlen(uri);
    for (size_t i = 0; i < n; i++) {
        if (uri[i] != '{') {
            (void)awsorch_buf_append(path, &uri[i], 1);
            continue;
        }
        const char *end = memchr(uri + i, '}', n - i);
        if (end == NULL) {
            return awsorch__fail(AWSORCH_E_INTERNAL, "bad URI template %s", uri);
        }
        char label[128];
        size_t ll = (size_t)(end - uri - i - 1);
        bool greedy = ll > 0 && uri[i + ll] == '+';
        (void)snprintf(label, sizeof(label), "%.*s", (int)(greedy ? ll - 1 : ll), uri + i + 1);
        const awsorch_member *m = NULL;
        for (size_t k = 0; k < op->input->member_count; k++) {
            const awsorch_member *c = &op->input->members[k];
            if (c->location == AWSORCH_IN_URI &&
                strcmp(c->location_name ? c->location_name : c->name, label) == 0) {
                m = c;
            }
        }
        json_t *v = m ? json_object_get(in, m->name) : NULL;
        awsorch_buf text = AWSORCH_BUF_INIT;
        if (v != NULL) {
            scalar_text(v, m->shape, TS_ISO, &text);
        }
        if (text.len == 0) {
            awsorch_buf_free(&text);
            return awsorch__fail(AWSORCH_E_INVALID_ARG,
                                 "Parameter validation failed: %s must not be empty (it is part "
                                 "of the request path)",
                                 m ? m->name : label);
        }
        awsorch__uri_encode(path, text.data, text.len, greedy);
        awsorch_buf_free(&text);
        i = (size_t)(end - uri);
    }
    if (q != NULL) {
        (void)awsorch_buf_puts(query, q + 1);
    }
    for (size_t k = 0; k < op->input->member_count; k++) {
        const awsorch_member *m = &op->input->members[k];
        json_t *v = json_object_get(in, m->name);
        if (m->location != AWSORCH_IN_QUERY || v == NULL) {
            continue;
        }
        const char *key = m->location_name ? m->location_name : m->name;
        size_t count = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < count; i++) {
            const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
            const awsorch_shape *es = json_is_array(v) ? m->shape->element : m->shape;
            awsorch_buf text = AWSORCH_BUF_INIT;
            scalar_text(e, es, TS_ISO, &text);
            if (query->len > 0) {
                (void)awsorch_buf_puts(query, "&");
            }
            awsorch__uri_encode(query, key, strlen(key), false);
            (void)awsorch_buf_puts(query, "=");
            awsorch__uri_encode(query, text.data ? text.data : "", text.len, false);
            awsorch_buf_free(&text);
        }
    }
    return AWSORCH_OK;
}

static awsorch_status rest_headers(const awsorch_operation *op, const json_t *in,
                                   awsorch_request_parts *p)
{
    for (size_t k = 0; k < op->input->member_count; k++) {
        const awsorch_member *m = &op->input->members[k];
        json_t *v = json_object_get(in, m->name);
        if (m->location != AWSORCH_IN_HEADER || v == NULL) {
            continue;
        }
        const char *name = m->location_name ? m->location_name : m->name;
        awsorch_status st = AWSORCH_OK;
        if (m->shape->type == AWSORCH_MAP) {
            /* a prefix map: x-amz-meta-<key> */
            const char *key;
            json_t *e;
            json_object_foreach(v, key, e)
            {
                char full[256];
                (void)snprintf(full, sizeof(full), "%s%s", name, key);
                st = st == AWSORCH_OK ? add_header(p, full, json_string_value(e)) : st;
            }
        } else {
            awsorch_buf text = AWSORCH_BUF_INIT;
            scalar_text(v, m->shape, TS_HTTP_DATE, &text);
            if (text.data && strpbrk(text.data, "\r\n") != NULL) {
                st = awsorch__fail(AWSORCH_E_INVALID_ARG,
                                   "Parameter validation failed: %s must not contain a line break",
                                   m->name);
            } else {
                st = add_header(p, name, text.data ? text.data : "");
            }
            awsorch_buf_free(&text);
        }
        if (st != AWSORCH_OK) {
            return st;
        }
    }
    return AWSORCH_OK;
}

static const awsorch_member *payload_member(const awsorch_shape *s)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (s->members[i].location == AWSORCH_IN_PAYLOAD) {
            return &s->members[i];
        }
    }
    return NULL;
}

static bool has_body_members(const awsorch_shape *s, const json_t *in)
{
    for (size_t i = 0; i < s->member_count; i++) {
        if (s->members[i].location == AWSORCH_IN_BODY &&
            json_object_get(in, s->members[i].name) != NULL) {
            return true;
        }
    }
    return false;
}

static awsorch_status set_body(awsorch_request_parts *p, const char *data, size_t len)
{
    p->body = malloc(len + 1);
    if (p->body == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    if (len > 0) {
        memcpy(p->body, data, len);
    }
    p->body[len] = '\0';
    p->body_len = len;
    return AWSORCH_OK;
}

static awsorch_status dump_json_body(awsorch_request_parts *p, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    awsorch_status st = set_body(p, text, strlen(text));
    free(text);
    return st;
}

static awsorch_status rest_body(const awsorch_service_model *model, const awsorch_operation *op,
                                json_t *in, awsorch_request_parts *p)
{
    bool json = model->protocol == AWSORCH_REST_JSON_1;
    const awsorch_member *pm = payload_member(op->input);
    if (pm != NULL) {
        json_t *v = json_object_get(in, pm->name);
        if (v == NULL) {
            return AWSORCH_OK;
        }
        if (pm->shape->type == AWSORCH_BLOB || pm->shape->type == AWSORCH_STRING) {
            return set_body(p, json_string_value(v), json_string_length(v));
        }
        if (json) {
            json_t *doc = to_wire_json(v, pm->shape, false);
            awsorch_status st = dump_json_body(p, doc);
            json_decref(doc);
            return st == AWSORCH_OK ? add_header(p, "Content-Type", "application/json") : st;
        }
        awsorch_buf xml = AWSORCH_BUF_INIT;
        to_xml(&xml, pm->location_name ? pm->location_name : pm->name, v, pm->shape, 0);
        awsorch_status st = set_body(p, xml.data ? xml.data : "", xml.len);
        awsorch_buf_free(&xml);
        return st;
    }
    if (!has_body_members(op->input, in)) {
        return AWSORCH_OK;
    }
    if (json) {
        json_t *doc = to_wire_json(in, op->input, true);
        awsorch_status st = dump_json_body(p, doc);
        json_decref(doc);
        return st == AWSORCH_OK ? add_header(p, "Content-Type", "application/json") : st;
    }
    awsorch_buf xml = AWSORCH_BUF_INIT;
    const char *root = op->xml_root ? op->xml_root : op->name;
    (void)awsorch_buf_puts(&xml, "<");
    (void)awsorch_buf_puts(&xml, root);
    if (model->xml_namespace != NULL) {
        (void)awsorch_buf_puts(&xml, " xmlns=\"");
        (void)awsorch_buf_puts(&xml, model->xml_namespace);
        (void)awsorch_buf_puts(&xml, "\"");
    }
    (void)awsorch_buf_puts(&xml, ">");
    xml_members(&xml, in, op->input);
    (void)awsorch_buf_puts(&xml, "</");
    (void)awsorch_buf_puts(&xml, root);
    (void)awsorch_buf_puts(&xml, ">");
    awsorch_status st = set_body(p, xml.data, xml.len);
    awsorch_buf_free(&xml);
    return st == AWSORCH_OK ? add_header(p, "Content-Type", "application/xml") : st;
}

/* ---- entry point --------------------------------------------------------------------- */

static const awsorch_shape empty_shape = {AWSORCH_STRUCTURE, NULL, 0, NULL, NULL};

awsorch_status awsorch__serialize_json(awsorch_request_parts *out,
                                       const awsorch_service_model *model,
                                       const awsorch_operation *op, json_t *in)
{
    memset(out, 0, sizeof(*out));
    const awsorch_shape *input = op->input ? op->input : &empty_shape;
    awsorch_operation effective = *op;
    effective.input = input;
    awsorch_status st = validate_structure(in, input, "");
    if (st != AWSORCH_OK) {
        return st;
    }
    awsorch_buf path = AWSORCH_BUF_INIT;
    awsorch_buf query = AWSORCH_BUF_INIT;
    switch (model->protocol) {
    case AWSORCH_AWS_JSON_1_0:
    case AWSORCH_AWS_JSON_1_1: {
        char target[256];
        (void)snprintf(target, sizeof(target), "%s.%s", model->target_prefix, op->name);
        st = add_header(out, "Content-Type",
                        model->protocol == AWSORCH_AWS_JSON_1_0 ? "application/x-amz-json-1.0"
                                                                : "application/x-amz-json-1.1");
        if (st == AWSORCH_OK) {
            st = add_header(out, "X-Amz-Target", target);
        }
        if (st == AWSORCH_OK) {
            json_t *doc = to_wire_json(in, input, false);
            st = dump_json_body(out, doc);
            json_decref(doc);
        }
        (void)awsorch_buf_puts(&path, "/");
        out->method = strdup("POST");
        break;
    }
    case AWSORCH_AWS_QUERY: {
        awsorch_buf form = AWSORCH_BUF_INIT;
        (void)awsorch_buf_puts(&form, "Action=");
        awsorch__uri_encode(&form, op->name, strlen(op->name), false);
        (void)awsorch_buf_puts(&form, "&Version=");
        awsorch__uri_encode(&form, model->api_version, strlen(model->api_version), false);
        to_query(&form, "", in, input, 0);
        st = set_body(out, form.data, form.len);
        awsorch_buf_free(&form);
        if (st == AWSORCH_OK) {
            st =
                add_header(out, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        }
        (void)awsorch_buf_puts(&path, "/");
        out->method = strdup("POST");
        break;
    }
    case AWSORCH_REST_JSON_1:
    case AWSORCH_REST_XML:
        st = rest_uri(&effective, in, &path, &query);
        if (st == AWSORCH_OK) {
            st = rest_headers(&effective, in, out);
        }
        if (st == AWSORCH_OK) {
            st = rest_body(model, &effective, in, out);
        }
        out->method = strdup(op->method ? op->method : "GET");
        break;
    }
    if (st == AWSORCH_OK && out->method == NULL) {
        st = awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    const awsorch_member *bucket = awsorch__find_member(input, "Bucket");
    json_t *bucket_value = json_object_get(in, "Bucket");
    if (st == AWSORCH_OK && strcmp(model->service.endpoint_prefix, "s3") == 0 && bucket != NULL &&
        bucket->location == AWSORCH_IN_URI && json_is_string(bucket_value)) {
        out->bucket = strdup(json_string_value(bucket_value));
    }
    if (st == AWSORCH_OK) {
        out->path = path.data ? path.data : strdup("/");
        out->query = query.len > 0 ? query.data : NULL;
        if (query.len == 0) {
            awsorch_buf_free(&query);
        }
        return AWSORCH_OK;
    }
    awsorch_buf_free(&path);
    awsorch_buf_free(&query);
    awsorch_request_parts_free(out);
    return st;
}

awsorch_status awsorch_serialize(awsorch_request_parts *out, const awsorch_service_model *model,
                                 const awsorch_operation *op, const char *input_json)
{
    if (out == NULL || model == NULL || op == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "serialize: NULL argument");
    }
    memset(out, 0, sizeof(*out));
    json_error_t err;
    json_t *in =
        json_loads(input_json && input_json[0] ? input_json : "{}", JSON_REJECT_DUPLICATES, &err);
    if (in == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "the input of %s is not valid JSON: %s",
                             op->name, err.text);
    }
    awsorch_status st = awsorch__serialize_json(out, model, op, in);
    json_decref(in);
    return st;
}

void awsorch_request_parts_free(awsorch_request_parts *parts)
{
    if (parts == NULL) {
        return;
    }
    free(parts->method);
    free(parts->path);
    free(parts->query);
    for (size_t i = 0; i < parts->header_count; i++) {
        free(parts->headers[i]);
    }
    free(parts->headers);
    free(parts->body);
    free(parts->bucket);
    memset(parts, 0, sizeof(*parts));
}
