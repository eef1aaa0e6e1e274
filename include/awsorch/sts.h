/* AWS Security Token Service: who am I, and temporary credentials for a role. */
#ifndef AWSORCH_STS_H
#define AWSORCH_STS_H

#include "client.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of STS, for awsorch_invoke_json and the CLI. */
AWSORCH_API extern const awsorch_service_model awsorch_sts_model;
AWSORCH_API extern const awsorch_operation awsorch_sts_operations[];
AWSORCH_API extern const size_t awsorch_sts_operation_count;

/* A client; safe to use from several threads at once. */
typedef struct awsorch_sts_client awsorch_sts_client;

/* Creates an STS client (regional endpoint; us-east-1 when no region is set). */
AWSORCH_API awsorch_status awsorch_sts_client_new(awsorch_sts_client **out,
                                                  const awsorch_client_options *opts);

/* Frees a client; NULL is accepted. */
AWSORCH_API void awsorch_sts_client_free(awsorch_sts_client *client);

typedef struct awsorch_sts_caller_identity {
    char *user_id;
    char *account;
    char *arn;
} awsorch_sts_caller_identity;

/* GetCallerIdentity: the account and ARN of the credentials in use. */
AWSORCH_API awsorch_status awsorch_sts_get_caller_identity(awsorch_sts_caller_identity **out,
                                                           awsorch_sts_client *client);

/* Frees a GetCallerIdentity result; NULL is accepted. */
AWSORCH_API void awsorch_sts_caller_identity_free(awsorch_sts_caller_identity *id);

typedef struct awsorch_sts_assume_role_input {
    unsigned version;
    const char *role_arn;          /* required */
    const char *role_session_name; /* required */
    const char *external_id;
    const char *policy;
    const char *serial_number;
    const char *token_code;
    const char *source_identity;
    int32_t duration_seconds; /* 0: the role's default */
} awsorch_sts_assume_role_input;

#define AWSORCH_STS_ASSUME_ROLE_INPUT_INIT                                                         \
    {                                                                                              \
        1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0                                             \
    }

typedef struct awsorch_sts_assume_role_with_web_identity_input {
    unsigned version;
    const char *role_arn;           /* required */
    const char *role_session_name;  /* required */
    const char *web_identity_token; /* required */
    const char *provider_id;
    const char *policy;
    int32_t duration_seconds;
} awsorch_sts_assume_role_with_web_identity_input;

#define AWSORCH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY_INPUT_INIT                                       \
    {                                                                                              \
        1, NULL, NULL, NULL, NULL, NULL, 0                                                         \
    }

/* The result of AssumeRole and AssumeRoleWithWebIdentity. */
typedef struct awsorch_sts_assumed_role {
    awsorch_credentials *credentials; /* with expiration_s set */
    char *assumed_role_id;
    char *arn;
    int32_t packed_policy_size; /* -1 when absent */
    char *source_identity;
    char *subject_from_web_identity_token; /* web identity only */
    char *provider;                        /* web identity only */
    char *audience;                        /* web identity only */
} awsorch_sts_assumed_role;

/* AssumeRole: temporary credentials for a role. */
AWSORCH_API awsorch_status awsorch_sts_assume_role(awsorch_sts_assumed_role **out,
                                                   awsorch_sts_client *client,
                                                   const awsorch_sts_assume_role_input *in);

/* AssumeRoleWithWebIdentity: temporary credentials for an OIDC token (unsigned call). */
AWSORCH_API awsorch_status awsorch_sts_assume_role_with_web_identity(
    awsorch_sts_assumed_role **out, awsorch_sts_client *client,
    const awsorch_sts_assume_role_with_web_identity_input *in);

/* Frees an assumed-role result, wiping its credentials; NULL is accepted. */
AWSORCH_API void awsorch_sts_assumed_role_free(awsorch_sts_assumed_role *r);

#ifdef __cplusplus
}
#endif

#endif
