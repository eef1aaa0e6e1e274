#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local awsorch_error tls_error;

const awsorch_error *awsorch_error_last(void)
{
    return &tls_error;
}

void awsorch_error_clear(void)
{
    memset(&tls_error, 0, sizeof(tls_error));
}

awsorch_status awsorch__fail(awsorch_status status, const char *fmt, ...)
{
    awsorch_error_clear();
    tls_error.status = status;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(tls_error.message, sizeof(tls_error.message), fmt, ap);
    va_end(ap);
    awsorch__log(AWSORCH_LOG_DEBUG, "error: %s: %s", awsorch_strerror(status), tls_error.message);
    return status;
}

awsorch_status awsorch__fail_service(int http_status, const char *code, const char *message,
                                     const char *request_id)
{
    awsorch_error_clear();
    tls_error.status = AWSORCH_E_SERVICE;
    tls_error.http_status = http_status;
    (void)snprintf(tls_error.service_code, sizeof(tls_error.service_code), "%s",
                   code ? code : "Unknown");
    (void)snprintf(tls_error.message, sizeof(tls_error.message), "%s", message ? message : "");
    (void)snprintf(tls_error.request_id, sizeof(tls_error.request_id), "%s",
                   request_id ? request_id : "");
    awsorch__log(AWSORCH_LOG_DEBUG, "service error %d %s: %s", http_status, tls_error.service_code,
                 tls_error.message);
    return AWSORCH_E_SERVICE;
}

void awsorch__error_set_attempts(unsigned attempts)
{
    tls_error.attempts = attempts;
}

const char *awsorch_strerror(awsorch_status status)
{
    switch (status) {
    case AWSORCH_OK: return "success";
    case AWSORCH_E_INVALID_ARG: return "invalid argument";
    case AWSORCH_E_NOMEM: return "out of memory";
    case AWSORCH_E_BUFFER_TOO_SMALL: return "buffer too small";
    case AWSORCH_E_PARSE: return "malformed input";
    case AWSORCH_E_IO: return "input/output error";
    case AWSORCH_E_CONFIG: return "bad configuration";
    case AWSORCH_E_CREDENTIALS: return "no usable credentials";
    case AWSORCH_E_TRANSPORT: return "transport error";
    case AWSORCH_E_SERVICE: return "service error";
    case AWSORCH_E_TIMEOUT: return "timed out";
    case AWSORCH_E_CANCELLED: return "cancelled";
    case AWSORCH_E_UNSUPPORTED: return "unsupported";
    case AWSORCH_E_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *awsorch_version(void)
{
    return AWSORCH_VERSION_STRING;
}
