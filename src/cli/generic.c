/* The generic command layer: `awsorch <service> <operation> [PARAMETERS]` for
 * every declared operation, with the AWS CLI's parameter syntax and output. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli.h"

/* "StateMachineArn" -> "state-machine-arn", "SSEKMSKeyId" -> "sse-kms-key-id". */
void cli_kebab(const char *name, char *out, size_t out_len)
{
    size_t w = 0;
    for (size_t i = 0; name[i] && w + 2 < out_len; i++) {
        char c = name[i];
        bool upper = c >= 'A' && c <= 'Z';
        if (upper && i > 0) {
            char prev = name[i - 1];
            char next = name[i + 1];
            bool prev_lower = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
            bool prev_upper = prev >= 'A' && prev <= 'Z';
            bool next_lower = next >= 'a' && next <= 'z';
            if (prev_lower || (prev_upper && next_lower)) {
                out[w++] = '-';
            }
        }
        if (upper) {
            c = (char)(c - 'A' + 'a');
        }
        out[w++] = c;
    }
    out[w] = '\0';
}

/* The AWS CLI renames the members whose flag would clash with a global option
 * (awscli/customizations/argrename.py): `stepfunctions send-task-success
 * --task-output`, not --output. */
static const struct {
    const char *operation;
    const char *member;
    const char *flag;
} flag_renames[] = {
    {"SendTaskSuccess", "output", "task-output"},
};

/* The flag (without the dashes) that names a member of an operation's input. */
static void member_flag(const awsorch_operation *op, const awsorch_member *m, char *out,
                        size_t out_len)
{
    for (size_t i = 0; i < sizeof(flag_renames) / sizeof(flag_renames[0]); i++) {
        if (strcmp(op->name, flag_renames[i].operation) == 0 &&
            strcmp(m->name, flag_renames[i].member) == 0) {
            (void)snprintf(out, out_len, "%s", flag_renames[i].flag);
            return;
        }
    }
    cli_kebab(m->name, out, out_len);
}

/* The value at a dotted path of a reply ("JobRun.JobRunState", "ResultSet.Rows"),
 * or NULL. */
static json_t *json_at(json_t *doc, const char *path)
{
    json_t *v = doc;
    const char *p = path;
    while (v != NULL && p != NULL) {
        const char *dot = strchr(p, '.');
        char key[256];
        (void)snprintf(key, sizeof(key), "%.*s", (int)(dot ? dot - p : (long)strlen(p)), p);
        v = json_object_get(v, key);
        p = dot ? dot + 1 : NULL;
    }
    return v;
}

/* Sets the value at a dotted path, making the objects on the way (steals value). */
static void json_set_at(json_t *doc, const char *path, json_t *value)
{
    const char *dot = strchr(path, '.');
    while (dot != NULL && json_is_object(doc)) {
        char key[256];
        (void)snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
        json_t *next = json_object_get(doc, key);
        if (next == NULL) {
            next = json_object();
            (void)json_object_set_new(doc, key, next);
        }
        doc = next;
        path = dot + 1;
        dot = strchr(path, '.');
    }
    if (json_is_object(doc)) {
        (void)json_object_set_new(doc, path, value);
    } else {
        json_decref(value);
    }
}

static const char *shape_kind(const awsorch_shape *s)
{
    static const char *const names[] = {"string",    "integer", "long",      "boolean", "double",
                                        "timestamp", "blob",    "structure", "list",    "map"};
    return names[s->type];
}

static int bad_param(const char *flag, const char *why)
{
    (void)fprintf(stderr, "\nError parsing parameter '%s': %s\n", flag, why);
    return CLI_EXIT_USAGE;
}

/* file:// reads text, fileb:// bytes, as the AWS CLI does for any parameter. */
static int read_value(const char *flag, const char *arg, awsorch_buf *out, bool *binary)
{
    *binary = false;
    const char *path = NULL;
    if (strncmp(arg, "fileb://", 8) == 0) {
        path = arg + 8;
        *binary = true;
    } else if (strncmp(arg, "file://", 7) == 0) {
        path = arg + 7;
    }
    if (path == NULL) {
        return awsorch_buf_puts(out, arg) == AWSORCH_OK ? 0 : CLI_EXIT_OTHER;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        char why[512];
        (void)snprintf(why, sizeof(why), "Unable to load paramfile %s: %s", arg, strerror(errno));
        return bad_param(flag, why);
    }
    char chunk[65536];
    size_t n;
    (void)awsorch_buf_append(out, "", 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        (void)awsorch_buf_append(out, chunk, n);
    }
    (void)fclose(f);
    return 0;
}

/* Converts one command-line value to the member's JSON form; raw_blobs is
 * --cli-binary-format raw-in-base64-out. */
