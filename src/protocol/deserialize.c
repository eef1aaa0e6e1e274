/* Reply parsing for every protocol, driven by the operation's output shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "core/internal.h"
#include "core/xml.h"
#include "protocol.h"

static json_t *xml_value(xmlNode *node, const awsorch_shape *s, unsigned flags);

static const char *name_of(const awsorch_member *m)
{
    return m->location_name ? m->location_name : m->name;
}

static json_t *xml_scalar(const char *text, const awsorch_shape *s)
{
    switch (s->type) {
    case AWSORCH_INTEGER:
    case AWSORCH_LONG: return json_integer((json_int_t)strtoll(text, NULL, 10));
    case AWSORCH_DOUBLE: return json_real(strtod(text, NULL));
    case AWSORCH_BOOLEAN: return json_boolean(strcmp(text, "true") == 0);
    case AWSORCH_TIMESTAMP: {
        int64_t t = 0;
        if (awsorch_time_parse(text, &t) == AWSORCH_OK) {
            return json_integer((json_int_t)t);
        }
        return json_string(text);
    }
    case AWSORCH_BLOB: {
        size_t n = strlen(text);
        unsigned char *raw = malloc(n + 1);
        if (raw == NULL) {
            return json_null();
        }
        int len = EVP_DecodeBlock(raw, (const unsigned char *)text, (int)n);
        /* EVP_DecodeBlock counts the padding as data. */
        while (len > 0 && n > 0 && text[n - 1] == '=') {
            len--;
            n--;
        }
        json_t *r = len >= 0 ? json_stringn((const char *)raw, (size_t)len) : json_string(text);
        free(raw);
        return r ? r : json_string("");
    }
    default: return json_string(text);
    }
}

static json_t *xml_structure(xmlNode *node, const awsorch_shape *s)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < s->member_count; i++) {
        const awsorch_member *m = &s->members[i];
        if (m->location != AWSORCH_IN_BODY) {
            continue;
        }
        if (m->shape->type == AWSORCH_LIST && (m->flags & AWSORCH_FLATTENED)) {
            json_t *arr = json_array();
            for (xmlNode *c = node->children; c != NULL; c = c->next) {
                if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name_of(m)) == 0) {
                    (void)json_array_append_new(arr, xml_value(c, m->shape->element, 0));
                }
            }
            if (json_array_size(arr) > 0) {
                (void)json_object_set_new(obj, m->name, arr);
            } else {
                json_decref(arr);
            }
            continue;
        }
        xmlNode *c = awsorch__xml_child(node, name_of(m));
        if (c != NULL) {
            (void)json_object_set_new(obj, m->name, xml_value(c, m->shape, m->flags));
        }
    }
    return obj;
}

static json_t *xml_value(xmlNode *node, const awsorch_shape *s, unsigned flags)
{
    (void)flags;
    if (s->type == AWSORCH_STRUCTURE) {
        return xml_structure(node, s);
    }
    if (s->type == AWSORCH_LIST) {
        json_t *arr = json_array();
        for (xmlNode *c = node->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                (void)json_array_append_new(arr, xml_value(c, s->element, 0));
            }
        }
        return arr;
    }
    if (s->type == AWSORCH_MAP) {
        json_t *obj = json_object();
        for (xmlNode *c = node->children; c != NULL; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) {
                continue;
            }
            char *key = awsorch__xml_text_at(c, "key");
            xmlNode *v = awsorch__xml_child(c, "value");
            if (key != NULL && v != NULL) {
                (void)json_object_set_new(obj, key, xml_value(v, s->element, 0));
            }
            free(key);
        }
        return obj;
    }
    xmlChar *text = awsorch__xml_node_content(node);
    json_t *r = xml_scalar(text ? (const char *)text : "", s);
    awsorch__xml_free(text);
    return r;
}

static json_t *json_from_wire(json_t *v, const awsorch_shape *s)
{
    if (v == NULL) {
        return NULL;
    }
    switch (s->type) {
    case AWSORCH_BLOB:
        return json_is_string(v) ? xml_scalar(json_string_value(v), s) : json_incref(v);
    case AWSORCH_STRUCTURE: {
        if (!json_is_object(v)) {
            return json_incref(v);
        }
        /* Declared members first, in the model's order as the AWS CLI prints them;
         * members the model does not declare (yet) are kept as they came. */
        json_t *obj = json_object();
        for (size_t i = 0; i < s->member_count; i++) {
            const awsorch_member *m = &s->members[i];
            json_t *mv = json_from_wire(json_object_get(v, name_of(m)), m->shape);
            if (mv != NULL) {
                (void)json_object_set_new(obj, m->name, mv);
            }
        }
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e)
        {
            bool declared = false;
            for (size_t i = 0; i < s->member_count && !declared; i++) {
                declared = strcmp(name_of(&s->members[i]), key) == 0;
            }
            if (!declared) {
                (void)json_object_set(obj, key, e);
            }
        }
        return obj;
    }
    case AWSORCH_LIST: {
        if (!json_is_array(v)) {
            return json_incref(v);
        }
        json_t *arr = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            json_t *x = json_from_wire(e, s->element);
            (void)json_array_append_new(arr, x ? x : json_null());
        }
        return arr;
    }
    case AWSORCH_MAP: {
        if (!json_is_object(v)) {
            return json_incref(v);
        }
        json_t *obj = json_object();
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e)
        {
            json_t *x = json_from_wire(e, s->element);
            (void)json_object_set_new(obj, key, x ? x : json_null());
        }
        return obj;
    }
    default: return json_incref(v);
    }
}

