/* Shared pieces of the awsorch command-line tool. */
#ifndef AWSORCH_CLI_H
#define AWSORCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "awsorch/awsorch.h"

/* Exit codes of the AWS CLI v2, which scripts rely on. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 252,
    CLI_EXIT_CONFIG = 253,
    CLI_EXIT_SERVICE = 254,
    CLI_EXIT_OTHER = 255,
    CLI_EXIT_INTERRUPTED = 130
};

/* Global options, accepted anywhere on the command line as the AWS CLI does. */
typedef struct cli_globals {
    const char *region;
    const char *profile;
    const char *endpoint_url;
    const char *output;
    bool debug;
    bool no_verify_ssl;
    bool no_sign_request;
    bool no_paginate;
    long connect_timeout_s;
    long read_timeout_s;
    const char *binary_format; /* --cli-binary-format; NULL: the profile's, else base64 */
} cli_globals;

/* Removes the global options from argv (shifting the rest down); returns false
 * with a message in err on a bad value. */
bool cli_take_globals(int *argc, char **argv, cli_globals *g, char *err, size_t err_len);

/* Reads a whole file, or standard input for NULL or "-", into buf. */
awsorch_status cli_read_all(const char *path, awsorch_buf *buf);

/* Maps a library status to the AWS CLI exit code that matches it. */
int cli_exit_for(awsorch_status st);

/* Prints "awsorch: <what>: <message of the last error>" to stderr and returns
 * the exit code for st. */
int cli_report(const char *what, awsorch_status st);

typedef struct json_t json_t;

/* Prints a response as --output asks (JSON by default); returns an exit code. */
int cli_print(FILE *out, json_t *doc, const cli_globals *g);

/* Prints the AWS CLI's error line for a failed call and returns its exit code. */
int cli_call_error(const char *operation, awsorch_status st);

/* Formats epoch seconds as the AWS CLI prints timestamps (2026-12-03T16:00:00+00:00). */
void cli_iso_time(int64_t epoch_s, char *out, size_t out_len);

/* `awsorch request`: signs and sends any request. */
int cli_request(int argc, char **argv, const cli_globals *g, FILE *out);

/* A service the CLI knows: its model and declared operations. */
typedef struct cli_service {
    const awsorch_service_model *model;
    const awsorch_operation *ops;
    size_t op_count;
    const awsorch_waiter *waiters;
    size_t waiter_count;
    const awsorch_paginator_spec *paginators;
    size_t paginator_count;
} cli_service;

/* Exit codes of `wait` and `--wait`, as the CLI contract defines them. */
enum { CLI_EXIT_WAIT_FAILED = 1, CLI_EXIT_WAIT_TIMEOUT = 2 };

typedef struct wait_flags {
    bool wait;
    double timeout_s;
    double delay_s;
} wait_flags;

/* Takes --wait (when allowed), --timeout and --delay out of argv; 0 or an exit code. */
int cli_take_wait_flags(int *argc, char **argv, bool allow_wait, wait_flags *f);

/* Waits with a declared waiter and prints the outcome; returns the exit code. */
int cli_run_wait(const cli_service *svc, const awsorch_waiter *waiter, awsorch_client *client,
                 const char *describe_input, const wait_flags *f, const cli_globals *g, FILE *out);

/* A client for a service with the global options applied. */
awsorch_status cli_make_client(const cli_service *svc, const cli_globals *g,
                               awsorch_client **client);

/* Prints an operation's JSON output as the AWS CLI does (timestamps in ISO 8601). */
int cli_print_output(FILE *out, const char *output, const awsorch_operation *op,
                     const cli_globals *g);

/* `awsorch stepfunctions plan-rerun`: what a partial re-run would run, and --start it. */
int cli_plan_rerun(const cli_service *svc, int argc, char **argv, const cli_globals *g, FILE *out);

/* `awsorch <service> <operation> [PARAMETERS]` for any declared operation. */
int cli_generic(const cli_service *svc, int argc, char **argv, const cli_globals *g, FILE *out);

/* "StateMachineArn" -> "state-machine-arn", as the AWS CLI names parameters. */
void cli_kebab(const char *name, char *out, size_t out_len);

/* `awsorch sign`: signs a raw HTTP request read from a file or stdin. */
int cli_sign(int argc, char **argv, const cli_globals *g, FILE *out);

#endif
