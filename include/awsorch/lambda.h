/* AWS Lambda: invoking functions and reading their configuration. The
 * operations are declared once in a model; call any of them with
 * awsorch_invoke_json (awsorch_invoke_json_stream to send Invoke's reply payload
 * to a writer), or from the CLI as `awsorch lambda` (`awsorch lambda invoke
 * --function-name f --payload file://in.json out.json`). */
#ifndef AWSORCH_LAMBDA_H
#define AWSORCH_LAMBDA_H

#include "model.h"
#include "poller.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The declared model of Lambda (restJson1): Invoke, GetFunction,
 * GetFunctionConfiguration, ListFunctions. */
AWSORCH_API extern const awsorch_service_model awsorch_lambda_model;
AWSORCH_API extern const awsorch_operation awsorch_lambda_operations[];
AWSORCH_API extern const size_t awsorch_lambda_operation_count;

/* Its paginator: ListFunctions (Marker / NextMarker, Functions). */
AWSORCH_API extern const awsorch_paginator_spec awsorch_lambda_paginators[];
AWSORCH_API extern const size_t awsorch_lambda_paginator_count;

/* The AWS CLI's waiters: function-active, function-active-v2, function-updated,
 * function-updated-v2, published-version-active (function-exists is not declared). */
AWSORCH_API extern const awsorch_waiter awsorch_lambda_waiters[];
AWSORCH_API extern const size_t awsorch_lambda_waiter_count;

#ifdef __cplusplus
}
#endif

#endif
