/* How AWS SDKs sort a failed attempt: the one classification the client's
 * retry strategy and the credential providers' STS calls both follow. Pure. */
#ifndef AWSORCH_CORE_FAILURE_H
#define AWSORCH_CORE_FAILURE_H

#include <stdbool.h>

#include "awsorch/core.h"

/* What kind of failure an attempt ended in. */
typedef enum awsorch__failure {
    AWSORCH__OK = 0,
    AWSORCH__TRANSIENT, /* 5xx, connection reset, RequestTimeout-class codes */
    AWSORCH__THROTTLE,  /* 429 and the throttling error codes */
    AWSORCH__TIMEOUT,   /* no reply in time */
    AWSORCH__SKEW,      /* the clock is off: correct it and retry */
    AWSORCH__FATAL      /* a retry cannot fix it */
} awsorch__failure;

/* Classifies an attempt's outcome: the transport status (AWSORCH_OK when a reply
 * came), the HTTP status and the service error code (NULL when none). */
awsorch__failure awsorch__classify(awsorch_status transport, int http_status, const char *code);

/* Whether the 2026 retry defaults apply: AWS_NEW_RETRIES_2026 unset or not "false". */
bool awsorch__new_retries_2026(void);

/* The backoff before retry number `attempt` (1 = the first retry), before jitter:
 * base * 2^(attempt-1), capped at 20 s; the base is 50 ms for transient errors and
 * 1 s for throttling with the 2026 defaults, 1 s for both before. */
double awsorch__backoff_cap(bool new_2026, awsorch__failure failure, unsigned attempt);

#endif
