/* STS in the emulator (awsQuery): GetCallerIdentity, AssumeRole and
 * AssumeRoleWithWebIdentity. The temporary keys it issues are accepted by every
 * service of the emulator until they expire. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/xml.h"
#include "emu.h"
#include "sts_internal.h"

#define NS "https://sts.amazonaws.com/doc/2011-06-15/"
#define MAX_SESSIONS 4096

typedef struct session {
    char access_key[24];
    char secret[48];
    char token[200];
    double expires;
    char arn[512];
    char user_id[200];
} session;

typedef struct sts_state {
    session *items;
    size_t count;
} sts_state;

static sts_state *state(emu *e, bool create)
{
    if (e->sts == NULL && create) {
        e->sts = (emu_service_state *)calloc(1, sizeof(sts_state));
    }
    return (sts_state *)e->sts;
}

static session *find(emu *e, const char *access_key)
{
    sts_state *st = state(e, false);
    for (size_t i = 0; st != NULL && i < st->count; i++) {
        if (strcmp(st->items[i].access_key, access_key) == 0) {
            return &st->items[i];
        }
    }
    return NULL;
}

const char *emu_sts_secret(emu *e, const char *access_key)
{
    session *s = find(e, access_key);
    return s != NULL ? s->secret : NULL;
}

const char *emu_sts_token(emu *e, const char *access_key, bool *expired)
{
    session *s = find(e, access_key);
    *expired = s != NULL && emu_now() > s->expires;
    return s != NULL ? s->token : NULL;
}

void emu_sts_free(emu *e)
{
    sts_state *st = state(e, false);
    if (st == NULL) {
        return;
    }
    if (st->items != NULL) {
        OPENSSL_cleanse(st->items, st->count * sizeof(session));
    }
    free(st->items);
    free(st);
    e->sts = NULL;
}

/* ---- replies ----------------------------------------------------------------------------- */

static void element(awsorch_buf *b, const char *indent, const char *name, const char *value)
{
    (void)awsorch_buf_puts(b, indent);
    (void)awsorch_buf_puts(b, "<");
    (void)awsorch_buf_puts(b, name);
    (void)awsorch_buf_puts(b, ">");
    awsorch__xml_escape(b, value);
    (void)awsorch_buf_puts(b, "</");
    (void)awsorch_buf_puts(b, name);
    (void)awsorch_buf_puts(b, ">\n");
}

static void open_reply(awsorch_buf *b, const char *action)
{
    (void)awsorch_buf_puts(b, "<");
    (void)awsorch_buf_puts(b, action);
    (void)awsorch_buf_puts(b, "Response xmlns=\"" NS "\">\n  <");
    (void)awsorch_buf_puts(b, action);
    (void)awsorch_buf_puts(b, "Result>\n");
}

static void close_reply(awsorch_buf *b, const char *action, const emu_call *call,
                        emu_http_reply *rep)
{
    (void)awsorch_buf_puts(b, "  </");
    (void)awsorch_buf_puts(b, action);
    (void)awsorch_buf_puts(b, "Result>\n  <ResponseMetadata>\n");
    element(b, "    ", "RequestId", call->request_id);
    (void)awsorch_buf_puts(b, "  </ResponseMetadata>\n</");
    (void)awsorch_buf_puts(b, action);
    (void)awsorch_buf_puts(b, "Response>\n");
    (void)awsorch_buf_append(b, "", 1);
    rep->status = 200;
    emu_reply_take(rep, (char *)b->data);
    emu_reply_header(rep, "Content-Type", "text/xml");
    emu_reply_header(rep, "x-amzn-RequestId", call->request_id);
}

/* ---- operations ---------------------------------------------------------------------------- */

static int get_caller_identity(emu *e, const emu_call *call, emu_http_reply *rep)
{
    session *s = find(e, call->access_key);
    const char *arn = "arn:aws:iam::" EMU_ACCOUNT ":root";
    const char *user = EMU_ACCOUNT;
    json_t *creds = emu_config_section(e, "credentials");
    size_t i;
    json_t *c;
    json_array_foreach(creds, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "access_key_id"));
        const char *a = json_string_value(json_object_get(c, "arn"));
        if (id != NULL && a != NULL && strcmp(id, call->access_key) == 0) {
            arn = a;
            user = call->access_key;
        }
    }
    if (s != NULL) {
        arn = s->arn;
        user = s->user_id;
    }
    awsorch_buf b = AWSORCH_BUF_INIT;
    open_reply(&b, "GetCallerIdentity");
    element(&b, "    ", "Arn", arn);
    element(&b, "    ", "UserId", user);
    element(&b, "    ", "Account", EMU_ACCOUNT);
    close_reply(&b, "GetCallerIdentity", call, rep);
    return 0;
}

