#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

awsorch_status awsorch_buf_reserve(awsorch_buf *buf, size_t n)
{
    if (buf == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "buffer is NULL");
    }
    if (n > SIZE_MAX - buf->len - 1) {
        return awsorch__fail(AWSORCH_E_NOMEM, "buffer size overflow");
    }
    size_t need = buf->len + n + 1;
    if (need <= buf->cap) {
        return AWSORCH_OK;
    }
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    char *p = realloc(buf->data, cap);
    if (p == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot grow a buffer to %zu bytes", cap);
    }
    buf->data = p;
    buf->cap = cap;
    return AWSORCH_OK;
}

awsorch_status awsorch_buf_append(awsorch_buf *buf, const void *data, size_t n)
{
    awsorch_status st = awsorch_buf_reserve(buf, n);
    if (st != AWSORCH_OK) {
        return st;
    }
    if (n > 0) {
        memcpy(buf->data + buf->len, data, n);
    }
    buf->len += n;
    buf->data[buf->len] = '\0';
    return AWSORCH_OK;
}

awsorch_status awsorch_buf_puts(awsorch_buf *buf, const char *s)
{
    return awsorch_buf_append(buf, s, s ? strlen(s) : 0);
}

void awsorch_buf_free(awsorch_buf *buf)
{
    if (buf == NULL) {
        return;
    }
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

void awsorch_buf_free_secret(awsorch_buf *buf)
{
    if (buf != NULL && buf->data != NULL) {
        OPENSSL_cleanse(buf->data, buf->cap);
    }
    awsorch_buf_free(buf);
}
