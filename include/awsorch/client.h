/* Options every service client takes. */
#ifndef AWSORCH_CLIENT_H
#define AWSORCH_CLIENT_H

#include <stdbool.h>

#include "credentials.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsorch_client_options {
    unsigned version;
    const char *profile;                    /* NULL: AWS_PROFILE, then "default" */
    const char *region;                     /* NULL: from the settings */
    const char *endpoint_url;               /* NULL: configured or default endpoint */
    long connect_timeout_ms;                /* 0: 10 s */
    long read_timeout_ms;                   /* 0: 60 s */
    bool no_sign_request;                   /* send requests unsigned */
    const awsorch_credentials *credentials; /* NULL: the default chain (cached) */
} awsorch_client_options;

#define AWSORCH_CLIENT_OPTIONS_VERSION 1
#define AWSORCH_CLIENT_OPTIONS_INIT                                                                \
    {                                                                                              \
        AWSORCH_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, false, NULL                        \
    }

#ifdef __cplusplus
}
#endif

#endif
