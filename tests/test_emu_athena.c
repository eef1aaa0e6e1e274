/* Integration tests of the emulator's Athena: query lifecycle, results with the header row
 * and NextToken paging, failures with AthenaError, idempotent ClientRequestToken, stopping,
 * listing; all through signed requests to an in-process emulator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emu_harness.h"

/* 1000 emulated seconds pass in a real one: "SELECT count(*)" takes 5 ms, slow_table never
 * finishes within a test. */
static const char *const config =
    "{\"time_scale\": 1000, \"athena\": {\"default_rows\": 0, \"queries\": ["
    "{\"match\": \"SELECT count(*)\", \"duration_seconds\": 5,"
    " \"columns\": [{\"name\": \"n\", \"type\": \"bigint\"}], \"rows\": [[\"42\"]]},"
    "{\"match\": \"FROM missing_table\", \"fail\": \"TABLE_NOT_FOUND: Table "
    "awsdatacatalog.db.missing_table does not exist\"},"
    "{\"match\": \"FROM big_table\", \"duration_seconds\": 1,"
    " \"columns\": [{\"name\": \"id\", \"type\": \"varchar\"}], \"rows_generated\": 2500},"
    "{\"match\": \"FROM slow_table\", \"duration_seconds\": 1000000}]}}";

EMU_HARNESS_SUITE(emu_athena, h, config, .timeout = 60);

static const emu_api athena = {"athena", "AmazonAthena"};

/* The call must succeed; returns the reply. */
static json_t *ok(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &athena, op, body);
}

/* The call must fail with HTTP 400 and this __type; returns the message (static buffer). */
static const char *fails(const char *op, json_t *body, const char *code)
{
    return emu_harness_fails(&h, &athena, op, body, 400, code);
}

static char *start(const char *sql)
{
    json_t *r = ok("StartQueryExecution", json_pack("{s:s}", "QueryString", sql));
    const char *id = json_string_value(json_object_get(r, "QueryExecutionId"));
    cr_assert_not_null(id);
    cr_assert_eq(strlen(id), 36);
    char *copy = strdup(id);
    json_decref(r);
    return copy;
}

static json_t *get(const char *id)
{
    json_t *r = ok("GetQueryExecution", json_pack("{s:s}", "QueryExecutionId", id));
    json_t *qe = json_incref(json_object_get(r, "QueryExecution"));
    json_decref(r);
    cr_assert_not_null(qe);
    return qe;
}

static const char *state_of(json_t *qe)
{
    return json_string_value(json_object_get(json_object_get(qe, "Status"), "State"));
}

/* Polls until the query reaches `want` (bounded by 10 s); returns its QueryExecution. */
static json_t *wait_for(const char *id, const char *want)
{
    double deadline = emu_harness_seconds() + 10;
    for (;;) {
        json_t *qe = get(id);
        if (strcmp(state_of(qe), want) == 0)
            return qe;
        cr_assert(emu_harness_seconds() < deadline, "query %s stayed %s, wanted %s", id,
                  state_of(qe), want);
        json_decref(qe);
    }
}

static const char *cell(json_t *rows, size_t r, size_t c)
{
    json_t *data = json_object_get(json_array_get(rows, r), "Data");
    return json_string_value(json_object_get(json_array_get(data, c), "VarCharValue"));
}

