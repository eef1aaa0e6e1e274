/* Printing responses as the AWS CLI does: JSON with four-space indents, or
 * its tab-separated text form. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_scalar(FILE *out, json_t *v)
{
    if (json_is_string(v)) {
        (void)fputs(json_string_value(v), out);
    } else if (json_is_integer(v)) {
        (void)fprintf(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        (void)fprintf(out, "%g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        (void)fputs(json_is_true(v) ? "True" : "False", out);
    } else {
        (void)fputs("None", out);
    }
}

/* The AWS CLI's text format: an object's scalars on one line (keys sorted),
 * prefixed by the uppercased name of the member holding it, then its nested
 * objects and lists, each on lines of their own. */
static void print_text(FILE *out, json_t *obj, const char *name)
{
    if (json_is_array(obj)) {
        size_t i;
        json_t *v;
        json_array_foreach(obj, i, v)
        {
            print_text(out, v, name);
        }
        return;
    }
    if (!json_is_object(obj)) {
        if (name != NULL) {
            (void)fprintf(out, "%s\t", name);
        }
        print_scalar(out, obj);
        (void)fputc('\n', out);
        return;
    }
    size_t n = json_object_size(obj);
    const char **keys = calloc(n ? n : 1, sizeof(*keys));
    if (keys == NULL) {
        return;
    }
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        keys[k++] = key;
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        v = json_object_get(obj, keys[i]);
        if (json_is_object(v) || json_is_array(v)) {
            continue;
        }
        if (!any && name != NULL) {
            (void)fprintf(out, "%s\t", name);
        } else if (any) {
            (void)fputc('\t', out);
        }
        print_scalar(out, v);
        any = true;
    }
    if (any) {
        (void)fputc('\n', out);
    }
    for (size_t i = 0; i < n; i++) {
        v = json_object_get(obj, keys[i]);
        if (json_is_object(v) || json_is_array(v)) {
            char upper[256];
            size_t j = 0;
            for (; keys[i][j] && j + 1 < sizeof(upper); j++) {
                char c = keys[i][j];
                if (c >= 'a' && c <= 'z') {
                    c = (char)(c - 'a' + 'A');
                }
                upper[j] = c;
            }
            upper[j] = '\0';
            print_text(out, v, upper);
        }
    }
    free(keys);
}

int cli_print(FILE *out, json_t *doc, const cli_globals *g)
{
    if (g->output != NULL && strcmp(g->output, "text") == 0) {
        print_text(out, doc, NULL);
    } else {
        char *text = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        if (text == NULL) {
            (void)fputs("awsorch: out of memory\n", stderr);
            return CLI_EXIT_OTHER;
        }
        (void)fputs(text, out);
        (void)fputc('\n', out);
        free(text);
    }
    return (fflush(out) == 0 && !ferror(out)) ? CLI_EXIT_OK : CLI_EXIT_OTHER;
}

int cli_call_error(const char *operation, awsorch_status st)
{
    const awsorch_error *e = awsorch_error_last();
    if (st == AWSORCH_E_SERVICE) {
        (void)fprintf(stderr, "\nAn error occurred (%s) when calling the %s operation: %s\n",
                      e->service_code, operation, e->message);
        return CLI_EXIT_SERVICE;
    }
    (void)fprintf(stderr, "\n%s\n", e->message[0] ? e->message : awsorch_strerror(st));
    return cli_exit_for(st);
}

void cli_iso_time(int64_t epoch_s, char *out, size_t out_len)
{
    char t[AWSORCH_TIME_BUF];
    if (awsorch_time_format_epoch(epoch_s, AWSORCH_TIME_ISO8601_EXTENDED, t, sizeof(t)) !=
        AWSORCH_OK) {
        (void)snprintf(out, out_len, "%lld", (long long)epoch_s);
        return;
    }
    /* The AWS CLI prints UTC timestamps with an explicit +00:00 offset. */
    size_t n = strlen(t);
    (void)snprintf(out, out_len, "%.*s+00:00", (int)(n - 1), t);
}
