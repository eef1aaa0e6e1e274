/* AWS Lambda (restJson1): invoking functions and reading their configuration,
 * declared once; the wire binding, the JSON form and the CLI flags of every
 * operation come from these tables. */
#include "awsorch/lambda.h"
#include "declare.h"

ENUM(invocation_type, "Event", "RequestResponse", "DryRun");
ENUM(log_type, "None", "Tail");
ENUM(function_version, "ALL");
ENUM(state, "Pending", "Active", "Inactive", "Failed", "Deactivating", "Deactivated",
     "ActiveNonInvocable", "Deleting");
ENUM(last_update_status, "Successful", "Failed", "InProgress");

/* ---- Invoke ------------------------------------------------------------------------- */

/* The payload is the request body as it is: JSON text for most functions. */
static const awsorch_member invoke_in_m[] = {
    AT("FunctionName", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("InvocationType", invocation_type, AWSORCH_IN_HEADER, "X-Amz-Invocation-Type", 0),
    AT("LogType", log_type, AWSORCH_IN_HEADER, "X-Amz-Log-Type", 0),
    AT("ClientContext", str, AWSORCH_IN_HEADER, "X-Amz-Client-Context", 0),
    AT("DurableExecutionName", str, AWSORCH_IN_HEADER, "X-Amz-Durable-Execution-Name", 0),
    AT("Payload", blob, AWSORCH_IN_PAYLOAD, NULL, 0),
    AT("Qualifier", str, AWSORCH_IN_QUERY, "Qualifier", 0),
    AT("TenantId", str, AWSORCH_IN_HEADER, "X-Amz-Tenant-Id", 0)};
STRUCT(invoke_in, invoke_in_m);
/* A function that failed still answers 200: FunctionError says it failed
 * (Unhandled), and the payload holds the error. */
static const awsorch_member invoke_out_m[] = {
    AT("StatusCode", integer, AWSORCH_IN_STATUS, NULL, 0),
    AT("FunctionError", str, AWSORCH_IN_HEADER, "X-Amz-Function-Error", 0),
    AT("LogResult", str, AWSORCH_IN_HEADER, "X-Amz-Log-Result", 0),
    AT("Payload", blob, AWSORCH_IN_PAYLOAD, NULL, 0),
    AT("ExecutedVersion", str, AWSORCH_IN_HEADER, "X-Amz-Executed-Version", 0),
    AT("DurableExecutionArn", str, AWSORCH_IN_HEADER, "X-Amz-Durable-Execution-Arn", 0)};
STRUCT(invoke_out, invoke_out_m);

/* ---- function configuration --------------------------------------------------------- */

static const awsorch_member vpc_m[] = {M("SubnetIds", str_list, 0),
                                       M("SecurityGroupIds", str_list, 0), M("VpcId", str, 0),
                                       M("Ipv6AllowedForDualStack", boolean, 0)};
STRUCT(vpc, vpc_m);
static const awsorch_member dead_letter_m[] = {M("TargetArn", str, 0)};
STRUCT(dead_letter, dead_letter_m);
static const awsorch_member config_error_m[] = {M("ErrorCode", str, 0), M("Message", str, 0)};
STRUCT(config_error, config_error_m);
static const awsorch_member environment_m[] = {M("Variables", str_map, 0),
                                               M("Error", config_error, 0)};
STRUCT(environment, environment_m);
static const awsorch_member tracing_m[] = {M("Mode", str, 0)};
STRUCT(tracing, tracing_m);
static const awsorch_member layer_m[] = {M("Arn", str, 0), M("CodeSize", along, 0),
                                         M("SigningProfileVersionArn", str, 0),
                                         M("SigningJobArn", str, 0)};
STRUCT(layer, layer_m);
LIST(layers, layer);
static const awsorch_member file_system_m[] = {M("Arn", str, 0), M("LocalMountPath", str, 0)};
STRUCT(file_system, file_system_m);
LIST(file_systems, file_system);
static const awsorch_member image_config_m[] = {
    M("EntryPoint", str_list, 0), M("Command", str_list, 0), M("WorkingDirectory", str, 0)};
STRUCT(image_config, image_config_m);
static const awsorch_member image_config_response_m[] = {M("ImageConfig", image_config, 0),
                                                         M("Error", config_error, 0)};
STRUCT(image_config_response, image_config_response_m);
static const awsorch_member ephemeral_storage_m[] = {M("Size", integer, 0)};
STRUCT(ephemeral_storage, ephemeral_storage_m);
static const awsorch_member snap_start_m[] = {M("ApplyOn", str, 0),
                                              M("OptimizationStatus", str, 0)};
STRUCT(snap_start, snap_start_m);
static const awsorch_member runtime_version_m[] = {M("RuntimeVersionArn", str, 0),
                                                   M("Error", config_error, 0)};
STRUCT(runtime_version, runtime_version_m);
static const awsorch_member logging_m[] = {M("LogFormat", str, 0), M("ApplicationLogLevel", str, 0),
                                           M("SystemLogLevel", str, 0), M("LogGroup", str, 0)};
STRUCT(logging, logging_m);
static const awsorch_member durable_m[] = {M("RetentionPeriodInDays", integer, 0),
                                           M("ExecutionTimeout", integer, 0)};
STRUCT(durable, durable_m);
static const awsorch_member tenancy_m[] = {M("TenantIsolationMode", str, 0)};
STRUCT(tenancy, tenancy_m);

/* LastModified is ISO 8601 text in this API, not a timestamp. */
static const awsorch_member configuration_m[] = {M("FunctionName", str, 0),
                                                 M("FunctionArn", str, 0),
                                                 M("Runtime", str, 0),
                                                 M("Role", str, 0),
                                                 M("Handler", str, 0),
                                                 M("CodeSize", along, 0),
                                                 M("Description", str, 0),
                                                 M("Timeout", integer, 0),
                                                 M("MemorySize", integer, 0),
                                                 M("LastModified", str, 0),
                                                 M("CodeSha256", str, 0),
                                                 M("Version", str, 0),
                                                 M("VpcConfig", vpc, 0),
                                                 M("DeadLetterConfig", dead_letter, 0),
                                                 M("Environment", environment, 0),
                                                 M("KMSKeyArn", str, 0),
                                                 M("TracingConfig", tracing, 0),
                                                 M("MasterArn", str, 0),
                                                 M("RevisionId", str, 0),
                                                 M("Layers", layers, 0),
                                                 M("State", state, 0),
                                                 M("StateReason", str, 0),
                                                 M("StateReasonCode", str, 0),
                                                 M("LastUpdateStatus", last_update_status, 0),
                                                 M("LastUpdateStatusReason", str, 0),
                                                 M("LastUpdateStatusReasonCode", str, 0),
                                                 M("FileSystemConfigs", file_systems, 0),
                                                 M("PackageType", str, 0),
                                                 M("ImageConfigResponse", image_config_response, 0),
                                                 M("SigningProfileVersionArn", str, 0),
                                                 M("SigningJobArn", str, 0),
                                                 M("Architectures", str_list, 0),
                                                 M("EphemeralStorage", ephemeral_storage, 0),
                                                 M("SnapStart", snap_start, 0),
                                                 M("RuntimeVersionConfig", runtime_version, 0),
                                                 M("LoggingConfig", logging, 0),
                                                 M("CapacityProviderConfig", opaque, 0),
                                                 M("ConfigSha256", str, 0),
                                                 M("DurableConfig", durable, 0),
                                                 M("TenancyConfig", tenancy, 0)};
STRUCT(configuration, configuration_m);
LIST(configurations, configuration);

static const awsorch_member function_in_m[] = {
    AT("FunctionName", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("Qualifier", str, AWSORCH_IN_QUERY, "Qualifier", 0)};
STRUCT(function_in, function_in_m);

static const awsorch_member code_m[] = {M("RepositoryType", str, 0), M("Location", str, 0),
                                        M("ImageUri", str, 0), M("ResolvedImageUri", str, 0),
                                        M("SourceKMSKeyArn", str, 0)};
STRUCT(code, code_m);
static const awsorch_member tags_error_m[] = {M("ErrorCode", str, 0), M("Message", str, 0)};
STRUCT(tags_error, tags_error_m);
static const awsorch_member concurrency_m[] = {M("ReservedConcurrentExecutions", integer, 0)};
STRUCT(concurrency, concurrency_m);
static const awsorch_member get_function_out_m[] = {
    M("Configuration", configuration, 0), M("Code", code, 0), M("Tags", str_map, 0),
    M("TagsError", tags_error, 0), M("Concurrency", concurrency, 0)};
STRUCT(get_function_out, get_function_out_m);

static const awsorch_member list_in_m[] = {
    AT("MasterRegion", str, AWSORCH_IN_QUERY, "MasterRegion", 0),
    AT("FunctionVersion", function_version, AWSORCH_IN_QUERY, "FunctionVersion", 0),
    AT("Marker", str, AWSORCH_IN_QUERY, "Marker", 0),
    AT("MaxItems", integer, AWSORCH_IN_QUERY, "MaxItems", 0)};
STRUCT(list_in, list_in_m);
static const awsorch_member list_out_m[] = {M("NextMarker", str, 0),
                                            M("Functions", configurations, 0)};
STRUCT(list_out, list_out_m);

/* ---- the service -------------------------------------------------------------------- */

const awsorch_service_model awsorch_lambda_model = {
    {"lambda", "lambda", "Lambda"}, "lambda", AWSORCH_REST_JSON_1, NULL, NULL, NULL};

const awsorch_operation awsorch_lambda_operations[] = {
    {"GetFunction", "GET", "/2015-03-31/functions/{FunctionName}", &function_in, &get_function_out,
     NULL, false, NULL},
    {"GetFunctionConfiguration", "GET", "/2015-03-31/functions/{FunctionName}/configuration",
     &function_in, &configuration, NULL, false, NULL},
    {"Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations", &invoke_in, &invoke_out,
     NULL, false, NULL},
    {"ListFunctions", "GET", "/2015-03-31/functions", &list_in, &list_out, NULL, false, NULL},
};

const size_t awsorch_lambda_operation_count =
    sizeof(awsorch_lambda_operations) / sizeof(awsorch_lambda_operations[0]);

const awsorch_paginator_spec awsorch_lambda_paginators[] = {
    {"ListFunctions", "Marker", "NextMarker", "Functions"},
};

const size_t awsorch_lambda_paginator_count =
    sizeof(awsorch_lambda_paginators) / sizeof(awsorch_lambda_paginators[0]);

static const char *const active[] = {"Active", NULL};
static const char *const successful[] = {"Successful", NULL};
static const char *const failed[] = {"Failed", NULL};

/* The AWS CLI's Lambda waiters, under its names and delays. function-exists
 * (success on any reply, retry on ResourceNotFoundException) matches on an
 * error, which a declared waiter cannot express. */
const awsorch_waiter awsorch_lambda_waiters[] = {
    {.name = "function-active",
     .operation = "GetFunctionConfiguration",
     .state_member = "State",
     .success = active,
     .failure = failed,
     .reason_members = {"StateReasonCode", "StateReason", NULL},
     .delay_s = 5.0},
    {.name = "function-active-v2",
     .operation = "GetFunction",
     .state_member = "Configuration.State",
     .success = active,
     .failure = failed,
     .reason_members = {"Configuration.StateReasonCode", "Configuration.StateReason", NULL},
     .delay_s = 1.0},
    {.name = "function-updated",
     .operation = "GetFunctionConfiguration",
     .state_member = "LastUpdateStatus",
     .success = successful,
     .failure = failed,
     .reason_members = {"LastUpdateStatusReasonCode", "LastUpdateStatusReason", NULL},
     .delay_s = 5.0},
    {.name = "function-updated-v2",
     .operation = "GetFunction",
     .state_member = "Configuration.LastUpdateStatus",
     .success = successful,
     .failure = failed,
     .reason_members = {"Configuration.LastUpdateStatusReasonCode",
                        "Configuration.LastUpdateStatusReason", NULL},
     .delay_s = 1.0},
    {.name = "published-version-active",
     .operation = "GetFunctionConfiguration",
     .state_member = "State",
     .success = active,
     .failure = failed,
     .reason_members = {"StateReasonCode", "StateReason", NULL},
     .delay_s = 5.0},
};

const size_t awsorch_lambda_waiter_count =
    sizeof(awsorch_lambda_waiters) / sizeof(awsorch_lambda_waiters[0]);
