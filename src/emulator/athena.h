/* awsorch-emulator: helpers the Athena and Redshift Data emulations share (both answer SQL
 * from config rules); defined in athena.c. */
#ifndef AWSORCH_EMULATOR_ATHENA_H
#define AWSORCH_EMULATOR_ATHENA_H

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

#endif
