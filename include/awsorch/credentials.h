/* Credentials: where awsorch finds the keys it signs with. */
#ifndef AWSORCH_CREDENTIALS_H
#define AWSORCH_CREDENTIALS_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of AWS credentials; free it with awsorch_credentials_free. */
typedef struct awsorch_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;  /* NULL for long-term keys */
    int64_t expiration_s; /* 0 when they do not expire */
    char source[64];      /* which provider gave them, e.g. "environment" */
} awsorch_credentials;

/* Options for the default chain. */
typedef struct awsorch_credentials_options {
    unsigned version;
    const char *profile; /* NULL: AWS_PROFILE, then "default" */
} awsorch_credentials_options;

#define AWSORCH_CREDENTIALS_OPTIONS_VERSION 1
#define AWSORCH_CREDENTIALS_OPTIONS_INIT                                                           \
    {                                                                                              \
        AWSORCH_CREDENTIALS_OPTIONS_VERSION, NULL                                                  \
    }

/* Resolves credentials once through the default chain, in the AWS CLI's order:
 * environment (unless a profile is named), the profile's role (source_profile or
 * credential_source), web identity, SSO, the shared credentials file,
 * credential_process, the config file, the container endpoint, instance metadata. */
AWSORCH_API awsorch_status awsorch_credentials_resolve(awsorch_credentials **out,
                                                       const awsorch_credentials_options *opts);

/* Makes credentials from explicit keys (session_token may be NULL). */
AWSORCH_API awsorch_status awsorch_credentials_new(awsorch_credentials **out,
                                                   const char *access_key_id,
                                                   const char *secret_access_key,
                                                   const char *session_token);

/* Copies credentials (free the copy with awsorch_credentials_free). */
AWSORCH_API awsorch_status awsorch_credentials_copy(awsorch_credentials **out,
                                                    const awsorch_credentials *creds);

/* A cached default chain, safe to share between threads: temporary credentials
 * are refreshed five minutes before they expire, by one thread while the others wait. */
typedef struct awsorch_credentials_provider awsorch_credentials_provider;

/* Creates a cached provider over the default chain for a profile. */
AWSORCH_API awsorch_status awsorch_credentials_provider_new(
    awsorch_credentials_provider **out, const awsorch_credentials_options *opts);

/* Returns a copy of current credentials, resolving or refreshing them when needed. */
AWSORCH_API awsorch_status awsorch_credentials_provider_get(awsorch_credentials **out,
                                                            awsorch_credentials_provider *p);

/* Returns how many times the provider has run the chain (for monitoring and tests). */
AWSORCH_API unsigned awsorch_credentials_provider_refreshes(awsorch_credentials_provider *p);

/* Frees a provider and wipes its cached credentials; NULL is accepted. */
AWSORCH_API void awsorch_credentials_provider_free(awsorch_credentials_provider *p);

typedef struct awsorch_settings awsorch_settings;

/* Finds the region: the settings' own, else the instance metadata service's
 * (unless AWS_EC2_METADATA_DISABLED), remembered in the settings; when there is
 * none, the error says everywhere it looked. */
AWSORCH_API awsorch_status awsorch_region_resolve(const char **region, awsorch_settings *s);

/* Wipes and frees credentials; NULL is accepted. */
AWSORCH_API void awsorch_credentials_free(awsorch_credentials *creds);

#ifdef __cplusplus
}
#endif

#endif
