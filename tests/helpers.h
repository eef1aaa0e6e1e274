/* Helpers the tests share: temporary files and running the CLI. */
#ifndef AWSORCH_TEST_HELPERS_H
#define AWSORCH_TEST_HELPERS_H

#include <stddef.h>

#include "awsorch/core.h"

/* Writes text to a new file in a fresh temporary directory; returns its path
 * (static storage per slot 0-7). */
const char *tmp_file(int slot, const char *name, const char *text);

/* Runs argv[0] with argv and exactly the environment env (NULL-terminated
 * "K=V" strings), stdin from stdin_path (or /dev/null). Captures stdout and
 * stderr; returns the exit code, or -1 when the child did not exit normally. */
int run_cmd(char *const argv[], char *const env[], const char *stdin_path, awsorch_buf *out,
            awsorch_buf *err);

/* Runs the awsorch CLI with args (NULL-terminated, without the program name)
 * and exactly the environment env; like run_cmd otherwise. */
int run_cli(char *const *args, char *const env[], awsorch_buf *out, awsorch_buf *err);

/* Reads a whole file into a buffer; the test fails when it cannot. */
void read_file(const char *path, awsorch_buf *out);

#endif
