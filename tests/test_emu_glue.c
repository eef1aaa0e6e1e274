/* Integration tests of the emulator's Glue and CloudWatch Logs: job runs through
 * their lifecycle, the "without_success" dependency, first-N and always failures,
 * timeouts, BatchStopJobRun, concurrency, crawlers, paging, and the logs runs
 * write; all through signed requests to an in-process emulator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emu_harness.h"

/* 1000 emulated seconds pass in a real one. silver takes 2 s, gold_a 0.1 s: a
 * gold run started next to silver ends long before silver does. */
static const char *const config =
    "{\"time_scale\": 1000, \"glue\": {\"jobs\": {"
    "\"silver\": {\"duration_seconds\": 2000, \"log_lines\": [\"read 120 files\", \"wrote "
    "silver\"]},"
    "\"gold_a\": {\"duration_seconds\": 100, \"fail\": {\"when\": \"without_success\", \"job\": "
    "\"silver\", \"state\": \"FAILED\", \"error_message\": \"silver table not found\"}},"
    "\"quick\": {\"duration_seconds\": 1000, \"log_lines\": [\"one\", \"two\", \"three\"]},"
    "\"flaky\": {\"duration_seconds\": 10, \"fail\": {\"when\": \"first\", \"runs\": 2}},"
    "\"broken\": {\"duration_seconds\": 10, \"fail\": {\"when\": \"always\", \"state\": "
    "\"ERROR\"}},"
    "\"endless\": {\"duration_seconds\": 1000000, \"stopping_seconds\": 2000},"
    "\"short_timeout\": {\"duration_seconds\": 600, \"timeout_minutes\": 5}},"
    "\"crawlers\": {"
    "\"raw_crawler\": {\"duration_seconds\": 120, \"stopping_seconds\": 10, \"database\": "
    "\"raw\", \"fail\": {\"when\": \"always\"}},"
    "\"good_crawler\": {\"duration_seconds\": 1000, \"stopping_seconds\": 100, \"tables\": 3},"
    "\"long_crawler\": {\"duration_seconds\": 1000000, \"stopping_seconds\": 2000}}}}";

EMU_HARNESS_SUITE(emu_glue, h, config, .timeout = 60);

static const emu_api glue = {"glue", "AWSGlue"};
static const emu_api logs = {"logs", "Logs_20140328"};

/* The Glue call must succeed; returns the reply. */
static json_t *ok(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &glue, op, body);
}

/* The CloudWatch Logs call must succeed; returns the reply. */
static json_t *logs_ok(const char *op, json_t *body)
{
    return emu_harness_ok(&h, &logs, op, body);
}

/* The call must fail with HTTP 400 and this __type; returns the message (static). */
static const char *fails_as(const emu_api *api, const char *op, json_t *body, const char *code)
{
    return emu_harness_fails(&h, api, op, body, 400, code);
}

static const char *fails(const char *op, json_t *body, const char *code)
{
    return fails_as(&glue, op, body, code);
}

static char *start_run(const char *job, json_t *extra)
{
    json_t *body = extra ? extra : json_object();
    json_object_set_new(body, "JobName", json_string(job));
    json_t *r = ok("StartJobRun", body);
    const char *id = json_string_value(json_object_get(r, "JobRunId"));
    cr_assert_not_null(id);
    char *copy = strdup(id);
    json_decref(r);
    return copy;
}

static json_t *get_run(const char *job, const char *id)
{
    json_t *r = ok("GetJobRun", json_pack("{s:s, s:s}", "JobName", job, "RunId", id));
    json_t *run = json_incref(json_object_get(r, "JobRun"));
    json_decref(r);
    cr_assert_not_null(run);
    return run;
}

static const char *state_of(json_t *run)
{
    return json_string_value(json_object_get(run, "JobRunState"));
}

static bool terminal(const char *s)
{
    return strcmp(s, "SUCCEEDED") == 0 || strcmp(s, "FAILED") == 0 || strcmp(s, "ERROR") == 0 ||
           strcmp(s, "TIMEOUT") == 0 || strcmp(s, "STOPPED") == 0;
}

