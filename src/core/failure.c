/* The SDKs' lists of throttling, transient and clock-skew errors. */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "failure.h"
#include "internal.h"

#define MAX_BACKOFF_S 20.0

static bool code_in(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; code != NULL && i < n; i++) {
        if (strcmp(code, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

awsorch__failure awsorch__classify(awsorch_status transport, int http_status, const char *code)
{
    static const char *const throttling[] = {"Throttling",
                                             "ThrottlingException",
                                             "ThrottledException",
                                             "RequestThrottledException",
                                             "TooManyRequestsException",
                                             "ProvisionedThroughputExceededException",
                                             "TransactionInProgressException",
                                             "RequestLimitExceeded",
                                             "BandwidthLimitExceeded",
                                             "LimitExceededException",
                                             "RequestThrottled",
                                             "SlowDown",
                                             "PriorRequestNotComplete",
                                             "EC2ThrottledException"};
    static const char *const transient[] = {"RequestTimeout",       "RequestTimeoutException",
                                            "InternalError",        "InternalFailure",
                                            "ServiceUnavailable",   "ServiceUnavailableException",
                                            "IDPCommunicationError"};
    static const char *const skew[] = {"RequestTimeTooSkewed",  "RequestExpired",
                                       "RequestInTheFuture",    "InvalidSignatureException",
                                       "SignatureDoesNotMatch", "AuthFailure"};
    if (transport == AWSORCH_E_TIMEOUT) {
        return AWSORCH__TIMEOUT;
    }
    if (transport == AWSORCH_E_TRANSPORT) {
        return AWSORCH__TRANSIENT; /* reset, refused, truncated */
    }
    if (transport != AWSORCH_OK) {
        return AWSORCH__FATAL;
    }
    if (http_status >= 200 && http_status < 300) {
        return AWSORCH__OK;
    }
    if (code_in(code, throttling, sizeof(throttling) / sizeof(throttling[0])) ||
        http_status == 429) {
        return AWSORCH__THROTTLE;
    }
    if (code_in(code, skew, sizeof(skew) / sizeof(skew[0]))) {
        return AWSORCH__SKEW;
    }
    if (code_in(code, transient, sizeof(transient) / sizeof(transient[0])) || http_status == 500 ||
        http_status == 502 || http_status == 503 || http_status == 504) {
        return AWSORCH__TRANSIENT;
    }
    return AWSORCH__FATAL;
}

bool awsorch__new_retries_2026(void)
{
    const char *v = awsorch__env("AWS_NEW_RETRIES_2026");
    return v == NULL || strcasecmp(v, "false") != 0;
}

double awsorch__backoff_cap(bool new_2026, awsorch__failure failure, unsigned attempt)
{
    double base = (new_2026 && failure != AWSORCH__THROTTLE) ? 0.05 : 1.0;
    double cap = base * ldexp(1.0, (int)(attempt > 0 ? attempt - 1 : 0));
    return cap < MAX_BACKOFF_S ? cap : MAX_BACKOFF_S;
}
