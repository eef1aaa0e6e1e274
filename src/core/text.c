#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>
#include <unistd.h>

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

void awsorch__uri_encode(awsorch_buf *out, const char *s, size_t n, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (awsorch__is_unreserved(c) || (keep_slash && c == '/')) {
            (void)awsorch_buf_append(out, &c, 1);
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};
            (void)awsorch_buf_append(out, e, 3);
        }
    }
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

/* UUIDs need to be unique, not secret: a per-thread splitmix64 stream seeded
 * from the system's CSPRNG once (and again after a fork) costs a few
 * nanoseconds instead of a DRBG call per UUID. */
static _Thread_local uint64_t uuid_state;
static _Thread_local unsigned uuid_generation; /* 0: not seeded yet */
static atomic_uint fork_generation = 1;        /* a child must not repeat its parent's UUIDs */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void after_fork(void)
{
    atomic_fetch_add(&fork_generation, 1);
}

static void register_atfork(void)
{
    (void)pthread_atfork(NULL, NULL, after_fork);
}

static uint64_t splitmix64(void)
{
    uint64_t z = (uuid_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void awsorch__uuid4(char out[37])
{
    unsigned generation = atomic_load(&fork_generation);
    if (uuid_generation != generation) {
        (void)pthread_once(&atfork_once, register_atfork);
        uint64_t seed = 0;
        if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1) {
            seed = (uint64_t)awsorch_time_now() ^ ((uint64_t)getpid() << 32);
        }
        uuid_state = seed;
        uuid_generation = atomic_load(&fork_generation);
    }
    unsigned char b[16];
    uint64_t hi = splitmix64();
    uint64_t lo = splitmix64();
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(hi >> (8 * i));
        b[8 + i] = (unsigned char)(lo >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char digits[] = "0123456789abcdef";
    size_t w = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[w++] = '-';
        }
        out[w++] = digits[b[i] >> 4];
        out[w++] = digits[b[i] & 15];
    }
    out[w] = '\0';
}
