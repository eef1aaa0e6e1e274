/* Amazon Redshift Data API (awsJson 1.1, "RedshiftData"), declared once: the
 * wire binding, the JSON form and the CLI flags of every operation come from
 * these tables. */
#include "awsorch/redshift_data.h"
#include "declare.h"

ENUM(status_string, "SUBMITTED", "PICKED", "STARTED", "FINISHED", "ABORTED", "FAILED", "ALL");
ENUM(statement_status, "SUBMITTED", "PICKED", "STARTED", "FINISHED", "ABORTED", "FAILED");
ENUM(result_format, "JSON", "CSV");

static const awsorch_member parameter_m[] = {M("name", str, AWSORCH_REQUIRED),
                                             M("value", str, AWSORCH_REQUIRED)};
STRUCT(parameter, parameter_m);
LIST(parameters, parameter);

/* ---- running statements ------------------------------------------------------------- */

/* The client token is generated once per call, so a retry never runs the SQL twice. */
static const awsorch_member execute_in_m[] = {M("Sql", str, AWSORCH_REQUIRED),
                                              M("ClusterIdentifier", str, 0),
                                              M("SecretArn", str, 0),
                                              M("DbUser", str, 0),
                                              M("Database", str, 0),
                                              M("WithEvent", boolean, 0),
                                              M("StatementName", str, 0),
                                              M("Parameters", parameters, 0),
                                              M("WorkgroupName", str, 0),
                                              M("ClientToken", str, AWSORCH_IDEMPOTENCY_TOKEN),
                                              M("ResultFormat", result_format, 0),
                                              M("SessionKeepAliveSeconds", integer, 0),
                                              M("SessionId", str, 0)};
STRUCT(execute_in, execute_in_m);
static const awsorch_member batch_in_m[] = {M("Sqls", str_list, AWSORCH_REQUIRED),
                                            M("ClusterIdentifier", str, 0),
                                            M("SecretArn", str, 0),
                                            M("DbUser", str, 0),
                                            M("Database", str, 0),
                                            M("WithEvent", boolean, 0),
                                            M("StatementName", str, 0),
                                            M("Parameters", parameters, 0),
                                            M("WorkgroupName", str, 0),
                                            M("ClientToken", str, AWSORCH_IDEMPOTENCY_TOKEN),
                                            M("ResultFormat", result_format, 0),
                                            M("SessionKeepAliveSeconds", integer, 0),
                                            M("SessionId", str, 0)};
STRUCT(batch_in, batch_in_m);
/* ExecuteStatement and BatchExecuteStatement answer alike. */
static const awsorch_member execute_out_m[] = {
    M("Id", str, 0),        M("CreatedAt", ts, 0),      M("ClusterIdentifier", str, 0),
    M("DbUser", str, 0),    M("DbGroups", str_list, 0), M("Database", str, 0),
    M("SecretArn", str, 0), M("WorkgroupName", str, 0), M("SessionId", str, 0)};
STRUCT(execute_out, execute_out_m);

/* ---- statements --------------------------------------------------------------------- */

static const awsorch_member id_in_m[] = {M("Id", str, AWSORCH_REQUIRED)};
STRUCT(id_in, id_in_m);
/* WaitTimeSeconds: the long poll of newer API versions (0-30 s), so a waiter can
 * block on the server instead of polling. */
static const awsorch_member describe_in_m[] = {M("Id", str, AWSORCH_REQUIRED),
                                               M("WaitTimeSeconds", integer, 0)};
STRUCT(describe_in, describe_in_m);

static const awsorch_member sub_statement_m[] = {M("Id", str, 0),
                                                 M("Duration", along, 0),
                                                 M("Error", str, 0),
                                                 M("Status", statement_status, 0),
                                                 M("CreatedAt", ts, 0),
                                                 M("UpdatedAt", ts, 0),
                                                 M("QueryString", str, 0),
                                                 M("ResultRows", along, 0),
                                                 M("ResultSize", along, 0),
                                                 M("RedshiftQueryId", along, 0),
                                                 M("HasResultSet", boolean, 0)};
STRUCT(sub_statement, sub_statement_m);
LIST(sub_statements, sub_statement);
static const awsorch_member describe_out_m[] = {M("Id", str, 0),
                                                M("SecretArn", str, 0),
                                                M("DbUser", str, 0),
                                                M("Database", str, 0),
                                                M("ClusterIdentifier", str, 0),
                                                M("Duration", along, 0),
                                                M("Error", str, 0),
                                                M("Status", status_string, 0),
                                                M("CreatedAt", ts, 0),
                                                M("UpdatedAt", ts, 0),
                                                M("RedshiftPid", along, 0),
                                                M("HasResultSet", boolean, 0),
                                                M("QueryString", str, 0),
                                                M("ResultRows", along, 0),
                                                M("ResultSize", along, 0),
                                                M("RedshiftQueryId", along, 0),
                                                M("QueryParameters", parameters, 0),
                                                M("SubStatements", sub_statements, 0),
                                                M("WorkgroupName", str, 0),
                                                M("ResultFormat", result_format, 0),
                                                M("SessionId", str, 0)};
