/* awsorch-emulator: Amazon Redshift Data API (awsJson 1.1, target prefix "RedshiftData",
 * signing name "redshift-data").
 *
 * A statement (or a batch of them, run one after the other as a transaction) moves
 * SUBMITTED -> PICKED -> STARTED -> FINISHED | FAILED, or ABORTED when cancelled. Its state is
 * computed from the submission time whenever it is read; what each SQL returns (columns, rows,
 * failure, duration) comes from the first rule of config "redshift_data.statements" whose
 * "match" occurs in the SQL. */
#include "sql_rules.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Emulated seconds a statement spends SUBMITTED + PICKED and STARTED when the config does not
 * say. */
#define RS_DEFAULT_QUEUE 0.5
#define RS_DEFAULT_RUN 1.0
#define RS_PAGE_ROWS 1000            /* GetStatementResult rows per page unless configured */
#define RS_LIST_MAX 100              /* ListStatements MaxResults: default and maximum */
#define RS_BATCH_MAX 40              /* BatchExecuteStatement Sqls */
#define RS_WAIT_MAX 30               /* DescribeStatement WaitTimeSeconds */
#define RS_SQL_MAX 100000            /* characters of one SQL statement */
#define RS_RETENTION (24.0 * 3600.0) /* ListStatements shows the last 24 hours */

typedef enum { R_SUBMITTED, R_PICKED, R_STARTED, R_FINISHED, R_ABORTED, R_FAILED } rstatus;

static const char *const rstatus_names[] = {"SUBMITTED", "PICKED",  "STARTED",
                                            "FINISHED",  "ABORTED", "FAILED"};

/* One SQL of a statement; a plain ExecuteStatement has exactly one. */
typedef struct rs_sub {
    char *sql;
    emu_sql_result res; /* what the matching config rule makes of the SQL */
    double run_real;    /* real seconds STARTED (res.run_emul, the Duration, in real time) */
    long long query_id;
} rs_sub;

typedef struct rs_stmt {
    char id[37];
    char *region;
    char *caller; /* access key: RoleLevel=false lists only the caller's statements */
    char *cluster, *workgroup, *database, *db_user, *secret_arn, *name, *token, *format;
    json_t *params;  /* Parameters as given, or NULL */
    json_t *request; /* the request without its token: idempotent retries must match */
    bool batch;
    rs_sub *subs;
    size_t nsubs;
    double created;     /* epoch seconds */
    double submit_real; /* real seconds SUBMITTED, then as long PICKED */
    double pick_real;
    double cancelled; /* when CancelStatement caught it before the end, else 0 */
    long long pid;
} rs_stmt;

typedef struct rs_state {
    rs_stmt **items; /* oldest first */
    size_t n, cap;
    long long next_query_id, next_pid;
} rs_state;

static void stmt_free(rs_stmt *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsubs; i++) {
        free(s->subs[i].sql);
        emu_sql_result_free(&s->subs[i].res);
    }
    free(s->subs);
    free(s->region);
    free(s->caller);
    free(s->cluster);
    free(s->workgroup);
    free(s->database);
    free(s->db_user);
    free(s->secret_arn);
    free(s->name);
    free(s->token);
    free(s->format);
    json_decref(s->params);
    json_decref(s->request);
    free(s);
}

void emu_redshift_free(emu *e)
{
    rs_state *st = (rs_state *)e->redshift;
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        stmt_free(st->items[i]);
    free(st->items);
    free(st);
    e->redshift = NULL;
}

static rs_state *get_state(emu *e)
{
    if (!e->redshift) {
        rs_state *st = calloc(1, sizeof *st);
        if (!st)
            return NULL;
        st->next_query_id = 1000;
        st->next_pid = 1073741824;
        e->redshift = (emu_service_state *)st;
    }
    return (rs_state *)e->redshift;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* ---- ids ------------------------------------------------------------------------------- */

#define RS_ID_PATTERN "^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?$"

/* Checks the id against the API's pattern; *sub gets the ":n" suffix (0 when none). */
static bool parse_id(const char *id, char base[37], size_t *sub)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    const char *p = id;
    for (size_t g = 0; g < 5; g++) {
        if (g > 0 && *p++ != '-')
            return false;
        for (int i = 0; i < groups[g]; i++, p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)))
                return false;
    }
    memcpy(base, id, 36);
    base[36] = '\0';
    *sub = 0;
    if (*p == '\0')
        return true;
    if (*p != ':' || !isdigit((unsigned char)p[1]))
        return false;
    char *end;
    unsigned long v = strtoul(p + 1, &end, 10);
    if (*end != '\0')
        return false;
    /* ":0" matches the pattern but names no sub-statement */
    *sub = v == 0 ? SIZE_MAX : (size_t)v;
    return true;
}

static int bad_id(emu_error *err)
{
    return emu_fail(err, 400, "ValidationException", "id must satisfy regex pattern: %s",
                    RS_ID_PATTERN);
}

static int not_found(emu_error *err)
{
    return emu_fail(err, 400, "ResourceNotFoundException", "Query does not exist.");
}

