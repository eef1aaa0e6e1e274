/* The STS client: three operations over awsQuery, on the calls the
 * credentials layer already makes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_internal.h"
#include "awsorch/sts.h"
#include "core/xml.h"

struct awsorch_sts_client {
    awsorch_settings *settings;
    awsorch_credentials_provider *provider; /* NULL when credentials are explicit or unsigned */
    awsorch_credentials *explicit_creds;
    char region[64];
    long connect_timeout_ms;
    long read_timeout_ms;
    bool no_sign;
};

awsorch_status awsorch_sts_client_new(awsorch_sts_client **out, const awsorch_client_options *opts)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "client out-parameter is NULL");
    }
    *out = NULL;
    awsorch_client_options defaults = AWSORCH_CLIENT_OPTIONS_INIT;
    const awsorch_client_options *o = opts ? opts : &defaults;
    awsorch_sts_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    awsorch_settings_options so = AWSORCH_SETTINGS_OPTIONS_INIT;
    so.profile = o->profile;
    so.region = o->region;
    so.endpoint_url = o->endpoint_url;
    awsorch_status st = awsorch_settings_load(&c->settings, &so);
    if (st == AWSORCH_OK) {
        /* STS has a global endpoint; without a region the SDKs sign for us-east-1. */
        const char *region = NULL;
        if (awsorch_region_resolve(&region, c->settings) != AWSORCH_OK) {
            region = "us-east-1";
            awsorch_error_clear();
        }
        (void)snprintf(c->region, sizeof(c->region), "%s", region);
        c->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
        c->read_timeout_ms = o->read_timeout_ms > 0 ? o->read_timeout_ms : 60000;
        c->no_sign = o->no_sign_request;
        if (o->credentials != NULL) {
            st = awsorch_credentials_copy(&c->explicit_creds, o->credentials);
        } else if (!o->no_sign_request) {
            awsorch_credentials_options co = AWSORCH_CREDENTIALS_OPTIONS_INIT;
            co.profile = o->profile;
            st = awsorch_credentials_provider_new(&c->provider, &co);
        }
    }
    if (st != AWSORCH_OK) {
        awsorch_sts_client_free(c);
        return st;
    }
    *out = c;
    return AWSORCH_OK;
}

void awsorch_sts_client_free(awsorch_sts_client *client)
{
    if (client == NULL) {
        return;
    }
    awsorch_settings_free(client->settings);
    awsorch_credentials_provider_free(client->provider);
    awsorch_credentials_free(client->explicit_creds);
    free(client);
}

/* Runs one call, signed with the client's credentials unless `unsigned_call`. */
static awsorch_status call(awsorch_sts_client *c, const char *action, const awsorch__param *params,
                           size_t n, bool unsigned_call, xmlDoc **doc, xmlNode **result)
{
    awsorch_credentials *creds = NULL;
    awsorch_status st = AWSORCH_OK;
    if (!unsigned_call && !c->no_sign) {
        st = c->explicit_creds ? awsorch_credentials_copy(&creds, c->explicit_creds)
                               : awsorch_credentials_provider_get(&creds, c->provider);
    }
    if (st == AWSORCH_OK) {
        awsorch__sts_ctx ctx = {c->settings, c->region, creds, c->connect_timeout_ms,
                                c->read_timeout_ms};
        st = awsorch__sts_call(&ctx, action, params, n, doc, result);
    }
    awsorch_credentials_free(creds);
    return st;
}

static awsorch_status require(const char *value, const char *member, const char *op)
{
    if (value == NULL || value[0] == '\0') {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "%s: %s is required", op, member);
    }
    return AWSORCH_OK;
}

awsorch_status awsorch_sts_get_caller_identity(awsorch_sts_caller_identity **out,
                                               awsorch_sts_client *client)
{
    if (out == NULL || client == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "GetCallerIdentity: NULL argument");
    }
    *out = NULL;
    xmlDoc *doc = NULL;
    xmlNode *result = NULL;
    awsorch_status st = call(client, "GetCallerIdentity", NULL, 0, false, &doc, &result);
    if (st != AWSORCH_OK) {
        return st;
    }
    awsorch_sts_caller_identity *id = calloc(1, sizeof(*id));
    if (id == NULL) {
        awsorch__xml_free_doc(doc);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    id->user_id = awsorch__xml_text_at(result, "UserId");
    id->account = awsorch__xml_text_at(result, "Account");
    id->arn = awsorch__xml_text_at(result, "Arn");
    awsorch__xml_free_doc(doc);
    if (id->account == NULL || id->arn == NULL) {
        awsorch_sts_caller_identity_free(id);
        return awsorch__fail(AWSORCH_E_PARSE, "GetCallerIdentity: the reply has no Account/Arn");
    }
    *out = id;
    return AWSORCH_OK;
}

