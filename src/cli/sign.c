/* `awsorch sign`: the tool for debugging SignatureDoesNotMatch. It reads a raw
 * request, signs it with the default credentials and prints any stage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "rawhttp.h"

static const char usage[] =
    "usage: awsorch sign --region R --service S [--time YYYYMMDDTHHMMSSZ]\n"
    "                    [--presign SECONDS] [--no-normalize-path] [--sign-body]\n"
    "                    [--omit-session-token]\n"
    "                    [--show canonical-request|string-to-sign|signature|"
    "authorization|request]\n"
    "                    [FILE]\n";

typedef enum show {
    SHOW_REQUEST,
    SHOW_CANONICAL,
    SHOW_STRING_TO_SIGN,
    SHOW_SIGNATURE,
    SHOW_AUTHORIZATION
} show;

static int usage_error(const char *what, const char *arg)
{
    (void)fprintf(stderr, "%s\nawsorch sign: error: %s%s\n", usage, what, arg);
    return CLI_EXIT_USAGE;
}

static bool parse_show(const char *s, show *out)
{
    static const struct {
        const char *name;
        show value;
    } names[] = {{"request", SHOW_REQUEST},
                 {"canonical-request", SHOW_CANONICAL},
                 {"string-to-sign", SHOW_STRING_TO_SIGN},
                 {"signature", SHOW_SIGNATURE},
                 {"authorization", SHOW_AUTHORIZATION}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].value;
            return true;
        }
    }
    return false;
}

/* Prints a header line back as it came, with the request's own line ends. */
static void put_line(FILE *out, const char *p, size_t n, const char *eol)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            (void)fputs(eol, out);
        } else {
            (void)fputc(p[i], out);
        }
    }
    (void)fputs(eol, out);
}

static bool replaced_by_signer(const rawhttp_header *h, const awsorch_sigv4_result *res)
{
    for (size_t i = 0; i < res->add_header_count; i++) {
        const awsorch_sigv4_str n = res->add_headers[i].name;
        if (n.len == h->name_len && strncasecmp(n.ptr, h->name, n.len) == 0) {
            return true;
        }
    }
    return false;
}

static void print_signed_request(FILE *out, const rawhttp_request *r,
                                 const awsorch_sigv4_result *res, bool presign)
{
    const char *eol = r->eol;
    (void)fprintf(out, "%s %s", r->method, r->target);
    if (presign) {
        bool has_q = r->query != NULL;
        if (has_q && r->query_len > 0) {
            (void)fputc('&', out);
        } else if (!has_q) {
            (void)fputc('?', out);
        }
        (void)fwrite(res->presign_query.ptr, 1, res->presign_query.len, out);
    }
    (void)fprintf(out, " %s%s", r->version, eol);
    for (size_t i = 0; i < r->header_count; i++) {
        const rawhttp_header *h = &r->headers[i];
        if (!presign && replaced_by_signer(h, res)) {
            continue;
        }
        put_line(out, h->line, h->line_len, eol);
    }
    for (size_t i = 0; !presign && i < res->add_header_count; i++) {
        const awsorch_sigv4_header *h = &res->add_headers[i];
        (void)fwrite(h->name.ptr, 1, h->name.len, out);
        (void)fputc(':', out);
        (void)fwrite(h->value.ptr, 1, h->value.len, out);
        (void)fputs(eol, out);
    }
    (void)fputs(eol, out);
    (void)fwrite(r->body, 1, r->body_len, out);
}

typedef struct sign_args {
    const char *service;
    const char *time;
    const char *file;
    long presign_s;
    bool presign;
    bool no_normalize;
    bool sign_body;
    bool omit_token;
    show what;
} sign_args;

static int parse_args(int argc, char **argv, sign_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(s, "--service") == 0 && has_value) {
            a->service = argv[++i];
        } else if (strcmp(s, "--time") == 0 && has_value) {
            a->time = argv[++i];
        } else if (strcmp(s, "--presign") == 0 && has_value) {
            char *end = NULL;
            errno = 0;
            a->presign_s = strtol(argv[++i], &end, 10);
            if (errno != 0 || end == argv[i] || *end != '\0') {
                return usage_error("argument --presign: invalid int value: ", argv[i]);
            }
            a->presign = true;
        } else if (strcmp(s, "--show") == 0 && has_value) {
            if (!parse_show(argv[++i], &a->what)) {
                return usage_error("argument --show: invalid choice: ", argv[i]);
            }
        } else if (strcmp(s, "--no-normalize-path") == 0) {
            a->no_normalize = true;
        } else if (strcmp(s, "--sign-body") == 0) {
            a->sign_body = true;
        } else if (strcmp(s, "--omit-session-token") == 0) {
            a->omit_token = true;
        } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            (void)fputs(usage, stdout);
            return -1;
        } else if (s[0] == '-' && s[1] != '\0') {
            return usage_error("unknown option or missing value: ", s);
        } else if (a->file == NULL) {
            a->file = s;
        } else {
            return usage_error("more than one input file: ", s);
        }
    }
    if (a->service == NULL || a->service[0] == '\0') {
        return usage_error("the following arguments are required: --service", "");
    }
    if (a->presign && (a->presign_s < (long)AWSORCH_SIGV4_MIN_EXPIRES_S ||
                       a->presign_s > (long)AWSORCH_SIGV4_MAX_EXPIRES_S)) {
        return usage_error("argument --presign: must be 1 to 604800 seconds (7 days)", "");
    }
    return 0;
}