/* Polls (bounded by 15 s) until the run is in a terminal state; returns its JobRun. */
static json_t *wait_done(const char *job, const char *id)
{
    double deadline = emu_harness_seconds() + 15;
    for (;;) {
        json_t *run = get_run(job, id);
        if (terminal(state_of(run)))
            return run;
        cr_assert(emu_harness_seconds() < deadline, "run %s of %s stayed %s", id, job,
                  state_of(run));
        json_decref(run);
    }
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[n] == '\0';
}

Test(emu_glue, job_run_lifecycle_to_succeeded)
{
    char *id = start_run(
        "quick", json_pack("{s:{s:s}, s:i}", "Arguments", "--day", "2026-12-03", "Timeout", 60));
    cr_assert_eq(strlen(id), 67);
    cr_assert_eq(strncmp(id, "jr_", 3), 0);
    cr_assert(is_hex(id + 3, 64), "run id %s", id);

    json_t *run = get_run("quick", id);
    const char *st = state_of(run);
    cr_assert(strcmp(st, "STARTING") == 0 || strcmp(st, "RUNNING") == 0, "state %s", st);
    cr_assert_null(json_object_get(run, "CompletedOn"));
    json_decref(run);

    run = wait_done("quick", id);
    cr_assert_str_eq(state_of(run), "SUCCEEDED");
    cr_assert_str_eq(json_string_value(json_object_get(run, "Id")), id);
    cr_assert_str_eq(json_string_value(json_object_get(run, "JobName")), "quick");
    cr_assert_eq(json_integer_value(json_object_get(run, "Attempt")), 0);
    cr_assert_eq(json_integer_value(json_object_get(run, "Timeout")), 60);
    cr_assert_eq(json_integer_value(json_object_get(run, "ExecutionTime")), 1000);
    cr_assert_str_eq(json_string_value(json_object_get(run, "WorkerType")), "G.1X");
    cr_assert_eq(json_integer_value(json_object_get(run, "NumberOfWorkers")), 10);
    cr_assert_float_eq(json_number_value(json_object_get(run, "MaxCapacity")), 10.0, 1e-9);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(run, "Arguments"), "--day")),
                     "2026-12-03");
    cr_assert_null(json_object_get(run, "ErrorMessage"));
    double started = json_number_value(json_object_get(run, "StartedOn"));
    double completed = json_number_value(json_object_get(run, "CompletedOn"));
    cr_assert_gt(started, 1.7e9);
    cr_assert_geq(completed, started + 0.9, "the run took %f s", completed - started);
    cr_assert_float_eq(json_number_value(json_object_get(run, "LastModifiedOn")), completed, 1e-6);
    json_decref(run);
    free(id);
}

