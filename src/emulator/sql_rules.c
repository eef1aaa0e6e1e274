/* awsorch-emulator: the SQL rules, result pages and column helpers Athena and Redshift Data
 * share. */
#include "sql_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void read_word(const char **pp, char *out, size_t out_len)
{
    const char *p = *pp;
    size_t n = 0;
    while (isalnum((unsigned char)*p) || *p == '_') {
        if (n + 1 < out_len)
            out[n++] = (char)toupper((unsigned char)*p);
        p++;
    }
    if (out_len)
        out[n] = '\0';
    *pp = p;
}

static const char *skip_blank(const char *p)
{
    for (;;) {
        while (*p && (isspace((unsigned char)*p) || *p == '(' || *p == ';'))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
            continue;
        }
        return p;
    }
}

void emu_sql_keywords(const char *sql, char *first, size_t first_len, char *second,
                      size_t second_len)
{
    const char *p = skip_blank(sql ? sql : "");
    read_word(&p, first, first_len);
    p = skip_blank(p);
    read_word(&p, second, second_len);
}

bool emu_sql_returns_rows(const char *kw)
{
    static const char *const words[] = {"SELECT",   "WITH", "VALUES",  "TABLE", "SHOW",
                                        "DESCRIBE", "DESC", "EXPLAIN", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(kw, words[i]) == 0)
            return true;
    return false;
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

json_t *emu_sql_rule(const emu *e, const char *section, const char *list, const char *sql)
{
    json_t *sec = emu_config_section(e, section);
    json_t *rules = json_is_object(sec) ? json_object_get(sec, list) : NULL;
    size_t i;
    json_t *rule;
    if (!json_is_array(rules))
        return NULL;
    json_array_foreach(rules, i, rule)
    {
        if (!json_is_object(rule))
            continue;
        json_t *m = json_object_get(rule, "match");
        if (!m || (json_is_string(m) && contains_nocase(sql, json_string_value(m))))
            return rule;
    }
    return NULL;
}

double emu_sql_number(const json_t *obj, const char *key, double dflt)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!json_is_number(v))
        return dflt;
    double d = json_number_value(v);
    /* bounded so callers can turn it into a count or a 64-bit integer safely */
    if (!(d >= 0))
        return dflt;
    return d < 1e15 ? d : 1e15;
}

int emu_sql_opt_string(json_t *input, const char *key, const char **out, emu_error *err)
{
    json_t *v = json_is_object(input) ? json_object_get(input, key) : NULL;
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return emu_fail(err, 400, "SerializationException", "%s must be a string", key);
    *out = json_string_value(v);
    return 0;
}

int emu_sql_opt_int(json_t *input, const char *key, long long *out, bool *present, emu_error *err)
{
    json_t *v = json_is_object(input) ? json_object_get(input, key) : NULL;
    *present = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return emu_fail(err, 400, "SerializationException", "%s must be an integer", key);
    *out = (long long)json_integer_value(v);
    *present = true;
    return 0;
}

static json_t *generic_column(const char *generic, bool numbered, size_t i)
{
    char name[80];
    if (numbered)
        (void)snprintf(name, sizeof name, "%s%zu", generic, i);
    else
        (void)snprintf(name, sizeof name, "%s", generic);
    return json_string(name);
}