static rs_stmt *find_stmt(rs_state *st, const char *region, const char *id)
{
    for (size_t i = 0; st && i < st->n; i++)
        if (strcmp(st->items[i]->id, id) == 0 && strcmp(st->items[i]->region, region) == 0)
            return st->items[i];
    return NULL;
}

/* Resolves "ID" or "ID:n" to the statement and (for ":n") the 1-based sub-statement. */
static int lookup(emu *e, const emu_call *call, const char *id, rs_stmt **out, size_t *sub,
                  emu_error *err)
{
    char base[37];
    if (!id || !parse_id(id, base, sub))
        return bad_id(err);
    rs_stmt *s = find_stmt((rs_state *)e->redshift, emu_sql_region(call), base);
    /* sub-statement ids exist only for batches */
    if (!s || (*sub && (!s->batch || *sub > s->nsubs)))
        return not_found(err);
    *out = s;
    return 0;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

static double run_start(const rs_stmt *s)
{
    return s->created + s->submit_real + s->pick_real;
}

static double sub_start(const rs_stmt *s, size_t i)
{
    double t = run_start(s);
    for (size_t j = 0; j < i; j++)
        t += s->subs[j].run_real;
    return t;
}

/* The first failing sub-statement, or nsubs: a batch is one transaction, it stops there. */
static size_t fail_index(const rs_stmt *s)
{
    for (size_t i = 0; i < s->nsubs; i++)
        if (s->subs[i].res.fail)
            return i;
    return s->nsubs;
}

/* When the statement ends unless cancelled. */
static double natural_end(const rs_stmt *s)
{
    size_t f = fail_index(s);
    size_t last = f < s->nsubs ? f : s->nsubs - 1;
    return sub_start(s, last) + s->subs[last].run_real;
}

static rstatus stmt_status(const rs_stmt *s, double now, double *updated)
{
    double picked = s->created + s->submit_real, start = run_start(s), end = natural_end(s);
    if (s->cancelled > 0) {
        *updated = s->cancelled;
        return R_ABORTED;
    }
    if (now < picked) {
        *updated = s->created;
        return R_SUBMITTED;
    }
    if (now < start) {
        *updated = picked;
        return R_PICKED;
    }
    if (now < end) {
        *updated = start;
        for (size_t i = 1; i < s->nsubs; i++)
            if (sub_start(s, i) <= now)
                *updated = sub_start(s, i);
        return R_STARTED;
    }
    *updated = end;
    return fail_index(s) < s->nsubs ? R_FAILED : R_FINISHED;
}

static bool terminal(rstatus r)
{
    return r == R_FINISHED || r == R_FAILED || r == R_ABORTED;
}

/* Status of sub-statement i (0-based) at `now`; *ran gets the real seconds it ran so far. */
static rstatus sub_status(const rs_stmt *s, size_t i, double now, double *updated, double *ran)
{
    double start = sub_start(s, i), end = start + s->subs[i].run_real;
    size_t f = fail_index(s);
    double stop = now;
    rstatus r;
    if (s->cancelled > 0 && s->cancelled < end) {
        *updated = s->cancelled;
        stop = s->cancelled;
        r = R_ABORTED;
    } else if (i > f) {
        double fend = sub_start(s, f) + s->subs[f].run_real;
        r = now >= fend ? R_ABORTED : R_SUBMITTED;
        *updated = now >= fend ? fend : s->created;
    } else if (now < start) {
        *updated = s->created;
        r = R_SUBMITTED;
    } else if (now < end) {
        *updated = start;
        r = R_STARTED;
    } else {
        *updated = end;
        r = s->subs[i].res.fail ? R_FAILED : R_FINISHED;
    }
    if (stop > end)
        stop = end;
    *ran = i <= f && stop > start ? stop - start : 0;
    return r;
}

/* When the statement next changes state (real epoch), or 0 when it never will. */
static double next_change(const rs_stmt *s, double now)
{
    double picked = s->created + s->submit_real;
    if (s->cancelled > 0)
        return 0;
    if (now < picked)
        return picked;
    for (size_t i = 0; i <= fail_index(s) && i < s->nsubs; i++) {
        double t = sub_start(s, i);
        if (now < t)
            return t;
    }
    double end = natural_end(s);
    return now < end ? end : 0;
}

/* ---- results ----------------------------------------------------------------------------- */

static void base_type(const char *type, char *out, size_t len)
{
    size_t n = 0;
    while (type && type[n] && type[n] != '(' && n + 1 < len) {
        out[n] = (char)tolower((unsigned char)type[n]);
        n++;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    static const char *const alias[][2] = {{"int", "int4"},
                                           {"integer", "int4"},
                                           {"bigint", "int8"},
                                           {"smallint", "int2"},
                                           {"boolean", "bool"},
                                           {"double", "float8"},
                                           {"double precision", "float8"},
                                           {"real", "float4"},
                                           {"float", "float8"},
                                           {"decimal", "numeric"},
                                           {"character varying", "varchar"},
                                           {"text", "varchar"},
                                           {"char", "bpchar"},
                                           {"character", "bpchar"},
                                           {"string", "varchar"}};
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(out, alias[i][0]) == 0) {
            (void)snprintf(out, len, "%s", alias[i][1]);
            return;
        }
}

static bool is_int_type(const char *base)
{
    return strcmp(base, "int2") == 0 || strcmp(base, "int4") == 0 || strcmp(base, "int8") == 0;
}

/* The Field of cell (r, c): {stringValue|longValue|doubleValue|booleanValue|isNull}. */
static json_t *cell_field(const rs_sub *b, size_t r, size_t c)
{
    if (!b->res.rows) {
        char base[32], text[48];
        base_type(json_string_value(json_object_get(json_array_get(b->res.columns, c), "type")),
                  base, sizeof base);
        if (is_int_type(base))
            return json_pack("{s:I}", "longValue", (json_int_t)r + 1);
        if (strcmp(base, "float4") == 0 || strcmp(base, "float8") == 0)
            return json_pack("{s:f}", "doubleValue", (double)(r + 1));
        if (strcmp(base, "bool") == 0)
            return json_pack("{s:b}", "booleanValue", r % 2 == 0);
        (void)snprintf(text, sizeof text, "row-%zu", r + 1);
        return json_pack("{s:s}", "stringValue", text);
    }
    json_t *row = json_array_get(b->res.rows, r);
    json_t *v = json_is_array(row) ? json_array_get(row, c) : (c == 0 ? row : NULL);
    if (!v || json_is_null(v))
        return json_pack("{s:b}", "isNull", 1);
    if (json_is_boolean(v))
        return json_pack("{s:b}", "booleanValue", json_is_true(v));
    if (json_is_integer(v))
        return json_pack("{s:I}", "longValue", json_integer_value(v));
    if (json_is_real(v))
        return json_pack("{s:f}", "doubleValue", json_real_value(v));
    if (json_is_string(v))
        return json_pack("{s:s}", "stringValue", json_string_value(v));
    char *text = json_dumps(v, JSON_COMPACT);
    json_t *f = json_pack("{s:s}", "stringValue", text ? text : "");
    free(text);
    return f;
}

/* Approximate bytes of the result, as ResultSize reports. */
static json_int_t result_size(const rs_sub *b)
{
    size_t n = emu_sql_row_count(&b->res), w = json_array_size(b->res.columns);
    json_int_t total = 0;
    for (size_t r = 0; r < n && r < 100000; r++)
        for (size_t c = 0; c < w; c++) {
            json_t *f = cell_field(b, r, c);
            json_t *s = json_object_get(f, "stringValue");
            total += s ? (json_int_t)json_string_length(s) : 8;
            json_decref(f);
        }
    return total;
}

static json_t *column_meta(const json_t *col)
{
    const char *name = json_string_value(json_object_get(col, "name"));
    const char *type = json_string_value(json_object_get(col, "type"));
    char base[32];
    long long precision = 0, scale = 0;
    bool is_signed = false, case_sensitive = false;
    base_type(type, base, sizeof base);
    if (strcmp(base, "int2") == 0) {
        precision = 5;
        is_signed = true;
    } else if (strcmp(base, "int4") == 0) {
        precision = 10;
        is_signed = true;
    } else if (strcmp(base, "int8") == 0) {
        precision = 19;
        is_signed = true;
    } else if (strcmp(base, "float4") == 0) {
        precision = 8;
        scale = 8;
        is_signed = true;
    } else if (strcmp(base, "float8") == 0) {
        precision = 17;
        scale = 17;
        is_signed = true;
    } else if (strcmp(base, "numeric") == 0) {
        precision = 18;
        is_signed = true;
    } else if (strcmp(base, "varchar") == 0) {
        precision = 256;
        case_sensitive = true;
    } else if (strcmp(base, "bpchar") == 0) {
        precision = 1;
        case_sensitive = true;
    } else if (strcmp(base, "bool") == 0) {
        precision = 1;
    } else if (strcmp(base, "date") == 0) {
        precision = 13;
    } else if (strcmp(base, "timestamp") == 0) {
        precision = 29;
        scale = 6;
    } else if (strcmp(base, "timestamptz") == 0) {
        precision = 35;
        scale = 6;
    }
    const char *paren = type ? strchr(type, '(') : NULL;
    if (paren)
        emu_sql_declared_size(paren, &precision, &scale);
    json_t *meta = json_pack(
        "{s:b, s:b, s:b, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "isCaseSensitive",
        case_sensitive, "isCurrency", 0, "isSigned", is_signed, "label", name, "length",
        (json_int_t)0, "name", name, "nullable", (json_int_t)1, "precision", (json_int_t)precision,
        "scale", (json_int_t)scale, "schemaName", "", "tableName", "", "typeName", base);
    static const char *const keys[][2] = {{"label", "label"},
                                          {"nullable", "nullable"},
                                          {"precision", "precision"},
                                          {"scale", "scale"},
                                          {"length", "length"},
                                          {"schema", "schemaName"},
                                          {"table", "tableName"},
                                          {"default", "columnDefault"},
                                          {"signed", "isSigned"},
                                          {"currency", "isCurrency"},
                                          {"case_sensitive", "isCaseSensitive"}};
    emu_sql_override(meta, col, keys, sizeof keys / sizeof keys[0]);
    return meta;
}

/* ---- descriptions ------------------------------------------------------------------------ */

static json_int_t nanos(double emulated_seconds)
{
    /* durations are capped at 1e15 s by the config reader; stay in 64 bits beyond 1e9 s */
    return emulated_seconds < 1e9 ? (json_int_t)(emulated_seconds * 1e9 + 0.5) : (json_int_t)9e18;
}

static double emulated(const emu *e, double real)
{
    return real * (e->time_scale > 0 ? e->time_scale : 1.0);
}

/* The numbers DescribeStatement reports for one sub-statement in status r. */
static void sub_numbers(const emu *e, const rs_sub *b, rstatus r, double ran, json_t *out)
{
    bool done = r == R_FINISHED;
    bool has = done && json_array_size(b->res.columns) > 0;
    json_int_t rows = -1, size = -1, duration = -1;
    if (done) {
        rows = has ? (json_int_t)emu_sql_row_count(&b->res)
                   : (json_int_t)emu_sql_number(b->res.rule, "rows_affected", 0);
        size = has ? result_size(b) : 0;
    }
    /* a SQL that ran to its end reports the configured duration exactly (summing the real
     * phase times back up would round it) */
    if (r == R_FINISHED || r == R_FAILED)
        duration = nanos(b->res.run_emul);
    else if (r == R_ABORTED && ran > 0)
        duration = nanos(emulated(e, ran));
    json_object_set_new(out, "HasResultSet", json_boolean(has));
    json_object_set_new(out, "ResultRows", json_integer(rows));
    json_object_set_new(out, "ResultSize", json_integer(size));
    json_object_set_new(out, "Duration", json_integer(duration));
    bool started = r == R_STARTED || r == R_FINISHED || r == R_FAILED || ran > 0;
    json_object_set_new(out, "RedshiftQueryId", json_integer(started ? b->query_id : 0));
    if (r == R_FAILED)
        json_object_set_new(out, "Error", json_string(b->res.fail));
}

static void set_opt(json_t *obj, const char *key, const char *value)
{
    if (value)
        json_object_set_new(obj, key, json_string(value));
}

static void connection_fields(const rs_stmt *s, json_t *out)
{
    set_opt(out, "ClusterIdentifier", s->cluster);
    set_opt(out, "WorkgroupName", s->workgroup);
    set_opt(out, "Database", s->database);
    set_opt(out, "DbUser", s->db_user);
    set_opt(out, "SecretArn", s->secret_arn);
}

/* DescribeStatement of a batch's sub-statement ("ID:n") or its SubStatements entry. */
static json_t *sub_json(const emu *e, const rs_stmt *s, size_t i, double now, bool standalone)
{
    double updated, ran;
    char id[64];
    rstatus r = sub_status(s, i, now, &updated, &ran);
    json_t *out = json_object();
    if (!out)
        return NULL;
    (void)snprintf(id, sizeof id, "%s:%zu", s->id, i + 1);
    json_object_set_new(out, "Id", json_string(id));
    json_object_set_new(out, "Status", json_string(rstatus_names[r]));
    json_object_set_new(out, "QueryString", json_string(s->subs[i].sql));
    json_object_set_new(out, "CreatedAt", json_real(s->created));
    json_object_set_new(out, "UpdatedAt", json_real(updated));
    sub_numbers(e, &s->subs[i], r, ran, out);
    if (standalone) {
        connection_fields(s, out);
        json_object_set_new(out, "RedshiftPid", json_integer(r == R_SUBMITTED ? 0 : s->pid));
        json_object_set_new(out, "ResultFormat", json_string(s->format));
    }
    return out;
}

static json_t *stmt_json(const emu *e, const rs_stmt *s, double now)
{
    double updated;
    rstatus r = stmt_status(s, now, &updated);
    json_t *out = json_object();
    if (!out)
        return NULL;
    json_object_set_new(out, "Id", json_string(s->id));
    json_object_set_new(out, "Status", json_string(rstatus_names[r]));
    json_object_set_new(out, "CreatedAt", json_real(s->created));
    json_object_set_new(out, "UpdatedAt", json_real(updated));
    connection_fields(s, out);
    json_object_set_new(out, "RedshiftPid",
                        json_integer(r == R_SUBMITTED || r == R_PICKED ? 0 : s->pid));
    json_object_set_new(out, "ResultFormat", json_string(s->format));
    if (s->params)
        json_object_set_new(out, "QueryParameters", json_deep_copy(s->params));

    if (!s->batch) {
        double sub_updated, ran;
        rstatus sr = sub_status(s, 0, now, &sub_updated, &ran);
        /* before it runs, the lone SQL shares the statement's SUBMITTED/PICKED */
        sub_numbers(e, &s->subs[0], sr == R_SUBMITTED ? r : sr, ran, out);
        json_object_set_new(out, "QueryString", json_string(s->subs[0].sql));
        return out;
    }

    json_t *subs = json_array();
    json_int_t rows = 0, size = 0, duration = 0, query_id = 0;
    bool has = false;
    for (size_t i = 0; i < s->nsubs; i++) {
        json_t *sub = sub_json(e, s, i, now, false);
        if (!sub)
            continue;
        json_int_t v = json_integer_value(json_object_get(sub, "ResultRows"));
        rows += v > 0 ? v : 0;
        v = json_integer_value(json_object_get(sub, "ResultSize"));
        size += v > 0 ? v : 0;
        v = json_integer_value(json_object_get(sub, "Duration"));
        duration += v > 0 ? v : 0;
        if (json_integer_value(json_object_get(sub, "RedshiftQueryId")))
            query_id = json_integer_value(json_object_get(sub, "RedshiftQueryId"));
        has = has || json_is_true(json_object_get(sub, "HasResultSet"));
        if (r == R_FAILED && json_object_get(sub, "Error"))
            json_object_set(out, "Error", json_object_get(sub, "Error"));
        json_array_append_new(subs, sub);
    }
    json_object_set_new(out, "SubStatements", subs);
    json_object_set_new(out, "HasResultSet", json_boolean(r == R_FINISHED && has));
    json_object_set_new(out, "ResultRows", json_integer(r == R_FINISHED ? rows : -1));
    json_object_set_new(out, "ResultSize", json_integer(r == R_FINISHED ? size : -1));
    json_object_set_new(out, "Duration", json_integer(terminal(r) ? duration : -1));
    json_object_set_new(out, "RedshiftQueryId", json_integer(query_id));
    return out;
}

/* ---- ExecuteStatement / BatchExecuteStatement -------------------------------------------- */

static int append_stmt(rs_state *st, rs_stmt *s)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        rs_stmt **items = realloc(st->items, cap * sizeof(rs_stmt *));
        if (!items)
            return -1;
        st->items = items;
        st->cap = cap;
    }
    st->items[st->n++] = s;
    return 0;
}

