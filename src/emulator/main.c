/* awsorch-emulator: a local endpoint for every AWS service awsorch covers.
 * Start it, point any AWS client at it with --endpoint-url, stop it with Ctrl-C. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static const char usage[] =
    "usage: awsorch-emulator [--port PORT] [--bind ADDRESS] [--config FILE] [--log]\n"
    "\n"
    "  --port PORT      port to listen on (default 4566; 0 picks a free one)\n"
    "  --bind ADDRESS   IPv4 address to listen on (default 127.0.0.1)\n"
    "  --config FILE    JSON file declaring jobs, functions, queries, faults and keys\n"
    "  --log            one line per request on stderr (service, operation, status, latency)\n"
    "\n"
    "Default credentials: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    "Control API: GET /_awsorch/health, GET|DELETE /_awsorch/requests,\n"
    "             GET|POST|DELETE /_awsorch/faults\n";

static int parse_port(const char *text, int *port)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 0 || v > 65535) {
        return -1;
    }
    *port = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    emu_server_options opts = {NULL, 4566, NULL, NULL, false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            (void)fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--log") == 0) {
            opts.log_requests = true;
        } else if (strcmp(a, "--port") == 0 && has_value) {
            if (parse_port(argv[++i], &opts.port) != 0) {
                (void)fprintf(stderr, "awsorch-emulator: --port needs a number 0-65535, not '%s'\n",
                              argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--bind") == 0 && has_value) {
            opts.bind = argv[++i];
        } else if (strcmp(a, "--config") == 0 && has_value) {
            opts.config_path = argv[++i];
        } else {
            (void)fprintf(stderr, "%s\nawsorch-emulator: unknown or incomplete option '%s'\n",
                          usage, a);
            return 2;
        }
    }
    /* Block the stop signals before any thread starts so that only sigwait sees them. */
    sigset_t stop;
    (void)sigemptyset(&stop);
    (void)sigaddset(&stop, SIGINT);
    (void)sigaddset(&stop, SIGTERM);
    (void)pthread_sigmask(SIG_BLOCK, &stop, NULL);
    (void)signal(SIGPIPE, SIG_IGN);

    emu_server *server = NULL;
    char err[512];
    if (emu_server_start(&server, &opts, err, sizeof(err)) != 0) {
        (void)fprintf(stderr, "awsorch-emulator: %s\n", err);
        return 1;
    }
    (void)printf("awsorch-emulator listening on http://%s:%d\n",
                 opts.bind != NULL ? opts.bind : "127.0.0.1", emu_server_port(server));
    (void)fflush(stdout);
    int sig = 0;
    (void)sigwait(&stop, &sig);
    (void)fprintf(stderr, "awsorch-emulator: stopping (%s)\n",
                  sig == SIGINT ? "SIGINT" : "SIGTERM");
    emu_server_stop(server);
    return 0;
}