Test(emu_athena, lifecycle_to_succeeded_with_results)
{
    json_t *r =
        ok("StartQueryExecution",
           json_pack("{s:s, s:{s:s, s:s}, s:{s:s}}", "QueryString", "SELECT count(*) FROM sales",
                     "QueryExecutionContext", "Database", "analytics", "Catalog", "AwsDataCatalog",
                     "ResultConfiguration", "OutputLocation", "s3://results-bucket/athena/"));
    char *id = strdup(json_string_value(json_object_get(r, "QueryExecutionId")));
    json_decref(r);

    json_t *qe = wait_for(id, "SUCCEEDED");
    json_t *status = json_object_get(qe, "Status");
    json_t *stats = json_object_get(qe, "Statistics");
    char want_output[128];
    (void)snprintf(want_output, sizeof want_output, "s3://results-bucket/athena/%s.csv", id);
    cr_expect_str_eq(json_string_value(json_object_get(qe, "QueryExecutionId")), id);
    cr_expect_str_eq(json_string_value(json_object_get(qe, "Query")), "SELECT count(*) FROM sales");
    cr_expect_str_eq(json_string_value(json_object_get(qe, "StatementType")), "DML");
    cr_expect_str_eq(json_string_value(json_object_get(qe, "WorkGroup")), "primary");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(qe, "ResultConfiguration"),
                                                       "OutputLocation")),
                     want_output);
    cr_expect_str_eq(json_string_value(
                         json_object_get(json_object_get(qe, "QueryExecutionContext"), "Database")),
                     "analytics");
    double submitted = json_number_value(json_object_get(status, "SubmissionDateTime"));
    double completed = json_number_value(json_object_get(status, "CompletionDateTime"));
    cr_expect_gt(submitted, 1.7e9);
    cr_expect_geq(completed, submitted);
    /* the statistics tell the configured (emulated) run time */
    cr_expect_eq(json_integer_value(json_object_get(stats, "EngineExecutionTimeInMillis")), 5000);
    cr_expect_geq(json_integer_value(json_object_get(stats, "TotalExecutionTimeInMillis")), 5000);
    cr_expect_not_null(json_object_get(stats, "DataScannedInBytes"));
    json_decref(qe);

    r = ok("GetQueryResults", json_pack("{s:s}", "QueryExecutionId", id));
    json_t *rows = json_object_get(json_object_get(r, "ResultSet"), "Rows");
    json_t *info = json_array_get(
        json_object_get(json_object_get(json_object_get(r, "ResultSet"), "ResultSetMetadata"),
                        "ColumnInfo"),
        0);
    cr_assert_eq(json_array_size(rows), 2);
    cr_expect_str_eq(cell(rows, 0, 0), "n"); /* the header row, as Athena sends for SELECT */
    cr_expect_str_eq(cell(rows, 1, 0), "42");
    cr_expect_str_eq(json_string_value(json_object_get(info, "Name")), "n");
    cr_expect_str_eq(json_string_value(json_object_get(info, "Type")), "bigint");
    cr_expect_str_eq(json_string_value(json_object_get(info, "CatalogName")), "hive");
    cr_expect_str_eq(json_string_value(json_object_get(info, "Nullable")), "UNKNOWN");
    cr_expect_eq(json_integer_value(json_object_get(info, "Precision")), 19);
    cr_expect_null(json_object_get(r, "NextToken"));
    json_decref(r);
    free(id);
}

Test(emu_athena, results_page_with_next_token)
{
    char *id = start("SELECT id FROM big_table");
    json_decref(wait_for(id, "SUCCEEDED"));

    const char *token = NULL;
    json_t *page = NULL;
    size_t total = 0, pages = 0;
    char last[32] = "";
    do {
        json_t *body = json_pack("{s:s, s:i}", "QueryExecutionId", id, "MaxResults", 1000);
        if (token)
            json_object_set_new(body, "NextToken", json_string(token));
        json_t *next = ok("GetQueryResults", body);
        json_decref(page);
        page = next;
        json_t *rows = json_object_get(json_object_get(page, "ResultSet"), "Rows");
        if (pages == 0) {
            cr_expect_str_eq(cell(rows, 0, 0), "id");
            cr_expect_str_eq(cell(rows, 1, 0), "row-1");
        }
        cr_assert_leq(json_array_size(rows), 1000);
        total += json_array_size(rows);
        (void)snprintf(last, sizeof last, "%s", cell(rows, json_array_size(rows) - 1, 0));
        token = json_string_value(json_object_get(page, "NextToken"));
        pages++;
    } while (token && pages < 10);
    json_decref(page);
    cr_expect_eq(pages, 3);
    cr_expect_eq(total, 2501); /* 2500 rows and the header */
    cr_expect_str_eq(last, "row-2500");

    fails("GetQueryResults", json_pack("{s:s, s:i}", "QueryExecutionId", id, "MaxResults", 1001),
          "InvalidRequestException");
    fails("GetQueryResults", json_pack("{s:s, s:s}", "QueryExecutionId", id, "NextToken", "bogus"),
          "InvalidRequestException");
    free(id);
}

