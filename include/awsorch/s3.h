/* Amazon S3: the object operations pipelines use most, declared once; call
 * them with awsorch_invoke_json (awsorch_invoke_json_stream for bodies) or as
 * `awsorch s3api`. Buckets go virtual-hosted unless path style is needed. */
#ifndef AWSORCH_S3_H
#define AWSORCH_S3_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

AWSORCH_API extern const awsorch_service_model awsorch_s3_model;
AWSORCH_API extern const awsorch_operation awsorch_s3_operations[];
AWSORCH_API extern const size_t awsorch_s3_operation_count;
AWSORCH_API extern const awsorch_paginator_spec awsorch_s3_paginators[];
AWSORCH_API extern const size_t awsorch_s3_paginator_count;

#ifdef __cplusplus
}
#endif

#endif