static int to_json(const char *flag, const awsorch_shape *s, const char *arg, bool raw_blobs,
                   json_t **out)
{
    awsorch_buf text = AWSORCH_BUF_INIT;
    bool binary = false;
    int rc = read_value(flag, arg, &text, &binary);
    if (rc != 0) {
        awsorch_buf_free(&text);
        return rc;
    }
    const char *t = text.data ? text.data : "";
    char *end = NULL;
    errno = 0;
    switch (s->type) {
    case AWSORCH_INTEGER:
    case AWSORCH_LONG: {
        long long v = strtoll(t, &end, 10);
        if (errno != 0 || end == t || *end != '\0') {
            awsorch_buf_free(&text);
            return bad_param(flag, "expected an integer");
        }
        *out = json_integer(v);
        break;
    }
    case AWSORCH_DOUBLE: {
        double v = strtod(t, &end);
        if (errno != 0 || end == t || *end != '\0') {
            awsorch_buf_free(&text);
            return bad_param(flag, "expected a number");
        }
        *out = json_real(v);
        break;
    }
    case AWSORCH_BLOB:
        if (binary || raw_blobs) {
            *out = json_stringn(t, text.len);
        } else {
            /* Inline blobs are base64, as in the AWS CLI v2. */
            unsigned char *raw = malloc(text.len + 1);
            int n = raw ? EVP_DecodeBlock(raw, (const unsigned char *)t, (int)text.len) : -1;
            size_t pad = 0;
            while (pad < text.len && t[text.len - 1 - pad] == '=') {
                pad++;
            }
            if (n < 0 || text.len % 4 != 0) {
                free(raw);
                awsorch_buf_free(&text);
                return bad_param(flag, "Invalid base64 (use fileb:// for raw bytes)");
            }
            *out = json_stringn((const char *)raw, (size_t)n - pad);
            free(raw);
        }
        break;
    case AWSORCH_STRUCTURE:
    case AWSORCH_MAP:
    case AWSORCH_LIST: {
        json_error_t err;
        *out = json_loads(t, JSON_REJECT_DUPLICATES, &err);
        if (*out == NULL) {
            char why[300];
            (void)snprintf(why, sizeof(why), "Invalid JSON: %s", err.text);
            awsorch_buf_free(&text);
            return bad_param(flag, why);
        }
        break;
    }
    default: *out = json_stringn(t, text.len); break;
    }
    awsorch_buf_free(&text);
    return *out ? 0 : bad_param(flag, "the value is not valid UTF-8");
}

static const awsorch_member *member_for_flag(const awsorch_operation *op, const char *flag,
                                             bool *negated)
{
    *negated = false;
    for (size_t i = 0; op->input && i < op->input->member_count; i++) {
        char k[160];
        member_flag(op, &op->input->members[i], k, sizeof(k));
        if (strcmp(flag, k) == 0) {
            return &op->input->members[i];
        }
        if (op->input->members[i].shape->type == AWSORCH_BOOLEAN && strncmp(flag, "no-", 3) == 0 &&
            strcmp(flag + 3, k) == 0) {
            *negated = true;
            return &op->input->members[i];
        }
    }
    return NULL;
}

/* The member that carries a blob payload (S3 Body, Lambda Payload), or NULL. */
static const awsorch_member *blob_payload(const awsorch_shape *s)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (s->members[i].location == AWSORCH_IN_PAYLOAD &&
            s->members[i].shape->type == AWSORCH_BLOB) {
            return &s->members[i];
        }
    }
    return NULL;
}

/* Parses the flags into in; a lone word is the OUTFILE of operations that
 * return a blob payload (s3api get-object ... OUTFILE, lambda invoke ... OUTFILE). */
static int parse_params(const awsorch_operation *op, int argc, char **argv, bool raw_blobs,
                        json_t *in, const char **outfile, const char **body_file)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 && outfile != NULL && *outfile == NULL &&
            blob_payload(op->output) != NULL) {
            *outfile = a;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            (void)fprintf(stderr, "\nUnknown options: %s\n", a);
            return CLI_EXIT_USAGE;
        }
        char flag[200];
        const char *eq = strchr(a, '=');
        (void)snprintf(flag, sizeof(flag), "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a) - 2),
                       a + 2);
        bool negated = false;
        const awsorch_member *m = member_for_flag(op, flag, &negated);
        if (m == NULL) {
            (void)fprintf(stderr, "\nUnknown options: %s\n", a);
            return CLI_EXIT_USAGE;
        }
        json_t *v = NULL;
        if (m->shape->type == AWSORCH_BOOLEAN) {
            v = json_boolean(!negated);
        } else if (m->shape->type == AWSORCH_LIST && m->shape->element->type != AWSORCH_STRUCTURE &&
                   eq == NULL && !(i + 1 < argc && argv[i + 1][0] == '[')) {
            /* a list of scalars: the words up to the next option */
            v = json_array();
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                json_t *e = NULL;
                int rc = to_json(a, m->shape->element, argv[++i], raw_blobs, &e);
                if (rc != 0) {
                    json_decref(v);
                    return rc;
                }
                (void)json_array_append_new(v, e);
            }
        } else {
            const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (value == NULL) {
                (void)fprintf(stderr, "\naws: error: argument %s: expected one argument\n", a);
                return CLI_EXIT_USAGE;
            }
            if (m->location == AWSORCH_IN_PAYLOAD && m->shape->type == AWSORCH_BLOB &&
                (m->flags & AWSORCH_STREAMING) && body_file != NULL) {
                /* A streaming body is named by its file, as in the AWS CLI (--body FILE),
                 * and sent from it in chunks rather than through memory. */
                const char *path = strncmp(value, "fileb://", 8) == 0  ? value + 8
                                   : strncmp(value, "file://", 7) == 0 ? value + 7
                                                                       : value;
                FILE *probe = fopen(path, "rb");
                if (probe == NULL) {
                    char why[512];
                    (void)snprintf(why, sizeof(why), "Unable to open %s: %s", path,
                                   strerror(errno));
                    return bad_param(a, why);
                }
                (void)fclose(probe);
                *body_file = path;
                continue;
            }
            int rc = to_json(a, m->shape, value, raw_blobs, &v);
            if (rc != 0) {
                return rc;
            }
        }
        (void)json_object_set_new(in, m->name, v);
    }
    return 0;
}