static json_t *submit_reply(const rs_stmt *s)
{
    json_t *out = json_pack("{s:s, s:f}", "Id", s->id, "CreatedAt", s->created);
    if (out)
        connection_fields(s, out);
    return out;
}

static int init_sub(emu *e, rs_state *st, rs_sub *b, const char *sql)
{
    b->sql = strdup(sql);
    int matched = emu_sql_result_init(&b->res, e, "redshift_data", "statements", sql, "?column?",
                                      false, RS_DEFAULT_RUN);
    b->run_real = emu_real_seconds(e, b->res.run_emul);
    b->query_id = st->next_query_id++;
    return b->sql && matched == 0 ? 0 : -1;
}

static int check_string_list(json_t *list, const char *key, size_t max, emu_error *err)
{
    size_t i;
    json_t *v;
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > max)
        return emu_fail(err, 400, "ValidationException", "%s must list between 1 and %zu items",
                        key, max);
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return emu_fail(err, 400, "ValidationException", "%s must be non-empty strings", key);
        if (json_string_length(v) > RS_SQL_MAX)
            return emu_fail(err, 400, "ValidationException",
                            "A SQL statement must be at most %d characters", RS_SQL_MAX);
    }
    return 0;
}

static int check_parameters(json_t *params, emu_error *err)
{
    size_t i;
    json_t *p;
    if (!params || json_is_null(params))
        return 0;
    if (!json_is_array(params) || json_array_size(params) == 0)
        return emu_fail(err, 400, "ValidationException",
                        "Parameters must be a non-empty list of {name, value}");
    json_array_foreach(params, i, p)
    {
        if (!json_is_object(p) || !json_is_string(json_object_get(p, "name")) ||
            !json_is_string(json_object_get(p, "value")))
            return emu_fail(err, 400, "ValidationException",
                            "Each parameter needs a string name and a string value");
    }
    return 0;
}

