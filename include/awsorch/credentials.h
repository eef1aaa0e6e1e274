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

/* Resolves credentials through the default chain: environment, then static keys
 * of the profile in the shared credentials file, then in the config file. */
AWSORCH_API awsorch_status awsorch_credentials_resolve(awsorch_credentials **out,
                                                       const awsorch_credentials_options *opts);

/* Makes credentials from explicit keys (session_token may be NULL). */
AWSORCH_API awsorch_status awsorch_credentials_new(awsorch_credentials **out,
                                                   const char *access_key_id,
                                                   const char *secret_access_key,
                                                   const char *session_token);

/* Wipes and frees credentials; NULL is accepted. */
AWSORCH_API void awsorch_credentials_free(awsorch_credentials *creds);

#ifdef __cplusplus
}
#endif

#endif