/* "2025-12-03T02:00:00.123000+00:00", as the AWS CLI prints a timestamp. */
static json_t *iso_time(double t)
{
    long long whole = (long long)t;
    if ((double)whole > t) {
        whole--;
    }
    long micros = (long)((t - (double)whole) * 1e6 + 0.5);
    if (micros >= 1000000) {
        whole++;
        micros -= 1000000;
    }
    char base[AWSORCH_TIME_BUF];
    if (awsorch_time_format_epoch(whole, AWSORCH_TIME_ISO8601_EXTENDED, base, sizeof(base)) !=
        AWSORCH_OK) {
        return json_real(t);
    }
    char out[64];
    size_t n = strlen(base) - 1; /* without the Z */
    if (micros > 0) {
        (void)snprintf(out, sizeof(out), "%.*s.%06ld+00:00", (int)n, base, micros);
    } else {
        (void)snprintf(out, sizeof(out), "%.*s+00:00", (int)n, base);
    }
    return json_string(out);
}

static void humanize(json_t *v, const awsorch_shape *s)
{
    if (s == NULL || v == NULL) {
        return;
    }
    if (s->type == AWSORCH_STRUCTURE && json_is_object(v)) {
        /* Declared members in the model's order, as the AWS CLI prints them;
         * members the model does not know follow as they came. */
        json_t *ordered = json_object();
        for (size_t i = 0; i < s->member_count; i++) {
            json_t *mv = json_object_get(v, s->members[i].name);
            if (mv != NULL) {
                (void)json_object_set(ordered, s->members[i].name, mv);
            }
        }
        (void)json_object_update_missing(ordered, v);
        (void)json_object_clear(v);
        (void)json_object_update(v, ordered);
        json_decref(ordered);
        for (size_t i = 0; i < s->member_count; i++) {
            const awsorch_member *m = &s->members[i];
            json_t *mv = json_object_get(v, m->name);
            if (mv != NULL && m->shape->type == AWSORCH_TIMESTAMP && json_is_number(mv)) {
                (void)json_object_set_new(v, m->name, iso_time(json_number_value(mv)));
            } else {
                humanize(mv, m->shape);
            }
        }
    } else if (s->type == AWSORCH_LIST && json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (s->element->type == AWSORCH_TIMESTAMP && json_is_number(e)) {
                (void)json_array_set_new(v, i, iso_time(json_number_value(e)));
            } else {
                humanize(e, s->element);
            }
        }
    } else if (s->type == AWSORCH_MAP && json_is_object(v)) {
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e)
        {
            humanize(e, s->element);
        }
    }
}

static void print_help(const cli_service *svc, const awsorch_operation *op)
{
    if (op == NULL) {
        (void)printf("%s\n\nOperations:\n", svc->model->cli_name);
        for (size_t i = 0; i < svc->op_count; i++) {
            char k[160];
            cli_kebab(svc->ops[i].name, k, sizeof(k));
            (void)printf("  %s\n", k);
        }
        return;
    }
    char k[160];
    cli_kebab(op->name, k, sizeof(k));
    (void)printf("%s %s\n\nParameters:\n", svc->model->cli_name, k);
    for (size_t i = 0; op->input && i < op->input->member_count; i++) {
        const awsorch_member *m = &op->input->members[i];
        member_flag(op, m, k, sizeof(k));
        (void)printf("  --%s (%s)%s\n", k, shape_kind(m->shape),
                     (m->flags & AWSORCH_REQUIRED) ? " [required]" : "");
    }
}

