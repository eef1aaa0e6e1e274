/* Endpoint resolution: region and service to URL for the aws, aws-cn and
 * aws-us-gov partitions, FIPS and dual-stack variants, configured endpoint
 * URLs, operation host prefixes and S3 addressing. */
#ifndef AWSORCH_HTTP_ENDPOINT_H
#define AWSORCH_HTTP_ENDPOINT_H

#include <stdbool.h>

#include "awsorch/core.h"

typedef struct awsorch__endpoint_params {
    const char *prefix; /* the service's endpoint prefix: "states", "s3", ... */
    const char *region;
    bool fips;
    bool dualstack;
    const char *configured_url; /* --endpoint-url / AWS_ENDPOINT_URL*, or NULL */
    const char *host_prefix;    /* "sync-" for StartSyncExecution, or NULL */
    const char *bucket;         /* S3 bucket, or NULL */
    bool force_path_style;      /* S3 addressing_style = path */
} awsorch__endpoint_params;

typedef struct awsorch__endpoint {
    char url[1024];  /* scheme://host[:port][/base path], no trailing slash */
    bool path_style; /* S3: the bucket goes in the path, not the host */
    char partition[16];
} awsorch__endpoint;

/* Resolves an endpoint; an unknown or malformed region is a clear error. */
awsorch_status awsorch__endpoint_resolve(const awsorch__endpoint_params *p, awsorch__endpoint *out);

/* Global services answer on one endpoint when no region is set (STS, as the
 * SDKs resolve it): its URL and signing region, or NULL for regional services. */
const char *awsorch__global_endpoint(const char *prefix, const char **signing_region);

/* True when an S3 bucket name can be a DNS label of a virtual-hosted URL. */
bool awsorch__s3_bucket_is_dns_safe(const char *bucket, bool https);

#endif