static bool session_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && strchr("_+=,.@-", c) == NULL) {
            return false;
        }
    }
    return true;
}

static int null_member(emu_error *err, const char *member)
{
    return emu_fail(err, 400, "ValidationError",
                    "1 validation error detected: Value null at '%s' failed to satisfy "
                    "constraint: Member must not be null",
                    member);
}

static void random_upper(char *out, size_t n, const char *alphabet)
{
    unsigned char raw[256];
    if (n > sizeof(raw) || RAND_bytes(raw, (int)n) != 1) {
        memset(raw, 0, sizeof(raw));
    }
    size_t alen = strlen(alphabet);
    for (size_t i = 0; i < n; i++) {
        out[i] = alphabet[raw[i % sizeof(raw)] % alen];
    }
    out[n] = '\0';
}

/* Claims of a JWT's payload, when the token is one; NULL otherwise. */
static json_t *jwt_claims(const char *token)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 == NULL || dot2 - dot1 - 1 > 16384) {
        return NULL;
    }
    size_t n = (size_t)(dot2 - dot1 - 1);
    char *b64 = malloc(n + 4);
    unsigned char *raw = malloc(n + 4);
    json_t *claims = NULL;
    if (b64 != NULL && raw != NULL) {
        for (size_t i = 0; i < n; i++) {
            char c = dot1[1 + i];
            if (c == '-') {
                c = '+';
            } else if (c == '_') {
                c = '/';
            }
            b64[i] = c;
        }
        size_t m = n;
        while (m % 4 != 0) {
            b64[m++] = '=';
        }
        int len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)m);
        if (len > 0) {
            while (len > 0 && raw[len - 1] == '\0') {
                len--;
            }
            claims = json_loadb((const char *)raw, (size_t)len, 0, NULL);
            if (!json_is_object(claims)) {
                json_decref(claims);
                claims = NULL;
            }
        }
    }
    free(b64);
    free(raw);
    return claims;
}

