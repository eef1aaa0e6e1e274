#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm),
 * so time handling never depends on TZ, locale or a 32-bit time_t. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void awsorch__civil_from_epoch(int64_t epoch_s, int *year, int *month, int *day, int *hour,
                               int *min, int *sec)
{
    int64_t days = epoch_s / 86400;
    int64_t rem = epoch_s % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
    *hour = (int)(rem / 3600);
    *min = (int)(rem % 3600 / 60);
    *sec = (int)(rem % 60);
}

/* Years 0000-9999 are all that the ISO 8601 forms AWS uses can spell. */
#define MIN_EPOCH (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define MAX_EPOCH 253402300799LL   /* 9999-12-31T23:59:59Z */

static void put_digits(char **p, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        (*p)[i] = (char)('0' + value % 10);
        value /= 10;
    }
    *p += width;
}

awsorch_status awsorch_time_format_epoch(int64_t epoch_s, awsorch_time_format fmt, char *out,
                                         size_t out_len)
{
    if (out == NULL || out_len < AWSORCH_TIME_BUF) {
        return awsorch__fail(AWSORCH_E_BUFFER_TOO_SMALL, "time buffer needs %d bytes",
                             AWSORCH_TIME_BUF);
    }
    if (epoch_s < MIN_EPOCH || epoch_s > MAX_EPOCH) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "time %lld is outside years 0-9999",
                             (long long)epoch_s);
    }
    if (fmt != AWSORCH_TIME_ISO8601_BASIC && fmt != AWSORCH_TIME_ISO8601_EXTENDED &&
        fmt != AWSORCH_TIME_DATE_BASIC) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "unknown time format %d", (int)fmt);
    }
    int y, mo, d, h, mi, s;
    awsorch__civil_from_epoch(epoch_s, &y, &mo, &d, &h, &mi, &s);
    /* Digits by hand: every signature formats a time, and snprintf costs more
     * than the rest of the formatting put together. */
    bool ext = fmt == AWSORCH_TIME_ISO8601_EXTENDED;
    char *p = out;
    put_digits(&p, y, 4);
    if (ext) {
        *p++ = '-';
    }
    put_digits(&p, mo, 2);
    if (ext) {
        *p++ = '-';
    }
    put_digits(&p, d, 2);
    if (fmt != AWSORCH_TIME_DATE_BASIC) {
        *p++ = 'T';
        put_digits(&p, h, 2);
        if (ext) {
            *p++ = ':';
        }
        put_digits(&p, mi, 2);
        if (ext) {
            *p++ = ':';
        }
        put_digits(&p, s, 2);
        *p++ = 'Z';
    }
    *p = '\0';
    return AWSORCH_OK;
}

static bool take_digits(const char **p, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)(*p)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (c - '0');
    }
    *p += n;
    *value = v;
    return true;
}

static bool take_char(const char **p, char c, bool required)
{
    if (**p == c) {
        (*p)++;
        return true;
    }
    return !required;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

awsorch_status awsorch_time_parse(const char *text, int64_t *epoch_s)
{
    if (text == NULL || epoch_s == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "time text is NULL");
    }
    const char *p = text;
    int y, mo, d, h, mi, s;
    bool extended = strlen(text) > 4 && text[4] == '-';
    bool ok = take_digits(&p, 4, &y) && take_char(&p, '-', extended) && take_digits(&p, 2, &mo) &&
              take_char(&p, '-', extended) && take_digits(&p, 2, &d) &&
              (take_char(&p, 'T', true) || take_char(&p, 't', true)) && take_digits(&p, 2, &h) &&
              take_char(&p, ':', extended) && take_digits(&p, 2, &mi) &&
              take_char(&p, ':', extended) && take_digits(&p, 2, &s);
    if (ok && *p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            ok = false;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    /* Zone: Z, UTC (older AWS CLI caches), or an offset +HH:MM / +HHMM. */
    int64_t offset_s = 0;
    if (ok && (*p == 'Z' || *p == 'z') && p[1] == '\0') {
        p++;
    } else if (ok && strcmp(p, "UTC") == 0) {
        p += 3;
    } else if (ok && (*p == '+' || *p == '-')) {
        int sign = *p == '-' ? -1 : 1;
        int oh = 0;
        int om = 0;
        p++;
        ok = take_digits(&p, 2, &oh) && take_char(&p, ':', false) && take_digits(&p, 2, &om) &&
             *p == '\0' && oh <= 23 && om <= 59;
        offset_s = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    } else {
        ok = false;
    }
    ok = ok && *p == '\0';
    if (!ok || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        s > 60) {
        return awsorch__fail(AWSORCH_E_PARSE,
                             "bad time '%.40s': expected YYYYMMDDTHHMMSSZ or "
                             "YYYY-MM-DDTHH:MM:SSZ in UTC",
                             text);
    }
    /* A leap second is folded into the next second, as the SDKs do. */
    *epoch_s =
        days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s - offset_s;
    return AWSORCH_OK;
}

int64_t awsorch_time_now(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}