Test(emu_glue, get_log_events_after_a_run)
{
    char *id = start_run("quick", NULL);
    json_decref(wait_done("quick", id));

    json_t *r = logs_ok("GetLogEvents",
                        json_pack("{s:s, s:s, s:b}", "logGroupName", "/aws-glue/jobs/output",
                                  "logStreamName", id, "startFromHead", 1));
    json_t *events = json_object_get(r, "events");
    cr_assert_eq(json_array_size(events), 5, "start, three lines, end");
    const char *want[] = {NULL, "one", "two", "three", NULL};
    json_int_t prev = 0;
    for (size_t i = 0; i < 5; i++) {
        json_t *ev = json_array_get(events, i);
        const char *msg = json_string_value(json_object_get(ev, "message"));
        cr_assert_not_null(msg);
        if (want[i])
            cr_assert_str_eq(msg, want[i]);
        json_int_t ts = json_integer_value(json_object_get(ev, "timestamp"));
        cr_assert_geq(ts, prev);
        cr_assert_gt(json_integer_value(json_object_get(ev, "ingestionTime")), 0);
        prev = ts;
    }
    cr_assert_not_null(
        strstr(json_string_value(json_object_get(json_array_get(events, 0), "message")), id));
    json_decref(r);

    /* Forward paging two at a time: 2, 2, 1, then the same token back at the end. */
    char token[128] = "";
    size_t seen = 0;
    for (int page = 0; page < 4; page++) {
        json_t *body = json_pack("{s:s, s:s, s:i, s:b}", "logGroupName", "/aws-glue/jobs/output",
                                 "logStreamName", id, "limit", 2, "startFromHead", 1);
        if (token[0])
            json_object_set_new(body, "nextToken", json_string(token));
        r = logs_ok("GetLogEvents", body);
        size_t n = json_array_size(json_object_get(r, "events"));
        const char *next = json_string_value(json_object_get(r, "nextForwardToken"));
        cr_assert_not_null(next);
        cr_assert_eq(next[0], 'f');
        cr_assert_not_null(json_string_value(json_object_get(r, "nextBackwardToken")));
        if (page == 3) {
            cr_assert_eq(n, 0);
            cr_assert_str_eq(next, token, "the end hands the token back");
        }
        seen += n;
        (void)snprintf(token, sizeof token, "%s", next);
        json_decref(r);
    }
    cr_assert_eq(seen, 5);

    /* Without a token and startFromHead the newest events come. */
    r = logs_ok("GetLogEvents",
                json_pack("{s:s, s:s, s:i}", "logGroupName", "/aws-glue/jobs/output",
                          "logStreamName", id, "limit", 1));
    events = json_object_get(r, "events");
    cr_assert_eq(json_array_size(events), 1);
    cr_assert_not_null(strstr(
        json_string_value(json_object_get(json_array_get(events, 0), "message")), "completed"));
    json_decref(r);

    const char *m =
        fails_as(&logs, "GetLogEvents",
                 json_pack("{s:s, s:s}", "logGroupName", "/no/such/group", "logStreamName", id),
                 "ResourceNotFoundException");
    cr_assert_str_eq(m, "The specified log group does not exist.");
    fails_as(&logs, "GetLogEvents",
             json_pack("{s:s, s:s}", "logGroupName", "/aws-glue/jobs/output", "logStreamName",
                       "jr_nope"),
             "ResourceNotFoundException");
    fails_as(&logs, "GetLogEvents",
             json_pack("{s:s, s:s, s:s}", "logGroupName", "/aws-glue/jobs/output", "logStreamName",
                       id, "nextToken", "garbage"),
             "InvalidParameterException");
    free(id);
}

Test(emu_glue, filter_log_events_across_runs)
{
    char *a = start_run("quick", NULL);
    json_decref(wait_done("quick", a));
    char *b = start_run("quick", NULL);
    json_decref(wait_done("quick", b));

    json_t *r =
        logs_ok("FilterLogEvents", json_pack("{s:s, s:s}", "logGroupName", "/aws-glue/jobs/output",
                                             "filterPattern", "two"));
    json_t *events = json_object_get(r, "events");
    cr_assert_eq(json_array_size(events), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 0), "logStreamName")),
                     a);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 1), "logStreamName")),
                     b);
    cr_assert_not_null(json_string_value(json_object_get(json_array_get(events, 0), "eventId")));
    cr_assert_geq(json_array_size(json_object_get(r, "searchedLogStreams")), 2);
    json_decref(r);

    /* One stream, paged one event at a time. */
    size_t total = 0;
    char *token = NULL;
    for (int i = 0; i < 10; i++) {
        json_t *body = json_pack("{s:s, s:[s], s:i}", "logGroupName", "/aws-glue/jobs/output",
                                 "logStreamNames", a, "limit", 1);
        if (token)
            json_object_set_new(body, "nextToken", json_string(token));
        free(token);
        token = NULL;
        r = logs_ok("FilterLogEvents", body);
        total += json_array_size(json_object_get(r, "events"));
        const char *next = json_string_value(json_object_get(r, "nextToken"));
        token = next ? strdup(next) : NULL;
        json_decref(r);
        if (!token)
            break;
    }
    cr_assert_null(token);
    cr_assert_eq(total, 5);

    /* ?term is "any of", -term excludes. */
    r = logs_ok("FilterLogEvents",
                json_pack("{s:s, s:[s], s:s}", "logGroupName", "/aws-glue/jobs/output",
                          "logStreamNames", a, "filterPattern", "?one ?three"));
    cr_assert_eq(json_array_size(json_object_get(r, "events")), 2);
    json_decref(r);
    free(a);
    free(b);
}

