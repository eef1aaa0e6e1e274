/* Settings: region, endpoints, retries and TLS, from the same places and with
 * the same precedence as the AWS CLI and SDKs (explicit, then environment,
 * then the shared config file, then defaults). */
#ifndef AWSORCH_SETTINGS_H
#define AWSORCH_SETTINGS_H

#include <stdbool.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the caller states explicitly; NULL or 0 means "not stated". */
typedef struct awsorch_settings_options {
    unsigned version;
    const char *profile;
    const char *region;
    const char *endpoint_url;
    bool no_imds_region; /* never ask the instance metadata service for a region */
} awsorch_settings_options;

#define AWSORCH_SETTINGS_OPTIONS_VERSION 1
#define AWSORCH_SETTINGS_OPTIONS_INIT                                                              \
    {                                                                                              \
        AWSORCH_SETTINGS_OPTIONS_VERSION, NULL, NULL, NULL, false                                  \
    }

/* Resolved settings; free with awsorch_settings_free. */
typedef struct awsorch_settings {
    char *profile;          /* the profile in effect */
    bool profile_explicit;  /* named by the caller, not AWS_PROFILE or "default" */
    char *config_file;      /* AWS_CONFIG_FILE or ~/.aws/config */
    char *credentials_file; /* AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials */
    char *region;           /* NULL when none was found */
    char region_source[64]; /* where the region came from, e.g. "AWS_REGION" */
    unsigned max_attempts;  /* 3 unless configured */
    char *retry_mode;       /* "standard" unless configured */
    char *ca_bundle;        /* NULL: the system store */
    bool use_fips_endpoint;
    bool use_dualstack_endpoint;
    bool ignore_configured_endpoint_urls;
    char *endpoint_url; /* explicit endpoint for every service, or NULL */
    void *internal;     /* the loaded profile; not for callers */
} awsorch_settings;

/* Loads settings for a profile; a profile that does not exist is an error. */
AWSORCH_API awsorch_status awsorch_settings_load(awsorch_settings **out,
                                                 const awsorch_settings_options *opts);

/* Copies the configured endpoint URL for a service ("STS", "SFN", "S3", ...)
 * into out; returns 0 when none is configured (use the default endpoint). */
AWSORCH_API int awsorch_settings_endpoint(const awsorch_settings *s, const char *service_id,
                                          char *out, size_t out_len);

/* Returns a value of the profile ("role_arn", "s3.addressing_style"), or NULL. */
AWSORCH_API const char *awsorch_settings_get(const awsorch_settings *s, const char *key);

/* Returns the region or, when there is none, records an error saying where it looked. */
AWSORCH_API awsorch_status awsorch_settings_require_region(const awsorch_settings *s,
                                                           const char **region);

/* Frees settings; NULL is accepted. */
AWSORCH_API void awsorch_settings_free(awsorch_settings *s);

#ifdef __cplusplus
}
#endif

#endif
