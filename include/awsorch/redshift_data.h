/* Amazon Redshift Data API. The operations are declared once in a model; call
 * any of them with awsorch_invoke_json, or from the CLI as `awsorch redshift-data`
 * (`awsorch redshift-data execute-statement --sql ... --wait`). Endpoint setting:
 * AWS_ENDPOINT_URL_REDSHIFT_DATA, or redshift_data in a [services] section. */
#ifndef AWSORCH_REDSHIFT_DATA_H
#define AWSORCH_REDSHIFT_DATA_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Redshift Data (awsJson 1.1, "RedshiftData"):
 * ExecuteStatement and BatchExecuteStatement (ClientToken generated when left
 * out), DescribeStatement, GetStatementResult, CancelStatement, ListStatements. */
AWSORCH_API extern const awsorch_service_model awsorch_redshift_data_model;
AWSORCH_API extern const awsorch_operation awsorch_redshift_data_operations[];
AWSORCH_API extern const size_t awsorch_redshift_data_operation_count;

/* Its paginators (NextToken): GetStatementResult (Records), ListStatements. */
AWSORCH_API extern const awsorch_paginator_spec awsorch_redshift_data_paginators[];
AWSORCH_API extern const size_t awsorch_redshift_data_paginator_count;

/* Its waiter: statement-complete (DescribeStatement: FINISHED; FAILED, ABORTED). */
AWSORCH_API extern const awsorch_waiter awsorch_redshift_data_waiters[];
AWSORCH_API extern const size_t awsorch_redshift_data_waiter_count;

#ifdef __cplusplus
}
#endif

#endif