Test(emu_glue, without_success_dependency)
{
    char *silver = start_run("silver", NULL);
    char *gold = start_run("gold_a", NULL);
    json_t *run = wait_done("gold_a", gold);
    cr_assert_str_eq(state_of(run), "FAILED");
    cr_assert_str_eq(json_string_value(json_object_get(run, "ErrorMessage")),
                     "silver table not found");
    json_decref(run);

    /* The failure is in the error log as well. */
    json_t *r = logs_ok("GetLogEvents", json_pack("{s:s, s:s}", "logGroupName",
                                                  "/aws-glue/jobs/error", "logStreamName", gold));
    json_t *events = json_object_get(r, "events");
    cr_assert_geq(json_array_size(events), 1);
    cr_assert_not_null(
        strstr(json_string_value(json_object_get(json_array_get(events, 0), "message")),
               "silver table not found"));
    json_decref(r);

    run = get_run("silver", silver);
    cr_assert(!terminal(state_of(run)), "silver is still going: %s", state_of(run));
    json_decref(run);
    run = wait_done("silver", silver);
    cr_assert_str_eq(state_of(run), "SUCCEEDED");
    json_decref(run);

    char *gold2 = start_run("gold_a", NULL);
    run = wait_done("gold_a", gold2);
    cr_assert_str_eq(state_of(run), "SUCCEEDED");
    json_decref(run);

    /* GetJobRuns: newest first, paged. */
    r = ok("GetJobRuns", json_pack("{s:s, s:i}", "JobName", "gold_a", "MaxResults", 1));
    json_t *runs = json_object_get(r, "JobRuns");
    cr_assert_eq(json_array_size(runs), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(runs, 0), "Id")), gold2);
    const char *next = json_string_value(json_object_get(r, "NextToken"));
    cr_assert_not_null(next);
    json_t *r2 = ok("GetJobRuns", json_pack("{s:s, s:s}", "JobName", "gold_a", "NextToken", next));
    runs = json_object_get(r2, "JobRuns");
    cr_assert_eq(json_array_size(runs), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(runs, 0), "Id")), gold);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(runs, 0), "JobRunState")),
                     "FAILED");
    cr_assert_null(json_object_get(r2, "NextToken"));
    json_decref(r2);
    json_decref(r);
    free(silver);
    free(gold);
    free(gold2);
}

Test(emu_glue, first_runs_fail_then_succeed)
{
    const char *want[] = {"FAILED", "FAILED", "SUCCEEDED"};
    for (size_t i = 0; i < 3; i++) {
        char *id = start_run("flaky", NULL);
        json_t *run = wait_done("flaky", id);
        cr_assert_str_eq(state_of(run), want[i], "run %zu", i + 1);
        if (i < 2) {
            const char *msg = json_string_value(json_object_get(run, "ErrorMessage"));
            cr_assert(msg && *msg);
        }
        json_decref(run);
        free(id);
    }
}

