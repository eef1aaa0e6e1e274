#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool take_value(int *i, int argc, char **argv, const char **value, char *err, size_t err_len)
{
    if (*i + 1 >= argc) {
        (void)snprintf(err, err_len, "argument %s: expected one argument", argv[*i]);
        return false;
    }
    *value = argv[++*i];
    return true;
}

static bool parse_seconds(const char *opt, const char *text, long *out, char *err, size_t err_len)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 0) {
        (void)snprintf(err, err_len, "argument %s: invalid int value: '%s'", opt, text);
        return false;
    }
    *out = v;
    return true;
}

bool cli_take_globals(int *argc, char **argv, cli_globals *g, char *err, size_t err_len)
{
    int w = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        bool ok = true;
        if (strcmp(a, "--region") == 0) {
            ok = take_value(&i, *argc, argv, &g->region, err, err_len);
        } else if (strcmp(a, "--profile") == 0) {
            ok = take_value(&i, *argc, argv, &g->profile, err, err_len);
        } else if (strcmp(a, "--endpoint-url") == 0) {
            ok = take_value(&i, *argc, argv, &g->endpoint_url, err, err_len);
        } else if (strcmp(a, "--output") == 0) {
            ok = take_value(&i, *argc, argv, &g->output, err, err_len);
            if (ok && strcmp(g->output, "json") != 0 && strcmp(g->output, "text") != 0) {
                (void)snprintf(err, err_len,
                               "argument --output: Invalid choice '%s', choose from: json, text",
                               g->output);
                ok = false;
            }
        } else if (strcmp(a, "--debug") == 0) {
            g->debug = true;
        } else if (strcmp(a, "--no-verify-ssl") == 0) {
            g->no_verify_ssl = true;
        } else if (strcmp(a, "--no-sign-request") == 0) {
            g->no_sign_request = true;
        } else if (strcmp(a, "--no-paginate") == 0) {
            g->no_paginate = true;
        } else if (strcmp(a, "--cli-connect-timeout") == 0) {
            ok = take_value(&i, *argc, argv, &v, err, err_len) &&
                 parse_seconds(a, v, &g->connect_timeout_s, err, err_len);
        } else if (strcmp(a, "--cli-binary-format") == 0) {
            ok = take_value(&i, *argc, argv, &g->binary_format, err, err_len);
            if (ok && strcmp(g->binary_format, "base64") != 0 &&
                strcmp(g->binary_format, "raw-in-base64-out") != 0) {
                (void)snprintf(err, err_len,
                               "argument --cli-binary-format: Invalid choice '%s', choose from: "
                               "base64, raw-in-base64-out",
                               g->binary_format);
                ok = false;
            }
        } else if (strcmp(a, "--cli-read-timeout") == 0) {
            ok = take_value(&i, *argc, argv, &v, err, err_len) &&
                 parse_seconds(a, v, &g->read_timeout_s, err, err_len);
        } else {
            argv[w++] = argv[i];
        }
        if (!ok) {
            return false;
        }
    }
    argv[w] = NULL;
    *argc = w;
    return true;
}

awsorch_status cli_read_all(const char *path, awsorch_buf *buf)
{
    bool from_stdin = path == NULL || strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        awsorch_buf_puts(buf, "");
        (void)fprintf(stderr, "awsorch: cannot open %s: %s\n", path, strerror(errno));
        return AWSORCH_E_IO;
    }
    char chunk[65536];
    size_t n;
    awsorch_status st = awsorch_buf_reserve(buf, 0);
    while (st == AWSORCH_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        st = awsorch_buf_append(buf, chunk, n);
    }
    if (st == AWSORCH_OK && ferror(f)) {
        (void)fprintf(stderr, "awsorch: cannot read %s\n", from_stdin ? "standard input" : path);
        st = AWSORCH_E_IO;
    }
    if (!from_stdin) {
        (void)fclose(f);
    }
    return st;
}

int cli_exit_for(awsorch_status st)
{
    switch (st) {
    case AWSORCH_OK: return CLI_EXIT_OK;
    case AWSORCH_E_INVALID_ARG:
    case AWSORCH_E_PARSE: return CLI_EXIT_USAGE;
    case AWSORCH_E_CONFIG:
    case AWSORCH_E_CREDENTIALS: return CLI_EXIT_CONFIG;
    case AWSORCH_E_SERVICE: return CLI_EXIT_SERVICE;
    case AWSORCH_E_CANCELLED: return CLI_EXIT_INTERRUPTED;
    default: return CLI_EXIT_OTHER;
    }
}

int cli_report(const char *what, awsorch_status st)
{
    const awsorch_error *e = awsorch_error_last();
    if (e->status == st && e->message[0] != '\0') {
        (void)fprintf(stderr, "awsorch: %s: %s\n", what, e->message);
    } else {
        (void)fprintf(stderr, "awsorch: %s: %s\n", what, awsorch_strerror(st));
    }
    return cli_exit_for(st);
}
