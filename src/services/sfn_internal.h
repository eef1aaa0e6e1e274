/* Internal to the Step Functions layers: one way to call a declared operation
 * with a jansson input and get its reply as jansson. */
#ifndef AWSORCH_SERVICES_SFN_INTERNAL_H
#define AWSORCH_SERVICES_SFN_INTERNAL_H

#include <jansson.h>

#include "awsorch/sfn.h"

/* Calls the Step Functions operation named op_name; *out (when out is not NULL)
 * receives the reply, which the caller releases with json_decref. */
awsorch_status awsorch__sfn_call(json_t **out, awsorch_client *client, const char *op_name,
                                 json_t *in);

#endif