Test(emu_glue, always_error_and_timeout)
{
    char *id = start_run("broken", NULL);
    json_t *run = wait_done("broken", id);
    cr_assert_str_eq(state_of(run), "ERROR");
    const char *msg = json_string_value(json_object_get(run, "ErrorMessage"));
    cr_assert(msg && *msg);
    json_decref(run);
    free(id);

    /* 600 emulated seconds against a 5 minute timeout. */
    id = start_run("short_timeout", NULL);
    run = wait_done("short_timeout", id);
    cr_assert_str_eq(state_of(run), "TIMEOUT");
    cr_assert_eq(json_integer_value(json_object_get(run, "ExecutionTime")), 300);
    json_decref(run);
    free(id);

    /* A Timeout given to StartJobRun counts as well. */
    id = start_run("quick", json_pack("{s:i}", "Timeout", 1));
    run = wait_done("quick", id);
    cr_assert_str_eq(state_of(run), "TIMEOUT");
    json_decref(run);
    free(id);
}

Test(emu_glue, unknown_job_and_run)
{
    const char *m =
        fails("StartJobRun", json_pack("{s:s}", "JobName", "nope"), "EntityNotFoundException");
    cr_assert_str_eq(m, "Failed to start job run due to missing metadata");
    fails("GetJob", json_pack("{s:s}", "JobName", "nope"), "EntityNotFoundException");
    fails("GetJobRuns", json_pack("{s:s}", "JobName", "nope"), "EntityNotFoundException");
    fails("GetJobRun", json_pack("{s:s, s:s}", "JobName", "quick", "RunId", "jr_nope"),
          "EntityNotFoundException");
    fails("GetCrawler", json_pack("{s:s}", "Name", "nope"), "EntityNotFoundException");
    fails("StartJobRun", json_pack("{s:s, s:i}", "JobName", "quick", "Timeout", 0),
          "ValidationException");
}

Test(emu_glue, get_job_and_paging)
{
    json_t *r = ok("GetJob", json_pack("{s:s}", "JobName", "silver"));
    json_t *job = json_object_get(r, "Job");
    cr_assert_str_eq(json_string_value(json_object_get(job, "Name")), "silver");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(job, "Command"), "Name")),
                     "glueetl");
    cr_assert_eq(json_integer_value(json_object_get(job, "Timeout")), 2880);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(job, "ExecutionProperty"),
                                                    "MaxConcurrentRuns")),
                 1);
    json_decref(r);

    size_t total = 0;
    char *token = NULL;
    int pages = 0;
    do {
        json_t *body = json_pack("{s:i}", "MaxResults", 3);
        if (token)
            json_object_set_new(body, "NextToken", json_string(token));
        free(token);
        r = ok("GetJobs", body);
        total += json_array_size(json_object_get(r, "Jobs"));
        const char *next = json_string_value(json_object_get(r, "NextToken"));
        token = next ? strdup(next) : NULL;
        json_decref(r);
        pages++;
    } while (token && pages < 10);
    cr_assert_eq(total, 7);
    cr_assert_eq(pages, 3);
}

Test(emu_glue, batch_stop_job_run_and_concurrency)
{
    char *id = start_run("endless", NULL);
    /* One run at a time, as a job's default MaxConcurrentRuns says. */
    fails("StartJobRun", json_pack("{s:s}", "JobName", "endless"),
          "ConcurrentRunsExceededException");

    json_t *r = ok("BatchStopJobRun", json_pack("{s:s, s:[s, s]}", "JobName", "endless",
                                                "JobRunIds", id, "jr_unknown"));
    json_t *okl = json_object_get(r, "SuccessfulSubmissions");
    json_t *errs = json_object_get(r, "Errors");
    cr_assert_eq(json_array_size(okl), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(okl, 0), "JobRunId")), id);
    cr_assert_eq(json_array_size(errs), 1);
    json_t *e0 = json_array_get(errs, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e0, "JobRunId")), "jr_unknown");
    json_t *detail = json_object_get(e0, "ErrorDetail");
    cr_assert_str_eq(json_string_value(json_object_get(detail, "ErrorCode")),
                     "EntityNotFoundException");
    cr_assert_not_null(json_string_value(json_object_get(detail, "ErrorMessage")));
    json_decref(r);

    json_t *run = get_run("endless", id);
    cr_assert_str_eq(state_of(run), "STOPPING");
    json_decref(run);
    run = wait_done("endless", id);
    cr_assert_str_eq(state_of(run), "STOPPED");
    cr_assert_not_null(json_object_get(run, "CompletedOn"));
    json_decref(run);

    /* A finished run cannot be stopped again. */
    r = ok("BatchStopJobRun", json_pack("{s:s, s:[s]}", "JobName", "endless", "JobRunIds", id));
    cr_assert_eq(json_array_size(json_object_get(r, "SuccessfulSubmissions")), 0);
    cr_assert_eq(json_array_size(json_object_get(r, "Errors")), 1);
    json_decref(r);

    /* Once it stopped, the job can run again. */
    char *again = start_run("endless", NULL);
    r = ok("BatchStopJobRun", json_pack("{s:s, s:[s]}", "JobName", "endless", "JobRunIds", again));
    json_decref(r);
    free(again);
    free(id);
}

