/* Printing responses as the AWS CLI does: JSON with four-space indents, or
 * its tab-separated text form. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A double as the AWS CLI (Python's repr) prints it: the fewest digits that read
 * back as the same value, fixed notation with ".0" between 1e-4 and 1e16,
 * scientific with a two-digit exponent outside ("1e-07", "1.5e+16"). */
static void format_double(double d, char out[40])
{
    int prec = 1;
    for (; prec < 17; prec++) {
        (void)snprintf(out, 40, "%.*e", prec - 1, d);
        if (strtod(out, NULL) == d) {
            break;
        }
    }
    (void)snprintf(out, 40, "%.*e", prec - 1, d);
    const char *e = strchr(out, 'e');
    long exp = e != NULL ? strtol(e + 1, NULL, 10) : 0;
    if (exp < -4 || exp >= 16) {
        return;
    }
    int decimals = prec - 1 - (int)exp;
    (void)snprintf(out, 40, "%.*f", decimals > 0 ? decimals : 0, d);
    if (strchr(out, '.') == NULL) {
        size_t n = strlen(out);
        if (n + 3 <= 40) {
            memcpy(out + n, ".0", 3);
        }
    }
}

/* Swaps each real of a document for a marker string, so jansson prints the
 * document and format_double the numbers; returns how many it swapped. */
static size_t mark_reals(json_t *v, json_t *reals)
{
    size_t n = 0;
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child)
        {
            if (json_is_real(child)) {
                char marker[32];
                (void)snprintf(marker, sizeof(marker), "\x01%zu\x01", json_array_size(reals));
                (void)json_array_append(reals, child);
                (void)json_object_set_new(v, key, json_string(marker));
                n++;
            } else {
                n += mark_reals(child, reals);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            if (json_is_real(child)) {
                char marker[32];
                (void)snprintf(marker, sizeof(marker), "\x01%zu\x01", json_array_size(reals));
                (void)json_array_append(reals, child);
                (void)json_array_set_new(v, i, json_string(marker));
                n++;
            } else {
                n += mark_reals(child, reals);
            }
        }
    }
    return n;
}

/* Prints jansson's text with each marker ("\u0001N\u0001", quoted) replaced by its number. */
static void put_unmarked(FILE *out, const char *text, json_t *reals)
{
    static const char open[] = "\"\\u0001";
    const char *p = text;
    const char *m;
    while ((m = strstr(p, open)) != NULL) {
        char *end = NULL;
        unsigned long idx = strtoul(m + sizeof(open) - 1, &end, 10);
        if (end == NULL || strncmp(end, "\\u0001\"", 7) != 0 || idx >= json_array_size(reals)) {
            (void)fwrite(p, 1, (size_t)(m - p) + 1, out);
            p = m + 1;
            continue;
        }
        (void)fwrite(p, 1, (size_t)(m - p), out);
        char num[40];
        format_double(json_real_value(json_array_get(reals, idx)), num);
        (void)fputs(num, out);
        p = end + 7;
    }
    (void)fputs(p, out);
}

static void print_scalar(FILE *out, json_t *v)
{
    if (json_is_string(v)) {
        (void)fputs(json_string_value(v), out);
    } else if (json_is_integer(v)) {
        (void)fprintf(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        char num[40];
        format_double(json_real_value(v), num);
        (void)fputs(num, out);
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
        json_t *copy = json_deep_copy(doc);
        json_t *reals = json_array();
        if (copy != NULL && reals != NULL) {
            (void)mark_reals(copy, reals);
        }
        char *text = copy != NULL ? json_dumps(copy, JSON_INDENT(4) | JSON_PRESERVE_ORDER) : NULL;
        if (text == NULL) {
            json_decref(copy);
            json_decref(reals);
            (void)fputs("awsorch: out of memory\n", stderr);
            return CLI_EXIT_OTHER;
        }
        put_unmarked(out, text, reals);
        (void)fputc('\n', out);
        free(text);
        json_decref(copy);
        json_decref(reals);
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
