/* A fake STS endpoint for the credentials and CLI tests. */
#ifndef AWSORCH_TEST_FAKE_STS_H
#define AWSORCH_TEST_FAKE_STS_H

#include <stdint.h>

#include "mock_server.h"

/* Copies the form-encoded value of key in body (still encoded). */
void form_value(const char *body, const char *key, char *out, size_t out_len);

/* Copies the access key id of a request's Authorization header ("" if unsigned). */
void signer_akid(const mock_request *r, char *out, size_t out_len);

/* ISO 8601 time `seconds` from now. */
void iso_in(int64_t seconds, char *out, size_t out_len);

/* The STS handler for mock_start. */
void sts_handler(const mock_request *req, mock_reply *reply, void *ud);

/* Starts the fake STS and points AWS_ENDPOINT_URL_STS at it. */
mock_server *start_sts(void);

#endif
