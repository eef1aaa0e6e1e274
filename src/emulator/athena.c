/* awsorch-emulator: Amazon Athena (awsJson 1.1, target prefix "AmazonAthena").
 *
 * Query executions move QUEUED -> RUNNING -> SUCCEEDED | FAILED (or CANCELLED when stopped);
 * the state is computed from the submission time whenever it is read, and what a query
 * returns (columns, rows, failure) comes from the first rule of config "athena.queries" whose
 * "match" occurs in the query text. */
#include "sql_rules.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Emulated seconds a query waits in the queue and runs when the config does not say. */
#define ATH_DEFAULT_QUEUE 0.5
#define ATH_DEFAULT_RUN 2.0
#define ATH_MAX_RESULTS 1000 /* GetQueryResults MaxResults: default and maximum */
#define ATH_LIST_MAX 50      /* ListQueryExecutions MaxResults: default and maximum */
#define ATH_BATCH_MAX 50     /* BatchGetQueryExecution ids */
#define ATH_QUERY_MAX 262144 /* QueryString length limit */

/* ---- state --------------------------------------------------------------------------- */

typedef enum { Q_QUEUED, Q_RUNNING, Q_SUCCEEDED, Q_FAILED, Q_CANCELLED } qstate;

static const char *const qstate_names[] = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"};

typedef struct athena_query {
    char id[37];
    char *region;
    char *sql;
    char *workgroup;
    char *token;        /* ClientRequestToken, or NULL */
    char *output;       /* s3://.../ID.csv */
    json_t *request;    /* the request without its token: idempotent retries must match */
    json_t *context;    /* QueryExecutionContext as given, or NULL */
    json_t *params;     /* ExecutionParameters as given, or NULL */
    emu_sql_result res; /* what the matching config rule makes of the query */
    char stmt_type[10]; /* DML | DDL | UTILITY */
    char substmt[48];   /* SELECT, CREATE_TABLE ... */
    bool header;        /* the first result row names the columns (SELECT) */
    double submitted;   /* epoch seconds */
    double queue_real;  /* real seconds queued */
    double run_real;    /* real seconds running */
    double queue_emul;  /* queue_real in emulated seconds, for the statistics */
    double stopped;     /* when StopQueryExecution caught it before the end, else 0 */
} athena_query;

typedef struct athena_state {
    athena_query **items; /* oldest first */
    size_t n, cap;
} athena_state;

static void query_free(athena_query *q)
{
    if (!q)
        return;
    free(q->region);
    free(q->sql);
    free(q->workgroup);
    free(q->token);
    free(q->output);
    json_decref(q->request);
    json_decref(q->context);
    json_decref(q->params);
    emu_sql_result_free(&q->res);
    free(q);
}

void emu_athena_free(emu *e)
{
    athena_state *st = (athena_state *)e->athena;
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        query_free(st->items[i]);
    free(st->items);
    free(st);
    e->athena = NULL;
}

static athena_state *get_state(emu *e)
{
    if (!e->athena)
        e->athena = (emu_service_state *)calloc(1, sizeof(athena_state));
    return (athena_state *)e->athena;
}

static athena_query *find_query(athena_state *st, const char *region, const char *id)
{
    for (size_t i = 0; st && i < st->n; i++)
        if (strcmp(st->items[i]->id, id) == 0 && strcmp(st->items[i]->region, region) == 0)
            return st->items[i];
    return NULL;
}

static int not_found(emu_error *err, const char *id)
{
    return emu_fail(err, 400, "InvalidRequestException", "QueryExecution %s was not found", id);
}

/* The state at `now`; *changed gets when it was entered. */
static qstate query_state(const athena_query *q, double now, double *changed)
{
    double run_start = q->submitted + q->queue_real;
    double end = run_start + q->run_real;
    if (q->stopped > 0) {
        *changed = q->stopped;
        return Q_CANCELLED;
    }
    if (now < run_start) {
        *changed = q->submitted;
        return Q_QUEUED;
    }
    if (now < end) {
        *changed = run_start;
        return Q_RUNNING;
    }
    *changed = end;
    return q->res.fail ? Q_FAILED : Q_SUCCEEDED;
}

