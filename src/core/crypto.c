/* SHA-256 from OpenSSL's libcrypto, used through its low-level interface: the
 * EVP and HMAC interfaces of OpenSSL 3 allocate and fetch an algorithm on every
 * call, which the signer's no-allocation, cached-key hot path cannot afford.
 * HMAC (RFC 2104) is composed here from those SHA-256 states so that a cached
 * signing key keeps its keyed inner and outer states ready. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(awsorch__sha256), "awsorch__sha256 is too small");

static SHA256_CTX *ctx_of(awsorch__sha256 *c)
{
    return (SHA256_CTX *)(void *)c->opaque;
}

void awsorch__sha256_init(awsorch__sha256 *ctx)
{
    (void)SHA256_Init(ctx_of(ctx));
}

void awsorch__sha256_update(awsorch__sha256 *ctx, const void *data, size_t n)
{
    if (n > 0) {
        (void)SHA256_Update(ctx_of(ctx), data, n);
    }
}

void awsorch__sha256_final(awsorch__sha256 *ctx, unsigned char out[32])
{
    (void)SHA256_Final(out, ctx_of(ctx));
}

void awsorch__sha256_once(const void *data, size_t n, unsigned char out[32])
{
    awsorch__sha256 c;
    awsorch__sha256_init(&c);
    awsorch__sha256_update(&c, data, n);
    awsorch__sha256_final(&c, out);
}

void awsorch__hmac_key_init(awsorch__hmac_key *key, const void *secret, size_t n)
{
    unsigned char block[64] = {0};
    if (n > sizeof(block)) {
        awsorch__sha256_once(secret, n, block);
    } else if (n > 0) {
        memcpy(block, secret, n);
    }
    unsigned char pad[64];
    for (size_t i = 0; i < sizeof(pad); i++) {
        pad[i] = (unsigned char)(block[i] ^ 0x36);
    }
    awsorch__sha256_init(&key->inner);
    awsorch__sha256_update(&key->inner, pad, sizeof(pad));
    for (size_t i = 0; i < sizeof(pad); i++) {
        pad[i] = (unsigned char)(block[i] ^ 0x5c);
    }
    awsorch__sha256_init(&key->outer);
    awsorch__sha256_update(&key->outer, pad, sizeof(pad));
    OPENSSL_cleanse(block, sizeof(block));
    OPENSSL_cleanse(pad, sizeof(pad));
}

void awsorch__hmac_sha256(const awsorch__hmac_key *key, const void *data, size_t n,
                          unsigned char out[32])
{
    awsorch__sha256 c = key->inner;
    awsorch__sha256_update(&c, data, n);
    unsigned char inner[32];
    awsorch__sha256_final(&c, inner);
    c = key->outer;
    awsorch__sha256_update(&c, inner, sizeof(inner));
    awsorch__sha256_final(&c, out);
    OPENSSL_cleanse(inner, sizeof(inner));
    OPENSSL_cleanse(&c, sizeof(c));
}

void awsorch__hmac_key_wipe(awsorch__hmac_key *key)
{
    OPENSSL_cleanse(key, sizeof(*key));
}
