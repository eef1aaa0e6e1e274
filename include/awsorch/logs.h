/* Amazon CloudWatch Logs: reading log events. The operations are declared once
 * in a model; call them with awsorch_invoke_json, or from the CLI as `awsorch
 * logs` (`awsorch logs filter-log-events --log-group-name /aws-glue/jobs/output`).
 * Endpoint setting: AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. */
#ifndef AWSORCH_LOGS_H
#define AWSORCH_LOGS_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of CloudWatch Logs (awsJson 1.1, "Logs_20140328"):
 * GetLogEvents, FilterLogEvents. */
AWSORCH_API extern const awsorch_service_model awsorch_logs_model;
AWSORCH_API extern const awsorch_operation awsorch_logs_operations[];
AWSORCH_API extern const size_t awsorch_logs_operation_count;

/* Its paginator: FilterLogEvents (nextToken, events). GetLogEvents pages with
 * nextForwardToken, which repeats at the end of the stream: drive it by hand,
 * stopping when the token comes back unchanged. */
AWSORCH_API extern const awsorch_paginator_spec awsorch_logs_paginators[];
AWSORCH_API extern const size_t awsorch_logs_paginator_count;

#ifdef __cplusplus
}
#endif

#endif
