/* What the emulator's core shares between its own files (not for services). */
#ifndef AWSORCH_EMULATOR_INTERNAL_H
#define AWSORCH_EMULATOR_INTERNAL_H

#include "emu.h"

/* A JSON service's operation table by service name ("glue", "sfn", ...), or NULL. */
const emu_json_op *emu_json_ops_for(const char *service);
/* An operation of a table by name, or NULL. */
const emu_json_op *emu_json_op_find(const emu_json_op *ops, const char *name);

/* Checks a JSON input against an operation's declared input shape; -1 with AWS's
 * ValidationException / SerializationException naming the member. */
int emu_validate(const awsorch_shape *shape, json_t *input, emu_error *err);

/* The SDK's declared model of a JSON service's operation, or NULL when none is declared. */
const awsorch_operation *emu_model_operation(const char *service, const char *operation);

#endif
