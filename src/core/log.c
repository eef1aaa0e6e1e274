#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The callback is read on every log call and written rarely, so a read-write
 * lock keeps logging threads from serialising on each other. */
static pthread_rwlock_t log_lock = PTHREAD_RWLOCK_INITIALIZER;
static awsorch_log_level log_level = AWSORCH_LOG_OFF;
static awsorch_log_fn log_fn = NULL;
static void *log_userdata = NULL;

void awsorch_log_set(awsorch_log_level level, awsorch_log_fn fn, void *userdata)
{
    pthread_rwlock_wrlock(&log_lock);
    log_level = fn ? level : AWSORCH_LOG_OFF;
    log_fn = fn;
    log_userdata = userdata;
    pthread_rwlock_unlock(&log_lock);
}

bool awsorch__log_enabled(awsorch_log_level level)
{
    pthread_rwlock_rdlock(&log_lock);
    bool on = level != AWSORCH_LOG_OFF && level <= log_level && log_fn != NULL;
    pthread_rwlock_unlock(&log_lock);
    return on;
}

void awsorch__log(awsorch_log_level level, const char *fmt, ...)
{
    if (!awsorch__log_enabled(level)) {
        return;
    }
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_rwlock_rdlock(&log_lock);
    if (log_fn != NULL && level <= log_level) {
        log_fn(level, line, log_userdata);
    }
    pthread_rwlock_unlock(&log_lock);
}

bool awsorch__header_is_secret(const char *name, size_t name_len)
{
    static const char *const secret[] = {"authorization", "x-amz-security-token",
                                         "proxy-authorization", "cookie",
                                         "x-aws-ec2-metadata-token"};
    for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
        if (awsorch__strncasecmp_len(name, name_len, secret[i], strlen(secret[i])) == 0) {
            return true;
        }
    }
    return false;
}