json_t *emu_sql_columns(const json_t *rule, bool returns_rows, const char *generic, bool numbered)
{
    json_t *cols = json_array();
    json_t *given = rule ? json_object_get(rule, "columns") : NULL;
    json_t *rows = rule ? json_object_get(rule, "rows") : NULL;
    size_t width = 0;
    if (!cols)
        return NULL;
    if (json_is_array(given) && json_array_size(given) > 0) {
        size_t i;
        json_t *c;
        json_array_foreach(given, i, c)
        {
            json_t *col = json_is_object(c) ? json_deep_copy(c) : json_object();
            if (!col || json_array_append_new(cols, col) != 0) {
                json_decref(cols);
                return NULL;
            }
            if (!json_is_string(json_object_get(col, "name")))
                json_object_set_new(col, "name", generic_column(generic, numbered, i));
            if (!json_is_string(json_object_get(col, "type")))
                json_object_set_new(col, "type", json_string("varchar"));
        }
        return cols;
    }
    if (json_is_array(rows) && json_array_size(rows) > 0) {
        json_t *first = json_array_get(rows, 0);
        width = json_is_array(first) ? json_array_size(first) : 1;
    } else if (returns_rows || json_object_get(rule, "rows") ||
               json_object_get(rule, "rows_generated")) {
        width = 1;
    }
    for (size_t i = 0; i < width; i++) {
        json_t *col = json_pack("{s:o, s:s}", "name", generic_column(generic, numbered, i), "type",
                                "varchar");
        if (!col || json_array_append_new(cols, col) != 0) {
            json_decref(cols);
            return NULL;
        }
    }
    return cols;
}

int emu_sql_result_init(emu_sql_result *r, const emu *e, const char *section, const char *list,
                        const char *sql, const char *generic, bool numbered, double default_run)
{
    json_t *sec = emu_config_section(e, section);
    json_t *rule = emu_sql_rule(e, section, list, sql);
    char kw[24];
    emu_sql_keywords(sql, kw, sizeof kw, NULL, 0);
    bool returns_rows = emu_sql_returns_rows(kw);
    memset(r, 0, sizeof *r);
    if (rule)
        r->rule = json_deep_copy(rule);
    r->columns = emu_sql_columns(r->rule, returns_rows, generic, numbered);
    r->fail = json_string_value(json_object_get(r->rule, "fail"));
    json_t *rows = json_object_get(r->rule, "rows");
    if (json_is_array(rows))
        r->rows = rows;
    else if (r->rule)
        r->generated = (size_t)emu_sql_number(r->rule, "rows_generated", 0);
    else if (returns_rows)
        r->generated = (size_t)emu_sql_number(sec, "default_rows", 0);
    r->run_emul = emu_sql_number(r->rule, "duration_seconds",
                                 emu_sql_number(sec, "duration_seconds", default_run));
    return r->columns && (!rule || r->rule) ? 0 : -1;
}

void emu_sql_result_free(emu_sql_result *r)
{
    json_decref(r->rule);
    json_decref(r->columns);
}

size_t emu_sql_row_count(const emu_sql_result *r)
{
    return r->rows ? json_array_size(r->rows) : r->generated;
}

int emu_sql_parse_token(const char *token, const char *id, size_t *offset)
{
    char *end;
    if (!isdigit((unsigned char)token[0]))
        return -1;
    unsigned long long v = strtoull(token, &end, 10);
    if (end == token || *end != '.' || strcmp(end + 1, id) != 0)
        return -1;
    *offset = (size_t)v;
    return 0;
}

void emu_sql_set_token(json_t *out, size_t offset, const char *id)
{
    char next[128];
    (void)snprintf(next, sizeof next, "%zu.%s", offset, id);
    json_object_set_new(out, "NextToken", json_string(next));
}

void emu_sql_declared_size(const char *paren, long long *precision, long long *scale)
{
    char *end;
    long long p = strtoll(paren + 1, &end, 10);
    if (end != paren + 1) {
        *precision = p;
        if (*end == ',')
            *scale = strtoll(end + 1, NULL, 10);
    }
}

void emu_sql_override(json_t *out, const json_t *col, const char *const (*keys)[2], size_t n)
{
    for (size_t i = 0; out && i < n; i++) {
        json_t *v = json_object_get(col, keys[i][0]);
        if (v)
            json_object_set(out, keys[i][1], v);
    }
}

int emu_sql_oom(emu_error *err)
{
    return emu_fail(err, 500, "InternalServerException", "The emulator ran out of memory");
}

const char *emu_sql_region(const emu_call *call)
{
    return call && call->region && *call->region ? call->region : "us-east-1";
}
