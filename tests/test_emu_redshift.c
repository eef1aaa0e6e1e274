/* Integration tests of the emulator's Redshift Data API: statement lifecycle, batches and
 * their sub-statements, the WaitTimeSeconds long poll, paged records, failures, cancelling,
 * listing and idempotency; all through signed requests to an in-process emulator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emu_harness.h"

/* 1000 emulated seconds pass in a real one: "select * from sales" takes 3 ms, one_second a
 * real second, and slow never finishes within a test. */
static const char *const config =
    "{\"time_scale\": 1000, \"redshift_data\": {\"statements\": ["
    "{\"match\": \"select * from sales\", \"duration_seconds\": 3,"
    " \"columns\": [{\"name\": \"id\", \"type\": \"int4\"}, {\"name\": \"region\", \"type\": "
    "\"varchar\"}, {\"name\": \"amount\", \"type\": \"float8\"}, {\"name\": \"paid\", \"type\": "
    "\"bool\"}],"
    " \"rows\": [[1, \"eu\", 2.5, true], [2, \"us\", 10.25, false], [3, null, 0.5, null]]},"
    "{\"match\": \"copy\", \"fail\": \"ERROR: relation \\\"stage\\\" does not exist\"},"
    "{\"match\": \"from big\", \"columns\": [{\"name\": \"n\", \"type\": \"int8\"},"
    " {\"name\": \"label\", \"type\": \"varchar\"}], \"rows_generated\": 2500},"
    "{\"match\": \"from one_second\", \"duration_seconds\": 1000},"
    "{\"match\": \"from slow\", \"duration_seconds\": 1000000}]}}";

EMU_HARNESS_SUITE(emu_redshift, h, config, .timeout = 60);

static const emu_api redshift = {"redshift-data", "RedshiftData"};

/* The call must succeed; returns the reply. */
static json_t *ok(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &redshift, op, body);
}

/* The call must fail with HTTP 400 and this __type; returns the message (static buffer). */
static const char *fails(const char *op, json_t *body, const char *code)
{
    return emu_harness_fails(&h, &redshift, op, body, 400, code);
}

static char *execute(const char *sql)
{
    json_t *r =
        ok("ExecuteStatement", json_pack("{s:s, s:s, s:s, s:s}", "Sql", sql, "ClusterIdentifier",
                                         "analytics", "Database", "dev", "DbUser", "awsuser"));
    const char *id = json_string_value(json_object_get(r, "Id"));
    cr_assert_not_null(id);
    char *copy = strdup(id);
    json_decref(r);
    return copy;
}

static json_t *describe(const char *id)
{
    return ok("DescribeStatement", json_pack("{s:s}", "Id", id));
}

static const char *status_of(json_t *d)
{
    return json_string_value(json_object_get(d, "Status"));
}

/* Polls until the statement reaches `want` (bounded by 10 s). */
static json_t *wait_for(const char *id, const char *want)
{
    double deadline = emu_harness_seconds() + 10;
    for (;;) {
        json_t *d = describe(id);
        if (strcmp(status_of(d), want) == 0)
            return d;
        cr_assert(emu_harness_seconds() < deadline, "%s stayed %s, wanted %s", id, status_of(d),
                  want);
        json_decref(d);
    }
}

static json_t *field(json_t *records, size_t r, size_t c, const char *kind)
{
    return json_object_get(json_array_get(json_array_get(records, r), c), kind);
}