static int emit(FILE *out, const rawhttp_request *req, const awsorch_sigv4_result *res,
                const sign_args *a)
{
    switch (a->what) {
    case SHOW_REQUEST: print_signed_request(out, req, res, a->presign); break;
    case SHOW_CANONICAL:
        (void)fwrite(res->canonical_request.ptr, 1, res->canonical_request.len, out);
        break;
    case SHOW_STRING_TO_SIGN:
        (void)fwrite(res->string_to_sign.ptr, 1, res->string_to_sign.len, out);
        break;
    case SHOW_SIGNATURE: (void)fputs(res->signature, out); break;
    case SHOW_AUTHORIZATION:
        if (a->presign) {
            (void)fwrite(res->presign_query.ptr, 1, res->presign_query.len, out);
        } else {
            (void)fwrite(res->authorization.ptr, 1, res->authorization.len, out);
        }
        break;
    }
    /* Byte-exact output for pipes and files; a final newline for people. */
    if (out == stdout && isatty(STDOUT_FILENO)) {
        (void)fputc('\n', out);
    }
    /* Each write above is checked once here: a full disk or closed pipe fails the command. */
    return (fflush(out) == 0 && !ferror(out)) ? CLI_EXIT_OK : CLI_EXIT_OTHER;
}

int cli_sign(int argc, char **argv, const cli_globals *g, FILE *out)
{
    sign_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    /* The region comes from the same settings every other command reads. */
    awsorch_settings_options so = AWSORCH_SETTINGS_OPTIONS_INIT;
    so.profile = g->profile;
    so.region = g->region;
    awsorch_settings *settings = NULL;
    const char *region = NULL;
    awsorch_status st = awsorch_settings_load(&settings, &so);
    if (st == AWSORCH_OK) {
        st = awsorch_region_resolve(&region, settings);
    }
    if (st != AWSORCH_OK) {
        awsorch_settings_free(settings);
        return cli_report("sign", st);
    }
    int64_t when = awsorch_time_now();
    if (a.time != NULL && (st = awsorch_time_parse(a.time, &when)) != AWSORCH_OK) {
        awsorch_settings_free(settings);
        return cli_report("sign: --time", st);
    }

    awsorch_buf input = AWSORCH_BUF_INIT;
    if ((st = cli_read_all(a.file, &input)) != AWSORCH_OK) {
        awsorch_buf_free(&input);
        awsorch_settings_free(settings);
        return cli_exit_for(st);
    }
    rawhttp_request req;
    char err[256];
    if (!rawhttp_parse(&req, input.data, input.len, err, sizeof(err))) {
        (void)fprintf(stderr, "awsorch sign: %s\n", err);
        awsorch_buf_free(&input);
        awsorch_settings_free(settings);
        return CLI_EXIT_USAGE;
    }

    awsorch_credentials *creds = NULL;
    awsorch_credentials_options copts = AWSORCH_CREDENTIALS_OPTIONS_INIT;
    copts.profile = g->profile;
    if ((st = awsorch_credentials_resolve(&creds, &copts)) != AWSORCH_OK) {
        rawhttp_free(&req);
        awsorch_buf_free(&input);
        awsorch_settings_free(settings);
        return cli_report("sign", st);
    }

    awsorch_sigv4_header *headers = calloc(req.header_count + 1, sizeof(*headers));
    void *scratch = NULL;
    rc = CLI_EXIT_OTHER;
    if (headers == NULL) {
        (void)fprintf(stderr, "awsorch sign: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < req.header_count; i++) {
        headers[i].name = (awsorch_sigv4_str){req.headers[i].name, req.headers[i].name_len};
        headers[i].value = (awsorch_sigv4_str){req.headers[i].value, req.headers[i].value_len};
    }
    awsorch_sigv4_request sreq = AWSORCH_SIGV4_REQUEST_INIT;
    sreq.method = req.method;
    sreq.path = (awsorch_sigv4_str){req.path, req.path_len};
    sreq.query = (awsorch_sigv4_str){req.query, req.query_len};
    sreq.headers = headers;
    sreq.header_count = req.header_count;
    sreq.body = req.body;
    sreq.body_len = req.body_len;

    awsorch_sigv4_params params = AWSORCH_SIGV4_PARAMS_INIT;
    params.region = region;
    params.service = a.service;
    params.access_key_id = creds->access_key_id;
    params.secret_access_key = creds->secret_access_key;
    params.session_token = creds->session_token;
    params.time_s = when;
    params.mode = a.presign ? AWSORCH_SIGV4_QUERY : AWSORCH_SIGV4_HEADERS;
    params.expires_s = a.presign ? (uint32_t)a.presign_s : 0u;
    params.flags = (a.no_normalize ? AWSORCH_SIGV4_NO_NORMALIZE_PATH : 0u) |
                   (a.sign_body ? AWSORCH_SIGV4_ADD_CONTENT_SHA256 : 0u) |
                   (a.omit_token ? AWSORCH_SIGV4_OMIT_SESSION_TOKEN : 0u);

    size_t scratch_len = awsorch_sigv4_scratch_size(&sreq, &params);
    scratch = malloc(scratch_len);
    if (scratch == NULL) {
        (void)fprintf(stderr, "awsorch sign: out of memory\n");
        goto done;
    }
    awsorch_sigv4_result res;
    if ((st = awsorch_sigv4_sign(&res, &sreq, &params, scratch, scratch_len)) != AWSORCH_OK) {
        rc = cli_report("sign", st);
        goto done;
    }
    rc = emit(out, &req, &res, &a);
done:
    awsorch_settings_free(settings);
    free(scratch);
    free(headers);
    awsorch_credentials_free(creds);
    rawhttp_free(&req);
    awsorch_buf_free(&input);
    return rc;
}