static void rest_extras(json_t *out, const awsorch_shape *s, const awsorch_response *r)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        const awsorch_member *m = &s->members[i];
        char value[1024];
        if (m->location == AWSORCH_IN_STATUS) {
            (void)json_object_set_new(out, m->name, json_integer(r->status));
        } else if (m->location == AWSORCH_IN_HEADER && m->shape->type != AWSORCH_MAP &&
                   awsorch_response_header(r, name_of(m), value, sizeof(value))) {
            json_t *v;
            if (m->shape->type == AWSORCH_TIMESTAMP) {
                time_t t = curl_getdate(value, NULL);
                v = t > 0 ? json_integer((json_int_t)t) : json_string(value);
            } else {
                v = xml_scalar(value, m->shape);
            }
            (void)json_object_set_new(out, m->name, v);
        }
    }
}

static awsorch_status parse_failed(const awsorch_operation *op, const char *what)
{
    return awsorch__fail(AWSORCH_E_PARSE, "the reply to %s is not valid %s", op->name, what);
}

awsorch_status awsorch__deserialize_json(json_t **out, const awsorch_service_model *model,
                                         const awsorch_operation *op, const awsorch_response *reply)
{
    *out = NULL;
    static const awsorch_shape empty = {AWSORCH_STRUCTURE, NULL, 0, NULL, NULL};
    const awsorch_shape *s = op->output ? op->output : &empty;
    const char *body = reply->body ? reply->body : "";
    size_t len = reply->body_len;
    bool json_protocol =
        model->protocol != AWSORCH_REST_XML && model->protocol != AWSORCH_AWS_QUERY;
    const awsorch_member *payload = NULL;
    for (size_t i = 0; i < s->member_count; i++) {
        if (s->members[i].location == AWSORCH_IN_PAYLOAD) {
            payload = &s->members[i];
        }
    }
    json_t *result = NULL;
    if (payload != NULL &&
        (payload->shape->type == AWSORCH_BLOB || payload->shape->type == AWSORCH_STRING)) {
        result = json_object();
        json_t *raw = json_stringn(body, len);
        /* Bytes that are not UTF-8 travel base64-encoded in the JSON form. */
        if (raw == NULL) {
            char *b64 = awsorch__base64((const unsigned char *)body, len);
            raw = json_string(b64 ? b64 : "");
            free(b64);
        }
        (void)json_object_set_new(result, payload->name, raw);
    } else if (json_protocol) {
        json_t *doc = len > 0 ? json_loadb(body, len, 0, NULL) : json_object();
        if (doc == NULL) {
            return parse_failed(op, "JSON");
        }
        if (payload != NULL) {
            result = json_object();
            (void)json_object_set_new(result, payload->name, json_from_wire(doc, payload->shape));
        } else {
            result = json_from_wire(doc, s);
        }
        json_decref(doc);
    } else if (len == 0) {
        result = json_object();
    } else {
        xmlDoc *doc = NULL;
        awsorch_status st = awsorch__xml_read_memory(&doc, body, len);
        if (st != AWSORCH_OK) {
            return st;
        }
        xmlNode *root = awsorch__xml_root(doc);
        if (root == NULL) {
            awsorch__xml_free_doc(doc);
            return parse_failed(op, "XML");
        }
        xmlNode *node = root;
        if (model->protocol == AWSORCH_AWS_QUERY) {
            char name[160];
            (void)snprintf(name, sizeof(name), "%sResult", op->name);
            node = awsorch__xml_child(root, name);
        }
        if (payload != NULL) {
            result = json_object();
            (void)json_object_set_new(result, payload->name, xml_value(root, payload->shape, 0));
        } else {
            result = node ? xml_structure(node, s) : json_object();
        }
        awsorch__xml_free_doc(doc);
    }
    if (result == NULL || !json_is_object(result)) {
        json_decref(result);
        return parse_failed(op, "JSON");
    }
    rest_extras(result, s, reply);
    *out = result;
    return AWSORCH_OK;
}

/* True when the JSON reply already is the output: no renamed members, no
 * blobs to decode, no payload or REST bindings (checked to a bounded depth). */
static bool identity_shape(const awsorch_shape *s, int depth)
{
    if (s == NULL || depth > 12) {
        return s == NULL;
    }
    switch (s->type) {
    case AWSORCH_BLOB: return false;
    case AWSORCH_LIST:
    case AWSORCH_MAP: return identity_shape(s->element, depth + 1);
    case AWSORCH_STRUCTURE:
        for (size_t i = 0; i < s->member_count; i++) {
            const awsorch_member *m = &s->members[i];
            if (m->location != AWSORCH_IN_BODY ||
                (m->location_name != NULL && strcmp(m->location_name, m->name) != 0) ||
                !identity_shape(m->shape, depth + 1)) {
                return false;
            }
        }
        return true;
    default: return true;
    }
}

