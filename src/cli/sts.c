/* `awsorch sts ...`: the operations of the STS client, in AWS CLI syntax. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct opt {
    const char *flag;  /* "--role-arn" */
    const char **dest; /* where the value goes */
    bool required;
} opt;

/* Parses "--flag value" and "--flag=value"; returns 0 or an exit code. */
static int parse_opts(int argc, char **argv, opt *opts, size_t n, const char *op)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *eq = strchr(a, '=');
        size_t flen = eq ? (size_t)(eq - a) : strlen(a);
        bool matched = false;
        for (size_t k = 0; k < n && !matched; k++) {
            if (strlen(opts[k].flag) != flen || strncmp(opts[k].flag, a, flen) != 0) {
                continue;
            }
            matched = true;
            if (eq != NULL) {
                *opts[k].dest = eq + 1;
            } else if (i + 1 < argc) {
                *opts[k].dest = argv[++i];
            } else {
                (void)fprintf(stderr, "\naws: error: argument %s: expected one argument\n",
                              opts[k].flag);
                return CLI_EXIT_USAGE;
            }
        }
        if (!matched) {
            (void)fprintf(stderr, "\nUnknown options: %s\n", a);
            return CLI_EXIT_USAGE;
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (opts[k].required && *opts[k].dest == NULL) {
            (void)fprintf(stderr,
                          "\naws: error: the following arguments are required: %s (sts %s)\n",
                          opts[k].flag, op);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

static int parse_duration(const char *text, int32_t *out)
{
    if (text == NULL) {
        *out = 0;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 1 || v > 129600) {
        (void)fprintf(stderr,
                      "\naws: error: argument --duration-seconds: invalid int value: "
                      "'%s'\n",
                      text);
        return CLI_EXIT_USAGE;
    }
    *out = (int32_t)v;
    return 0;
}

static json_t *assumed_role_json(const awsorch_sts_assumed_role *r, bool web)
{
    char exp[48];
    cli_iso_time(r->credentials->expiration_s, exp, sizeof(exp));
    json_t *doc = json_object();
    json_t *creds = json_object();
    json_object_set_new(creds, "AccessKeyId", json_string(r->credentials->access_key_id));
    json_object_set_new(creds, "SecretAccessKey", json_string(r->credentials->secret_access_key));
    json_object_set_new(
        creds, "SessionToken",
        json_string(r->credentials->session_token ? r->credentials->session_token : ""));
    json_object_set_new(creds, "Expiration", json_string(exp));
    json_object_set_new(doc, "Credentials", creds);
    if (web && r->subject_from_web_identity_token != NULL) {
        json_object_set_new(doc, "SubjectFromWebIdentityToken",
                            json_string(r->subject_from_web_identity_token));
    }
    json_t *user = json_object();
    if (r->assumed_role_id != NULL) {
        json_object_set_new(user, "AssumedRoleId", json_string(r->assumed_role_id));
    }
    if (r->arn != NULL) {
        json_object_set_new(user, "Arn", json_string(r->arn));
    }
    json_object_set_new(doc, "AssumedRoleUser", user);
    if (r->packed_policy_size >= 0) {
        json_object_set_new(doc, "PackedPolicySize", json_integer(r->packed_policy_size));
    }
    if (web && r->provider != NULL) {
        json_object_set_new(doc, "Provider", json_string(r->provider));
    }
    if (web && r->audience != NULL) {
        json_object_set_new(doc, "Audience", json_string(r->audience));
    }
    if (r->source_identity != NULL) {
        json_object_set_new(doc, "SourceIdentity", json_string(r->source_identity));
    }
    return doc;
}

static awsorch_status make_client(awsorch_sts_client **client, const cli_globals *g,
                                  bool unsigned_op)
{
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.profile = g->profile;
    o.region = g->region;
    o.endpoint_url = g->endpoint_url;
    o.connect_timeout_ms = g->connect_timeout_s * 1000;
    o.read_timeout_ms = g->read_timeout_s * 1000;
    o.no_sign_request = g->no_sign_request || unsigned_op;
    return awsorch_sts_client_new(client, &o);
}

static int finish(FILE *out, json_t *doc, const cli_globals *g)
{
    int rc = cli_print(out, doc, g);
    json_decref(doc);
    return rc;
}

int cli_sts(int argc, char **argv, const cli_globals *g, FILE *out)
{
    if (argc < 2) {
        (void)fprintf(stderr, "\naws: error: the following arguments are required: operation\n"
                              "operations: get-caller-identity, assume-role, "
                              "assume-role-with-web-identity\n");
        return CLI_EXIT_USAGE;
    }
    const char *op = argv[1];
    awsorch_sts_client *client = NULL;
    awsorch_status st;
    int rc;
    if (strcmp(op, "get-caller-identity") == 0) {
        if ((rc = parse_opts(argc, argv, NULL, 0, op)) != 0) {
            return rc;
        }
        if ((st = make_client(&client, g, false)) != AWSORCH_OK) {
            return cli_call_error("GetCallerIdentity", st);
        }
        awsorch_sts_caller_identity *id = NULL;
        st = awsorch_sts_get_caller_identity(&id, client);
        awsorch_sts_client_free(client);
        if (st != AWSORCH_OK) {
            return cli_call_error("GetCallerIdentity", st);
        }
        json_t *doc = json_object();
        json_object_set_new(doc, "UserId", json_string(id->user_id ? id->user_id : ""));
        json_object_set_new(doc, "Account", json_string(id->account));
        json_object_set_new(doc, "Arn", json_string(id->arn));
        awsorch_sts_caller_identity_free(id);
        return finish(out, doc, g);
    }
    if (strcmp(op, "assume-role") == 0) {
        awsorch_sts_assume_role_input in = AWSORCH_STS_ASSUME_ROLE_INPUT_INIT;
        const char *duration = NULL;
        opt opts[] = {{"--role-arn", &in.role_arn, true},
                      {"--role-session-name", &in.role_session_name, true},
                      {"--external-id", &in.external_id, false},
                      {"--policy", &in.policy, false},
                      {"--serial-number", &in.serial_number, false},
                      {"--token-code", &in.token_code, false},
                      {"--source-identity", &in.source_identity, false},
                      {"--duration-seconds", &duration, false}};
        if ((rc = parse_opts(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), op)) != 0 ||
            (rc = parse_duration(duration, &in.duration_seconds)) != 0) {
            return rc;
        }
        if ((st = make_client(&client, g, false)) != AWSORCH_OK) {
            return cli_call_error("AssumeRole", st);
        }
        awsorch_sts_assumed_role *r = NULL;
        st = awsorch_sts_assume_role(&r, client, &in);
        awsorch_sts_client_free(client);
        if (st != AWSORCH_OK) {
            return cli_call_error("AssumeRole", st);
        }
        json_t *doc = assumed_role_json(r, false);
        awsorch_sts_assumed_role_free(r);
        return finish(out, doc, g);
    }
    if (strcmp(op, "assume-role-with-web-identity") == 0) {
        awsorch_sts_assume_role_with_web_identity_input in =
            AWSORCH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY_INPUT_INIT;
        const char *duration = NULL;
        opt opts[] = {{"--role-arn", &in.role_arn, true},
                      {"--role-session-name", &in.role_session_name, true},
                      {"--web-identity-token", &in.web_identity_token, true},
                      {"--provider-id", &in.provider_id, false},
                      {"--policy", &in.policy, false},
                      {"--duration-seconds", &duration, false}};
        if ((rc = parse_opts(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), op)) != 0 ||
            (rc = parse_duration(duration, &in.duration_seconds)) != 0) {
            return rc;
        }
        if ((st = make_client(&client, g, true)) != AWSORCH_OK) {
            return cli_call_error("AssumeRoleWithWebIdentity", st);
        }
        awsorch_sts_assumed_role *r = NULL;
        st = awsorch_sts_assume_role_with_web_identity(&r, client, &in);
        awsorch_sts_client_free(client);
        if (st != AWSORCH_OK) {
            return cli_call_error("AssumeRoleWithWebIdentity", st);
        }
        json_t *doc = assumed_role_json(r, true);
        awsorch_sts_assumed_role_free(r);
        return finish(out, doc, g);
    }
    (void)fprintf(stderr, "\naws: error: argument operation: Invalid choice, valid choices are:\n\n"
                          "assume-role | assume-role-with-web-identity | get-caller-identity\n");
    return CLI_EXIT_USAGE;
}