static int assume(emu *e, const emu_call *call, const char *action, const char *form,
                  emu_http_reply *rep, emu_error *err)
{
    bool web = strcmp(action, "AssumeRoleWithWebIdentity") == 0;
    char *role = emu_query_get(form, "RoleArn");
    char *name = emu_query_get(form, "RoleSessionName");
    char *duration = emu_query_get(form, "DurationSeconds");
    char *token = web ? emu_query_get(form, "WebIdentityToken") : NULL;
    int rc = 0;
    long secs = 3600;
    char role_name[256] = "";
    if (role == NULL) {
        rc = null_member(err, "roleArn");
    } else if (name == NULL) {
        rc = null_member(err, "roleSessionName");
    } else if (web && token == NULL) {
        rc = null_member(err, "webIdentityToken");
    } else if (!session_name_ok(name)) {
        rc = emu_fail(err, 400, "ValidationError",
                      "1 validation error detected: Value '%.64s' at 'roleSessionName' failed to "
                      "satisfy constraint: Member must satisfy regular expression pattern: "
                      "[\\w+=,.@-]*",
                      name);
    } else if (strncmp(role, "arn:aws:iam::", 13) != 0 || strstr(role, ":role/") == NULL ||
               strlen(role) < 20 || strlen(role) > 2048) {
        rc = emu_fail(err, 400, "ValidationError", "%.256s is invalid", role);
    } else if (duration != NULL) {
        char *end = NULL;
        secs = strtol(duration, &end, 10);
        if (end == duration || *end != '\0' || secs < 900 || secs > 43200) {
            rc = emu_fail(err, 400, "ValidationError",
                          "1 validation error detected: Value '%.20s' at 'durationSeconds' failed "
                          "to satisfy constraint: Member must have value greater than or equal to "
                          "900 and less than or equal to 43200",
                          duration);
        }
    }
    if (rc == 0) {
        const char *slash = strstr(role, ":role/") + 6;
        const char *last = strrchr(slash, '/');
        (void)snprintf(role_name, sizeof(role_name), "%s", last != NULL ? last + 1 : slash);
    }
    sts_state *st = rc == 0 ? state(e, true) : NULL;
    if (rc == 0 && st == NULL) {
        rc = emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    if (rc == 0 && st->items == NULL) {
        st->items = calloc(MAX_SESSIONS, sizeof(session));
        if (st->items == NULL) {
            rc = emu_fail(err, 500, "InternalFailure", "out of memory");
        }
    }
    session *s = NULL;
    if (rc == 0 && st->count < MAX_SESSIONS) {
        s = &st->items[st->count++];
    } else if (rc == 0) {
        /* The table is full: reuse the session that expired first, if one has. */
        for (size_t i = 0; i < st->count; i++) {
            if (st->items[i].expires < emu_now() &&
                (s == NULL || st->items[i].expires < s->expires)) {
                s = &st->items[i];
            }
        }
        if (s == NULL) {
            rc =
                emu_fail(err, 400, "LimitExceeded",
                         "The emulator holds %d unexpired sessions; let some expire", MAX_SESSIONS);
        } else {
            OPENSSL_cleanse(s, sizeof(*s));
        }
    }
    if (rc == 0) {
        char id[17];
        random_upper(id, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        (void)snprintf(s->access_key, sizeof(s->access_key), "ASIA%s", id);
        random_upper(s->secret, 40,
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        char tok[129];
        random_upper(tok, 128, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        (void)snprintf(s->token, sizeof(s->token), "FQoGZXIvYXdzE%s", tok);
        s->expires = emu_now() + (double)secs;
        char role_id[22];
        random_upper(role_id, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        (void)snprintf(s->user_id, sizeof(s->user_id), "AROA%s:%s", role_id, name);
        (void)snprintf(s->arn, sizeof(s->arn), "arn:aws:sts::" EMU_ACCOUNT ":assumed-role/%s/%s",
                       role_name, name);
        char expires[32];
        (void)awsorch_time_format_epoch((int64_t)s->expires, AWSORCH_TIME_ISO8601_EXTENDED, expires,
                                        sizeof(expires));
        awsorch_buf b = AWSORCH_BUF_INIT;
        open_reply(&b, action);
        if (web) {
            json_t *claims = jwt_claims(token);
            const char *sub = json_string_value(json_object_get(claims, "sub"));
            const char *iss = json_string_value(json_object_get(claims, "iss"));
            json_t *aud = json_object_get(claims, "aud");
            const char *audience = json_is_array(aud) ? json_string_value(json_array_get(aud, 0))
                                                      : json_string_value(aud);
            element(&b, "    ", "SubjectFromWebIdentityToken",
                    sub != NULL ? sub : "awsorch-emulator-subject");
            element(&b, "    ", "Audience", audience != NULL ? audience : "sts.amazonaws.com");
            element(&b, "    ", "Provider", iss != NULL ? iss : "awsorch-emulator");
            json_decref(claims);
        }
        (void)awsorch_buf_puts(&b, "    <AssumedRoleUser>\n");
        element(&b, "      ", "Arn", s->arn);
        element(&b, "      ", "AssumedRoleId", s->user_id);
        (void)awsorch_buf_puts(&b, "    </AssumedRoleUser>\n    <Credentials>\n");
        element(&b, "      ", "AccessKeyId", s->access_key);
        element(&b, "      ", "SecretAccessKey", s->secret);
        element(&b, "      ", "SessionToken", s->token);
        element(&b, "      ", "Expiration", expires);
        (void)awsorch_buf_puts(&b, "    </Credentials>\n");
        if (!web) {
            element(&b, "    ", "PackedPolicySize", "0");
        }
        close_reply(&b, action, call, rep);
    }
    free(role);
    free(name);
    free(duration);
    free(token);
    return rc;
}

int emu_sts_handle(emu *e, const emu_call *call, const emu_http_request *req, emu_http_reply *rep,
                   emu_error *err)
{
    char *form = strcmp(req->method, "POST") == 0 ? strndup((const char *)req->body, req->body_len)
                                                  : strdup(req->query);
    if (form == NULL) {
        return emu_fail(err, 500, "InternalFailure", "out of memory");
    }
    char *action = emu_query_get(form, "Action");
    int rc;
    if (action == NULL) {
        rc = emu_fail(err, 400, "MissingAction", "Missing Action");
    } else if (strcmp(action, "GetCallerIdentity") == 0) {
        rc = get_caller_identity(e, call, rep);
    } else if (strcmp(action, "AssumeRole") == 0 ||
               strcmp(action, "AssumeRoleWithWebIdentity") == 0) {
        rc = assume(e, call, action, form, rep, err);
    } else {
        rc = emu_fail(err, 400, "InvalidAction",
                      "Could not find operation %.64s for version 2011-06-15", action);
    }
    free(action);
    free(form);
    return rc;
}