void awsorch_sts_caller_identity_free(awsorch_sts_caller_identity *id)
{
    if (id == NULL) {
        return;
    }
    free(id->user_id);
    free(id->account);
    free(id->arn);
    free(id);
}

static awsorch_status assumed_role(xmlNode *result, const char *source,
                                   awsorch_sts_assumed_role **out)
{
    awsorch_sts_assumed_role *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    awsorch_status st = awsorch__sts_credentials(result, source, &r->credentials);
    r->assumed_role_id = awsorch__xml_text_at(result, "AssumedRoleUser/AssumedRoleId");
    r->arn = awsorch__xml_text_at(result, "AssumedRoleUser/Arn");
    r->source_identity = awsorch__xml_text_at(result, "SourceIdentity");
    r->subject_from_web_identity_token =
        awsorch__xml_text_at(result, "SubjectFromWebIdentityToken");
    r->provider = awsorch__xml_text_at(result, "Provider");
    r->audience = awsorch__xml_text_at(result, "Audience");
    char *pps = awsorch__xml_text_at(result, "PackedPolicySize");
    r->packed_policy_size = pps ? (int32_t)strtol(pps, NULL, 10) : -1;
    free(pps);
    if (st != AWSORCH_OK) {
        awsorch_sts_assumed_role_free(r);
        return st;
    }
    *out = r;
    return AWSORCH_OK;
}

awsorch_status awsorch_sts_assume_role(awsorch_sts_assumed_role **out, awsorch_sts_client *client,
                                       const awsorch_sts_assume_role_input *in)
{
    if (out == NULL || client == NULL || in == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "AssumeRole: NULL argument");
    }
    *out = NULL;
    awsorch_status st;
    if ((st = require(in->role_arn, "RoleArn", "AssumeRole")) != AWSORCH_OK ||
        (st = require(in->role_session_name, "RoleSessionName", "AssumeRole")) != AWSORCH_OK) {
        return st;
    }
    char duration[16];
    (void)snprintf(duration, sizeof(duration), "%d", (int)in->duration_seconds);
    awsorch__param params[] = {{"RoleArn", in->role_arn},
                               {"RoleSessionName", in->role_session_name},
                               {"ExternalId", in->external_id},
                               {"Policy", in->policy},
                               {"SerialNumber", in->serial_number},
                               {"TokenCode", in->token_code},
                               {"SourceIdentity", in->source_identity},
                               {"DurationSeconds", in->duration_seconds ? duration : NULL}};
    xmlDoc *doc = NULL;
    xmlNode *result = NULL;
    st = call(client, "AssumeRole", params, sizeof(params) / sizeof(params[0]), false, &doc,
              &result);
    if (st == AWSORCH_OK) {
        st = assumed_role(result, "assume-role", out);
        awsorch__xml_free_doc(doc);
    }
    return st;
}

awsorch_status
awsorch_sts_assume_role_with_web_identity(awsorch_sts_assumed_role **out,
                                          awsorch_sts_client *client,
                                          const awsorch_sts_assume_role_with_web_identity_input *in)
{
    if (out == NULL || client == NULL || in == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "AssumeRoleWithWebIdentity: NULL argument");
    }
    *out = NULL;
    const char *op = "AssumeRoleWithWebIdentity";
    awsorch_status st;
    if ((st = require(in->role_arn, "RoleArn", op)) != AWSORCH_OK ||
        (st = require(in->role_session_name, "RoleSessionName", op)) != AWSORCH_OK ||
        (st = require(in->web_identity_token, "WebIdentityToken", op)) != AWSORCH_OK) {
        return st;
    }
    char duration[16];
    (void)snprintf(duration, sizeof(duration), "%d", (int)in->duration_seconds);
    awsorch__param params[] = {{"RoleArn", in->role_arn},
                               {"RoleSessionName", in->role_session_name},
                               {"WebIdentityToken", in->web_identity_token},
                               {"ProviderId", in->provider_id},
                               {"Policy", in->policy},
                               {"DurationSeconds", in->duration_seconds ? duration : NULL}};
    xmlDoc *doc = NULL;
    xmlNode *result = NULL;
    st = call(client, op, params, sizeof(params) / sizeof(params[0]), true, &doc, &result);
    if (st == AWSORCH_OK) {
        st = assumed_role(result, "web identity", out);
        awsorch__xml_free_doc(doc);
    }
    return st;
}

void awsorch_sts_assumed_role_free(awsorch_sts_assumed_role *r)
{
    if (r == NULL) {
        return;
    }
    awsorch_credentials_free(r->credentials);
    free(r->assumed_role_id);
    free(r->arn);
    free(r->source_identity);
    free(r->subject_from_web_identity_token);
    free(r->provider);
    free(r->audience);
    free(r);
}
