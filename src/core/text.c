#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "internal.h"

int awsorch__hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool awsorch__is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

int awsorch__strncasecmp_len(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        int d = ascii_lower((unsigned char)a[i]) - ascii_lower((unsigned char)b[i]);
        if (d != 0) {
            return d;
        }
    }
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

awsorch_status awsorch_hex_encode(const void *data, size_t n, char *out, size_t out_len)
{
    static const char digits[] = "0123456789abcdef";
    if (out == NULL || (n > 0 && data == NULL) || n > (SIZE_MAX - 1) / 2 || out_len < 2 * n + 1) {
        return awsorch__fail(AWSORCH_E_BUFFER_TOO_SMALL, "hex output needs %zu bytes",
                             n <= (SIZE_MAX - 1) / 2 ? 2 * n + 1 : SIZE_MAX);
    }
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
    return AWSORCH_OK;
}

void awsorch__uuid4(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1) {
        memset(b, 0, sizeof(b));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    (void)snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                   b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                   b[13], b[14], b[15]);
}
