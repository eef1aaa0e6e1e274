#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/settings.h"
#include "internal.h"

typedef struct loaded {
    awsorch__ini_section config;   /* the profile's section of the config file */
    awsorch__ini_section services; /* its [services NAME] section, if any */
} loaded;

static awsorch_status file_path(char **out, const char *env, const char *file)
{
    const char *explicit_path = awsorch__env(env);
    const char *home = awsorch__env("HOME");
    if (explicit_path != NULL && explicit_path[0] == '~' && explicit_path[1] == '/' &&
        home != NULL) {
        /* "~/" is expanded, as the AWS CLI does for these variables. */
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s%s", home, explicit_path + 1);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            return awsorch__fail(AWSORCH_E_CONFIG, "%s is too long", env);
        }
        return awsorch__strdup(out, path);
    }
    if (explicit_path != NULL) {
        return awsorch__strdup(out, explicit_path);
    }
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/.aws/%s", home ? home : "", file);
    if (home == NULL || n < 0 || (size_t)n >= sizeof(path)) {
        /* Without HOME there is no default file; a path that cannot exist says so. */
        return awsorch__strdup(out, "/nonexistent/.aws/config-without-HOME");
    }
    return awsorch__strdup(out, path);
}

/* The profile's config section: [default] (or [profile default]), else [profile NAME]. */
static awsorch_status load_profile(loaded *l, const char *config_file, const char *profile)
{
    bool found = false;
    awsorch_status st;
    if (strcmp(profile, "default") == 0) {
        st = awsorch__ini_load(&l->config, &found, config_file, "default");
        if (st == AWSORCH_OK && !l->config.present) {
            awsorch__ini_free(&l->config);
            st = awsorch__ini_load(&l->config, &found, config_file, "profile default");
        }
        return st;
    }
    char section[512];
    (void)snprintf(section, sizeof(section), "profile %s", profile);
    return awsorch__ini_load(&l->config, &found, config_file, section);
}

static awsorch_status setting_str(char **out, const loaded *l, const char *env, const char *key)
{
    const char *v = env ? awsorch__env(env) : NULL;
    if (v == NULL) {
        v = awsorch__ini_get(&l->config, key);
    }
    return awsorch__strdup(out, v);
}

static awsorch_status setting_bool(bool *out, const loaded *l, const char *env, const char *key)
{
    const char *v = awsorch__env(env);
    const char *what = env;
    if (v == NULL) {
        v = awsorch__ini_get(&l->config, key);
        what = key;
    }
    *out = false;
    return v ? awsorch__parse_bool(v, what, out) : AWSORCH_OK;
}

static awsorch_status settings_numbers(awsorch_settings *s, const loaded *l)
{
    const char *v = awsorch__env("AWS_MAX_ATTEMPTS");
    const char *what = "AWS_MAX_ATTEMPTS";
    if (v == NULL) {
        v = awsorch__ini_get(&l->config, "max_attempts");
        what = "max_attempts";
    }
    s->max_attempts = 3;
    if (v != NULL) {
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || n < 1 || n > 100) {
            return awsorch__fail(AWSORCH_E_CONFIG,
                                 "%s must be a whole number from 1 to 100, "
                                 "not '%.40s'",
                                 what, v);
        }
        s->max_attempts = (unsigned)n;
    }
    awsorch_status st = setting_str(&s->retry_mode, l, "AWS_RETRY_MODE", "retry_mode");
    if (st != AWSORCH_OK) {
        return st;
    }
    if (s->retry_mode == NULL) {
        return awsorch__strdup(&s->retry_mode, "standard");
    }
    if (strcmp(s->retry_mode, "standard") != 0 && strcmp(s->retry_mode, "adaptive") != 0 &&
        strcmp(s->retry_mode, "legacy") != 0) {
        return awsorch__fail(AWSORCH_E_CONFIG,
                             "retry mode must be standard, adaptive or legacy, not '%.40s'",
                             s->retry_mode);
    }
    return AWSORCH_OK;
}