awsorch_status awsorch_deserialize(char **output_json, const awsorch_service_model *model,
                                   const awsorch_operation *op, const awsorch_response *reply)
{
    if (output_json == NULL || model == NULL || op == NULL || reply == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "deserialize: NULL argument");
    }
    *output_json = NULL;
    bool json_protocol =
        model->protocol == AWSORCH_AWS_JSON_1_0 || model->protocol == AWSORCH_AWS_JSON_1_1;
    if (json_protocol && reply->body_len > 0 && identity_shape(op->output, 0)) {
        /* The common case of the JSON protocols: check the reply is a JSON object,
         * then hand it over as it came instead of rebuilding it. */
        json_t *doc = json_loadb(reply->body, reply->body_len, 0, NULL);
        bool object = json_is_object(doc);
        json_decref(doc);
        if (!object) {
            return awsorch__fail(AWSORCH_E_PARSE, "the reply to %s is not valid JSON", op->name);
        }
        *output_json = malloc(reply->body_len + 1);
        if (*output_json == NULL) {
            return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        memcpy(*output_json, reply->body, reply->body_len);
        (*output_json)[reply->body_len] = '\0';
        return AWSORCH_OK;
    }
    json_t *doc = NULL;
    awsorch_status st = awsorch__deserialize_json(&doc, model, op, reply);
    if (st != AWSORCH_OK) {
        return st;
    }
    /* 15 significant digits print 1764727200.123 as written, not as 1764727200.1229999. */
    *output_json = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(doc);
    return *output_json ? AWSORCH_OK : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
}

static awsorch_status invoke(char **output_json, awsorch_client *client,
                             const awsorch_service_model *model, const awsorch_operation *op,
                             const char *input_json, awsorch_write_fn write, void *userdata,
                             const char *body_file)
{
    if (output_json == NULL || client == NULL || model == NULL || op == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "invoke: NULL argument");
    }
    *output_json = NULL;
    awsorch_request_parts parts;
    awsorch_status st = awsorch_serialize(&parts, model, op, input_json);
    if (st != AWSORCH_OK) {
        return st;
    }
    awsorch_request req = AWSORCH_REQUEST_INIT;
    req.method = parts.method;
    req.path = parts.path;
    req.query = parts.query;
    req.headers = (const char *const *)parts.headers;
    req.header_count = parts.header_count;
    req.body = parts.body;
    req.body_len = parts.body_len;
    req.bucket = parts.bucket;
    req.host_prefix = op->host_prefix;
    req.long_poll = op->long_poll;
    req.read_timeout_ms = op->long_poll ? 70000 : 0; /* above the 60 s a long poll may hold */
    req.reply_write = write;
    req.reply_userdata = userdata;
    if (body_file != NULL) {
        req.body = NULL; /* the payload member was left out of the JSON: the file is the body */
        req.body_len = 0;
        req.body_file = body_file;
    }
    awsorch_response *reply = NULL;
    st = awsorch_client_send(&reply, client, &req);
    awsorch_request_parts_free(&parts);
    if (st == AWSORCH_OK && write != NULL) {
        /* The payload went to the writer; what is left comes from the headers. */
        json_t *doc = NULL;
        st = awsorch__deserialize_json(&doc, model, op, reply);
        for (size_t i = 0; st == AWSORCH_OK && op->output && i < op->output->member_count; i++) {
            if (op->output->members[i].location == AWSORCH_IN_PAYLOAD) {
                (void)json_object_del(doc, op->output->members[i].name);
            }
        }
        if (st == AWSORCH_OK) {
            *output_json = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
            st = *output_json ? AWSORCH_OK : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
        json_decref(doc);
    } else if (st == AWSORCH_OK) {
        st = awsorch_deserialize(output_json, model, op, reply);
    }
    awsorch_response_free(reply);
    return st;
}

awsorch_status awsorch_invoke_json(char **output_json, awsorch_client *client,
                                   const awsorch_service_model *model, const awsorch_operation *op,
                                   const char *input_json)
{
    return invoke(output_json, client, model, op, input_json, NULL, NULL, NULL);
}

awsorch_status awsorch_invoke_json_stream(char **output_json, awsorch_client *client,
                                          const awsorch_service_model *model,
                                          const awsorch_operation *op, const char *input_json,
                                          awsorch_write_fn write, void *userdata)
{
    return invoke(output_json, client, model, op, input_json, write, userdata, NULL);
}

awsorch_status awsorch_invoke_json_upload(char **output_json, awsorch_client *client,
                                          const awsorch_service_model *model,
                                          const awsorch_operation *op, const char *input_json,
                                          const char *body_file)
{
    if (body_file == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "invoke_json_upload: no body file");
    }
    return invoke(output_json, client, model, op, input_json, NULL, NULL, body_file);
}
