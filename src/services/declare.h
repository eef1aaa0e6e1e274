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
#define MAP(var, value) static const awsorch_shape var = {AWSORCH_MAP, NULL, 0, &(value), NULL}
/* A string with a closed set of values: ENUM(state, "READY", "RUNNING"). */
#define ENUM(var, ...)                                                                             \
    static const char *const var##_values[] = {__VA_ARGS__, NULL};                                 \
    static const awsorch_shape var = {AWSORCH_STRING, NULL, 0, NULL, var##_values}

static const awsorch_shape str = {AWSORCH_STRING, NULL, 0, NULL, NULL};
static const awsorch_shape integer = {AWSORCH_INTEGER, NULL, 0, NULL, NULL};
static const awsorch_shape along = {AWSORCH_LONG, NULL, 0, NULL, NULL};
static const awsorch_shape boolean = {AWSORCH_BOOLEAN, NULL, 0, NULL, NULL};
static const awsorch_shape ts = {AWSORCH_TIMESTAMP, NULL, 0, NULL, NULL};
static const awsorch_shape blob = {AWSORCH_BLOB, NULL, 0, NULL, NULL};
static const awsorch_shape dbl = {AWSORCH_DOUBLE, NULL, 0, NULL, NULL};
/* A structure whose members are kept as they come (outputs only: the parser
 * keeps undeclared members, and inputs must declare every member). */
static const awsorch_shape opaque = {AWSORCH_STRUCTURE, NULL, 0, NULL, NULL};
static const awsorch_shape str_list = {AWSORCH_LIST, NULL, 0, &str, NULL};
static const awsorch_shape str_map = {AWSORCH_MAP, NULL, 0, &str, NULL};

#endif