STRUCT(describe_out, describe_out_m);

static const awsorch_member cancel_out_m[] = {M("Status", boolean, 0)};
STRUCT(cancel_out, cancel_out_m);

static const awsorch_member list_in_m[] = {
    M("NextToken", str, 0),         M("MaxResults", integer, 0), M("StatementName", str, 0),
    M("Status", status_string, 0),  M("RoleLevel", boolean, 0),  M("Database", str, 0),
    M("ClusterIdentifier", str, 0), M("WorkgroupName", str, 0)};
STRUCT(list_in, list_in_m);
static const awsorch_member statement_m[] = {M("Id", str, 0),
                                             M("QueryString", str, 0),
                                             M("QueryStrings", str_list, 0),
                                             M("SecretArn", str, 0),
                                             M("Status", status_string, 0),
                                             M("StatementName", str, 0),
                                             M("CreatedAt", ts, 0),
                                             M("UpdatedAt", ts, 0),
                                             M("QueryParameters", parameters, 0),
                                             M("IsBatchStatement", boolean, 0),
                                             M("ResultFormat", result_format, 0),
                                             M("SessionId", str, 0)};
STRUCT(statement, statement_m);
LIST(statements, statement);
static const awsorch_member list_out_m[] = {M("Statements", statements, 0), M("NextToken", str, 0)};
STRUCT(list_out, list_out_m);

/* ---- results ------------------------------------------------------------------------ */

static const awsorch_member result_in_m[] = {M("Id", str, AWSORCH_REQUIRED),
                                             M("NextToken", str, 0)};
STRUCT(result_in, result_in_m);
static const awsorch_member field_m[] = {M("isNull", boolean, 0),  M("booleanValue", boolean, 0),
                                         M("longValue", along, 0), M("doubleValue", dbl, 0),
                                         M("stringValue", str, 0), M("blobValue", blob, 0)};
STRUCT(field, field_m);
LIST(field_list, field);
LIST(records, field_list);
static const awsorch_member column_m[] = {M("isCaseSensitive", boolean, 0),
                                          M("isCurrency", boolean, 0),
                                          M("isSigned", boolean, 0),
                                          M("label", str, 0),
                                          M("name", str, 0),
                                          M("nullable", integer, 0),
                                          M("precision", integer, 0),
                                          M("scale", integer, 0),
                                          M("schemaName", str, 0),
                                          M("tableName", str, 0),
                                          M("typeName", str, 0),
                                          M("length", integer, 0),
                                          M("columnDefault", str, 0)};
STRUCT(column, column_m);
LIST(columns, column);
static const awsorch_member result_out_m[] = {M("Records", records, 0),
                                              M("ColumnMetadata", columns, 0),
                                              M("TotalNumRows", along, 0), M("NextToken", str, 0)};
STRUCT(result_out, result_out_m);

/* ---- the service -------------------------------------------------------------------- */

const awsorch_service_model awsorch_redshift_data_model = {
    {"redshift-data", "redshift-data", "Redshift Data"},
    "redshift-data",
    AWSORCH_AWS_JSON_1_1,
    "RedshiftData",
    NULL,
    NULL};

#define OP(name, in, out)                                                                          \
    {                                                                                              \
        (name), "POST", "/", (in), (out), NULL, false, NULL                                        \
    }

const awsorch_operation awsorch_redshift_data_operations[] = {
    OP("BatchExecuteStatement", &batch_in, &execute_out),
    OP("CancelStatement", &id_in, &cancel_out),
    OP("DescribeStatement", &describe_in, &describe_out),
    OP("ExecuteStatement", &execute_in, &execute_out),
    OP("GetStatementResult", &result_in, &result_out),
    OP("ListStatements", &list_in, &list_out),
};

const size_t awsorch_redshift_data_operation_count =
    sizeof(awsorch_redshift_data_operations) / sizeof(awsorch_redshift_data_operations[0]);

const awsorch_paginator_spec awsorch_redshift_data_paginators[] = {
    {"GetStatementResult", "NextToken", "NextToken", "Records"},
    {"ListStatements", "NextToken", "NextToken", "Statements"},
};

const size_t awsorch_redshift_data_paginator_count =
    sizeof(awsorch_redshift_data_paginators) / sizeof(awsorch_redshift_data_paginators[0]);

static const char *const statement_success[] = {"FINISHED", NULL};
static const char *const statement_failure[] = {"FAILED", "ABORTED", NULL};

const awsorch_waiter awsorch_redshift_data_waiters[] = {
    {.name = "statement-complete",
     .operation = "DescribeStatement",
     .state_member = "Status",
     .success = statement_success,
     .failure = statement_failure,
     .reason_members = {"Error", NULL, NULL},
     .delay_s = 2.0,
     .start_operation = "ExecuteStatement",
     .id_member = "Id",
     .start_operation2 = "BatchExecuteStatement"},
};

const size_t awsorch_redshift_data_waiter_count =
    sizeof(awsorch_redshift_data_waiters) / sizeof(awsorch_redshift_data_waiters[0]);
