/* Amazon Athena queries (awsJson 1.1, "AmazonAthena"), declared once: the wire
 * binding, the JSON form and the CLI flags of every operation come from these
 * tables. */
#include "awsorch/athena.h"
#include "declare.h"

ENUM(query_state, "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
ENUM(encryption_option, "SSE_S3", "SSE_KMS", "CSE_KMS");
ENUM(s3_acl_option, "BUCKET_OWNER_FULL_CONTROL");
ENUM(statement_type, "DDL", "DML", "UTILITY");
ENUM(result_type, "DATA_MANIFEST", "DATA_ROWS");
ENUM(authentication_type, "DIRECTORY_IDENTITY");

static const awsorch_member context_m[] = {M("Database", str, 0), M("Catalog", str, 0)};
STRUCT(context, context_m);
static const awsorch_member encryption_m[] = {
    M("EncryptionOption", encryption_option, AWSORCH_REQUIRED), M("KmsKey", str, 0)};
STRUCT(encryption, encryption_m);
static const awsorch_member acl_m[] = {M("S3AclOption", s3_acl_option, AWSORCH_REQUIRED)};
STRUCT(acl, acl_m);
static const awsorch_member result_config_m[] = {
    M("OutputLocation", str, 0), M("EncryptionConfiguration", encryption, 0),
    M("ExpectedBucketOwner", str, 0), M("AclConfiguration", acl, 0)};
STRUCT(result_config, result_config_m);
static const awsorch_member reuse_by_age_m[] = {M("Enabled", boolean, AWSORCH_REQUIRED),
                                                M("MaxAgeInMinutes", integer, 0)};
STRUCT(reuse_by_age, reuse_by_age_m);
static const awsorch_member reuse_m[] = {M("ResultReuseByAgeConfiguration", reuse_by_age, 0)};
STRUCT(reuse, reuse_m);
static const awsorch_member classification_m[] = {M("Name", str, 0), M("Properties", str_map, 0)};
STRUCT(classification, classification_m);
LIST(classifications, classification);
static const awsorch_member engine_config_m[] = {
    M("CoordinatorDpuSize", integer, 0),     M("MaxConcurrentDpus", integer, 0),
    M("DefaultExecutorDpuSize", integer, 0), M("AdditionalConfigs", str_map, 0),
    M("SparkProperties", str_map, 0),        M("Classifications", classifications, 0)};
STRUCT(engine_config, engine_config_m);

/* ---- query executions --------------------------------------------------------------- */

/* A retried StartQueryExecution with the same token never runs the query twice. */
static const awsorch_member start_in_m[] = {M("QueryString", str, AWSORCH_REQUIRED),
                                            M("ClientRequestToken", str, AWSORCH_IDEMPOTENCY_TOKEN),
                                            M("QueryExecutionContext", context, 0),
                                            M("ResultConfiguration", result_config, 0),
                                            M("WorkGroup", str, 0),
                                            M("ExecutionParameters", str_list, 0),
                                            M("ResultReuseConfiguration", reuse, 0),
                                            M("EngineConfiguration", engine_config, 0)};
STRUCT(start_in, start_in_m);
static const awsorch_member start_out_m[] = {M("QueryExecutionId", str, 0)};
STRUCT(start_out, start_out_m);

static const awsorch_member athena_error_m[] = {
    M("ErrorCategory", integer, 0), M("ErrorType", integer, 0), M("Retryable", boolean, 0),
    M("ErrorMessage", str, 0)};
STRUCT(athena_error, athena_error_m);
static const awsorch_member status_m[] = {
    M("State", query_state, 0), M("StateChangeReason", str, 0), M("SubmissionDateTime", ts, 0),
    M("CompletionDateTime", ts, 0), M("AthenaError", athena_error, 0)};
STRUCT(status, status_m);
static const awsorch_member reuse_info_m[] = {M("ReusedPreviousResult", boolean, 0)};
STRUCT(reuse_info, reuse_info_m);
static const awsorch_member statistics_m[] = {
    M("EngineExecutionTimeInMillis", along, 0), M("DataScannedInBytes", along, 0),
    M("DataManifestLocation", str, 0),          M("TotalExecutionTimeInMillis", along, 0),
    M("QueryQueueTimeInMillis", along, 0),      M("ServicePreProcessingTimeInMillis", along, 0),
    M("QueryPlanningTimeInMillis", along, 0),   M("ServiceProcessingTimeInMillis", along, 0),
    M("ResultReuseInformation", reuse_info, 0), M("DpuCount", dbl, 0)};
STRUCT(statistics, statistics_m);
static const awsorch_member engine_version_m[] = {M("SelectedEngineVersion", str, 0),
                                                  M("EffectiveEngineVersion", str, 0)};
STRUCT(engine_version, engine_version_m);
static const awsorch_member managed_encryption_m[] = {M("KmsKey", str, 0)};
STRUCT(managed_encryption, managed_encryption_m);
static const awsorch_member managed_results_m[] = {
    M("Enabled", boolean, 0), M("EncryptionConfiguration", managed_encryption, 0)};
STRUCT(managed_results, managed_results_m);
static const awsorch_member access_grants_m[] = {M("EnableS3AccessGrants", boolean, 0),
                                                 M("CreateUserLevelPrefix", boolean, 0),
                                                 M("AuthenticationType", authentication_type, 0)};
STRUCT(access_grants, access_grants_m);

static const awsorch_member execution_m[] = {
    M("QueryExecutionId", str, 0),
    M("Query", str, 0),
    M("StatementType", statement_type, 0),
    M("ManagedQueryResultsConfiguration", managed_results, 0),
    M("ResultConfiguration", result_config, 0),
    M("ResultReuseConfiguration", reuse, 0),
    M("QueryExecutionContext", context, 0),
    M("Status", status, 0),
    M("Statistics", statistics, 0),
    M("WorkGroup", str, 0),
    M("EngineVersion", engine_version, 0),
    M("ExecutionParameters", str_list, 0),
    M("SubstatementType", str, 0),
    M("QueryResultsS3AccessGrantsConfiguration", access_grants, 0)};
STRUCT(execution, execution_m);
LIST(executions, execution);

static const awsorch_member id_in_m[] = {M("QueryExecutionId", str, AWSORCH_REQUIRED)};
STRUCT(id_in, id_in_m);
static const awsorch_member get_out_m[] = {M("QueryExecution", execution, 0)};
STRUCT(get_out, get_out_m);

static const awsorch_member batch_get_in_m[] = {M("QueryExecutionIds", str_list, AWSORCH_REQUIRED)};
STRUCT(batch_get_in, batch_get_in_m);
static const awsorch_member unprocessed_m[] = {M("QueryExecutionId", str, 0),
                                               M("ErrorCode", str, 0), M("ErrorMessage", str, 0)};
STRUCT(unprocessed, unprocessed_m);
LIST(unprocessed_list, unprocessed);
static const awsorch_member batch_get_out_m[] = {
    M("QueryExecutions", executions, 0), M("UnprocessedQueryExecutionIds", unprocessed_list, 0)};
STRUCT(batch_get_out, batch_get_out_m);

static const awsorch_member list_in_m[] = {M("NextToken", str, 0), M("MaxResults", integer, 0),
                                           M("WorkGroup", str, 0)};
STRUCT(list_in, list_in_m);
static const awsorch_member list_out_m[] = {M("QueryExecutionIds", str_list, 0),
                                            M("NextToken", str, 0)};
STRUCT(list_out, list_out_m);

/* ---- results ------------------------------------------------------------------------ */

static const awsorch_member results_in_m[] = {M("QueryExecutionId", str, AWSORCH_REQUIRED),
                                              M("NextToken", str, 0), M("MaxResults", integer, 0),
                                              M("QueryResultType", result_type, 0)};
STRUCT(results_in, results_in_m);
static const awsorch_member datum_m[] = {M("VarCharValue", str, 0)};
STRUCT(datum, datum_m);
LIST(data, datum);
static const awsorch_member row_m[] = {M("Data", data, 0)};
STRUCT(row, row_m);
LIST(rows, row);
static const awsorch_member column_m[] = {
    M("CatalogName", str, 0),   M("SchemaName", str, 0),
    M("TableName", str, 0),     M("Name", str, 0),
    M("Label", str, 0),         M("Type", str, 0),
    M("Precision", integer, 0), M("Scale", integer, 0),
    M("Nullable", str, 0),      M("CaseSensitive", boolean, 0)};
STRUCT(column, column_m);
LIST(columns, column);
static const awsorch_member metadata_m[] = {M("ColumnInfo", columns, 0)};
STRUCT(metadata, metadata_m);
static const awsorch_member result_set_m[] = {M("Rows", rows, 0),
                                              M("ResultSetMetadata", metadata, 0)};
STRUCT(result_set, result_set_m);
static const awsorch_member results_out_m[] = {
    M("UpdateCount", along, 0), M("ResultSet", result_set, 0), M("NextToken", str, 0)};
STRUCT(results_out, results_out_m);

/* ---- the service -------------------------------------------------------------------- */

const awsorch_service_model awsorch_athena_model = {
    {"athena", "athena", "Athena"}, "athena", AWSORCH_AWS_JSON_1_1, "AmazonAthena", NULL, NULL};

#define OP(name, in, out)                                                                          \
    {                                                                                              \
        (name), "POST", "/", (in), (out), NULL, false, NULL                                        \
    }

const awsorch_operation awsorch_athena_operations[] = {
    OP("BatchGetQueryExecution", &batch_get_in, &batch_get_out),
    OP("GetQueryExecution", &id_in, &get_out),
    OP("GetQueryResults", &results_in, &results_out),
    OP("ListQueryExecutions", &list_in, &list_out),
    OP("StartQueryExecution", &start_in, &start_out),
    /* The API marks this id an idempotency token too; a generated one would name
     * no query, so here it is only required. */
    OP("StopQueryExecution", &id_in, NULL),
};

const size_t awsorch_athena_operation_count =
    sizeof(awsorch_athena_operations) / sizeof(awsorch_athena_operations[0]);

const awsorch_paginator_spec awsorch_athena_paginators[] = {
    {"GetQueryResults", "NextToken", "NextToken", "ResultSet.Rows"},
    {"ListQueryExecutions", "NextToken", "NextToken", "QueryExecutionIds"},
};

const size_t awsorch_athena_paginator_count =
    sizeof(awsorch_athena_paginators) / sizeof(awsorch_athena_paginators[0]);

static const char *const query_success[] = {"SUCCEEDED", NULL};
static const char *const query_failure[] = {"FAILED", "CANCELLED", NULL};

const awsorch_waiter awsorch_athena_waiters[] = {
    {.name = "query-complete",
     .operation = "GetQueryExecution",
     .state_member = "QueryExecution.Status.State",
     .success = query_success,
     .failure = query_failure,
     .reason_members = {"QueryExecution.Status.StateChangeReason",
                        "QueryExecution.Status.AthenaError.ErrorMessage", NULL},
     .delay_s = 2.0,
     .start_operation = "StartQueryExecution",
     .id_member = "QueryExecutionId"},
};

const size_t awsorch_athena_waiter_count =
    sizeof(awsorch_athena_waiters) / sizeof(awsorch_athena_waiters[0]);
