/* awsorch-emulator: what the Glue emulation offers the other services. */
#ifndef AWSORCH_EMULATOR_GLUE_H
#define AWSORCH_EMULATOR_GLUE_H

#include "emu.h"

/* Job runs and crawls finish lazily, when someone looks; this settles every
 * run and crawl whose end has passed, writing their CloudWatch Logs lines, so
 * log readers see what a real service would already have written. Lock held. */
void emu_glue_settle(emu *e);

#endif