static awsorch_status settings_region(awsorch_settings *s, const loaded *l,
                                      const awsorch_settings_options *o)
{
    static const char *const envs[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
    const char *region = NULL;
    if (o->region != NULL && o->region[0] != '\0') {
        region = o->region;
        (void)snprintf(s->region_source, sizeof(s->region_source), "explicit");
    }
    for (size_t i = 0; region == NULL && i < 2; i++) {
        region = awsorch__env(envs[i]);
        (void)snprintf(s->region_source, sizeof(s->region_source), "%s", envs[i]);
    }
    if (region == NULL) {
        region = awsorch__ini_get(&l->config, "region");
        (void)snprintf(s->region_source, sizeof(s->region_source), "profile %s", s->profile);
    }
    if (region == NULL) {
        s->region_source[0] = '\0';
        return AWSORCH_OK;
    }
    if (strlen(region) > 64) {
        return awsorch__fail(AWSORCH_E_CONFIG, "region '%.40s...' (from %s) is too long", region,
                             s->region_source);
    }
    for (const char *p = region; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-') {
            return awsorch__fail(AWSORCH_E_CONFIG,
                                 "region '%.40s' (from %s) is not a valid region name", region,
                                 s->region_source);
        }
    }
    return awsorch__strdup(&s->region, region);
}