static bool terminal(qstate s)
{
    return s == Q_SUCCEEDED || s == Q_FAILED || s == Q_CANCELLED;
}

/* ---- results -------------------------------------------------------------------------- */

static bool is_integer_type(const char *type)
{
    return strncasecmp(type, "int", 3) == 0 || strncasecmp(type, "bigint", 6) == 0 ||
           strncasecmp(type, "smallint", 8) == 0 || strncasecmp(type, "tinyint", 7) == 0;
}

/* The text of cell (r, c); NULL for SQL NULL. Malloc'd. */
static char *cell_text(const athena_query *q, size_t r, size_t c)
{
    char buf[64];
    if (!q->res.rows) {
        const char *type =
            json_string_value(json_object_get(json_array_get(q->res.columns, c), "type"));
        if (type && is_integer_type(type))
            (void)snprintf(buf, sizeof buf, "%zu", r + 1);
        else
            (void)snprintf(buf, sizeof buf, "row-%zu", r + 1);
        return strdup(buf);
    }
    json_t *row = json_array_get(q->res.rows, r);
    json_t *v = json_is_array(row) ? json_array_get(row, c) : (c == 0 ? row : NULL);
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_true(v) || json_is_false(v))
        return strdup(json_is_true(v) ? "true" : "false");
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static size_t result_bytes(const athena_query *q)
{
    size_t total = 0, n = emu_sql_row_count(&q->res), w = json_array_size(q->res.columns);
    for (size_t r = 0; r < n && r < 100000; r++)
        for (size_t c = 0; c < w; c++) {
            char *t = cell_text(q, r, c);
            total += t ? strlen(t) + 1 : 1;
            free(t);
        }
    return total;
}

/* Athena's ColumnInfo for a column of the config. */
static json_t *column_info(const json_t *col)
{
    const char *name = json_string_value(json_object_get(col, "name"));
    const char *type = json_string_value(json_object_get(col, "type"));
    char base[64];
    size_t n = 0;
    long long precision = 0, scale = 0;
    bool case_sensitive = false;
    while (type[n] && type[n] != '(' && n + 1 < sizeof base) {
        base[n] = (char)tolower((unsigned char)type[n]);
        n++;
    }
    base[n] = '\0';
    if (strcmp(base, "varchar") == 0 || strcmp(base, "string") == 0 || strcmp(base, "char") == 0 ||
        strcmp(base, "json") == 0) {
        precision = 2147483647;
        case_sensitive = true;
    } else if (strcmp(base, "bigint") == 0) {
        precision = 19;
    } else if (strcmp(base, "integer") == 0 || strcmp(base, "int") == 0) {
        precision = 10;
    } else if (strcmp(base, "smallint") == 0) {
        precision = 5;
    } else if (strcmp(base, "tinyint") == 0 || strcmp(base, "timestamp") == 0) {
        precision = 3;
    } else if (strcmp(base, "double") == 0) {
        precision = 17;
    } else if (strcmp(base, "real") == 0 || strcmp(base, "float") == 0) {
        precision = 7;
    } else if (strcmp(base, "decimal") == 0) {
        precision = 38;
    }
    if (type[n] == '(')
        emu_sql_declared_size(type + n, &precision, &scale);
    json_t *info =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:b}", "CatalogName", "hive",
                  "SchemaName", "", "TableName", "", "Name", name, "Label", name, "Type", base,
                  "Precision", (json_int_t)precision, "Scale", (json_int_t)scale, "Nullable",
                  "UNKNOWN", "CaseSensitive", case_sensitive);
    /* explicit config values override the derived ones */
    static const char *const keys[][2] = {
        {"label", "Label"},       {"precision", "Precision"},          {"scale", "Scale"},
        {"nullable", "Nullable"}, {"case_sensitive", "CaseSensitive"}, {"schema", "SchemaName"},
        {"table", "TableName"},   {"catalog", "CatalogName"}};
    emu_sql_override(info, col, keys, sizeof keys / sizeof keys[0]);
    return info;
}