static int rs_submit(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err,
                     bool batch)
{
    rs_state *st = get_state(e);
    const char *region = emu_sql_region(call);
    const char *sql = NULL, *cluster, *workgroup, *database, *db_user, *secret, *name, *token,
               *format, *session;
    json_t *sqls = batch ? json_object_get(in, "Sqls") : NULL;
    json_t *params = batch ? NULL : json_object_get(in, "Parameters");
    json_t *with_event = json_object_get(in, "WithEvent");
    if (!st)
        return emu_sql_oom(err);
    if ((!batch && emu_sql_opt_string(in, "Sql", &sql, err)) ||
        emu_sql_opt_string(in, "ClusterIdentifier", &cluster, err) ||
        emu_sql_opt_string(in, "WorkgroupName", &workgroup, err) ||
        emu_sql_opt_string(in, "Database", &database, err) ||
        emu_sql_opt_string(in, "DbUser", &db_user, err) ||
        emu_sql_opt_string(in, "SecretArn", &secret, err) ||
        emu_sql_opt_string(in, "StatementName", &name, err) ||
        emu_sql_opt_string(in, "ClientToken", &token, err) ||
        emu_sql_opt_string(in, "ResultFormat", &format, err) ||
        emu_sql_opt_string(in, "SessionId", &session, err))
        return -1;
    if (batch) {
        if (check_string_list(sqls, "Sqls", RS_BATCH_MAX, err))
            return -1;
    } else {
        if (!sql || !*sql)
            return emu_fail(err, 400, "ValidationException", "Sql is required");
        if (strlen(sql) > RS_SQL_MAX)
            return emu_fail(err, 400, "ValidationException", "Sql must be at most %d characters",
                            RS_SQL_MAX);
        if (check_parameters(params, err))
            return -1;
    }
    if (with_event && !json_is_null(with_event) && !json_is_boolean(with_event))
        return emu_fail(err, 400, "SerializationException", "WithEvent must be a boolean");
    if (session)
        return emu_fail(err, 400, "ValidationException",
                        "SessionId is not supported by awsorch-emulator; connect with "
                        "ClusterIdentifier or WorkgroupName");
    if (!cluster && !workgroup)
        return emu_fail(err, 400, "ValidationException",
                        "Either ClusterIdentifier or WorkgroupName must be specified");
    if (cluster && workgroup)
        return emu_fail(err, 400, "ValidationException",
                        "ClusterIdentifier and WorkgroupName cannot both be specified");
    if (!database || !*database)
        return emu_fail(err, 400, "ValidationException", "Database is required");
    if (name && strlen(name) > 500)
        return emu_fail(err, 400, "ValidationException",
                        "StatementName must be at most 500 characters");
    if (format && strcmp(format, "JSON") != 0 && strcmp(format, "CSV") != 0)
        return emu_fail(err, 400, "ValidationException", "ResultFormat must be one of JSON, CSV");

    /* a retry with the same token gets the first statement back */
    json_t *request = json_deep_copy(in);
    if (!request)
        return emu_sql_oom(err);
    json_object_del(request, "ClientToken");
    if (token) {
        for (size_t i = 0; i < st->n; i++) {
            rs_stmt *old = st->items[i];
            if (!same(old->token, token) || strcmp(old->region, region) != 0)
                continue;
            bool match = json_equal(old->request, request) && old->batch == batch;
            json_decref(request);
            if (!match)
                return emu_fail(err, 400, "ValidationException",
                                "The ClientToken %s was already used with different parameters",
                                token);
            *out = submit_reply(old);
            return *out ? 0 : emu_sql_oom(err);
        }
    }

    rs_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(request);
        return emu_sql_oom(err);
    }
    s->request = request;
    emu_uuid(s->id);
    s->region = strdup(region);
    s->caller = strdup(call && call->access_key ? call->access_key : "");
    s->cluster = dup_or_null(cluster);
    s->workgroup = dup_or_null(workgroup);
    s->database = dup_or_null(database);
    s->db_user = dup_or_null(db_user);
    s->secret_arn = dup_or_null(secret);
    s->name = dup_or_null(name);
    s->token = dup_or_null(token);
    s->format = strdup(format ? format : "JSON");
    s->params = json_is_array(params) ? json_deep_copy(params) : NULL;
    s->batch = batch;
    s->nsubs = batch ? json_array_size(sqls) : 1;
    s->subs = calloc(s->nsubs, sizeof *s->subs);
    s->pid = st->next_pid++;
    int bad = !s->region || !s->caller || !s->database || !s->format || !s->subs ||
              (cluster && !s->cluster) || (workgroup && !s->workgroup) ||
              (db_user && !s->db_user) || (secret && !s->secret_arn) || (name && !s->name) ||
              (token && !s->token) || (params && json_is_array(params) && !s->params);
    for (size_t i = 0; !bad && i < s->nsubs; i++)
        bad = init_sub(e, st, &s->subs[i],
                       batch ? json_string_value(json_array_get(sqls, i)) : sql) != 0;
    if (bad || append_stmt(st, s) != 0) {
        stmt_free(s);
        return emu_sql_oom(err);
    }

    /* the queue time comes from the first SQL's rule, else the section */
    json_t *section = emu_config_section(e, "redshift_data");
    double queue = emu_sql_number(s->subs[0].res.rule, "queue_seconds",
                                  emu_sql_number(section, "queue_seconds", RS_DEFAULT_QUEUE));
    s->submit_real = emu_real_seconds(e, queue / 2);
    s->pick_real = emu_real_seconds(e, queue / 2);
    s->created = emu_now();
    *out = submit_reply(s);
    return *out ? 0 : emu_sql_oom(err);
}