static json_t *get_crawler(const char *name)
{
    json_t *r = ok("GetCrawler", json_pack("{s:s}", "Name", name));
    json_t *c = json_incref(json_object_get(r, "Crawler"));
    json_decref(r);
    cr_assert_not_null(c);
    return c;
}

static const char *crawler_state(json_t *c)
{
    return json_string_value(json_object_get(c, "State"));
}

/* Polls (bounded by 15 s) until the crawler is READY with a last crawl. */
static json_t *wait_ready(const char *name)
{
    double deadline = emu_harness_seconds() + 15;
    for (;;) {
        json_t *c = get_crawler(name);
        if (strcmp(crawler_state(c), "READY") == 0 && json_object_get(c, "LastCrawl"))
            return c;
        cr_assert(emu_harness_seconds() < deadline, "crawler %s stayed %s", name, crawler_state(c));
        json_decref(c);
    }
}

Test(emu_glue, crawler_lifecycle)
{
    json_t *c = get_crawler("good_crawler");
    cr_assert_str_eq(crawler_state(c), "READY");
    cr_assert_null(json_object_get(c, "LastCrawl"));
    json_decref(c);
    fails("StopCrawler", json_pack("{s:s}", "Name", "good_crawler"), "CrawlerNotRunningException");

    json_decref(ok("StartCrawler", json_pack("{s:s}", "Name", "good_crawler")));
    c = get_crawler("good_crawler");
    cr_assert_str_eq(crawler_state(c), "RUNNING");
    json_decref(c);
    fails("StartCrawler", json_pack("{s:s}", "Name", "good_crawler"), "CrawlerRunningException");

    c = wait_ready("good_crawler");
    json_t *last = json_object_get(c, "LastCrawl");
    cr_assert_str_eq(json_string_value(json_object_get(last, "Status")), "SUCCEEDED");
    cr_assert_str_eq(json_string_value(json_object_get(last, "LogGroup")), "/aws-glue/crawlers");
    cr_assert_str_eq(json_string_value(json_object_get(last, "LogStream")), "good_crawler");
    const char *prefix = json_string_value(json_object_get(last, "MessagePrefix"));
    cr_assert(prefix && strlen(prefix) == 36);
    cr_assert_gt(json_number_value(json_object_get(last, "StartTime")), 1.7e9);
    cr_assert_null(json_object_get(last, "ErrorMessage"));

    json_t *r = logs_ok("FilterLogEvents",
                        json_pack("{s:s, s:[s], s:s}", "logGroupName", "/aws-glue/crawlers",
                                  "logStreamNames", "good_crawler", "filterPattern", prefix));
    cr_assert_geq(json_array_size(json_object_get(r, "events")), 2);
    json_decref(r);
    json_decref(c);

    r = ok("GetCrawlerMetrics", json_pack("{s:[s]}", "CrawlerNameList", "good_crawler"));
    json_t *m = json_array_get(json_object_get(r, "CrawlerMetricsList"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(m, "CrawlerName")), "good_crawler");
    cr_assert_eq(json_integer_value(json_object_get(m, "TablesCreated")), 3);
    cr_assert_geq(json_number_value(json_object_get(m, "LastRuntimeSeconds")), 1000);
    cr_assert_float_eq(json_number_value(json_object_get(m, "TimeLeftSeconds")), 0, 1e-9);
    json_decref(r);
}