/* ---- QueryExecution ------------------------------------------------------------------- */

static json_int_t millis(double emulated_seconds)
{
    if (!(emulated_seconds > 0))
        return 0;
    return emulated_seconds < 1e15 ? (json_int_t)(emulated_seconds * 1000.0 + 0.5)
                                   : (json_int_t)1e18;
}

static json_t *query_json(const emu *e, const athena_query *q, double now)
{
    double changed;
    qstate s = query_state(q, now, &changed);
    double run_start = q->submitted + q->queue_real;
    double scale = e->time_scale > 0 ? e->time_scale : 1.0;
    json_t *out = json_object();
    json_t *status = json_object();
    json_t *stats = json_object();
    if (!out || !status || !stats) {
        json_decref(out);
        json_decref(status);
        json_decref(stats);
        return NULL;
    }

    json_object_set_new(out, "QueryExecutionId", json_string(q->id));
    json_object_set_new(out, "Query", json_string(q->sql));
    json_object_set_new(out, "StatementType", json_string(q->stmt_type));
    if (q->substmt[0])
        json_object_set_new(out, "SubstatementType", json_string(q->substmt));
    json_object_set_new(out, "ResultConfiguration",
                        json_pack("{s:s}", "OutputLocation", q->output));
    json_object_set_new(out, "ResultReuseConfiguration",
                        json_pack("{s:{s:b}}", "ResultReuseByAgeConfiguration", "Enabled", 0));
    json_object_set_new(out, "QueryExecutionContext",
                        q->context ? json_deep_copy(q->context) : json_object());
    if (q->params)
        json_object_set_new(out, "ExecutionParameters", json_deep_copy(q->params));
    json_object_set_new(out, "WorkGroup", json_string(q->workgroup));
    json_object_set_new(out, "EngineVersion",
                        json_pack("{s:s, s:s}", "SelectedEngineVersion", "AUTO",
                                  "EffectiveEngineVersion", "Athena engine version 3"));

    json_object_set_new(status, "State", json_string(qstate_names[s]));
    json_object_set_new(status, "SubmissionDateTime", json_real(q->submitted));
    if (terminal(s))
        json_object_set_new(status, "CompletionDateTime", json_real(changed));
    if (s == Q_FAILED) {
        json_t *rule = q->res.rule;
        json_object_set_new(status, "StateChangeReason", json_string(q->res.fail));
        json_object_set_new(status, "AthenaError",
                            json_pack("{s:I, s:I, s:b, s:s}", "ErrorCategory",
                                      (json_int_t)emu_sql_number(rule, "error_category", 2),
                                      "ErrorType",
                                      (json_int_t)emu_sql_number(rule, "error_type", 1000),
                                      "Retryable", json_is_true(json_object_get(rule, "retryable")),
                                      "ErrorMessage", q->res.fail));
    } else if (s == Q_CANCELLED) {
        json_object_set_new(status, "StateChangeReason", json_string("Query cancelled by user"));
    }
    json_object_set_new(out, "Status", status);

    /* statistics in emulated time, so they show what the config says */
    double end = terminal(s) ? changed : now;
    double queued = (end < run_start ? end : run_start) - q->submitted;
    double ran = end > run_start ? end - run_start : 0;
    json_int_t queue_ms = millis(queued * scale), engine_ms = millis(ran * scale);
    if (s == Q_SUCCEEDED || s == Q_FAILED) {
        /* exact, where summing the real phase times back up would round */
        queue_ms = millis(q->queue_emul);
        engine_ms = millis(q->res.run_emul);
    }
    json_object_set_new(stats, "QueryQueueTimeInMillis", json_integer(queue_ms));
    json_object_set_new(stats, "EngineExecutionTimeInMillis", json_integer(engine_ms));
    json_object_set_new(stats, "TotalExecutionTimeInMillis", json_integer(queue_ms + engine_ms));
    if (terminal(s)) {
        json_int_t scanned = 0;
        if (json_object_get(q->res.rule, "data_scanned_bytes"))
            scanned = (json_int_t)emu_sql_number(q->res.rule, "data_scanned_bytes", 0);
        else if (s == Q_SUCCEEDED && strcmp(q->stmt_type, "DML") == 0)
            scanned = (json_int_t)result_bytes(q);
        json_object_set_new(stats, "DataScannedInBytes", json_integer(scanned));
        json_object_set_new(stats, "ServicePreProcessingTimeInMillis", json_integer(0));
        json_object_set_new(stats, "QueryPlanningTimeInMillis", json_integer(0));
        json_object_set_new(stats, "ServiceProcessingTimeInMillis", json_integer(0));
        json_object_set_new(stats, "ResultReuseInformation",
                            json_pack("{s:b}", "ReusedPreviousResult", 0));
    }
    json_object_set_new(out, "Statistics", stats);
    return out;
}