/* True when a shape holds a blob anywhere (to a bounded depth). */
static bool has_blob(const awsorch_shape *s, int depth)
{
    if (s == NULL || depth > 12) {
        return false;
    }
    switch (s->type) {
    case AWSORCH_BLOB: return true;
    case AWSORCH_LIST:
    case AWSORCH_MAP: return has_blob(s->element, depth + 1);
    case AWSORCH_STRUCTURE:
        for (size_t i = 0; i < s->member_count; i++) {
            if (has_blob(s->members[i].shape, depth + 1)) {
                return true;
            }
        }
        return false;
    default: return false;
    }
}

/* --cli-binary-format, or cli_binary_format in the profile, as the AWS CLI v2
 * reads it: raw-in-base64-out takes blob values as they are written, base64
 * (the default) as base64 text. */
static bool raw_blobs(const cli_globals *g)
{
    if (g->binary_format != NULL) {
        return strcmp(g->binary_format, "raw-in-base64-out") == 0;
    }
    awsorch_settings_options o = AWSORCH_SETTINGS_OPTIONS_INIT;
    o.profile = g->profile;
    o.no_imds_region = true;
    awsorch_settings *settings = NULL;
    if (awsorch_settings_load(&settings, &o) != AWSORCH_OK) {
        return false; /* the client reports a bad profile */
    }
    const char *v = awsorch_settings_get(settings, "cli_binary_format");
    bool raw = v != NULL && strcmp(v, "raw-in-base64-out") == 0;
    awsorch_settings_free(settings);
    return raw;
}

/* Parses an operation's flags, checks what is required and validates the
 * input against the model; *input receives the JSON (free with free()). */
static int prepare_input(const cli_service *svc, const awsorch_operation *op, int argc, char **argv,
                         const cli_globals *g, char **input, const char **outfile,
                         const char **body_file)
{
    *input = NULL;
    json_t *in = json_object();
    int rc = parse_params(op, argc, argv, has_blob(op->input, 0) && raw_blobs(g), in, outfile,
                          body_file);
    if (rc != 0) {
        json_decref(in);
        return rc;
    }
    char missing[512] = "";
    for (size_t i = 0; op->input && i < op->input->member_count; i++) {
        const awsorch_member *m = &op->input->members[i];
        if ((m->flags & AWSORCH_REQUIRED) && json_object_get(in, m->name) == NULL) {
            char k[160];
            member_flag(op, m, k, sizeof(k));
            size_t used = strlen(missing);
            (void)snprintf(missing + used, sizeof(missing) - used, "%s--%s", used ? ", " : "", k);
        }
    }
    if (missing[0] != '\0') {
        json_decref(in);
        (void)fprintf(stderr, "\naws: error: the following arguments are required: %s\n", missing);
        return CLI_EXIT_USAGE;
    }
    *input = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    /* Validate before touching credentials, so a typo never waits on the network. */
    awsorch_request_parts parts;
    awsorch_status st = awsorch_serialize(&parts, svc->model, op, *input);
    awsorch_request_parts_free(&parts);
    if (st != AWSORCH_OK) {
        free(*input);
        *input = NULL;
        (void)fprintf(stderr, "\n%s\n", awsorch_error_last()->message);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

awsorch_status cli_make_client(const cli_service *svc, const cli_globals *g,
                               awsorch_client **client)
{
    awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
    o.profile = g->profile;
    o.region = g->region;
    o.endpoint_url = g->endpoint_url;
    o.connect_timeout_ms = g->connect_timeout_s * 1000;
    o.read_timeout_ms = g->read_timeout_s * 1000;
    o.no_sign_request = g->no_sign_request;
    o.no_verify_ssl = g->no_verify_ssl;
    return awsorch_client_new(client, &svc->model->service, &o);
}

int cli_print_output(FILE *out, const char *output, const awsorch_operation *op,
                     const cli_globals *g)
{
    json_t *doc = json_loads(output, 0, NULL);
    if (doc == NULL) {
        return CLI_EXIT_OTHER;
    }
    humanize(doc, op->output);
    int rc = json_object_size(doc) == 0 ? CLI_EXIT_OK : cli_print(out, doc, g);
    json_decref(doc);
    return rc;
}

/* ---- waiting ------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void show_progress(void *ud, const char *label, double elapsed_s)
{
    const awsorch_waiter *w = ud;
    (void)fprintf(stderr, "\r%s: %s (%.0f s)   ", w->name, label, elapsed_s);
    (void)fflush(stderr);
}

/* Takes --wait, --timeout and --delay out of argv; 0 or an exit code. */
int cli_take_wait_flags(int *argc, char **argv, bool allow_wait, wait_flags *f)
{
    int w = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i];
        double *dest = strcmp(a, "--timeout") == 0 ? &f->timeout_s
                       : strcmp(a, "--delay") == 0 ? &f->delay_s
                                                   : NULL;
        if (allow_wait && strcmp(a, "--wait") == 0) {
            f->wait = true;
        } else if (dest != NULL) {
            char *end = NULL;
            errno = 0;
            double v = i + 1 < *argc ? strtod(argv[i + 1], &end) : -1;
            if (i + 1 >= *argc || errno != 0 || end == argv[i + 1] || *end != '\0' || v < 0) {
                return bad_param(a, "expected a number of seconds");
            }
            *dest = v;
            i++;
        } else {
            argv[w++] = argv[i];
        }
    }
    *argc = w;
    return 0;
}

