/* awsorch-emulator's server: start it on a port (0: a free one), stop it.
 * The binary's main() and the integration tests both use this. */
#ifndef AWSORCH_EMULATOR_SERVER_H
#define AWSORCH_EMULATOR_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "emu.h"

typedef struct emu_server emu_server;

typedef struct emu_server_options {
    const char *bind;        /* address to listen on; NULL: 127.0.0.1 */
    int port;                /* 0: any free port (read it back with emu_server_port) */
    const char *config_path; /* JSON config file, or NULL */
    const char *config_json; /* JSON config text (tests), or NULL */
    bool log_requests;       /* one line per request on stderr */
} emu_server_options;

/* Starts serving; on failure returns -1 and writes why into err. */
int emu_server_start(emu_server **out, const emu_server_options *opts, char *err, size_t err_len);
/* The port the server listens on. */
int emu_server_port(const emu_server *s);
/* The service state (for in-process tests). */
emu *emu_server_state(emu_server *s);
/* Stops serving, ends running executions and long polls, frees everything. NULL is fine. */
void emu_server_stop(emu_server *s);

#endif