Test(emu_athena, failed_query_reports_athena_error)
{
    char *id = start("SELECT * FROM missing_table");
    json_t *qe = wait_for(id, "FAILED");
    json_t *status = json_object_get(qe, "Status");
    json_t *error = json_object_get(status, "AthenaError");
    cr_expect_str_eq(json_string_value(json_object_get(status, "StateChangeReason")),
                     "TABLE_NOT_FOUND: Table awsdatacatalog.db.missing_table does not exist");
    cr_assert_not_null(error);
    cr_expect_eq(json_integer_value(json_object_get(error, "ErrorCategory")), 2);
    cr_expect(json_is_integer(json_object_get(error, "ErrorType")));
    cr_expect(strstr(json_string_value(json_object_get(error, "ErrorMessage")), "TABLE_NOT_FOUND"));
    cr_expect_not_null(json_object_get(status, "CompletionDateTime"));
    json_decref(qe);

    const char *msg = fails("GetQueryResults", json_pack("{s:s}", "QueryExecutionId", id),
                            "InvalidRequestException");
    cr_expect(strstr(msg, "FAILED"), "message: %s", msg);
    free(id);
}

Test(emu_athena, client_request_token_is_idempotent)
{
    const char *token = "0123456789abcdef0123456789abcdef-token";
    json_t *a =
        ok("StartQueryExecution", json_pack("{s:s, s:s}", "QueryString", "SELECT count(*) FROM t",
                                            "ClientRequestToken", token));
    json_t *b =
        ok("StartQueryExecution", json_pack("{s:s, s:s}", "QueryString", "SELECT count(*) FROM t",
                                            "ClientRequestToken", token));
    const char *id = json_string_value(json_object_get(a, "QueryExecutionId"));
    cr_expect_str_eq(json_string_value(json_object_get(b, "QueryExecutionId")), id);

    /* the same token for another query is refused */
    fails("StartQueryExecution",
          json_pack("{s:s, s:s}", "QueryString", "SELECT 2", "ClientRequestToken", token),
          "InvalidRequestException");

    /* and only one execution exists */
    json_t *list = ok("ListQueryExecutions", json_object());
    json_t *ids = json_object_get(list, "QueryExecutionIds");
    cr_expect_eq(json_array_size(ids), 1);
    cr_expect_str_eq(json_string_value(json_array_get(ids, 0)), id);
    json_decref(list);
    json_decref(a);
    json_decref(b);
}

Test(emu_athena, results_refused_before_the_end)
{
    char *id = start("SELECT * FROM slow_table");
    json_decref(wait_for(id, "RUNNING"));
    const char *msg = fails("GetQueryResults", json_pack("{s:s}", "QueryExecutionId", id),
                            "InvalidRequestException");
    cr_expect_str_eq(msg, "Query has not yet finished. Current state: RUNNING");
    free(id);
}

Test(emu_athena, stop_query_execution)
{
    char *id = start("SELECT * FROM slow_table");
    json_decref(ok("StopQueryExecution", json_pack("{s:s}", "QueryExecutionId", id)));
    json_t *qe = get(id);
    cr_expect_str_eq(state_of(qe), "CANCELLED");
    cr_expect_not_null(json_object_get(json_object_get(qe, "Status"), "CompletionDateTime"));
    json_decref(qe);
    /* stopping again, or stopping a finished query, is no error and changes nothing */
    json_decref(ok("StopQueryExecution", json_pack("{s:s}", "QueryExecutionId", id)));
    char *done = start("SELECT count(*) FROM t");
    json_decref(wait_for(done, "SUCCEEDED"));
    json_decref(ok("StopQueryExecution", json_pack("{s:s}", "QueryExecutionId", done)));
    qe = get(done);
    cr_expect_str_eq(state_of(qe), "SUCCEEDED");
    json_decref(qe);
    free(done);
    free(id);
}