int cli_run_wait(const cli_service *svc, const awsorch_waiter *waiter, awsorch_client *client,
                 const char *describe_input, const wait_flags *f, const cli_globals *g, FILE *out)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    (void)sigaction(SIGINT, &sa, NULL);
    awsorch_poll_options po = AWSORCH_POLL_OPTIONS_INIT;
    po.min_delay_s = f->delay_s > 0 ? f->delay_s : waiter->delay_s;
    po.max_delay_s = po.min_delay_s > 30.0 ? po.min_delay_s : 30.0;
    po.timeout_s = f->timeout_s;
    po.cancel_flag = &interrupted;
    if (isatty(STDERR_FILENO)) {
        po.progress = show_progress;
        po.progress_userdata = (void *)waiter;
    }
    awsorch_poll_result result = AWSORCH_POLL_TIMED_OUT;
    char *final = NULL;
    awsorch_status st = awsorch_wait(&result, &final, client, svc->model, svc->ops, svc->op_count,
                                     waiter, describe_input, &po);
    if (po.progress != NULL) {
        (void)fputc('\n', stderr);
    }
    const awsorch_operation *describe =
        awsorch_operation_find(svc->ops, svc->op_count, waiter->operation);
    if (st != AWSORCH_OK) {
        free(final);
        return cli_call_error(waiter->operation, st);
    }
    int rc = CLI_EXIT_OK;
    if (result == AWSORCH_POLL_CANCELLED) {
        (void)fprintf(stderr, "\nInterrupted: %s stopped waiting (the work goes on)\n",
                      waiter->name);
        rc = CLI_EXIT_INTERRUPTED;
    } else if (result == AWSORCH_POLL_TIMED_OUT) {
        (void)fprintf(stderr, "\nWaiter %s timed out after %.0f seconds\n", waiter->name,
                      f->timeout_s);
        rc = CLI_EXIT_WAIT_TIMEOUT;
    }
    if (final != NULL && result != AWSORCH_POLL_CANCELLED) {
        int prc = cli_print_output(out, final, describe, g);
        if (result == AWSORCH_POLL_ENDED_FAILED) {
            json_t *doc = json_loads(final, 0, NULL);
            (void)fprintf(stderr, "\nWaiter %s failed: %s", waiter->name,
                          json_string_value(json_at(doc, waiter->state_member)));
            for (size_t i = 0; i < 3 && waiter->reason_members[i] != NULL; i++) {
                const char *v = json_string_value(json_at(doc, waiter->reason_members[i]));
                if (v != NULL) {
                    (void)fprintf(stderr, ": %s", v);
                }
            }
            (void)fputc('\n', stderr);
            json_decref(doc);
            rc = CLI_EXIT_WAIT_FAILED;
        } else if (rc == CLI_EXIT_OK) {
            rc = prc;
        }
    }
    free(final);
    return rc;
}

/* `awsorch <service> wait <waiter> [PARAMETERS] [--timeout S] [--delay S]` */
static int cli_wait(const cli_service *svc, int argc, char **argv, const cli_globals *g, FILE *out)
{
    const awsorch_waiter *waiter = NULL;
    for (size_t i = 0; argc > 1 && i < svc->waiter_count; i++) {
        if (strcmp(svc->waiters[i].name, argv[1]) == 0) {
            waiter = &svc->waiters[i];
        }
    }
    if (waiter == NULL) {
        (void)fprintf(stderr, "\naws: error: argument waiter: Invalid choice, valid choices are:");
        for (size_t i = 0; i < svc->waiter_count; i++) {
            (void)fprintf(stderr, " %s", svc->waiters[i].name);
        }
        (void)fputc('\n', stderr);
        return CLI_EXIT_USAGE;
    }
    wait_flags f = {true, 0.0, 0.0};
    int n = argc - 2;
    int rc = cli_take_wait_flags(&n, argv + 2, false, &f);
    const awsorch_operation *op =
        awsorch_operation_find(svc->ops, svc->op_count, waiter->operation);
    char *input = NULL;
    if (rc == 0) {
        rc = prepare_input(svc, op, n, argv + 2, g, &input, NULL, NULL);
    }
    if (rc != 0) {
        return rc;
    }
    awsorch_client *client = NULL;
    awsorch_status st = cli_make_client(svc, g, &client);
    if (st != AWSORCH_OK) {
        free(input);
        return cli_call_error(op->name, st);
    }
    rc = cli_run_wait(svc, waiter, client, input, &f, g, out);
    free(input);
    awsorch_client_free(client);
    return rc;
}

