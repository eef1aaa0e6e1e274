/* What the server core asks of the emulator's STS about the keys it issued. */
#ifndef AWSORCH_EMULATOR_STS_INTERNAL_H
#define AWSORCH_EMULATOR_STS_INTERNAL_H

#include <stdbool.h>

#include "emu.h"

/* The session token issued with an access key, or NULL; *expired tells whether
 * the credentials' expiration has passed. Lock held. */
const char *emu_sts_token(emu *e, const char *access_key, bool *expired);

#endif
