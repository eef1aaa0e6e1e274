/* STS, declared once: the wire binding, the JSON form and the CLI flags of
 * each operation all come from these tables. */
#include "awsorch/sts.h"
#include "declare.h"

static const awsorch_shape strings = {AWSORCH_LIST, NULL, 0, &str, NULL};

static const awsorch_member tag_m[] = {M("Key", str, AWSORCH_REQUIRED),
                                       M("Value", str, AWSORCH_REQUIRED)};
static const awsorch_shape tag = {AWSORCH_STRUCTURE, tag_m, 2, NULL, NULL};
static const awsorch_shape tags = {AWSORCH_LIST, NULL, 0, &tag, NULL};
static const awsorch_member policy_arn_m[] = {M("arn", str, 0)};
static const awsorch_shape policy_arn = {AWSORCH_STRUCTURE, policy_arn_m, 1, NULL, NULL};
static const awsorch_shape policy_arns = {AWSORCH_LIST, NULL, 0, &policy_arn, NULL};

static const awsorch_member credentials_m[] = {M("AccessKeyId", str, 0),
                                               M("SecretAccessKey", str, 0),
                                               M("SessionToken", str, 0), M("Expiration", ts, 0)};
static const awsorch_shape credentials = {AWSORCH_STRUCTURE, credentials_m, 4, NULL, NULL};
static const awsorch_member assumed_user_m[] = {M("AssumedRoleId", str, 0), M("Arn", str, 0)};
static const awsorch_shape assumed_user = {AWSORCH_STRUCTURE, assumed_user_m, 2, NULL, NULL};

static const awsorch_member identity_out_m[] = {M("UserId", str, 0), M("Account", str, 0),
                                                M("Arn", str, 0)};
static const awsorch_shape identity_out = {AWSORCH_STRUCTURE, identity_out_m, 3, NULL, NULL};

static const awsorch_member assume_in_m[] = {
    M("RoleArn", str, AWSORCH_REQUIRED), M("RoleSessionName", str, AWSORCH_REQUIRED),
    M("PolicyArns", policy_arns, 0),     M("Policy", str, 0),
    M("DurationSeconds", integer, 0),    M("Tags", tags, 0),
    M("TransitiveTagKeys", strings, 0),  M("ExternalId", str, 0),
    M("SerialNumber", str, 0),           M("TokenCode", str, 0),
    M("SourceIdentity", str, 0)};
static const awsorch_shape assume_in = {AWSORCH_STRUCTURE, assume_in_m, 11, NULL, NULL};
static const awsorch_member assume_out_m[] = {
    M("Credentials", credentials, 0), M("AssumedRoleUser", assumed_user, 0),
    M("PackedPolicySize", integer, 0), M("SourceIdentity", str, 0)};
static const awsorch_shape assume_out = {AWSORCH_STRUCTURE, assume_out_m, 4, NULL, NULL};

static const awsorch_member web_in_m[] = {M("RoleArn", str, AWSORCH_REQUIRED),
                                          M("RoleSessionName", str, AWSORCH_REQUIRED),
                                          M("WebIdentityToken", str, AWSORCH_REQUIRED),
                                          M("ProviderId", str, 0),
                                          M("PolicyArns", policy_arns, 0),
                                          M("Policy", str, 0),
                                          M("DurationSeconds", integer, 0)};
static const awsorch_shape web_in = {AWSORCH_STRUCTURE, web_in_m, 7, NULL, NULL};
static const awsorch_member web_out_m[] = {M("Credentials", credentials, 0),
                                           M("SubjectFromWebIdentityToken", str, 0),
                                           M("AssumedRoleUser", assumed_user, 0),
                                           M("PackedPolicySize", integer, 0),
                                           M("Provider", str, 0),
                                           M("Audience", str, 0),
                                           M("SourceIdentity", str, 0)};
static const awsorch_shape web_out = {AWSORCH_STRUCTURE, web_out_m, 7, NULL, NULL};

static const awsorch_member session_in_m[] = {M("DurationSeconds", integer, 0),
                                              M("SerialNumber", str, 0), M("TokenCode", str, 0)};
static const awsorch_shape session_in = {AWSORCH_STRUCTURE, session_in_m, 3, NULL, NULL};
static const awsorch_member session_out_m[] = {M("Credentials", credentials, 0)};
static const awsorch_shape session_out = {AWSORCH_STRUCTURE, session_out_m, 1, NULL, NULL};

const awsorch_service_model awsorch_sts_model = {
    {"sts", "sts", "STS"}, "sts", AWSORCH_AWS_QUERY, NULL, "2011-06-15", NULL};

const awsorch_operation awsorch_sts_operations[] = {
    {"AssumeRole", "POST", "/", &assume_in, &assume_out, NULL, false, NULL},
    {"AssumeRoleWithWebIdentity", "POST", "/", &web_in, &web_out, NULL, false, NULL},
    {"GetCallerIdentity", "POST", "/", NULL, &identity_out, NULL, false, NULL},
    {"GetSessionToken", "POST", "/", &session_in, &session_out, NULL, false, NULL},
};

const size_t awsorch_sts_operation_count =
    sizeof(awsorch_sts_operations) / sizeof(awsorch_sts_operations[0]);
