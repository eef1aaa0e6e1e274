/* What the service declarations share: the shorthand for members and shapes,
 * and the scalar shapes every model uses. Internal to the service models. */
#ifndef AWSORCH_SERVICES_DECLARE_H
#define AWSORCH_SERVICES_DECLARE_H

#include "awsorch/model.h"

/* A member in the body (JSON object, XML element, query parameter). */
#define M(name, shape, flags)                                                                      \
    {                                                                                              \
        (name), &(shape), AWSORCH_IN_BODY, NULL, (flags)                                           \
    }
/* A member bound elsewhere: URI label, query key, header, payload, status. */
#define AT(name, shape, location, wire, flags)                                                     \
    {                                                                                              \
        (name), &(shape), (location), (wire), (flags)                                              \
    }
#define STRUCT(var, members)                                                                       \
    static const awsorch_shape var = {AWSORCH_STRUCTURE, (members),                                \
                                      sizeof(members) / sizeof((members)[0]), NULL, NULL}
#define LIST(var, element)                                                                         \
    static const awsorch_shape var = {AWSORCH_LIST, NULL, 0, &(element), NULL}

static const awsorch_shape str = {AWSORCH_STRING, NULL, 0, NULL, NULL};
static const awsorch_shape integer = {AWSORCH_INTEGER, NULL, 0, NULL, NULL};
static const awsorch_shape along = {AWSORCH_LONG, NULL, 0, NULL, NULL};
static const awsorch_shape boolean = {AWSORCH_BOOLEAN, NULL, 0, NULL, NULL};
static const awsorch_shape ts = {AWSORCH_TIMESTAMP, NULL, 0, NULL, NULL};
static const awsorch_shape blob = {AWSORCH_BLOB, NULL, 0, NULL, NULL};

#endif