static int rs_execute(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    return rs_submit(e, call, in, out, err, false);
}

static int rs_batch_execute(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    return rs_submit(e, call, in, out, err, true);
}

/* ---- DescribeStatement ------------------------------------------------------------------- */

static int rs_describe(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id;
    long long wait = 0;
    bool has_wait;
    rs_stmt *s;
    size_t sub;
    if (emu_sql_opt_string(in, "Id", &id, err) ||
        emu_sql_opt_int(in, "WaitTimeSeconds", &wait, &has_wait, err))
        return -1;
    if (has_wait && (wait < 0 || wait > RS_WAIT_MAX))
        return emu_fail(err, 400, "ValidationException", "WaitTimeSeconds must be between 0 and %d",
                        RS_WAIT_MAX);
    if (lookup(e, call, id, &s, &sub, err))
        return -1;

    /* long poll: sleep (without the lock) until the statement changes state, and describe
     * it once it is over or the wait is */
    double deadline = emu_now() + (double)wait;
    for (;;) {
        double now = emu_now(), updated, ran;
        bool over = sub ? terminal(sub_status(s, sub - 1, now, &updated, &ran))
                        : terminal(stmt_status(s, now, &updated));
        double next = next_change(s, now);
        if (over || now >= deadline || emu_stopping(e) || next <= 0)
            break;
        emu_wait_until(e, next < deadline ? next : deadline);
        /* re-find it: the wait gave up the lock */
        if (lookup(e, call, id, &s, &sub, err))
            return -1;
    }
    double now = emu_now();
    *out = sub ? sub_json(e, s, sub - 1, now, true) : stmt_json(e, s, now);
    return *out ? 0 : emu_sql_oom(err);
}

