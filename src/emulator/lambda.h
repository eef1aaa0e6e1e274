/* awsorch-emulator: what the Lambda emulation offers the other services. */
#ifndef AWSORCH_EMULATOR_LAMBDA_H
#define AWSORCH_EMULATOR_LAMBDA_H

#include "emu.h"

/* Asynchronous (Event) invocations finish lazily; this writes the logs of
 * those whose end has passed, so log readers see them. Lock held. */
void emu_lambda_settle(emu *e);

#endif
