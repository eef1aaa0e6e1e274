/* Thin helpers over jansson, for the layers that speak JSON. */
#ifndef AWSORCH_CORE_JSON_H
#define AWSORCH_CORE_JSON_H

#include <jansson.h>

#include "internal.h"

/* Returns obj[key] when it is a string, else NULL. */
const char *awsorch__json_string(const json_t *obj, const char *key);

/* Parses JSON text; on failure records AWSORCH_E_PARSE naming what and where. */
awsorch_status awsorch__json_parse(json_t **out, const char *text, size_t len, const char *what);

#endif
