/* Reading an AWS error out of a reply, whatever the protocol spelled it in. */
#ifndef AWSORCH_PROTOCOL_ERRORS_H
#define AWSORCH_PROTOCOL_ERRORS_H

#include <stddef.h>

typedef struct awsorch__aws_error {
    char code[128]; /* "ValidationException"; "" when the reply is not an AWS error */
    char message[1024];
    char request_id[128];
} awsorch__aws_error;

/* Parses an error reply: the code from x-amzn-ErrorType, JSON __type (namespace
 * and URL suffix stripped) or code/Code, or XML <Error><Code>; the message from
 * message/Message/errorMessage; the request id from x-amzn-RequestId,
 * x-amz-request-id or the body. `get_header` reads a reply header. */
typedef int (*awsorch__header_fn)(void *ctx, const char *name, char *out, size_t out_len);
void awsorch__parse_aws_error(const char *body, size_t body_len, awsorch__header_fn get_header,
                              void *ctx, awsorch__aws_error *out);

#endif