/* ---- GetStatementResult ------------------------------------------------------------------ */

static int rs_result(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id, *token;
    rs_stmt *s;
    size_t sub, offset = 0;
    double updated, ran, now = emu_now();
    if (emu_sql_opt_string(in, "Id", &id, err) || emu_sql_opt_string(in, "NextToken", &token, err))
        return -1;
    if (lookup(e, call, id, &s, &sub, err))
        return -1;
    if (s->batch && !sub)
        return emu_fail(err, 400, "ValidationException",
                        "%s is a batch statement; get the results of each sub-statement with its "
                        "own id (%s:1, %s:2 ...)",
                        s->id, s->id, s->id);
    size_t index = sub ? sub - 1 : 0;
    const rs_sub *b = &s->subs[index];
    rstatus r =
        s->batch ? sub_status(s, index, now, &updated, &ran) : stmt_status(s, now, &updated);
    if (r != R_FINISHED || json_array_size(b->res.columns) == 0)
        return emu_fail(err, 400, "ResourceNotFoundException",
                        "Query does not have result. Please check query status with "
                        "DescribeStatement.");
    if (token && emu_sql_parse_token(token, id, &offset) != 0)
        return emu_fail(err, 400, "ValidationException", "The NextToken is not valid");
    size_t total = emu_sql_row_count(&b->res), width = json_array_size(b->res.columns);
    double page_cfg =
        emu_sql_number(emu_config_section(e, "redshift_data"), "result_page_rows", RS_PAGE_ROWS);
    size_t page = page_cfg >= 1 ? (size_t)page_cfg : RS_PAGE_ROWS;
    if (offset > total)
        return emu_fail(err, 400, "ValidationException", "The NextToken is not valid");
    size_t end = total - offset > page ? offset + page : total;

    json_t *records = json_array(), *meta = json_array();
    if (!records || !meta) {
        json_decref(records);
        json_decref(meta);
        return emu_sql_oom(err);
    }
    for (size_t row = offset; row < end; row++) {
        json_t *fields = json_array();
        for (size_t c = 0; c < width; c++)
            json_array_append_new(fields, cell_field(b, row, c));
        json_array_append_new(records, fields);
    }
    for (size_t c = 0; c < width; c++)
        json_array_append_new(meta, column_meta(json_array_get(b->res.columns, c)));
    *out = json_pack("{s:o, s:o, s:I}", "Records", records, "ColumnMetadata", meta, "TotalNumRows",
                     (json_int_t)total);
    if (!*out)
        return emu_sql_oom(err);
    if (end < total)
        emu_sql_set_token(*out, end, id);
    return 0;
}

