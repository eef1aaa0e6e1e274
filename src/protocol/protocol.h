/* Internal pieces of the protocol layer. */
#ifndef AWSORCH_PROTOCOL_PROTOCOL_H
#define AWSORCH_PROTOCOL_PROTOCOL_H

#include <jansson.h>

#include "awsorch/model.h"

/* The member of a structure shape with this name, or NULL. */
const awsorch_member *awsorch__find_member(const awsorch_shape *s, const char *name);

/* Base64 of bytes (malloc'd), or NULL. */
char *awsorch__base64(const unsigned char *p, size_t n);

/* Validates the input (filling idempotency tokens into it) and builds the request. */
awsorch_status awsorch__serialize_json(awsorch_request_parts *out,
                                       const awsorch_service_model *model,
                                       const awsorch_operation *op, json_t *in);

/* Parses a reply into a JSON object shaped by the operation's output. */
awsorch_status awsorch__deserialize_json(json_t **out, const awsorch_service_model *model,
                                         const awsorch_operation *op,
                                         const awsorch_response *reply);

#endif
