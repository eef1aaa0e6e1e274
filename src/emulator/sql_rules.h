/* awsorch-emulator: what the Athena and Redshift Data emulations share. Both answer SQL from
 * config rules: the first rule whose "match" occurs in the SQL gives its columns, rows, failure
 * and duration; results come in pages whose NextToken is "<offset>.<id>". */
#ifndef AWSORCH_EMULATOR_SQL_RULES_H
#define AWSORCH_EMULATOR_SQL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "emu.h"

/* The first two keywords of sql, uppercased ("CREATE", "TABLE"), skipping blanks, comments
 * and opening parentheses; "" when absent. Longer words are cut to the buffer. */
void emu_sql_keywords(const char *sql, char *first, size_t first_len, char *second,
                      size_t second_len);

/* True for statements that return rows (SELECT, WITH, VALUES, TABLE, SHOW ...). */
bool emu_sql_returns_rows(const char *first_keyword);

/* The first rule of config[section][list] whose "match" occurs in sql, ignoring case (a rule
 * without "match" matches everything), or NULL. Borrowed from the config. */
json_t *emu_sql_rule(const emu *e, const char *section, const char *list, const char *sql);

/* The result columns a rule declares, as a new array of {name, type, ...}: the rule's
 * "columns", else one varchar per value of its first row, else (when the statement returns rows
 * or the rule gives "rows_generated") a single varchar. Unnamed columns are called `generic`,
 * followed by their position when numbered ("_col0"). NULL when out of memory. */
json_t *emu_sql_columns(const json_t *rule, bool returns_rows, const char *generic, bool numbered);

/* A non-negative number obj[key] from the config (at most 1e15), or dflt when absent or not
 * a non-negative number. */
double emu_sql_number(const json_t *obj, const char *key, double dflt);

/* Reads an optional string member: 0 with *out set (NULL when absent), or -1 with err filled
 * (SerializationException) when the member has another type. */
int emu_sql_opt_string(json_t *input, const char *key, const char **out, emu_error *err);

/* Reads an optional integer member into *out (unchanged when absent); -1 with err filled when
 * the member is not an integer. *present tells whether it was given. */
int emu_sql_opt_int(json_t *input, const char *key, long long *out, bool *present, emu_error *err);

/* What the matching config rule makes of one SQL statement. */
typedef struct emu_sql_result {
    json_t *rule;     /* a copy of the matching config rule, or NULL */
    json_t *columns;  /* [{name, type, ...}]; empty when the SQL returns no result set */
    json_t *rows;     /* the rule's rows (borrowed from rule), or NULL: rows are generated */
    size_t generated; /* rows to generate when rows is NULL */
    const char *fail; /* failure message (in rule), or NULL */
    double run_emul;  /* emulated seconds it runs */
} emu_sql_result;

/* Fills r from the first rule of config[section][list] matching sql: columns named `generic`
 * (see emu_sql_columns), rows given or generated (the section's "default_rows" for a statement
 * without a rule that returns rows), "duration_seconds" of the rule, else of the section, else
 * default_run. 0, or -1 when out of memory (r is then still freed by emu_sql_result_free). */
int emu_sql_result_init(emu_sql_result *r, const emu *e, const char *section, const char *list,
                        const char *sql, const char *generic, bool numbered, double default_run);

/* Releases what emu_sql_result_init allocated. */
void emu_sql_result_free(emu_sql_result *r);

/* The result's row count: its rows, or the number generated. */
size_t emu_sql_row_count(const emu_sql_result *r);

/* Parses a result page's NextToken, "<offset>.<id>", tied to the statement `id`: 0 with *offset
 * set, or -1 when the token is not one of id's. */
int emu_sql_parse_token(const char *token, const char *id, size_t *offset);

/* Sets out's "NextToken" to the page token for `offset` rows into statement `id`. */
void emu_sql_set_token(json_t *out, size_t offset, const char *id);

/* Reads a type's declared "(precision[,scale])" at paren, which wins over the type's own;
 * leaves both unchanged when no number follows the parenthesis. */
void emu_sql_declared_size(const char *paren, long long *precision, long long *scale);

/* Copies col[keys[i][0]] to out[keys[i][1]] for each of the n key pairs col has: explicit
 * column settings of the config override the derived metadata. out may be NULL. */
void emu_sql_override(json_t *out, const json_t *col, const char *const (*keys)[2], size_t n);

/* The InternalServerException both services answer when the emulator runs out of memory. */
int emu_sql_oom(emu_error *err);

/* The region of the call's credential scope, "us-east-1" when it has none. */
const char *emu_sql_region(const emu_call *call);

#endif
