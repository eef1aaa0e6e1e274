/* Amazon Athena queries. The operations are declared once in a model; call any
 * of them with awsorch_invoke_json, or from the CLI as `awsorch athena`
 * (`awsorch athena start-query-execution --query-string 'SELECT 1' --wait`). */
#ifndef AWSORCH_ATHENA_H
#define AWSORCH_ATHENA_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Athena (awsJson 1.1, "AmazonAthena"): StartQueryExecution
 * (ClientRequestToken generated when left out), GetQueryExecution,
 * BatchGetQueryExecution, GetQueryResults, StopQueryExecution, ListQueryExecutions. */
AWSORCH_API extern const awsorch_service_model awsorch_athena_model;
AWSORCH_API extern const awsorch_operation awsorch_athena_operations[];
AWSORCH_API extern const size_t awsorch_athena_operation_count;

/* Its paginators (NextToken): GetQueryResults (ResultSet.Rows), ListQueryExecutions. */
AWSORCH_API extern const awsorch_paginator_spec awsorch_athena_paginators[];
AWSORCH_API extern const size_t awsorch_athena_paginator_count;

/* Its waiter: query-complete (GetQueryExecution: SUCCEEDED; FAILED, CANCELLED). */
AWSORCH_API extern const awsorch_waiter awsorch_athena_waiters[];
AWSORCH_API extern const size_t awsorch_athena_waiter_count;

#ifdef __cplusplus
}
#endif

#endif
