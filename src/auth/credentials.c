#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "awsorch/credentials.h"
#include "core/internal.h"

static void free_secret_str(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void awsorch_credentials_free(awsorch_credentials *creds)
{
    if (creds == NULL) {
        return;
    }
    free_secret_str(creds->access_key_id);
    free_secret_str(creds->secret_access_key);
    free_secret_str(creds->session_token);
    OPENSSL_cleanse(creds, sizeof(*creds));
    free(creds);
}

static awsorch_status make(awsorch_credentials **out, const char *akid, const char *secret,
                           const char *token, const char *source)
{
    awsorch_credentials *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot allocate credentials");
    }
    c->access_key_id = strdup(akid);
    c->secret_access_key = strdup(secret);
    c->session_token = (token != NULL && token[0] != '\0') ? strdup(token) : NULL;
    if (c->access_key_id == NULL || c->secret_access_key == NULL ||
        (token != NULL && token[0] != '\0' && c->session_token == NULL)) {
        awsorch_credentials_free(c);
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot allocate credentials");
    }
    (void)snprintf(c->source, sizeof(c->source), "%s", source);
    *out = c;
    return AWSORCH_OK;
}

awsorch_status awsorch_credentials_new(awsorch_credentials **out, const char *access_key_id,
                                       const char *secret_access_key, const char *session_token)
{
    if (out == NULL || access_key_id == NULL || access_key_id[0] == '\0' ||
        secret_access_key == NULL || secret_access_key[0] == '\0') {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "credentials need an access key id and a secret access key");
    }
    return make(out, access_key_id, secret_access_key, session_token, "explicit");
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

/* Appends one provider's reason to the "nothing found" report. */
static void note(char *report, size_t cap, const char *what)
{
    size_t used = strlen(report);
    if (used < cap) {
        (void)snprintf(report + used, cap - used, "%s%s", used ? "; " : "", what);
    }
}

static awsorch_status from_file(awsorch_credentials **out, bool *got, const char *path,
                                const char *section, const char *source, char *report,
                                size_t report_cap)
{
    awsorch__ini_section sec;
    bool found = false;
    awsorch_status st = awsorch__ini_load(&sec, &found, path, section);
    if (st != AWSORCH_OK) {
        return st;
    }
    char why[512];
    if (!found) {
        (void)snprintf(why, sizeof(why), "%s: %s does not exist", source, path);
        note(report, report_cap, why);
        return AWSORCH_OK;
    }
    const char *akid = awsorch__ini_get(&sec, "aws_access_key_id");
    const char *secret = awsorch__ini_get(&sec, "aws_secret_access_key");
    if (akid != NULL && secret != NULL && akid[0] != '\0' && secret[0] != '\0') {
        st = make(out, akid, secret, awsorch__ini_get(&sec, "aws_session_token"), source);
        *got = st == AWSORCH_OK;
    } else if (akid != NULL || secret != NULL) {
        st = awsorch__fail(AWSORCH_E_CREDENTIALS,
                           "%s: [%s] in %s has only one of aws_access_key_id and "
                           "aws_secret_access_key",
                           source, section, path);
    } else {
        (void)snprintf(why, sizeof(why), "%s: no keys in [%s] of %s", source, section, path);
        note(report, report_cap, why);
    }
    awsorch__ini_free(&sec);
    return st;
}

static awsorch_status default_path(char *out, size_t cap, const char *env, const char *file)
{
    const char *explicit_path = env_nonempty(env);
    int n;
    if (explicit_path != NULL) {
        n = snprintf(out, cap, "%s", explicit_path);
    } else {
        const char *home = env_nonempty("HOME");
        if (home == NULL) {
            return awsorch__fail(AWSORCH_E_CONFIG, "HOME is not set and %s is not either", env);
        }
        n = snprintf(out, cap, "%s/.aws/%s", home, file);
    }
    if (n < 0 || (size_t)n >= cap) {
        return awsorch__fail(AWSORCH_E_CONFIG, "the path of the AWS %s file is too long", file);
    }
    return AWSORCH_OK;
}

awsorch_status awsorch_credentials_resolve(awsorch_credentials **out,
                                           const awsorch_credentials_options *opts)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "credentials out-parameter is NULL");
    }
    *out = NULL;
    awsorch_credentials_options defaults = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    if (opts == NULL) {
        opts = &defaults;
    }
    char report[1024] = "";
    const char *profile = opts->profile;
    bool explicit_profile = profile != NULL && profile[0] != '\0';
    if (!explicit_profile) {
        profile = env_nonempty("AWS_PROFILE");
    }
    if (profile == NULL) {
        profile = "default";
    }

    /* The AWS CLI ignores environment keys when a profile is named explicitly. */
    if (!explicit_profile) {
        const char *akid = env_nonempty("AWS_ACCESS_KEY_ID");
        const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
        if (akid != NULL && secret != NULL) {
            return make(out, akid, secret, env_nonempty("AWS_SESSION_TOKEN"), "environment");
        }
        note(report, sizeof(report),
             akid || secret ? "environment: only one of AWS_ACCESS_KEY_ID and "
                              "AWS_SECRET_ACCESS_KEY is set"
                            : "environment: AWS_ACCESS_KEY_ID is not set");
    }

    char path[4096];
    awsorch_status st;
    bool got = false;
    if ((st = default_path(path, sizeof(path), "AWS_SHARED_CREDENTIALS_FILE", "credentials")) !=
            AWSORCH_OK ||
        (st = from_file(out, &got, path, profile, "shared credentials file", report,
                        sizeof(report))) != AWSORCH_OK ||
        got) {
        return st;
    }
    char section[512];
    if (strcmp(profile, "default") == 0) {
        (void)snprintf(section, sizeof(section), "default");
    } else {
        (void)snprintf(section, sizeof(section), "profile %s", profile);
    }
    if ((st = default_path(path, sizeof(path), "AWS_CONFIG_FILE", "config")) != AWSORCH_OK ||
        (st = from_file(out, &got, path, section, "config file", report, sizeof(report))) !=
            AWSORCH_OK ||
        got) {
        return st;
    }
    return awsorch__fail(AWSORCH_E_CREDENTIALS, "no credentials for profile '%s' (%s)", profile,
                         report);
}