/* ---- operations ----------------------------------------------------------------------- */

static void classify(athena_query *q)
{
    char kw[24], kw2[24];
    emu_sql_keywords(q->sql, kw, sizeof kw, kw2, sizeof kw2);
    static const char *const dml[] = {"SELECT", "WITH",   "VALUES", "TABLE",  "INSERT",
                                      "UPDATE", "DELETE", "MERGE",  "UNLOAD", NULL};
    static const char *const utility[] = {"SHOW", "DESCRIBE", "DESC", "EXPLAIN", "USE", NULL};
    (void)snprintf(q->stmt_type, sizeof q->stmt_type, "DDL");
    for (size_t i = 0; dml[i]; i++)
        if (strcmp(kw, dml[i]) == 0)
            (void)snprintf(q->stmt_type, sizeof q->stmt_type, "DML");
    for (size_t i = 0; utility[i]; i++)
        if (strcmp(kw, utility[i]) == 0)
            (void)snprintf(q->stmt_type, sizeof q->stmt_type, "UTILITY");
    q->header = strcmp(kw, "SELECT") == 0 || strcmp(kw, "WITH") == 0 || strcmp(kw, "VALUES") == 0 ||
                strcmp(kw, "TABLE") == 0;
    if (q->header)
        (void)snprintf(q->substmt, sizeof q->substmt, "SELECT");
    else if (strcmp(q->stmt_type, "DML") != 0 && kw2[0]) /* CREATE_TABLE, SHOW_TABLES ... */
        (void)snprintf(q->substmt, sizeof q->substmt, "%s_%s", kw, kw2);
    else
        (void)snprintf(q->substmt, sizeof q->substmt, "%s", kw);
}

static int append_query(athena_state *st, athena_query *q)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        athena_query **items = realloc(st->items, cap * sizeof(athena_query *));
        if (!items)
            return -1;
        st->items = items;
        st->cap = cap;
    }
    st->items[st->n++] = q;
    return 0;
}

static char *output_location(const emu *e, const char *given, const char *region, const char *id,
                             const char *ext)
{
    char dflt[256];
    const char *base = given;
    if (!base) {
        const char *cfg =
            json_string_value(json_object_get(emu_config_section(e, "athena"), "output_location"));
        if (cfg)
            base = cfg;
        else {
            (void)snprintf(dflt, sizeof dflt, "s3://aws-athena-query-results-%s-%s/", EMU_ACCOUNT,
                           region);
            base = dflt;
        }
    }
    size_t len = strlen(base);
    const char *sep = len && base[len - 1] == '/' ? "" : "/";
    size_t need = len + strlen(sep) + strlen(id) + strlen(ext) + 1;
    char *out = malloc(need);
    if (out)
        (void)snprintf(out, need, "%s%s%s%s", base, sep, id, ext);
    return out;
}