Test(emu_glue, crawler_failure_and_stop)
{
    json_decref(ok("StartCrawler", json_pack("{s:s}", "Name", "raw_crawler")));
    json_t *c = wait_ready("raw_crawler");
    json_t *last = json_object_get(c, "LastCrawl");
    cr_assert_str_eq(json_string_value(json_object_get(last, "Status")), "FAILED");
    const char *msg = json_string_value(json_object_get(last, "ErrorMessage"));
    cr_assert(msg && *msg);
    cr_assert_str_eq(json_string_value(json_object_get(c, "DatabaseName")), "raw");
    json_decref(c);

    json_decref(ok("StartCrawler", json_pack("{s:s}", "Name", "long_crawler")));
    json_decref(ok("StopCrawler", json_pack("{s:s}", "Name", "long_crawler")));
    c = get_crawler("long_crawler");
    cr_assert_str_eq(crawler_state(c), "STOPPING");
    json_decref(c);
    fails("StopCrawler", json_pack("{s:s}", "Name", "long_crawler"), "CrawlerStoppingException");
    fails("StartCrawler", json_pack("{s:s}", "Name", "long_crawler"), "CrawlerRunningException");
    c = wait_ready("long_crawler");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "LastCrawl"), "Status")),
                     "CANCELLED");
    json_decref(c);

    json_t *r = ok("GetCrawlers", json_pack("{s:i}", "MaxResults", 2));
    cr_assert_eq(json_array_size(json_object_get(r, "Crawlers")), 2);
    const char *next = json_string_value(json_object_get(r, "NextToken"));
    cr_assert_not_null(next);
    json_t *r2 = ok("GetCrawlers", json_pack("{s:s}", "NextToken", next));
    cr_assert_eq(json_array_size(json_object_get(r2, "Crawlers")), 1);
    cr_assert_null(json_object_get(r2, "NextToken"));
    json_decref(r2);
    json_decref(r);
}

Test(emu_glue, logs_bad_input)
{
    char *id = start_run("flaky", NULL);
    json_decref(wait_done("flaky", id));
    fails_as(&logs, "GetLogEvents",
             json_pack("{s:s, s:s, s:i}", "logGroupName", "/aws-glue/jobs/output", "logStreamName",
                       id, "limit", 0),
             "InvalidParameterException");
    fails_as(&logs, "FilterLogEvents",
             json_pack("{s:s, s:s}", "logGroupName", "/aws-glue/jobs/output", "filterPattern",
                       "{ $.level = \"ERROR\" }"),
             "InvalidParameterException");
    fails_as(&logs, "FilterLogEvents",
             json_pack("{s:s, s:[s], s:s}", "logGroupName", "/aws-glue/jobs/output",
                       "logStreamNames", id, "logStreamNamePrefix", "jr_"),
             "InvalidParameterException");
    fails_as(&logs, "FilterLogEvents",
             json_pack("{s:s, s:s}", "logGroupName", "/aws-glue/jobs/output", "nextToken", "zz"),
             "InvalidParameterException");

    /* %regex% patterns and a time window that ends before the run leave nothing. */
    json_t *r = logs_ok("FilterLogEvents",
                        json_pack("{s:s, s:s}", "logGroupName", "/aws-glue/jobs/output",
                                  "filterPattern", "%^Job flaky, run jr_[0-9a-f]+: FAILED$%"));
    cr_assert_eq(json_array_size(json_object_get(r, "events")), 1);
    json_decref(r);
    r = logs_ok("FilterLogEvents", json_pack("{s:s, s:I}", "logGroupName", "/aws-glue/jobs/output",
                                             "endTime", (json_int_t)1000));
    cr_assert_eq(json_array_size(json_object_get(r, "events")), 0);
    json_decref(r);
    free(id);
}
