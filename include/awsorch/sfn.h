/* AWS Step Functions. The operations are declared once in a model; call any
 * of them with awsorch_invoke_json, or from the CLI as `awsorch stepfunctions`.
 * Typed wrappers, paginators and the waiter build on this (see the issues). */
#ifndef AWSORCH_SFN_H
#define AWSORCH_SFN_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Step Functions (awsJson 1.0, "AWSStepFunctions"). */
AWSORCH_API extern const awsorch_service_model awsorch_sfn_model;
AWSORCH_API extern const awsorch_operation awsorch_sfn_operations[];
AWSORCH_API extern const size_t awsorch_sfn_operation_count;

/* Its waiters: execution-complete (SUCCEEDED; FAILED, TIMED_OUT, ABORTED). */
AWSORCH_API extern const awsorch_waiter awsorch_sfn_waiters[];
AWSORCH_API extern const size_t awsorch_sfn_waiter_count;

#ifdef __cplusplus
}
#endif

#endif