static int athena_start(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    athena_state *st = get_state(e);
    const char *region = emu_sql_region(call);
    const char *sql, *token, *workgroup, *location = NULL;
    json_t *context = json_object_get(in, "QueryExecutionContext");
    json_t *result_cfg = json_object_get(in, "ResultConfiguration");
    json_t *params = json_object_get(in, "ExecutionParameters");
    if (!st)
        return emu_sql_oom(err);
    if (emu_sql_opt_string(in, "QueryString", &sql, err) ||
        emu_sql_opt_string(in, "ClientRequestToken", &token, err) ||
        emu_sql_opt_string(in, "WorkGroup", &workgroup, err))
        return -1;
    if (!sql || !*sql)
        return emu_fail(err, 400, "InvalidRequestException",
                        "QueryString is required and must not be empty");
    if (strlen(sql) > ATH_QUERY_MAX)
        return emu_fail(err, 400, "InvalidRequestException",
                        "QueryString must be at most %d characters", ATH_QUERY_MAX);
    if (context && !json_is_null(context) && !json_is_object(context))
        return emu_fail(err, 400, "SerializationException",
                        "QueryExecutionContext must be a structure");
    if (result_cfg && !json_is_null(result_cfg)) {
        if (!json_is_object(result_cfg))
            return emu_fail(err, 400, "SerializationException",
                            "ResultConfiguration must be a structure");
        if (emu_sql_opt_string(result_cfg, "OutputLocation", &location, err))
            return -1;
        if (location && strncmp(location, "s3://", 5) != 0)
            return emu_fail(err, 400, "InvalidRequestException",
                            "OutputLocation must be an S3 path (s3://bucket/prefix/): %s",
                            location);
    }
    if (params && !json_is_null(params)) {
        size_t i;
        json_t *p;
        if (!json_is_array(params) || json_array_size(params) == 0)
            return emu_fail(err, 400, "InvalidRequestException",
                            "ExecutionParameters must be a non-empty list of strings");
        json_array_foreach(params, i, p)
        {
            if (!json_is_string(p))
                return emu_fail(err, 400, "InvalidRequestException",
                                "ExecutionParameters must be strings");
        }
    }
    if (!workgroup || !*workgroup)
        workgroup = "primary";

    /* a retry with the same token gets the first execution back; changed parameters are an
     * error, as in Athena */
    json_t *request = json_deep_copy(in);
    if (!request)
        return emu_sql_oom(err);
    json_object_del(request, "ClientRequestToken");
    json_object_set_new(request, "WorkGroup", json_string(workgroup));
    if (token) {
        for (size_t i = 0; i < st->n; i++) {
            athena_query *old = st->items[i];
            if (!old->token || strcmp(old->token, token) != 0 || strcmp(old->region, region) != 0)
                continue;
            if (!json_equal(old->request, request)) {
                json_decref(request);
                return emu_fail(err, 400, "InvalidRequestException",
                                "The ClientRequestToken %s was already used with different "
                                "parameters",
                                token);
            }
            json_decref(request);
            *out = json_pack("{s:s}", "QueryExecutionId", old->id);
            return 0;
        }
    }

    athena_query *q = calloc(1, sizeof *q);
    if (!q) {
        json_decref(request);
        return emu_sql_oom(err);
    }
    q->request = request;
    emu_uuid(q->id);
    q->region = strdup(region);
    q->sql = strdup(sql);
    q->workgroup = strdup(workgroup);
    q->token = token ? strdup(token) : NULL;
    q->context = json_is_object(context) ? json_deep_copy(context) : NULL;
    q->params = json_is_array(params) ? json_deep_copy(params) : NULL;
    classify(q);
    q->output = output_location(e, location, region, q->id,
                                strcmp(q->stmt_type, "DML") == 0 ? ".csv" : ".txt");

    json_t *section = emu_config_section(e, "athena");
    int matched =
        emu_sql_result_init(&q->res, e, "athena", "queries", sql, "_col", true, ATH_DEFAULT_RUN);
    q->queue_emul = emu_sql_number(q->res.rule, "queue_seconds",
                                   emu_sql_number(section, "queue_seconds", ATH_DEFAULT_QUEUE));
    q->queue_real = emu_real_seconds(e, q->queue_emul);
    q->run_real = emu_real_seconds(e, q->res.run_emul);
    q->submitted = emu_now();

    if (matched != 0 || !q->region || !q->sql || !q->workgroup || (token && !q->token) ||
        !q->output || append_query(st, q) != 0) {
        query_free(q);
        return emu_sql_oom(err);
    }
    *out = json_pack("{s:s}", "QueryExecutionId", q->id);
    return 0;
}

