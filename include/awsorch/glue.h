/* AWS Glue jobs and crawlers. The operations are declared once in a model; call
 * any of them with awsorch_invoke_json, or from the CLI as `awsorch glue`
 * (`awsorch glue start-job-run --job-name etl --wait`). */
#ifndef AWSORCH_GLUE_H
#define AWSORCH_GLUE_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Glue (awsJson 1.1, "AWSGlue"): GetJob, GetJobs,
 * StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun, StartCrawler, StopCrawler,
 * GetCrawler, GetCrawlers, GetCrawlerMetrics. */
AWSORCH_API extern const awsorch_service_model awsorch_glue_model;
AWSORCH_API extern const awsorch_operation awsorch_glue_operations[];
AWSORCH_API extern const size_t awsorch_glue_operation_count;

/* Its paginators (NextToken): GetJobs, GetJobRuns, GetCrawlers, GetCrawlerMetrics. */
AWSORCH_API extern const awsorch_paginator_spec awsorch_glue_paginators[];
AWSORCH_API extern const size_t awsorch_glue_paginator_count;

/* Its waiters: job-run-complete (GetJobRun: SUCCEEDED; FAILED, TIMEOUT, ERROR,
 * STOPPED, EXPIRED) and crawler-complete (GetCrawler: READY, then the last
 * crawl SUCCEEDED; FAILED, CANCELLED). */
AWSORCH_API extern const awsorch_waiter awsorch_glue_waiters[];
AWSORCH_API extern const size_t awsorch_glue_waiter_count;

#ifdef __cplusplus
}
#endif

#endif