Test(emu_redshift, statement_lifecycle_and_result)
{
    json_t *r =
        ok("ExecuteStatement", json_pack("{s:s, s:s, s:s, s:s, s:s}", "Sql", "select * from sales",
                                         "ClusterIdentifier", "analytics", "Database", "dev",
                                         "DbUser", "awsuser", "StatementName", "daily-sales"));
    const char *rid = json_string_value(json_object_get(r, "Id"));
    cr_assert_not_null(rid);
    cr_expect_eq(strlen(rid), 36);
    cr_expect_str_eq(json_string_value(json_object_get(r, "ClusterIdentifier")), "analytics");
    cr_expect_str_eq(json_string_value(json_object_get(r, "Database")), "dev");
    cr_expect_str_eq(json_string_value(json_object_get(r, "DbUser")), "awsuser");
    cr_expect(json_is_number(json_object_get(r, "CreatedAt")));
    char *id = strdup(rid);
    json_decref(r);

    json_t *d = wait_for(id, "FINISHED");
    cr_expect_str_eq(json_string_value(json_object_get(d, "QueryString")), "select * from sales");
    cr_expect(json_is_true(json_object_get(d, "HasResultSet")));
    cr_expect_eq(json_integer_value(json_object_get(d, "ResultRows")), 3);
    cr_expect_gt(json_integer_value(json_object_get(d, "ResultSize")), 0);
    /* nanoseconds of the configured (emulated) three seconds */
    cr_expect_eq(json_integer_value(json_object_get(d, "Duration")), 3000000000LL);
    cr_expect_gt(json_integer_value(json_object_get(d, "RedshiftQueryId")), 0);
    cr_expect_gt(json_integer_value(json_object_get(d, "RedshiftPid")), 0);
    cr_expect_geq(json_number_value(json_object_get(d, "UpdatedAt")),
                  json_number_value(json_object_get(d, "CreatedAt")));
    cr_expect_null(json_object_get(d, "Error"));
    json_decref(d);

    r = ok("GetStatementResult", json_pack("{s:s}", "Id", id));
    json_t *records = json_object_get(r, "Records");
    json_t *meta = json_object_get(r, "ColumnMetadata");
    cr_assert_eq(json_array_size(records), 3);
    cr_expect_eq(json_integer_value(json_object_get(r, "TotalNumRows")), 3);
    cr_expect_eq(json_integer_value(field(records, 0, 0, "longValue")), 1);
    cr_expect_str_eq(json_string_value(field(records, 0, 1, "stringValue")), "eu");
    cr_expect_eq(json_real_value(field(records, 1, 2, "doubleValue")), 10.25);
    cr_expect(json_is_true(field(records, 0, 3, "booleanValue")));
    cr_expect(json_is_false(field(records, 1, 3, "booleanValue")));
    cr_expect(json_is_true(field(records, 2, 1, "isNull")));
    cr_assert_eq(json_array_size(meta), 4);
    json_t *m0 = json_array_get(meta, 0), *m1 = json_array_get(meta, 1);
    cr_expect_str_eq(json_string_value(json_object_get(m0, "name")), "id");
    cr_expect_str_eq(json_string_value(json_object_get(m0, "typeName")), "int4");
    cr_expect(json_is_true(json_object_get(m0, "isSigned")));
    cr_expect_str_eq(json_string_value(json_object_get(m1, "label")), "region");
    cr_expect_str_eq(json_string_value(json_object_get(m1, "typeName")), "varchar");
    cr_expect(json_is_true(json_object_get(m1, "isCaseSensitive")));
    cr_expect_null(json_object_get(r, "NextToken"));
    json_decref(r);
    free(id);
}