Test(emu_athena, unknown_ids)
{
    const char *msg =
        fails("GetQueryExecution",
              json_pack("{s:s}", "QueryExecutionId", "11111111-2222-3333-4444-555555555555"),
              "InvalidRequestException");
    cr_expect(strstr(msg, "11111111-2222-3333-4444-555555555555"), "message: %s", msg);
    fails("StopQueryExecution", json_pack("{s:s}", "QueryExecutionId", "nope"),
          "InvalidRequestException");

    char *id = start("SELECT count(*) FROM t");
    json_t *r =
        ok("BatchGetQueryExecution", json_pack("{s:[s, s]}", "QueryExecutionIds", id, "nope"));
    json_t *found = json_object_get(r, "QueryExecutions");
    json_t *missing = json_object_get(r, "UnprocessedQueryExecutionIds");
    cr_assert_eq(json_array_size(found), 1);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_array_get(found, 0), "QueryExecutionId")), id);
    cr_assert_eq(json_array_size(missing), 1);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_array_get(missing, 0), "QueryExecutionId")), "nope");
    cr_expect_not_null(json_object_get(json_array_get(missing, 0), "ErrorCode"));
    json_decref(r);
    free(id);
}

Test(emu_athena, list_newest_first_by_workgroup_with_paging)
{
    char *first = start("SELECT 1");
    char *second = start("SELECT 2");
    char *third = start("SELECT 3");
    json_t *other = ok("StartQueryExecution",
                       json_pack("{s:s, s:s}", "QueryString", "SELECT 4", "WorkGroup", "etl"));

    json_t *p1 = ok("ListQueryExecutions", json_pack("{s:i}", "MaxResults", 2));
    json_t *ids = json_object_get(p1, "QueryExecutionIds");
    cr_assert_eq(json_array_size(ids), 2);
    cr_expect_str_eq(json_string_value(json_array_get(ids, 0)), third);
    cr_expect_str_eq(json_string_value(json_array_get(ids, 1)), second);
    const char *token = json_string_value(json_object_get(p1, "NextToken"));
    cr_assert_not_null(token);
    json_t *p2 =
        ok("ListQueryExecutions", json_pack("{s:i, s:s}", "MaxResults", 2, "NextToken", token));
    ids = json_object_get(p2, "QueryExecutionIds");
    cr_assert_eq(json_array_size(ids), 1);
    cr_expect_str_eq(json_string_value(json_array_get(ids, 0)), first);
    cr_expect_null(json_object_get(p2, "NextToken"));

    json_t *etl = ok("ListQueryExecutions", json_pack("{s:s}", "WorkGroup", "etl"));
    ids = json_object_get(etl, "QueryExecutionIds");
    cr_assert_eq(json_array_size(ids), 1);
    cr_expect_str_eq(json_string_value(json_array_get(ids, 0)),
                     json_string_value(json_object_get(other, "QueryExecutionId")));
    json_decref(etl);
    json_decref(p2);
    json_decref(p1);
    json_decref(other);
    free(first);
    free(second);
    free(third);
}

Test(emu_athena, bad_input_is_rejected)
{
    /* (missing members and wrong types are the core's model validation; these are Athena's) */
    fails("StartQueryExecution", json_pack("{s:s}", "QueryString", ""), "InvalidRequestException");
    fails("StartQueryExecution",
          json_pack("{s:s, s:{s:s}}", "QueryString", "SELECT 1", "ResultConfiguration",
                    "OutputLocation", "http://not-s3/"),
          "InvalidRequestException");
    fails("GetQueryExecution", json_pack("{s:s}", "QueryExecutionId", ""),
          "InvalidRequestException");
}