/* ---- CancelStatement ------------------------------------------------------------------------ */

static int rs_cancel(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id;
    rs_stmt *s;
    size_t sub;
    double updated, now = emu_now();
    if (emu_sql_opt_string(in, "Id", &id, err) || lookup(e, call, id, &s, &sub, err))
        return -1;
    /* a batch is one transaction: cancelling any part of it cancels all of it */
    rstatus r = stmt_status(s, now, &updated);
    if (terminal(r))
        return emu_fail(err, 400, "ValidationException",
                        "Could not cancel a query that is already in %s state.", rstatus_names[r]);
    s->cancelled = now;
    emu_changed(e);
    *out = json_pack("{s:b}", "Status", 1);
    return *out ? 0 : emu_sql_oom(err);
}

/* ---- ListStatements ----------------------------------------------------------------------- */

static bool list_match(const rs_stmt *s, const char *region, const char *caller, bool role_level,
                       const char *name, const char *status, const char *cluster,
                       const char *workgroup, const char *database, double now)
{
    double updated;
    if (strcmp(s->region, region) != 0 || s->created < now - RS_RETENTION)
        return false;
    if (!role_level && strcmp(s->caller, caller) != 0)
        return false;
    if (name && (!s->name || strncmp(s->name, name, strlen(name)) != 0))
        return false;
    if (cluster && !same(s->cluster, cluster))
        return false;
    if (workgroup && !same(s->workgroup, workgroup))
        return false;
    if (database && !same(s->database, database))
        return false;
    if (status && strcmp(status, "ALL") != 0 &&
        strcmp(rstatus_names[stmt_status(s, now, &updated)], status) != 0)
        return false;
    return true;
}