Test(emu_redshift, batch_sub_statements)
{
    json_t *r = ok("BatchExecuteStatement",
                   json_pack("{s:[s, s, s], s:s, s:s}", "Sqls", "create table t (x int)",
                             "select * from sales", "insert into t values (1)", "WorkgroupName",
                             "serverless", "Database", "dev"));
    char *id = strdup(json_string_value(json_object_get(r, "Id")));
    cr_expect_str_eq(json_string_value(json_object_get(r, "WorkgroupName")), "serverless");
    json_decref(r);

    json_t *d = wait_for(id, "FINISHED");
    json_t *subs = json_object_get(d, "SubStatements");
    cr_assert_eq(json_array_size(subs), 3);
    for (size_t i = 0; i < 3; i++) {
        char want[64];
        json_t *sub = json_array_get(subs, i);
        (void)snprintf(want, sizeof want, "%s:%zu", id, i + 1);
        cr_expect_str_eq(json_string_value(json_object_get(sub, "Id")), want);
        cr_expect_str_eq(json_string_value(json_object_get(sub, "Status")), "FINISHED");
    }
    cr_expect(json_is_false(json_object_get(json_array_get(subs, 0), "HasResultSet")));
    cr_expect(json_is_true(json_object_get(json_array_get(subs, 1), "HasResultSet")));
    cr_expect(json_is_true(json_object_get(d, "HasResultSet")));
    /* each reports its configured run time (1 s by default, 3 s for sales), the batch the sum */
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(subs, 0), "Duration")),
                 1000000000LL);
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(subs, 1), "Duration")),
                 3000000000LL);
    cr_expect_eq(json_integer_value(json_object_get(d, "Duration")), 5000000000LL);
    json_decref(d);

    /* a sub-statement by its own id */
    char sub_id[64];
    (void)snprintf(sub_id, sizeof sub_id, "%s:2", id);
    d = describe(sub_id);
    cr_expect_str_eq(json_string_value(json_object_get(d, "Id")), sub_id);
    cr_expect_str_eq(json_string_value(json_object_get(d, "QueryString")), "select * from sales");
    cr_expect_str_eq(status_of(d), "FINISHED");
    json_decref(d);
    r = ok("GetStatementResult", json_pack("{s:s}", "Id", sub_id));
    cr_expect_eq(json_array_size(json_object_get(r, "Records")), 3);
    json_decref(r);
    /* the batch id itself has no result set of its own */
    fails("GetStatementResult", json_pack("{s:s}", "Id", id), "ValidationException");
    (void)snprintf(sub_id, sizeof sub_id, "%s:4", id);
    fails("DescribeStatement", json_pack("{s:s}", "Id", sub_id), "ResourceNotFoundException");
    free(id);
}

Test(emu_redshift, batch_stops_at_the_failing_statement)
{
    json_t *r = ok("BatchExecuteStatement",
                   json_pack("{s:[s, s, s], s:s, s:s}", "Sqls", "create table stage2 (x int)",
                             "copy stage from 's3://bucket/data'", "insert into t values (1)",
                             "ClusterIdentifier", "analytics", "Database", "dev"));
    char *id = strdup(json_string_value(json_object_get(r, "Id")));
    json_decref(r);
    json_t *d = wait_for(id, "FAILED");
    json_t *subs = json_object_get(d, "SubStatements");
    cr_expect_str_eq(json_string_value(json_object_get(d, "Error")),
                     "ERROR: relation \"stage\" does not exist");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(subs, 0), "Status")),
                     "FINISHED");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(subs, 1), "Status")),
                     "FAILED");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(subs, 1), "Error")),
                     "ERROR: relation \"stage\" does not exist");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(subs, 2), "Status")),
                     "ABORTED");
    json_decref(d);
    free(id);
}

Test(emu_redshift, wait_time_seconds_returns_at_completion)
{
    char *id = execute("select count(*) from one_second");
    double t0 = emu_harness_seconds();
    json_t *d = ok("DescribeStatement", json_pack("{s:s, s:i}", "Id", id, "WaitTimeSeconds", 20));
    double took = emu_harness_seconds() - t0;
    /* one call sees the end, and it came when the statement finished, not at the deadline */
    cr_expect_str_eq(status_of(d), "FINISHED");
    cr_expect_lt(took, 10.0, "the long poll took %.2f s", took);
    json_decref(d);
    free(id);
}

Test(emu_redshift, wait_time_seconds_ends_at_the_deadline)
{
    char *id = execute("select * from slow");
    double t0 = emu_harness_seconds();
    json_t *d = ok("DescribeStatement", json_pack("{s:s, s:i}", "Id", id, "WaitTimeSeconds", 1));
    double took = emu_harness_seconds() - t0;
    cr_expect_str_eq(status_of(d), "STARTED");
    cr_expect_geq(took, 0.9, "returned after %.2f s", took);
    cr_expect_lt(took, 5.0, "returned after %.2f s", took);
    json_decref(d);
    fails("DescribeStatement", json_pack("{s:s, s:i}", "Id", id, "WaitTimeSeconds", 31),
          "ValidationException");
    free(id);
}

