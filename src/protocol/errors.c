#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xml.h"

/* "aws.protocoltests#ValidationException:http://..." -> "ValidationException" */
static void clean_code(const char *raw, char *out, size_t out_len)
{
    const char *start = strrchr(raw, '#');
    start = start ? start + 1 : raw;
    size_t n = strcspn(start, ":");
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t')) {
        n--;
    }
    (void)snprintf(out, out_len, "%.*s", (int)n, start);
}

static const char *json_str(json_t *doc, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(doc, keys[i]);
        if (json_is_string(v)) {
            return json_string_value(v);
        }
    }
    return NULL;
}

static void from_json(const char *body, size_t len, awsorch__aws_error *out)
{
    json_t *doc = json_loadb(body, len, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return;
    }
    static const char *const code_keys[] = {"__type", "code", "Code"};
    static const char *const msg_keys[] = {"message", "Message", "errorMessage", "error_message"};
    const char *code = json_str(doc, code_keys, 3);
    const char *msg = json_str(doc, msg_keys, 4);
    if (out->code[0] == '\0' && code != NULL) {
        clean_code(code, out->code, sizeof(out->code));
    }
    if (msg != NULL) {
        (void)snprintf(out->message, sizeof(out->message), "%s", msg);
    }
    json_decref(doc);
}

static void from_xml(const char *body, size_t len, awsorch__aws_error *out)
{
    xmlDoc *doc = NULL;
    if (awsorch__xml_read_memory(&doc, body, len) != AWSORCH_OK) {
        /* libxml2 did not load: no code, but say why in the message. */
        (void)snprintf(out->message, sizeof(out->message), "%s", awsorch_error_last()->message);
        return;
    }
    xmlNode *root = awsorch__xml_root(doc);
    if (root == NULL) {
        awsorch__xml_free_doc(doc);
        return;
    }
    /* S3: <Error><Code>; awsQuery: <ErrorResponse><Error><Code>. */
    xmlNode *err =
        strcmp((const char *)root->name, "Error") == 0 ? root : awsorch__xml_child(root, "Error");
    char *code = err ? awsorch__xml_text_at(err, "Code") : NULL;
    char *msg = err ? awsorch__xml_text_at(err, "Message") : NULL;
    char *rid = awsorch__xml_text_at(root, "RequestId");
    if (rid == NULL && err != NULL) {
        rid = awsorch__xml_text_at(err, "RequestId");
    }
    if (code != NULL && out->code[0] == '\0') {
        clean_code(code, out->code, sizeof(out->code));
    }
    if (msg != NULL) {
        (void)snprintf(out->message, sizeof(out->message), "%s", msg);
    }
    if (rid != NULL && out->request_id[0] == '\0') {
        (void)snprintf(out->request_id, sizeof(out->request_id), "%s", rid);
    }
    free(code);
    free(msg);
    free(rid);
    awsorch__xml_free_doc(doc);
}

void awsorch__parse_aws_error(const char *body, size_t body_len, awsorch__header_fn get_header,
                              void *ctx, awsorch__aws_error *out)
{
    memset(out, 0, sizeof(*out));
    char value[256];
    if (get_header(ctx, "x-amzn-ErrorType", value, sizeof(value))) {
        clean_code(value, out->code, sizeof(out->code));
    }
    static const char *const rid_headers[] = {"x-amzn-RequestId", "x-amz-request-id", "x-amz-id-2"};
    for (size_t i = 0; i < 3 && out->request_id[0] == '\0'; i++) {
        if (get_header(ctx, rid_headers[i], value, sizeof(value))) {
            (void)snprintf(out->request_id, sizeof(out->request_id), "%.127s", value);
        }
    }
    size_t i = 0;
    while (i < body_len &&
           (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
        i++;
    }
    if (i < body_len && body[i] == '{') {
        from_json(body + i, body_len - i, out);
    } else if (i < body_len && body[i] == '<') {
        from_xml(body + i, body_len - i, out);
    }
}