/* The AWS CLI's paging flags on a paged operation: --max-items, --page-size,
 * --starting-token (0 when absent). */
typedef struct paging_flags {
    long long max_items;
    long long page_size;
    const char *starting_token;
} paging_flags;

static const awsorch_paginator_spec *paginator_for(const cli_service *svc,
                                                   const awsorch_operation *op)
{
    for (size_t i = 0; i < svc->paginator_count; i++) {
        if (strcmp(svc->paginators[i].operation, op->name) == 0) {
            return &svc->paginators[i];
        }
    }
    return NULL;
}

/* The input member that limits a page (the paginator's limit_key), or NULL. */
static const char *limit_key(const awsorch_operation *op)
{
    static const char *const names[] = {"maxResults", "MaxResults", "MaxItems", "MaxKeys",
                                        "MaxUploads", "MaxParts",   "limit",    "Limit"};
    for (size_t i = 0; op->input && i < op->input->member_count; i++) {
        const awsorch_member *m = &op->input->members[i];
        for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
            if ((m->shape->type == AWSORCH_INTEGER || m->shape->type == AWSORCH_LONG) &&
                strcmp(m->name, names[j]) == 0) {
                return m->name;
            }
        }
    }
    return NULL;
}

/* botocore's resume token: base64 of {"nextToken": T, "boto_truncate_amount": N}
 * (json.dumps spacing), with the operation's input token name. */
static json_t *encode_token(const char *name, const char *token, long long truncate)
{
    json_t *tv = token ? json_string(token) : json_null();
    char *t = json_dumps(tv, JSON_ENCODE_ANY);
    json_decref(tv);
    char plain[4096];
    int n = truncate > 0
                ? snprintf(plain, sizeof(plain), "{\"%s\": %s, \"boto_truncate_amount\": %lld}",
                           name, t ? t : "null", truncate)
                : snprintf(plain, sizeof(plain), "{\"%s\": %s}", name, t ? t : "null");
    free(t);
    if (n < 0 || (size_t)n >= sizeof(plain)) {
        return NULL;
    }
    unsigned char enc[((sizeof(plain) + 2) / 3) * 4 + 1];
    (void)EVP_EncodeBlock(enc, (const unsigned char *)plain, n);
    return json_string((const char *)enc);
}

/* Decodes a --starting-token into the service token and the items to skip; a
 * token that is not botocore's goes to the service as it is, as botocore does. */
static void decode_token(const char *name, const char *text, json_t *in, long long *skip)
{
    size_t len = strlen(text);
    unsigned char *raw = malloc(len + 1);
    int n = raw && len % 4 == 0 ? EVP_DecodeBlock(raw, (const unsigned char *)text, (int)len) : -1;
    json_t *doc =
        n > 0 ? json_loadb((const char *)raw, (size_t)n, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    free(raw);
    if (!json_is_object(doc)) {
        json_decref(doc);
        (void)json_object_set_new(in, name, json_string(text));
        *skip = 0;
        return;
    }
    json_t *t = json_object_get(doc, name);
    if (json_is_string(t)) {
        (void)json_object_set(in, name, t);
    }
    *skip = json_integer_value(json_object_get(doc, "boto_truncate_amount"));
    json_decref(doc);
}

/* Takes --max-items, --page-size and --starting-token out of argv. */
static int take_paging_flags(int *argc, char **argv, bool has_limit, paging_flags *p)
{
    int w = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i];
        bool items = strcmp(a, "--max-items") == 0;
        bool size = has_limit && strcmp(a, "--page-size") == 0;
        if (items || size || strcmp(a, "--starting-token") == 0) {
            if (i + 1 >= *argc) {
                (void)fprintf(stderr, "\naws: error: argument %s: expected one argument\n", a);
                return CLI_EXIT_USAGE;
            }
            const char *v = argv[++i];
            if (!items && !size) {
                p->starting_token = v;
                continue;
            }
            char *end = NULL;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (errno != 0 || end == v || *end != '\0' || n <= 0) {
                return bad_param(a, "expected a positive integer");
            }
            *(items ? &p->max_items : &p->page_size) = n;
        } else {
            argv[w++] = argv[i];
        }
    }
    *argc = w;
    return 0;
}

/* Like the AWS CLI, a paged List/Get returns every page, merged, unless the
 * caller asked for a page (a token, the page limit, or --no-paginate);
 * --max-items stops after that many items and prints a NextToken to resume. */