Test(emu_redshift, records_page_with_next_token)
{
    char *id = execute("select n, label from big");
    json_decref(wait_for(id, "FINISHED"));
    const char *token = NULL;
    json_t *page = NULL;
    size_t total = 0, pages = 0;
    long long first = 0, last = 0;
    do {
        json_t *body = json_pack("{s:s}", "Id", id);
        if (token)
            json_object_set_new(body, "NextToken", json_string(token));
        json_t *next = ok("GetStatementResult", body);
        json_decref(page);
        page = next;
        json_t *records = json_object_get(page, "Records");
        size_t n = json_array_size(records);
        cr_assert_gt(n, 0);
        cr_expect_eq(json_integer_value(json_object_get(page, "TotalNumRows")), 2500);
        if (pages == 0)
            first = json_integer_value(field(records, 0, 0, "longValue"));
        last = json_integer_value(field(records, n - 1, 0, "longValue"));
        if (!json_object_get(page, "NextToken"))
            cr_expect_str_eq(json_string_value(field(records, n - 1, 1, "stringValue")),
                             "row-2500");
        total += n;
        token = json_string_value(json_object_get(page, "NextToken"));
        pages++;
    } while (token && pages < 10);
    json_decref(page);
    cr_expect_eq(pages, 3);
    cr_expect_eq(total, 2500);
    cr_expect_eq(first, 1);
    cr_expect_eq(last, 2500);
    fails("GetStatementResult", json_pack("{s:s, s:s}", "Id", id, "NextToken", "garbage"),
          "ValidationException");
    free(id);
}

Test(emu_redshift, failure_reports_error_text)
{
    char *id = execute("copy stage from 's3://bucket/data' iam_role default");
    json_t *d = wait_for(id, "FAILED");
    cr_expect_str_eq(json_string_value(json_object_get(d, "Error")),
                     "ERROR: relation \"stage\" does not exist");
    cr_expect_eq(json_integer_value(json_object_get(d, "ResultRows")), -1);
    json_decref(d);
    const char *msg =
        fails("GetStatementResult", json_pack("{s:s}", "Id", id), "ResourceNotFoundException");
    cr_expect(strstr(msg, "DescribeStatement"), "message: %s", msg);
    free(id);
}

Test(emu_redshift, cancel_statement)
{
    char *id = execute("select * from slow");
    /* no result while it runs */
    fails("GetStatementResult", json_pack("{s:s}", "Id", id), "ResourceNotFoundException");
    json_t *r = ok("CancelStatement", json_pack("{s:s}", "Id", id));
    cr_expect(json_is_true(json_object_get(r, "Status")));
    json_decref(r);
    json_t *d = describe(id);
    cr_expect_str_eq(status_of(d), "ABORTED");
    json_decref(d);
    const char *msg = fails("CancelStatement", json_pack("{s:s}", "Id", id), "ValidationException");
    cr_expect(strstr(msg, "ABORTED"), "message: %s", msg);
    free(id);
}

Test(emu_redshift, unknown_and_malformed_ids)
{
    const char *msg =
        fails("DescribeStatement", json_pack("{s:s}", "Id", "d9b6c0c9-0747-4bf4-b142-e8883122f766"),
              "ResourceNotFoundException");
    cr_expect_str_eq(msg, "Query does not exist.");
    fails("GetStatementResult", json_pack("{s:s}", "Id", "d9b6c0c9-0747-4bf4-b142-e8883122f766"),
          "ResourceNotFoundException");
    fails("CancelStatement", json_pack("{s:s}", "Id", "d9b6c0c9-0747-4bf4-b142-e8883122f766"),
          "ResourceNotFoundException");
    fails("DescribeStatement", json_pack("{s:s}", "Id", "not-an-id"), "ValidationException");
    /* a sub-statement suffix on a statement that is no batch */
    char *id = execute("select 1");
    char sub[64];
    (void)snprintf(sub, sizeof sub, "%s:1", id);
    fails("DescribeStatement", json_pack("{s:s}", "Id", sub), "ResourceNotFoundException");
    free(id);
}

