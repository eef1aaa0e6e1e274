/* The SDKs' lists of throttling, transient and clock-skew errors. */
#include <stdbool.h>
#include <string.h>

#include "failure.h"

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