static awsorch_status call_all_pages(char **output, awsorch_client *client, const cli_service *svc,
                                     const awsorch_operation *op, const char *input,
                                     const cli_globals *g, const paging_flags *pf)
{
    const awsorch_paginator_spec *spec = paginator_for(svc, op);
    const char *limit = limit_key(op);
    json_t *in = json_loads(input, 0, NULL);
    bool one_page = spec == NULL || g->no_paginate || json_object_get(in, spec->input_token) ||
                    (limit != NULL && json_object_get(in, limit));
    if (one_page) {
        json_decref(in);
        return awsorch_invoke_json(output, client, svc->model, op, input);
    }
    long long skip = 0;
    if (pf->starting_token != NULL) {
        decode_token(spec->input_token, pf->starting_token, in, &skip);
    }
    if (pf->page_size > 0 && limit != NULL) {
        (void)json_object_set_new(in, limit, json_integer(pf->page_size));
    }
    json_t *merged = NULL;
    json_t *resume = NULL;
    long long total = 0;
    awsorch_status st = AWSORCH_OK;
    for (int pages = 0; st == AWSORCH_OK && pages < 100000; pages++) {
        char *body = json_dumps(in, JSON_COMPACT);
        char *page = NULL;
        st = body ? awsorch_invoke_json(&page, client, svc->model, op, body) : AWSORCH_E_NOMEM;
        free(body);
        json_t *doc = st == AWSORCH_OK ? json_loads(page, 0, NULL) : NULL;
        free(page);
        if (doc == NULL) {
            st = st == AWSORCH_OK ? AWSORCH_E_PARSE : st;
            break;
        }
        json_t *items = json_at(doc, spec->items);
        if (json_is_array(items) && skip > 0) {
            for (long long k = 0; k < skip && json_array_size(items) > 0; k++) {
                (void)json_array_remove(items, 0);
            }
        }
        const char *next = json_string_value(json_object_get(doc, spec->output_token));
        size_t count = json_is_array(items) ? json_array_size(items) : 0;
        if (pf->max_items > 0 && total + (long long)count > pf->max_items) {
            size_t keep = (size_t)(pf->max_items - total);
            while (json_array_size(items) > keep) {
                (void)json_array_remove(items, keep);
            }
            resume = encode_token(spec->input_token,
                                  json_string_value(json_object_get(in, spec->input_token)),
                                  skip + (long long)keep);
            next = NULL;
        } else if (pf->max_items > 0 && total + (long long)count == pf->max_items && next != NULL) {
            resume = encode_token(spec->input_token, next, 0);
            next = NULL;
        }
        total += (long long)count;
        skip = 0;
        const char *prev = json_string_value(json_object_get(in, spec->input_token));
        bool repeated = next != NULL && prev != NULL && strcmp(next, prev) == 0;
        if (next != NULL && !repeated) {
            (void)json_object_set_new(in, spec->input_token, json_string(next));
        }
        (void)json_object_del(doc, spec->output_token);
        if (merged == NULL) {
            merged = doc;
        } else {
            json_t *all = json_at(merged, spec->items);
            if (all == NULL && items != NULL) {
                json_set_at(merged, spec->items, json_incref(items));
            } else if (json_is_array(all) && json_is_array(items)) {
                (void)json_array_extend(all, items);
            }
            json_decref(doc);
        }
        if (next == NULL || repeated) {
            break;
        }
    }
    json_decref(in);
    if (st == AWSORCH_OK) {
        if (resume != NULL) {
            (void)json_object_set_new(merged, "NextToken", resume);
            resume = NULL;
        }
        /* full precision: epoch timestamps need all 17 digits for their microseconds */
        *output = json_dumps(merged, JSON_COMPACT | JSON_PRESERVE_ORDER);
        st = *output ? AWSORCH_OK : AWSORCH_E_NOMEM;
    }
    json_decref(resume);
    json_decref(merged);
    return st;
}

/* The describe input that follows a start call: the describe operation's
 * required members the start input has (Glue's JobName), plus the id the start
 * output names (JobRunId, as RunId). 0 or an exit code. */
static int follow_input(const cli_service *svc, const awsorch_operation *start,
                        const awsorch_waiter *w, const char *start_input, const char *start_output,
                        char **describe_input)
{
    const awsorch_operation *describe =
        awsorch_operation_find(svc->ops, svc->op_count, w->operation);
    json_t *in = json_loads(start_input, 0, NULL);
    json_t *started = json_loads(start_output, 0, NULL);
    json_t *d = json_object();
    for (size_t i = 0; describe && describe->input && i < describe->input->member_count; i++) {
        const awsorch_member *m = &describe->input->members[i];
        json_t *v = json_object_get(in, m->name);
        if ((m->flags & AWSORCH_REQUIRED) && v != NULL) {
            (void)json_object_set(d, m->name, v);
        }
    }
    const char *id =
        w->id_member ? json_string_value(json_object_get(started, w->id_member)) : NULL;
    if (id != NULL) {
        (void)json_object_set_new(d, w->id_input_member ? w->id_input_member : w->id_member,
                                  json_string(id));
    }
    int rc = 0;
    if (w->id_member != NULL && id == NULL) {
        (void)fprintf(stderr, "\n%s returned no %s to wait on\n", start->name, w->id_member);
        rc = CLI_EXIT_OTHER;
    } else {
        *describe_input = json_dumps(d, JSON_COMPACT);
        rc = *describe_input ? 0 : CLI_EXIT_OTHER;
    }
    json_decref(d);
    json_decref(started);
    json_decref(in);
    return rc;
}