Test(emu_redshift, list_statements_filters)
{
    json_decref(
        ok("ExecuteStatement",
           json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select * from slow", "ClusterIdentifier",
                     "analytics", "Database", "dev", "StatementName", "nightly-load")));
    json_t *adhoc =
        ok("ExecuteStatement",
           json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select * from sales", "ClusterIdentifier",
                     "analytics", "Database", "dev", "StatementName", "adhoc"));
    /* finished, so the STARTED filter below can only find the slow one */
    json_decref(wait_for(json_string_value(json_object_get(adhoc, "Id")), "FINISHED"));
    json_decref(adhoc);
    json_t *r = ok("ListStatements", json_pack("{s:s}", "StatementName", "nightly"));
    json_t *list = json_object_get(r, "Statements");
    cr_assert_eq(json_array_size(list), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "StatementName")),
                     "nightly-load");
    cr_expect(json_is_false(json_object_get(json_array_get(list, 0), "IsBatchStatement")));
    json_decref(r);

    r = ok("ListStatements", json_pack("{s:s}", "Status", "STARTED"));
    list = json_object_get(r, "Statements");
    cr_assert_eq(json_array_size(list), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "QueryString")),
                     "select * from slow");
    json_decref(r);

    r = ok("ListStatements", json_pack("{s:i}", "MaxResults", 1));
    list = json_object_get(r, "Statements");
    cr_assert_eq(json_array_size(list), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "StatementName")),
                     "adhoc"); /* newest first */
    const char *token = json_string_value(json_object_get(r, "NextToken"));
    cr_assert_not_null(token);
    json_t *r2 = ok("ListStatements", json_pack("{s:i, s:s}", "MaxResults", 1, "NextToken", token));
    list = json_object_get(r2, "Statements");
    cr_assert_eq(json_array_size(list), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "StatementName")),
                     "nightly-load");
    cr_expect_null(json_object_get(r2, "NextToken"));
    json_decref(r2);
    json_decref(r);
    fails("ListStatements", json_pack("{s:s}", "Status", "DONE"), "ValidationException");
}

Test(emu_redshift, client_token_and_validation)
{
    json_t *a =
        ok("ExecuteStatement", json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select 1", "WorkgroupName",
                                         "wg", "Database", "dev", "ClientToken", "token-1"));
    json_t *b =
        ok("ExecuteStatement", json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select 1", "WorkgroupName",
                                         "wg", "Database", "dev", "ClientToken", "token-1"));
    cr_expect_str_eq(json_string_value(json_object_get(a, "Id")),
                     json_string_value(json_object_get(b, "Id")));
    json_decref(a);
    json_decref(b);
    fails("ExecuteStatement",
          json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select 2", "WorkgroupName", "wg", "Database",
                    "dev", "ClientToken", "token-1"),
          "ValidationException");
    /* where to run is required, and only one place */
    fails("ExecuteStatement", json_pack("{s:s, s:s}", "Sql", "select 1", "Database", "dev"),
          "ValidationException");
    fails("ExecuteStatement",
          json_pack("{s:s, s:s, s:s, s:s}", "Sql", "select 1", "Database", "dev",
                    "ClusterIdentifier", "c", "WorkgroupName", "w"),
          "ValidationException");
    fails("ExecuteStatement", json_pack("{s:s, s:s}", "ClusterIdentifier", "c", "Database", "dev"),
          "ValidationException");
    fails("BatchExecuteStatement",
          json_pack("{s:[], s:s, s:s}", "Sqls", "ClusterIdentifier", "c", "Database", "dev"),
          "ValidationException");
}