static json_t *list_entry(const rs_stmt *s, double now)
{
    double updated;
    rstatus r = stmt_status(s, now, &updated);
    json_t *out = json_pack("{s:s, s:f, s:f, s:s, s:b, s:s}", "Id", s->id, "CreatedAt", s->created,
                            "UpdatedAt", updated, "Status", rstatus_names[r], "IsBatchStatement",
                            s->batch, "ResultFormat", s->format);
    if (!out)
        return NULL;
    set_opt(out, "StatementName", s->name);
    set_opt(out, "SecretArn", s->secret_arn);
    if (s->params)
        json_object_set_new(out, "QueryParameters", json_deep_copy(s->params));
    if (s->batch) {
        json_t *list = json_array();
        for (size_t i = 0; i < s->nsubs; i++)
            json_array_append_new(list, json_string(s->subs[i].sql));
        json_object_set_new(out, "QueryStrings", list);
    } else {
        json_object_set_new(out, "QueryString", json_string(s->subs[0].sql));
    }
    return out;
}

static int rs_list(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    static const char *const statuses[] = {"SUBMITTED", "PICKED", "STARTED", "FINISHED",
                                           "ABORTED",   "FAILED", "ALL",     NULL};
    rs_state *st = (rs_state *)e->redshift;
    const char *token, *name, *status, *cluster, *workgroup, *database;
    long long max = RS_LIST_MAX;
    bool has_max;
    json_t *role = json_object_get(in, "RoleLevel");
    if (emu_sql_opt_string(in, "NextToken", &token, err) ||
        emu_sql_opt_string(in, "StatementName", &name, err) ||
        emu_sql_opt_string(in, "Status", &status, err) ||
        emu_sql_opt_string(in, "ClusterIdentifier", &cluster, err) ||
        emu_sql_opt_string(in, "WorkgroupName", &workgroup, err) ||
        emu_sql_opt_string(in, "Database", &database, err) ||
        emu_sql_opt_int(in, "MaxResults", &max, &has_max, err))
        return -1;
    if (role && !json_is_null(role) && !json_is_boolean(role))
        return emu_fail(err, 400, "SerializationException", "RoleLevel must be a boolean");
    if (max < 0 || max > RS_LIST_MAX)
        return emu_fail(err, 400, "ValidationException", "MaxResults must be between 0 and %d",
                        RS_LIST_MAX);
    if (max == 0)
        max = RS_LIST_MAX;
    if (status) {
        size_t k = 0;
        while (statuses[k] && strcmp(statuses[k], status) != 0)
            k++;
        if (!statuses[k])
            return emu_fail(err, 400, "ValidationException",
                            "Status must be one of SUBMITTED, PICKED, STARTED, FINISHED, ABORTED, "
                            "FAILED, ALL");
    }
    bool role_level = !json_is_false(role);
    const char *region = emu_sql_region(call);
    const char *caller = call && call->access_key ? call->access_key : "";
    double now = emu_now();

    /* newest first; the token names the next statement, so new ones do not shift the pages */
    size_t i = st ? st->n : 0;
    if (token) {
        size_t at = 0;
        while (at < i && strcmp(st->items[at]->id, token) != 0)
            at++;
        if (at == i)
            return emu_fail(err, 400, "ValidationException", "The NextToken is not valid");
        i = at + 1;
    }
    json_t *list = json_array();
    long long count = 0;
    while (i > 0) {
        rs_stmt *s = st->items[--i];
        if (!list_match(s, region, caller, role_level, name, status, cluster, workgroup, database,
                        now))
            continue;
        if (count == max) {
            *out = json_pack("{s:o, s:s}", "Statements", list, "NextToken", s->id);
            return *out ? 0 : emu_sql_oom(err);
        }
        json_array_append_new(list, list_entry(s, now));
        count++;
    }
    *out = json_pack("{s:o}", "Statements", list);
    return *out ? 0 : emu_sql_oom(err);
}

const emu_json_op emu_redshift_ops[] = {
    {"ExecuteStatement", rs_execute},
    {"BatchExecuteStatement", rs_batch_execute},
    {"DescribeStatement", rs_describe},
    {"GetStatementResult", rs_result},
    {"CancelStatement", rs_cancel},
    {"ListStatements", rs_list},
    {NULL, NULL},
};