static int required_id(json_t *in, const char **id, emu_error *err)
{
    if (emu_sql_opt_string(in, "QueryExecutionId", id, err))
        return -1;
    if (!*id || !**id)
        return emu_fail(err, 400, "InvalidRequestException", "QueryExecutionId is required");
    return 0;
}

static int athena_get(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id;
    if (required_id(in, &id, err))
        return -1;
    athena_query *q = find_query((athena_state *)e->athena, emu_sql_region(call), id);
    if (!q)
        return not_found(err, id);
    json_t *qe = query_json(e, q, emu_now());
    if (!qe)
        return emu_sql_oom(err);
    *out = json_pack("{s:o}", "QueryExecution", qe);
    return 0;
}

static int athena_batch_get(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    json_t *ids = json_object_get(in, "QueryExecutionIds");
    size_t i;
    json_t *v;
    if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > ATH_BATCH_MAX)
        return emu_fail(err, 400, "InvalidRequestException",
                        "QueryExecutionIds must list between 1 and %d ids", ATH_BATCH_MAX);
    json_array_foreach(ids, i, v)
    {
        if (!json_is_string(v))
            return emu_fail(err, 400, "SerializationException",
                            "QueryExecutionIds must be strings");
    }
    json_t *found = json_array(), *missing = json_array();
    double now = emu_now();
    json_array_foreach(ids, i, v)
    {
        const char *id = json_string_value(v);
        athena_query *q = find_query((athena_state *)e->athena, emu_sql_region(call), id);
        if (q) {
            json_array_append_new(found, query_json(e, q, now));
        } else {
            char msg[256];
            (void)snprintf(msg, sizeof msg, "QueryExecution %s was not found", id);
            json_array_append_new(missing,
                                  json_pack("{s:s, s:s, s:s}", "QueryExecutionId", id, "ErrorCode",
                                            "INVALID_INPUT", "ErrorMessage", msg));
        }
    }
    *out =
        json_pack("{s:o, s:o}", "QueryExecutions", found, "UnprocessedQueryExecutionIds", missing);
    return *out ? 0 : emu_sql_oom(err);
}

static int athena_results(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id, *token;
    long long max = ATH_MAX_RESULTS;
    bool has_max;
    size_t offset = 0;
    double changed;
    if (required_id(in, &id, err) || emu_sql_opt_string(in, "NextToken", &token, err) ||
        emu_sql_opt_int(in, "MaxResults", &max, &has_max, err))
        return -1;
    if (max < 1 || max > ATH_MAX_RESULTS)
        return emu_fail(err, 400, "InvalidRequestException", "MaxResults must be between 1 and %d",
                        ATH_MAX_RESULTS);
    athena_query *q = find_query((athena_state *)e->athena, emu_sql_region(call), id);
    if (!q)
        return not_found(err, id);
    qstate s = query_state(q, emu_now(), &changed);
    if (!terminal(s))
        return emu_fail(err, 400, "InvalidRequestException",
                        "Query has not yet finished. Current state: %s", qstate_names[s]);
    if (s != Q_SUCCEEDED)
        return emu_fail(err, 400, "InvalidRequestException",
                        "Query did not finish successfully. Final query state: %s%s%s",
                        qstate_names[s], s == Q_FAILED ? "\n" : "",
                        s == Q_FAILED ? q->res.fail : "");
    if (token && emu_sql_parse_token(token, q->id, &offset) != 0)
        return emu_fail(err, 400, "InvalidRequestException", "The NextToken is not valid");

    size_t width = json_array_size(q->res.columns);
    size_t data = width ? emu_sql_row_count(&q->res) : 0;
    size_t header = q->header && width ? 1 : 0;
    size_t total = data + header; /* the header row counts as a row of the first page */
    if (offset > total)
        return emu_fail(err, 400, "InvalidRequestException", "The NextToken is not valid");
    size_t end = offset + (size_t)max < total ? offset + (size_t)max : total;

    json_t *rows = json_array(), *meta = json_array();
    if (!rows || !meta) {
        json_decref(rows);
        json_decref(meta);
        return emu_sql_oom(err);
    }
    for (size_t r = offset; r < end; r++) {
        json_t *cells = json_array();
        for (size_t c = 0; c < width; c++) {
            json_t *col = json_array_get(q->res.columns, c);
            json_t *cell = json_object();
            if (header && r == 0) {
                json_object_set(cell, "VarCharValue", json_object_get(col, "name"));
            } else {
                char *text = cell_text(q, r - header, c);
                if (text)
                    json_object_set_new(cell, "VarCharValue", json_string(text));
                free(text);
            }
            json_array_append_new(cells, cell);
        }
        json_array_append_new(rows, json_pack("{s:o}", "Data", cells));
    }
    for (size_t c = 0; c < width; c++)
        json_array_append_new(meta, column_info(json_array_get(q->res.columns, c)));

    json_int_t update_count = 0;
    if (json_object_get(q->res.rule, "update_count"))
        update_count = (json_int_t)emu_sql_number(q->res.rule, "update_count", 0);
    *out = json_pack("{s:I, s:{s:o, s:{s:o}}}", "UpdateCount", update_count, "ResultSet", "Rows",
                     rows, "ResultSetMetadata", "ColumnInfo", meta);
    if (!*out)
        return emu_sql_oom(err);
    if (end < total)
        emu_sql_set_token(*out, end, q->id);
    return 0;
}