static size_t write_file(void *userdata, const void *data, size_t len)
{
    return fwrite(data, 1, len, userdata);
}

int cli_generic(const cli_service *svc, int argc, char **argv, const cli_globals *g, FILE *out)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0) {
        print_help(svc, NULL);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "wait") == 0 && svc->waiter_count > 0) {
        return cli_wait(svc, argc - 1, argv + 1, g, out);
    }
    const awsorch_operation *op = NULL;
    for (size_t i = 0; i < svc->op_count; i++) {
        char k[160];
        cli_kebab(svc->ops[i].name, k, sizeof(k));
        if (strcmp(k, argv[1]) == 0) {
            op = &svc->ops[i];
        }
    }
    if (op == NULL) {
        (void)fprintf(stderr,
                      "\naws: error: argument operation: Invalid choice: '%s' (see "
                      "`awsorch %s help`)\n",
                      argv[1], svc->model->cli_name);
        return CLI_EXIT_USAGE;
    }
    if (argc > 2 && (strcmp(argv[2], "help") == 0 || strcmp(argv[2], "--help") == 0)) {
        print_help(svc, op);
        return CLI_EXIT_OK;
    }
    const awsorch_waiter *follow = NULL;
    for (size_t i = 0; i < svc->waiter_count; i++) {
        const awsorch_waiter *w = &svc->waiters[i];
        if ((w->start_operation != NULL && strcmp(w->start_operation, op->name) == 0) ||
            (w->start_operation2 != NULL && strcmp(w->start_operation2, op->name) == 0)) {
            follow = w;
        }
    }
    wait_flags f = {false, 0.0, 0.0};
    paging_flags pf = {0, 0, NULL};
    int n = argc - 2;
    int rc = follow ? cli_take_wait_flags(&n, argv + 2, true, &f) : 0;
    if (rc == 0 && paginator_for(svc, op) != NULL) {
        rc = take_paging_flags(&n, argv + 2, limit_key(op) != NULL, &pf);
    }
    char *input = NULL;
    const char *outfile = NULL;
    const char *body_file = NULL;
    if (rc == 0) {
        rc = prepare_input(svc, op, n, argv + 2, g, &input, &outfile, &body_file);
    }
    if (rc == 0 && blob_payload(op->output) != NULL && outfile == NULL) {
        free(input);
        (void)fprintf(stderr, "\naws: error: the following arguments are required: outfile\n");
        return CLI_EXIT_USAGE;
    }
    if (rc != 0) {
        return rc;
    }
    awsorch_client *client = NULL;
    char *output = NULL;
    awsorch_status st = cli_make_client(svc, g, &client);
    if (st == AWSORCH_OK && outfile != NULL) {
        FILE *sink = fopen(outfile, "wb");
        if (sink == NULL) {
            (void)fprintf(stderr, "\nCannot open %s for writing: %s\n", outfile, strerror(errno));
            free(input);
            awsorch_client_free(client);
            return CLI_EXIT_OTHER;
        }
        st = awsorch_invoke_json_stream(&output, client, svc->model, op, input, write_file, sink);
        if (fclose(sink) != 0 && st == AWSORCH_OK) {
            (void)fprintf(stderr, "\nCannot write %s: %s\n", outfile, strerror(errno));
            (void)remove(outfile);
            free(output);
            free(input);
            awsorch_client_free(client);
            return CLI_EXIT_OTHER;
        }
        if (st != AWSORCH_OK) {
            (void)remove(outfile); /* no half-written file is left behind */
        }
    } else if (st == AWSORCH_OK && body_file != NULL) {
        st = awsorch_invoke_json_upload(&output, client, svc->model, op, input, body_file);
    } else if (st == AWSORCH_OK) {
        st = f.wait ? awsorch_invoke_json(&output, client, svc->model, op, input)
                    : call_all_pages(&output, client, svc, op, input, g, &pf);
    }
    if (st != AWSORCH_OK) {
        free(input);
        awsorch_client_free(client);
        return cli_call_error(op->name, st);
    }
    if (!f.wait) {
        free(input);
        rc = cli_print_output(out, output, op, g);
        free(output);
        awsorch_client_free(client);
        return rc;
    }
    /* --wait: follow the work this call started until it ends. */
    char *describe_input = NULL;
    rc = follow_input(svc, op, follow, input, output, &describe_input);
    free(input);
    free(output);
    if (rc != 0) {
        awsorch_client_free(client);
        return rc;
    }
    rc = cli_run_wait(svc, follow, client, describe_input, &f, g, out);
    free(describe_input);
    awsorch_client_free(client);
    return rc;
}