awsorch_status awsorch_settings_load(awsorch_settings **out, const awsorch_settings_options *opts)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "settings out-parameter is NULL");
    }
    *out = NULL;
    awsorch_settings_options defaults = AWSORCH_SETTINGS_OPTIONS_INIT;
    const awsorch_settings_options *o = opts ? opts : &defaults;
    awsorch_settings *s = calloc(1, sizeof(*s));
    loaded *l = calloc(1, sizeof(*l));
    if (s == NULL || l == NULL) {
        free(s);
        free(l);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    s->internal = l;
    const char *profile = o->profile;
    s->profile_explicit = profile != NULL && profile[0] != '\0';
    if (!s->profile_explicit) {
        profile = awsorch__env("AWS_PROFILE");
    }
    awsorch_status st = awsorch__strdup(&s->profile, profile ? profile : "default");
    if (st == AWSORCH_OK) {
        st = file_path(&s->config_file, "AWS_CONFIG_FILE", "config");
    }
    if (st == AWSORCH_OK) {
        st = file_path(&s->credentials_file, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    }
    if (st == AWSORCH_OK) {
        st = load_profile(l, s->config_file, s->profile);
    }
    if (st == AWSORCH_OK && profile != NULL && !l->config.present) {
        /* A named profile may live only in the credentials file. */
        awsorch__ini_section creds;
        bool found = false;
        st = awsorch__ini_load(&creds, &found, s->credentials_file, s->profile);
        if (st == AWSORCH_OK && !creds.present) {
            st = awsorch__fail(AWSORCH_E_CONFIG,
                               "The config profile (%s) could not be found (looked in %s and %s)",
                               s->profile, s->config_file, s->credentials_file);
        }
        awsorch__ini_free(&creds);
    }
    const char *services = st == AWSORCH_OK ? awsorch__ini_get(&l->config, "services") : NULL;
    if (services != NULL) {
        char section[512];
        bool found = false;
        (void)snprintf(section, sizeof(section), "services %s", services);
        st = awsorch__ini_load(&l->services, &found, s->config_file, section);
    }
    if (st == AWSORCH_OK) {
        st = settings_region(s, l, o);
    }
    if (st == AWSORCH_OK) {
        st = settings_numbers(s, l);
    }
    if (st == AWSORCH_OK) {
        st = setting_str(&s->ca_bundle, l, "AWS_CA_BUNDLE", "ca_bundle");
    }
    if (st == AWSORCH_OK) {
        st = setting_bool(&s->use_fips_endpoint, l, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
    }
    if (st == AWSORCH_OK) {
        st = setting_bool(&s->use_dualstack_endpoint, l, "AWS_USE_DUALSTACK_ENDPOINT",
                          "use_dualstack_endpoint");
    }
    if (st == AWSORCH_OK) {
        st = setting_bool(&s->ignore_configured_endpoint_urls, l,
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls");
    }
    if (st == AWSORCH_OK) {
        st = awsorch__strdup(&s->endpoint_url, o->endpoint_url);
    }
    if (st != AWSORCH_OK) {
        awsorch_settings_free(s);
        return st;
    }
    *out = s;
    return AWSORCH_OK;
}

static int answer(const char *v, char *out, size_t out_len)
{
    int n = snprintf(out, out_len, "%s", v);
    return n >= 0 && (size_t)n < out_len;
}

int awsorch_settings_endpoint(const awsorch_settings *s, const char *service_id, char *out,
                              size_t out_len)
{
    if (s == NULL || service_id == NULL || out == NULL || out_len == 0) {
        return 0;
    }
    if (s->endpoint_url != NULL) {
        return answer(s->endpoint_url, out, out_len);
    }
    if (s->ignore_configured_endpoint_urls) {
        return 0;
    }
    /* AWS_ENDPOINT_URL_<ID>: the service id uppercased, spaces and dashes as '_';
     * the services section uses it lowercased. */
    char env[128] = "AWS_ENDPOINT_URL_";
    char key[128];
    size_t e = strlen(env);
    size_t k = 0;
    for (const char *p = service_id; *p && e + 1 < sizeof(env) && k + 14 < sizeof(key); p++) {
        char c = *p;
        if (c == ' ' || c == '-') {
            c = '_';
        }
        char upper = c;
        char lower = c;
        if (c >= 'a' && c <= 'z') {
            upper = (char)(c - 'a' + 'A');
        } else if (c >= 'A' && c <= 'Z') {
            lower = (char)(c - 'A' + 'a');
        }
        env[e++] = upper;
        key[k++] = lower;
    }
    env[e] = '\0';
    memcpy(key + k, ".endpoint_url", 14);
    const char *v = awsorch__env(env);
    if (v == NULL) {
        v = awsorch__env("AWS_ENDPOINT_URL");
    }
    loaded *l = s->internal;
    if (v == NULL) {
        v = awsorch__ini_get(&l->services, key);
    }
    if (v == NULL) {
        v = awsorch__ini_get(&l->config, "endpoint_url");
    }
    return v != NULL ? answer(v, out, out_len) : 0;
}

const char *awsorch_settings_get(const awsorch_settings *s, const char *key)
{
    if (s == NULL || key == NULL) {
        return NULL;
    }
    const loaded *l = s->internal;
    return awsorch__ini_get(&l->config, key);
}

awsorch_status awsorch_settings_require_region(const awsorch_settings *s, const char **region)
{
    if (s != NULL && s->region != NULL) {
        *region = s->region;
        return AWSORCH_OK;
    }
    *region = NULL;
    return awsorch__fail(AWSORCH_E_CONFIG,
                         "You must specify a region. Looked at --region, AWS_REGION, "
                         "AWS_DEFAULT_REGION and 'region' of profile %s in %s. You can also "
                         "configure your region by running \"aws configure\".",
                         s ? s->profile : "default", s ? s->config_file : "~/.aws/config");
}

void awsorch_settings_free(awsorch_settings *s)
{
    if (s == NULL) {
        return;
    }
    loaded *l = s->internal;
    if (l != NULL) {
        awsorch__ini_free(&l->config);
        awsorch__ini_free(&l->services);
        free(l);
    }
    free(s->profile);
    free(s->config_file);
    free(s->credentials_file);
    free(s->region);
    free(s->retry_mode);
    free(s->ca_bundle);
    free(s->endpoint_url);
    free(s);
}