static int athena_stop(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    const char *id;
    double now = emu_now(), changed;
    if (required_id(in, &id, err))
        return -1;
    athena_query *q = find_query((athena_state *)e->athena, emu_sql_region(call), id);
    if (!q)
        return not_found(err, id);
    /* stopping a finished query is accepted and changes nothing, as in Athena */
    if (!terminal(query_state(q, now, &changed))) {
        q->stopped = now;
        emu_changed(e);
    }
    *out = json_object();
    return 0;
}

static int athena_list(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    athena_state *st = (athena_state *)e->athena;
    const char *region = emu_sql_region(call), *workgroup, *token;
    long long max = ATH_LIST_MAX;
    bool has_max;
    if (emu_sql_opt_string(in, "WorkGroup", &workgroup, err) ||
        emu_sql_opt_string(in, "NextToken", &token, err) ||
        emu_sql_opt_int(in, "MaxResults", &max, &has_max, err))
        return -1;
    if (max < 0 || max > ATH_LIST_MAX)
        return emu_fail(err, 400, "InvalidRequestException", "MaxResults must be between 0 and %d",
                        ATH_LIST_MAX);
    if (max == 0)
        max = ATH_LIST_MAX;
    if (!workgroup || !*workgroup)
        workgroup = "primary";

    /* the token names the next query to return, so new queries do not shift the pages */
    size_t i = st ? st->n : 0;
    if (token) {
        size_t at = 0;
        while (at < i && strcmp(st->items[at]->id, token) != 0)
            at++;
        if (at == i)
            return emu_fail(err, 400, "InvalidRequestException", "The NextToken is not valid");
        i = at + 1;
    }
    json_t *ids = json_array();
    long long count = 0;
    while (i > 0) {
        athena_query *q = st->items[--i];
        if (strcmp(q->region, region) != 0 || strcmp(q->workgroup, workgroup) != 0)
            continue;
        if (count == max) {
            *out = json_pack("{s:o, s:s}", "QueryExecutionIds", ids, "NextToken", q->id);
            return *out ? 0 : emu_sql_oom(err);
        }
        json_array_append_new(ids, json_string(q->id));
        count++;
    }
    *out = json_pack("{s:o}", "QueryExecutionIds", ids);
    return *out ? 0 : emu_sql_oom(err);
}

const emu_json_op emu_athena_ops[] = {
    {"StartQueryExecution", athena_start},
    {"GetQueryExecution", athena_get},
    {"BatchGetQueryExecution", athena_batch_get},
    {"GetQueryResults", athena_results},
    {"StopQueryExecution", athena_stop},
    {"ListQueryExecutions", athena_list},
    {NULL, NULL},
};
