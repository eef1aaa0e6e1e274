/* awsorch-emulator: AWS Glue jobs and crawlers (awsJson 1.1, target prefix "AWSGlue").
 *
 * Jobs and crawlers are declared in the config's "glue" section; their runs
 * and crawls move through Glue's states as time passes (scaled by time_scale),
 * computed when someone looks rather than by a timer. A run's outcome is fixed
 * at the moment it would complete: the config can make it fail always, for its
 * first N runs, or when another job has no successful run yet (the dependency
 * a partial re-run trips over). Finished runs and crawls write their lines to
 * CloudWatch Logs as Glue does. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "glue.h"

/* ---- model -------------------------------------------------------------------------- */

enum run_state {
    RS_STARTING,
    RS_RUNNING,
    RS_STOPPING,
    RS_STOPPED,
    RS_SUCCEEDED,
    RS_FAILED,
    RS_TIMEOUT,
    RS_ERROR,
};

static const char *const run_state_names[] = {"STARTING",  "RUNNING", "STOPPING", "STOPPED",
                                              "SUCCEEDED", "FAILED",  "TIMEOUT",  "ERROR"};

enum fail_when { FAIL_NEVER, FAIL_ALWAYS, FAIL_FIRST, FAIL_WITHOUT_SUCCESS };

typedef struct fail_rule {
    int when;
    long runs;     /* FAIL_FIRST: how many first runs fail */
    char *job;     /* FAIL_WITHOUT_SUCCESS: the job that must have succeeded */
    int state;     /* RS_FAILED, RS_ERROR or RS_TIMEOUT */
    char *message; /* NULL: a default naming the cause */
} fail_rule;

typedef struct glue_job {
    char *name, *description, *role, *script, *command, *worker_type, *glue_version;
    double duration, starting, stopping; /* emulated seconds */
    long timeout;                        /* minutes */
    long workers, max_concurrent, max_retries;
    json_t *default_args; /* object of strings */
    json_t *log_lines;    /* array of strings */
    fail_rule fail;
    long run_count;
} glue_job;

typedef struct glue_run {
    char id[68]; /* "jr_" + 64 hex */
    char *previous;
    size_t job;
    long ordinal;                       /* 1 for the job's first run */
    double started, running_at, end_at; /* real epoch seconds */
    bool times_out;                     /* the duration passes the timeout: ends TIMEOUT */
    json_t *args;
    long timeout, workers;
    double max_capacity;
    char *worker_type;
    double stop_at, stopped_at; /* stop requested at, STOPPING ends at (0: not stopped) */
    bool settled;
    int state; /* once settled */
    char *error;
    double completed;
} glue_run;

enum crawl_status { CRAWL_SUCCEEDED, CRAWL_FAILED, CRAWL_CANCELLED };
static const char *const crawl_status_names[] = {"SUCCEEDED", "FAILED", "CANCELLED"};

typedef struct glue_crawler {
    char *name, *database, *role, *description, *table_prefix;
    json_t *targets;
    json_t *log_lines;
    double duration, stopping; /* emulated seconds */
    fail_rule fail;
    long tables;
    long crawl_count;
    /* the crawl in progress */
    bool busy, will_fail;
    double started, end_at, stop_at; /* real epoch seconds */
    char prefix[37];
    /* the last finished crawl */
    bool has_last;
    int last_status;
    char *last_error;
    double last_start, last_runtime; /* epoch; emulated seconds */
    char last_prefix[37];
    long tables_created, tables_updated;
    bool tables_exist;
    double *runtimes; /* emulated seconds of every finished crawl, for the median */
    size_t nruntimes;
} glue_crawler;

typedef struct glue_state {
    glue_job *jobs; /* sorted by name (paging follows the names) */
    size_t njobs;
    glue_crawler *crawlers; /* sorted by name */
    size_t ncrawlers;
    glue_run **runs; /* in start order */
    size_t nruns, cap;
    double created;
} glue_state;

#define OUTPUT_GROUP "/aws-glue/jobs/output"
#define ERROR_GROUP "/aws-glue/jobs/error"
#define CRAWLER_GROUP "/aws-glue/crawlers"

/* ---- config ------------------------------------------------------------------------- */

static int cfg_error(char *why, size_t why_len, const char *what, const char *name, const char *key,
                     const char *expect)
{
    (void)snprintf(why, why_len, "config: glue.%s.%s.%s must be %s", what, name, key, expect);
    return -1;
}

static int cfg_num(json_t *o, const char *key, double def, double *out, const char *what,
                   const char *name, char *why, size_t why_len)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) < 0 || !isfinite(json_number_value(v)))
        return cfg_error(why, why_len, what, name, key, "a number >= 0");
    *out = json_number_value(v);
    return 0;
}

static int cfg_long(json_t *o, const char *key, long def, long lo, long *out, const char *what,
                    const char *name, char *why, size_t why_len)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > 1000000000)
        return cfg_error(why, why_len, what, name, key, "a whole number in range");
    *out = (long)json_integer_value(v);
    return 0;
}

static int cfg_str(json_t *o, const char *key, const char *def, char **out, const char *what,
                   const char *name, char *why, size_t why_len)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v))
        return cfg_error(why, why_len, what, name, key, "a string");
    const char *s = v ? json_string_value(v) : def;
    *out = s ? strdup(s) : NULL;
    if (s && !*out)
        return cfg_error(why, why_len, what, name, key, "storable (out of memory)");
    return 0;
}

static int cfg_lines(json_t *o, json_t **out, const char *what, const char *name, char *why,
                     size_t why_len)
{
    json_t *v = json_object_get(o, "log_lines");
    *out = NULL;
    if (!v)
        return 0;
    size_t i;
    json_t *x;
    if (!json_is_array(v))
        return cfg_error(why, why_len, what, name, "log_lines", "a list of strings");
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            return cfg_error(why, why_len, what, name, "log_lines", "a list of strings");
    }
    *out = json_deep_copy(v);
    return 0;
}

static int state_from_name(const char *s)
{
    if (strcmp(s, "FAILED") == 0)
        return RS_FAILED;
    if (strcmp(s, "ERROR") == 0)
        return RS_ERROR;
    if (strcmp(s, "TIMEOUT") == 0)
        return RS_TIMEOUT;
    return -1;
}

static int cfg_fail(json_t *o, fail_rule *f, bool crawler, const char *what, const char *name,
                    char *why, size_t why_len)
{
    memset(f, 0, sizeof *f);
    f->state = RS_FAILED;
    json_t *v = json_object_get(o, "fail");
    if (!v || json_is_false(v) || json_is_null(v))
        return 0;
    if (json_is_true(v)) {
        f->when = FAIL_ALWAYS;
        return 0;
    }
    if (!json_is_object(v))
        return cfg_error(why, why_len, what, name, "fail", "an object");
    const char *when = json_string_value(json_object_get(v, "when"));
    if (!when || strcmp(when, "always") == 0) {
        f->when = FAIL_ALWAYS;
    } else if (strcmp(when, "first") == 0) {
        f->when = FAIL_FIRST;
    } else if (strcmp(when, "without_success") == 0 && !crawler) {
        f->when = FAIL_WITHOUT_SUCCESS;
    } else if (strcmp(when, "never") == 0) {
        f->when = FAIL_NEVER;
    } else {
        return cfg_error(why, why_len, what, name, "fail.when",
                         crawler ? "\"always\", \"first\" or \"never\""
                                 : "\"always\", \"first\", \"without_success\" or \"never\"");
    }
    if (cfg_long(v, "runs", 1, 0, &f->runs, what, name, why, why_len))
        return -1;
    json_t *st = json_object_get(v, "state");
    if (st) {
        int s = json_is_string(st) ? state_from_name(json_string_value(st)) : -1;
        if (s < 0 || crawler)
            return cfg_error(why, why_len, what, name, "fail.state",
                             crawler ? "absent (a crawl fails as FAILED)"
                                     : "\"FAILED\", \"ERROR\" or \"TIMEOUT\"");
        f->state = s;
    }
    if (cfg_str(v, "error_message", NULL, &f->message, what, name, why, why_len))
        return -1;
    if (f->when == FAIL_WITHOUT_SUCCESS) {
        if (!json_is_string(json_object_get(v, "job")))
            return cfg_error(why, why_len, what, name, "fail.job", "the name of a job");
        if (cfg_str(v, "job", NULL, &f->job, what, name, why, why_len))
            return -1;
    }
    return 0;
}

static void fail_free(fail_rule *f)
{
    free(f->job);
    free(f->message);
}

static void job_free(glue_job *j)
{
    free(j->name);
    free(j->description);
    free(j->role);
    free(j->script);
    free(j->command);
    free(j->worker_type);
    free(j->glue_version);
    json_decref(j->default_args);
    json_decref(j->log_lines);
    fail_free(&j->fail);
}

static void crawler_free(glue_crawler *c)
{
    free(c->name);
    free(c->database);
    free(c->role);
    free(c->description);
    free(c->table_prefix);
    json_decref(c->targets);
    json_decref(c->log_lines);
    fail_free(&c->fail);
    free(c->last_error);
    free(c->runtimes);
}

static void run_free(glue_run *r)
{
    if (!r)
        return;
    free(r->previous);
    free(r->worker_type);
    free(r->error);
    json_decref(r->args);
    free(r);
}

static int job_parse(glue_job *j, const char *name, json_t *o, char *why, size_t why_len)
{
    const char *w = "jobs";
    memset(j, 0, sizeof *j);
    j->name = strdup(name);
    if (!j->name)
        return cfg_error(why, why_len, w, name, "name", "storable (out of memory)");
    if (!json_is_object(o))
        return cfg_error(why, why_len, w, name, "(definition)", "an object");
    if (cfg_num(o, "duration_seconds", 30, &j->duration, w, name, why, why_len) ||
        cfg_num(o, "starting_seconds", 2, &j->starting, w, name, why, why_len) ||
        cfg_num(o, "stopping_seconds", 5, &j->stopping, w, name, why, why_len) ||
        cfg_long(o, "timeout_minutes", 2880, 1, &j->timeout, w, name, why, why_len) ||
        cfg_long(o, "number_of_workers", 10, 1, &j->workers, w, name, why, why_len) ||
        cfg_long(o, "max_concurrent_runs", 1, 1, &j->max_concurrent, w, name, why, why_len) ||
        cfg_long(o, "max_retries", 0, 0, &j->max_retries, w, name, why, why_len) ||
        cfg_str(o, "description", NULL, &j->description, w, name, why, why_len) ||
        cfg_str(o, "role", "arn:aws:iam::" EMU_ACCOUNT ":role/AWSGlueServiceRole", &j->role, w,
                name, why, why_len) ||
        cfg_str(o, "script_location", NULL, &j->script, w, name, why, why_len) ||
        cfg_str(o, "command", "glueetl", &j->command, w, name, why, why_len) ||
        cfg_str(o, "worker_type", "G.1X", &j->worker_type, w, name, why, why_len) ||
        cfg_str(o, "glue_version", "4.0", &j->glue_version, w, name, why, why_len) ||
        cfg_lines(o, &j->log_lines, w, name, why, why_len) ||
        cfg_fail(o, &j->fail, false, w, name, why, why_len))
        return -1;
    json_t *args = json_object_get(o, "default_arguments");
    if (args) {
        const char *k;
        json_t *v;
        if (!json_is_object(args))
            return cfg_error(why, why_len, w, name, "default_arguments", "an object of strings");
        json_object_foreach(args, k, v)
        {
            if (!json_is_string(v))
                return cfg_error(why, why_len, w, name, "default_arguments",
                                 "an object of strings");
        }
        j->default_args = json_deep_copy(args);
    }
    return 0;
}

static int crawler_parse(glue_crawler *c, const char *name, json_t *o, char *why, size_t why_len)
{
    const char *w = "crawlers";
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    if (!c->name)
        return cfg_error(why, why_len, w, name, "name", "storable (out of memory)");
    if (!json_is_object(o))
        return cfg_error(why, why_len, w, name, "(definition)", "an object");
    if (cfg_num(o, "duration_seconds", 60, &c->duration, w, name, why, why_len) ||
        cfg_num(o, "stopping_seconds", 10, &c->stopping, w, name, why, why_len) ||
        cfg_long(o, "tables", 1, 0, &c->tables, w, name, why, why_len) ||
        cfg_str(o, "database", "default", &c->database, w, name, why, why_len) ||
        cfg_str(o, "role", "arn:aws:iam::" EMU_ACCOUNT ":role/AWSGlueServiceRole", &c->role, w,
                name, why, why_len) ||
        cfg_str(o, "description", NULL, &c->description, w, name, why, why_len) ||
        cfg_str(o, "table_prefix", NULL, &c->table_prefix, w, name, why, why_len) ||
        cfg_lines(o, &c->log_lines, w, name, why, why_len) ||
        cfg_fail(o, &c->fail, true, w, name, why, why_len))
        return -1;
    json_t *t = json_object_get(o, "targets");
    if (t && !json_is_object(t))
        return cfg_error(why, why_len, w, name, "targets", "an object (Glue's CrawlerTargets)");
    if (t) {
        c->targets = json_deep_copy(t);
    } else {
        char path[512];
        (void)snprintf(path, sizeof path, "s3://emulator-data/%s/", name);
        c->targets = json_pack("{s:[{s:s, s:[]}], s:[], s:[], s:[], s:[], s:[], s:[], s:[]}",
                               "S3Targets", "Path", path, "Exclusions", "JdbcTargets",
                               "MongoDBTargets", "DynamoDBTargets", "CatalogTargets",
                               "DeltaTargets", "IcebergTargets", "HudiTargets");
    }
    return 0;
}

static void state_free(glue_state *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->njobs; i++)
        job_free(&s->jobs[i]);
    for (size_t i = 0; i < s->ncrawlers; i++)
        crawler_free(&s->crawlers[i]);
    for (size_t i = 0; i < s->nruns; i++)
        run_free(s->runs[i]);
    free(s->jobs);
    free(s->crawlers);
    free(s->runs);
    free(s);
}

static int job_cmp(const void *a, const void *b)
{
    return strcmp(((const glue_job *)a)->name, ((const glue_job *)b)->name);
}

static int crawler_cmp(const void *a, const void *b)
{
    return strcmp(((const glue_crawler *)a)->name, ((const glue_crawler *)b)->name);
}

static glue_state *state_new(emu *e, char *why, size_t why_len)
{
    glue_state *s = calloc(1, sizeof *s);
    if (!s) {
        (void)snprintf(why, why_len, "out of memory");
        return NULL;
    }
    s->created = emu_now();
    json_t *sec = emu_config_section(e, "glue");
    if (sec && !json_is_object(sec)) {
        (void)snprintf(why, why_len, "config: glue must be an object");
        free(s);
        return NULL;
    }
    json_t *jobs = json_object_get(sec, "jobs");
    json_t *crawlers = json_object_get(sec, "crawlers");
    if ((jobs && !json_is_object(jobs)) || (crawlers && !json_is_object(crawlers))) {
        (void)snprintf(why, why_len, "config: glue.jobs and glue.crawlers must be objects");
        free(s);
        return NULL;
    }
    size_t nj = json_object_size(jobs), nc = json_object_size(crawlers);
    s->jobs = calloc(nj ? nj : 1, sizeof *s->jobs);
    s->crawlers = calloc(nc ? nc : 1, sizeof *s->crawlers);
    if (!s->jobs || !s->crawlers) {
        (void)snprintf(why, why_len, "out of memory");
        state_free(s);
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(jobs, k, v)
    {
        int rc = job_parse(&s->jobs[s->njobs], k, v, why, why_len);
        s->njobs++; /* counted even when it failed, so state_free frees what it holds */
        if (rc) {
            state_free(s);
            return NULL;
        }
    }
    json_object_foreach(crawlers, k, v)
    {
        int rc = crawler_parse(&s->crawlers[s->ncrawlers], k, v, why, why_len);
        s->ncrawlers++;
        if (rc) {
            state_free(s);
            return NULL;
        }
    }
    qsort(s->jobs, s->njobs, sizeof *s->jobs, job_cmp);
    qsort(s->crawlers, s->ncrawlers, sizeof *s->crawlers, crawler_cmp);
    return s;
}

static glue_state *glue_get(emu *e, emu_error *err)
{
    if (e->glue)
        return (glue_state *)e->glue;
    char why[512] = "";
    glue_state *s = state_new(e, why, sizeof why);
    if (!s) {
        if (err)
            (void)emu_fail(err, 500, "InternalServiceException", "awsorch-emulator %s", why);
        return NULL;
    }
    e->glue = (emu_service_state *)s;
    return s;
}

void emu_glue_free(emu *e)
{
    if (!e || !e->glue)
        return;
    state_free((glue_state *)e->glue);
    e->glue = NULL;
}

static glue_job *job_find(glue_state *s, const char *name, size_t *index)
{
    for (size_t i = 0; name && i < s->njobs; i++)
        if (strcmp(s->jobs[i].name, name) == 0) {
            if (index)
                *index = i;
            return &s->jobs[i];
        }
    return NULL;
}

static glue_crawler *crawler_find(glue_state *s, const char *name)
{
    for (size_t i = 0; name && i < s->ncrawlers; i++)
        if (strcmp(s->crawlers[i].name, name) == 0)
            return &s->crawlers[i];
    return NULL;
}

/* ---- job run lifecycle --------------------------------------------------------------- */

static double run_terminal_time(const glue_run *r)
{
    return r->stop_at > 0 ? r->stopped_at : r->end_at;
}

/* The state now, for a run not settled yet. */
static int run_live_state(const glue_run *r, double now)
{
    if (r->stop_at > 0)
        return RS_STOPPING;
    return now < r->running_at ? RS_STARTING : RS_RUNNING;
}

static double worker_dpu(const char *type)
{
    static const struct {
        const char *type;
        double dpu;
    } t[] = {{"G.025X", 0.25}, {"G.1X", 1}, {"G.2X", 2},    {"G.4X", 4},
             {"G.8X", 8},      {"Z.2X", 2}, {"Standard", 1}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].type, type) == 0)
            return t[i].dpu;
    return 1;
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    int m = vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n) {
        free(s);
        return NULL;
    }
    return s;
}

static bool job_has_success_before(glue_state *s, const char *job, double t)
{
    size_t ji;
    if (!job_find(s, job, &ji))
        return false;
    for (size_t i = 0; i < s->nruns; i++) {
        const glue_run *q = s->runs[i];
        if (q->job == ji && q->settled && q->state == RS_SUCCEEDED && q->completed < t)
            return true;
    }
    return false;
}

static void run_write_logs(emu *e, const glue_job *j, const glue_run *r)
{
    char line[1024];
    double end = r->completed;
    if (end >= r->running_at) {
        (void)snprintf(line, sizeof line,
                       "Starting job %s, run %s (GlueVersion %s, %ld x %s workers)", j->name, r->id,
                       j->glue_version, r->workers, r->worker_type);
        emu_logs_put(e, OUTPUT_GROUP, r->id, r->running_at, line);
        /* Lines spread over the planned run; a stopped run printed only those before
         * the stop. */
        size_t n = json_array_size(j->log_lines);
        for (size_t i = 0; i < n; i++) {
            double t =
                r->running_at + (r->end_at - r->running_at) * (double)(i + 1) / (double)(n + 1);
            if (t > end)
                break;
            emu_logs_put(e, OUTPUT_GROUP, r->id, t,
                         json_string_value(json_array_get(j->log_lines, i)));
        }
    }
    if (r->state == RS_SUCCEEDED || r->state == RS_STOPPED) {
        (void)snprintf(line, sizeof line, "Job %s, run %s: %s", j->name, r->id,
                       r->state == RS_SUCCEEDED ? "completed successfully" : "stopped");
        emu_logs_put(e, OUTPUT_GROUP, r->id, end, line);
    } else {
        (void)snprintf(line, sizeof line, "Job %s, run %s: %s", j->name, r->id,
                       run_state_names[r->state]);
        emu_logs_put(e, OUTPUT_GROUP, r->id, end, line);
        (void)snprintf(line, sizeof line, "ERROR GlueJobRun: %s: %s", run_state_names[r->state],
                       r->error ? r->error : "");
        emu_logs_put(e, ERROR_GROUP, r->id, end, line);
    }
}

/* Decides how a run ended, at the moment it ended. Runs settle in the order they
 * end, so every run that ended before this one already has its outcome. */
static void run_settle(emu *e, glue_state *s, glue_run *r)
{
    glue_job *j = &s->jobs[r->job];
    r->settled = true;
    if (r->stop_at > 0) {
        r->state = RS_STOPPED;
        r->completed = r->stopped_at;
    } else if (r->times_out) {
        r->state = RS_TIMEOUT;
        r->completed = r->end_at;
        r->error =
            dup_printf("Job run timed out after %ld minutes (the job's Timeout)", r->timeout);
    } else {
        r->completed = r->end_at;
        const fail_rule *f = &j->fail;
        bool fail = false;
        switch (f->when) {
        case FAIL_ALWAYS: fail = true; break;
        case FAIL_FIRST: fail = r->ordinal <= f->runs; break;
        case FAIL_WITHOUT_SUCCESS: fail = !job_has_success_before(s, f->job, r->completed); break;
        default: break;
        }
        if (!fail) {
            r->state = RS_SUCCEEDED;
        } else {
            r->state = f->state;
            if (f->message)
                r->error = strdup(f->message);
            else if (f->when == FAIL_WITHOUT_SUCCESS)
                r->error = dup_printf("Job %s failed: its input from job %s is missing (no "
                                      "successful run of %s had completed)",
                                      j->name, f->job, f->job);
            else if (f->state == RS_ERROR)
                r->error = dup_printf("Job %s run hit an internal error", j->name);
            else if (f->state == RS_TIMEOUT)
                r->error = dup_printf("Job run timed out");
            else
                r->error = dup_printf("Job %s failed (run %ld)", j->name, r->ordinal);
        }
    }
    run_write_logs(e, j, r);
}

static int due_cmp(const void *a, const void *b)
{
    const glue_run *x = *(glue_run *const *)a, *y = *(glue_run *const *)b;
    double tx = run_terminal_time(x), ty = run_terminal_time(y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return x->started < y->started ? -1 : (x->started > y->started ? 1 : 0);
}

/* ---- crawler lifecycle --------------------------------------------------------------- */

static double crawl_run_end(const glue_crawler *c)
{
    return c->stop_at > 0 ? c->stop_at : c->end_at;
}

static double crawl_ready_at(emu *e, const glue_crawler *c)
{
    return crawl_run_end(c) + emu_real_seconds(e, c->stopping);
}

static void crawl_settle(emu *e, glue_crawler *c)
{
    double run_end = crawl_run_end(c), ready = crawl_ready_at(e, c);
    char line[1024];
    int status = c->stop_at > 0 ? CRAWL_CANCELLED : (c->will_fail ? CRAWL_FAILED : CRAWL_SUCCEEDED);
    (void)snprintf(line, sizeof line, "[%s] BENCHMARK : Running Start Crawl for Crawler %s",
                   c->prefix, c->name);
    emu_logs_put(e, CRAWLER_GROUP, c->name, c->started, line);
    size_t n = json_array_size(c->log_lines);
    for (size_t i = 0; i < n; i++) {
        double t = c->started + (c->end_at - c->started) * (double)(i + 1) / (double)(n + 1);
        if (t > run_end)
            break;
        (void)snprintf(line, sizeof line, "[%s] INFO : %s", c->prefix,
                       json_string_value(json_array_get(c->log_lines, i)));
        emu_logs_put(e, CRAWLER_GROUP, c->name, t, line);
    }
    free(c->last_error);
    c->last_error = NULL;
    if (status == CRAWL_FAILED) {
        c->last_error = c->fail.message
                            ? strdup(c->fail.message)
                            : dup_printf("Internal Service Exception: crawler %s failed", c->name);
        (void)snprintf(line, sizeof line, "[%s] ERROR : %s", c->prefix,
                       c->last_error ? c->last_error : "");
        emu_logs_put(e, CRAWLER_GROUP, c->name, run_end, line);
    } else if (status == CRAWL_CANCELLED) {
        (void)snprintf(line, sizeof line, "[%s] INFO : Crawler stop requested", c->prefix);
        emu_logs_put(e, CRAWLER_GROUP, c->name, run_end, line);
    } else {
        (void)snprintf(line, sizeof line,
                       "[%s] BENCHMARK : Classification complete, writing results to database "
                       "%s",
                       c->prefix, c->database);
        emu_logs_put(e, CRAWLER_GROUP, c->name, run_end, line);
    }
    (void)snprintf(line, sizeof line, "[%s] BENCHMARK : Finished Crawl for Crawler %s (%s)",
                   c->prefix, c->name, crawl_status_names[status]);
    emu_logs_put(e, CRAWLER_GROUP, c->name, ready, line);

    /* The first successful crawl creates the tables; later ones find them there. */
    if (status == CRAWL_SUCCEEDED) {
        c->tables_created = c->tables_exist ? 0 : c->tables;
        c->tables_updated = c->tables_exist ? c->tables : 0;
        c->tables_exist = true;
    }
    double runtime = round((ready - c->started) * e->time_scale * 1000.0) / 1000.0;
    double *rt = realloc(c->runtimes, (c->nruntimes + 1) * sizeof *rt);
    if (rt) {
        c->runtimes = rt;
        c->runtimes[c->nruntimes++] = runtime;
    }
    c->has_last = true;
    c->last_status = status;
    c->last_start = c->started;
    c->last_runtime = runtime;
    memcpy(c->last_prefix, c->prefix, sizeof c->prefix);
    c->busy = false;
}

/* ---- settling --------------------------------------------------------------------------- */

static void settle_all(emu *e, glue_state *s)
{
    double now = emu_now();
    size_t n = 0;
    for (size_t i = 0; i < s->nruns; i++)
        if (!s->runs[i]->settled && run_terminal_time(s->runs[i]) <= now)
            n++;
    if (n) {
        glue_run **due = calloc(n, sizeof(void *));
        if (due) {
            size_t k = 0;
            for (size_t i = 0; i < s->nruns; i++)
                if (!s->runs[i]->settled && run_terminal_time(s->runs[i]) <= now)
                    due[k++] = s->runs[i];
            qsort((void *)due, k, sizeof(void *), due_cmp);
            for (size_t i = 0; i < k; i++)
                run_settle(e, s, due[i]);
            free(due);
        }
    }
    for (size_t i = 0; i < s->ncrawlers; i++) {
        glue_crawler *c = &s->crawlers[i];
        if (c->busy && crawl_ready_at(e, c) <= now)
            crawl_settle(e, c);
    }
}

void emu_glue_settle(emu *e)
{
    if (e && e->glue)
        settle_all(e, (glue_state *)e->glue);
}

/* ---- input helpers ---------------------------------------------------------------------- */

static int validation(emu_error *err, const char *member, const char *constraint)
{
    return emu_fail(err, 400, "ValidationException",
                    "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                    "%s",
                    member, constraint);
}

static int req_string(json_t *in, const char *key, const char *member, const char **out,
                      emu_error *err)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v))
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value null at '%s' failed to satisfy "
                        "constraint: Member must not be null",
                        member);
    if (!json_is_string(v))
        return validation(err, member, "Member must be a string");
    if (json_string_length(v) < 1 || json_string_length(v) > 255)
        return validation(err, member, "Member must have length between 1 and 255");
    *out = json_string_value(v);
    return 0;
}

static int opt_string(json_t *in, const char *key, const char *member, const char **out,
                      emu_error *err)
{
    json_t *v = json_object_get(in, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return validation(err, member, "Member must be a string");
    *out = json_string_value(v);
    return 0;
}

static int opt_long(json_t *in, const char *key, const char *member, long lo, long hi, long *out,
                    emu_error *err)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return validation(err, member, "Member must be an integer");
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        char c[96];
        (void)snprintf(c, sizeof c, "Member must have value between %ld and %ld", lo, hi);
        return validation(err, member, c);
    }
    *out = (long)x;
    return 0;
}

static int opt_strings_map(json_t *in, const char *key, const char *member, json_t **out,
                           emu_error *err)
{
    json_t *v = json_object_get(in, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    const char *k;
    json_t *x;
    if (!json_is_object(v))
        return validation(err, member, "Member must be a map of strings");
    json_object_foreach(v, k, x)
    {
        if (!json_is_string(x))
            return validation(err, member, "Member must be a map of strings");
    }
    *out = v;
    return 0;
}

/* Timestamps go out with millisecond precision, as AWS sends them. */
static double ts(double t)
{
    return round(t * 1000.0) / 1000.0;
}

static const char *region_of(const emu_call *call)
{
    return call && call->region ? call->region : "us-east-1";
}

/* ---- job JSON --------------------------------------------------------------------------- */

static json_t *job_json(emu *e, const glue_state *s, const glue_job *j, const emu_call *call)
{
    (void)e;
    char script[700];
    if (j->script)
        (void)snprintf(script, sizeof script, "%s", j->script);
    else
        (void)snprintf(script, sizeof script, "s3://aws-glue-assets-%s-%s/scripts/%s.py",
                       EMU_ACCOUNT, region_of(call), j->name);
    double cap = (double)j->workers * worker_dpu(j->worker_type);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:f, s:f, s:{s:I}, s:{s:s, s:s, s:s}, s:o, s:{}, s:I, s:I, s:I, s:f, "
        "s:s, s:I, s:s, s:s}",
        "Name", j->name, "JobMode", "SCRIPT", "Role", j->role, "CreatedOn", ts(s->created),
        "LastModifiedOn", ts(s->created), "ExecutionProperty", "MaxConcurrentRuns",
        (json_int_t)j->max_concurrent, "Command", "Name", j->command, "ScriptLocation", script,
        "PythonVersion", "3", "DefaultArguments",
        j->default_args ? json_deep_copy(j->default_args) : json_object(),
        "NonOverridableArguments", "MaxRetries", (json_int_t)j->max_retries, "AllocatedCapacity",
        (json_int_t)llround(cap), "Timeout", (json_int_t)j->timeout, "MaxCapacity", cap,
        "WorkerType", j->worker_type, "NumberOfWorkers", (json_int_t)j->workers, "GlueVersion",
        j->glue_version, "ExecutionClass", "STANDARD");
    if (o && j->description)
        json_object_set_new(o, "Description", json_string(j->description));
    return o;
}

static json_t *run_json(emu *e, glue_state *s, const glue_run *r)
{
    double now = emu_now();
    const glue_job *j = &s->jobs[r->job];
    int state = r->settled ? r->state : run_live_state(r, now);
    double modified = r->settled             ? r->completed
                      : state == RS_STOPPING ? r->stop_at
                      : state == RS_RUNNING  ? r->running_at
                                             : r->started;
    double until = r->settled ? r->completed : now;
    double exec = until > r->running_at ? (until - r->running_at) * e->time_scale : 0;
    json_t *o = json_pack(
        "{s:s, s:i, s:s, s:s, s:f, s:f, s:s, s:O, s:[], s:I, s:I, s:I, s:f, s:s, s:I, s:s, s:s, "
        "s:s}",
        "Id", r->id, "Attempt", 0, "JobName", j->name, "JobMode", "SCRIPT", "StartedOn",
        ts(r->started), "LastModifiedOn", ts(modified), "JobRunState", run_state_names[state],
        "Arguments", r->args, "PredecessorRuns", "AllocatedCapacity",
        (json_int_t)llround(r->max_capacity), "ExecutionTime", (json_int_t)llround(exec), "Timeout",
        (json_int_t)r->timeout, "MaxCapacity", r->max_capacity, "WorkerType", r->worker_type,
        "NumberOfWorkers", (json_int_t)r->workers, "LogGroupName", "/aws-glue/jobs", "GlueVersion",
        j->glue_version, "ExecutionClass", "STANDARD");
    if (!o)
        return NULL;
    if (r->settled) {
        json_object_set_new(o, "CompletedOn", json_real(ts(r->completed)));
        if (r->error)
            json_object_set_new(o, "ErrorMessage", json_string(r->error));
    }
    if (r->previous)
        json_object_set_new(o, "PreviousRunId", json_string(r->previous));
    return o;
}

/* ---- job operations ------------------------------------------------------------------- */

static glue_state *ready_state(emu *e, emu_error *err)
{
    glue_state *s = glue_get(e, err);
    if (s)
        settle_all(e, s);
    return s;
}

static int job_not_found(emu_error *err, const char *name)
{
    return emu_fail(err, 400, "EntityNotFoundException", "Job %s not found", name);
}

static int glue_get_job(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    glue_state *s = ready_state(e, err);
    const char *name;
    if (!s || req_string(in, "JobName", "jobName", &name, err))
        return -1;
    glue_job *j = job_find(s, name, NULL);
    if (!j)
        return job_not_found(err, name);
    *out = json_pack("{s:o}", "Job", job_json(e, s, j, call));
    return 0;
}

static int glue_get_jobs(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    glue_state *s = ready_state(e, err);
    const char *token;
    long max = 100;
    if (!s || opt_string(in, "NextToken", "nextToken", &token, err) ||
        opt_long(in, "MaxResults", "maxResults", 1, 1000, &max, err))
        return -1;
    size_t i = 0;
    if (token) {
        /* The token is the name the next page starts at. */
        if (!job_find(s, token, &i))
            return emu_fail(err, 400, "InvalidInputException", "Invalid NextToken");
    }
    json_t *jobs = json_array();
    size_t stop = s->njobs - i > (size_t)max ? i + (size_t)max : s->njobs;
    for (; i < stop; i++)
        json_array_append_new(jobs, job_json(e, s, &s->jobs[i], call));
    *out = json_pack("{s:o}", "Jobs", jobs);
    if (stop < s->njobs)
        json_object_set_new(*out, "NextToken", json_string(s->jobs[stop].name));
    return 0;
}

static bool valid_worker_type(const char *t)
{
    static const char *const types[] = {"Standard", "G.1X", "G.2X", "G.025X",
                                        "G.4X",     "G.8X", "Z.2X"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i], t) == 0)
            return true;
    return false;
}

static int glue_start_job_run(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *name, *previous, *worker_type;
    json_t *args;
    if (!s || req_string(in, "JobName", "jobName", &name, err) ||
        opt_string(in, "JobRunId", "jobRunId", &previous, err) ||
        opt_string(in, "WorkerType", "workerType", &worker_type, err) ||
        opt_strings_map(in, "Arguments", "arguments", &args, err))
        return -1;
    size_t ji;
    glue_job *j = job_find(s, name, &ji);
    if (!j)
        return emu_fail(err, 400, "EntityNotFoundException",
                        "Failed to start job run due to missing metadata");
    long timeout = j->timeout, workers = j->workers, alloc = -1;
    if (opt_long(in, "Timeout", "timeout", 1, 10080, &timeout, err) ||
        opt_long(in, "NumberOfWorkers", "numberOfWorkers", 1, 100000, &workers, err) ||
        opt_long(in, "AllocatedCapacity", "allocatedCapacity", 1, 100000, &alloc, err))
        return -1;
    if (worker_type && !valid_worker_type(worker_type))
        return validation(err, "workerType",
                          "Member must satisfy enum value set: [G.1X, G.2X, G.4X, G.8X, G.025X, "
                          "Z.2X, Standard]");
    const char *wt = worker_type ? worker_type : j->worker_type;
    double cap = (double)workers * worker_dpu(wt);
    json_t *mc = json_object_get(in, "MaxCapacity");
    if (mc && !json_is_null(mc)) {
        if (!json_is_number(mc) || json_number_value(mc) <= 0)
            return validation(err, "maxCapacity", "Member must be a positive number");
        if (worker_type || json_object_get(in, "NumberOfWorkers"))
            return emu_fail(err, 400, "InvalidInputException",
                            "Please set only Allocated Capacity or Max Capacity or Worker Type "
                            "and Number of Workers");
        cap = json_number_value(mc);
    }
    if (previous) {
        bool found = false;
        for (size_t i = 0; i < s->nruns && !found; i++)
            found = s->runs[i]->job == ji && strcmp(s->runs[i]->id, previous) == 0;
        if (!found)
            return emu_fail(err, 400, "EntityNotFoundException", "Job run %s not found", previous);
    }
    size_t active = 0;
    for (size_t i = 0; i < s->nruns; i++)
        if (s->runs[i]->job == ji && !s->runs[i]->settled)
            active++;
    if ((long)active >= j->max_concurrent)
        return emu_fail(err, 400, "ConcurrentRunsExceededException",
                        "Concurrent runs exceeded for %s", j->name);

    if (s->nruns == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        glue_run **nr = realloc((void *)s->runs, nc * sizeof(void *));
        if (!nr)
            return emu_fail(err, 500, "InternalServiceException", "Out of memory.");
        s->runs = nr;
        s->cap = nc;
    }
    glue_run *r = calloc(1, sizeof *r);
    if (!r)
        return emu_fail(err, 500, "InternalServiceException", "Out of memory.");
    char hex[65];
    emu_hex_id(hex, 64);
    (void)snprintf(r->id, sizeof r->id, "jr_%s", hex);
    r->job = ji;
    r->ordinal = ++j->run_count;
    r->started = emu_now();
    r->running_at = r->started + emu_real_seconds(e, j->starting);
    r->timeout = timeout;
    r->workers = workers;
    r->max_capacity = cap;
    r->worker_type = strdup(wt);
    r->previous = previous ? strdup(previous) : NULL;
    r->args = args ? json_deep_copy(args) : json_object();
    if (!r->worker_type || !r->args || (previous && !r->previous)) {
        run_free(r);
        return emu_fail(err, 500, "InternalServiceException", "Out of memory.");
    }
    double limit = (double)timeout * 60.0;
    r->times_out = limit < j->duration;
    r->end_at = r->running_at + emu_real_seconds(e, r->times_out ? limit : j->duration);
    s->runs[s->nruns++] = r;
    emu_changed(e);
    *out = json_pack("{s:s}", "JobRunId", r->id);
    return 0;
}

static glue_run *run_find(glue_state *s, size_t job, const char *id)
{
    for (size_t i = 0; id && i < s->nruns; i++)
        if (s->runs[i]->job == job && strcmp(s->runs[i]->id, id) == 0)
            return s->runs[i];
    return NULL;
}

static int glue_get_job_run(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *name, *id;
    if (!s || req_string(in, "JobName", "jobName", &name, err) ||
        req_string(in, "RunId", "runId", &id, err))
        return -1;
    json_t *pred = json_object_get(in, "PredecessorsIncluded");
    if (pred && !json_is_boolean(pred) && !json_is_null(pred))
        return validation(err, "predecessorsIncluded", "Member must be a boolean");
    size_t ji;
    if (!job_find(s, name, &ji))
        return job_not_found(err, name);
    glue_run *r = run_find(s, ji, id);
    if (!r)
        return emu_fail(err, 400, "EntityNotFoundException", "Job run %s not found", id);
    *out = json_pack("{s:o}", "JobRun", run_json(e, s, r));
    return 0;
}

static int glue_get_job_runs(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *name, *token;
    long max = 100;
    if (!s || req_string(in, "JobName", "jobName", &name, err) ||
        opt_string(in, "NextToken", "nextToken", &token, err) ||
        opt_long(in, "MaxResults", "maxResults", 1, 200, &max, err))
        return -1;
    size_t ji;
    if (!job_find(s, name, &ji))
        return job_not_found(err, name);
    /* Newest first; the token is the id of the run the next page starts with, so
     * runs started meanwhile do not shift the pages. */
    size_t i = s->nruns;
    if (token) {
        while (i > 0 && !(s->runs[i - 1]->job == ji && strcmp(s->runs[i - 1]->id, token) == 0))
            i--;
        if (i == 0)
            return emu_fail(err, 400, "InvalidInputException", "Invalid NextToken");
    }
    json_t *runs = json_array();
    long count = 0;
    const char *next = NULL;
    for (; i > 0; i--) {
        glue_run *r = s->runs[i - 1];
        if (r->job != ji)
            continue;
        if (count == max) {
            next = r->id;
            break;
        }
        json_array_append_new(runs, run_json(e, s, r));
        count++;
    }
    *out = json_pack("{s:o}", "JobRuns", runs);
    if (next)
        json_object_set_new(*out, "NextToken", json_string(next));
    return 0;
}

static json_t *stop_error(const char *job, const char *id, const char *code, const char *msg)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}}", "JobName", job, "JobRunId", id, "ErrorDetail",
                     "ErrorCode", code, "ErrorMessage", msg);
}

static int glue_batch_stop_job_run(emu *e, const emu_call *call, json_t *in, json_t **out,
                                   emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *name;
    if (!s || req_string(in, "JobName", "jobName", &name, err))
        return -1;
    json_t *ids = json_object_get(in, "JobRunIds");
    if (!ids || json_is_null(ids))
        return emu_fail(err, 400, "ValidationException",
                        "1 validation error detected: Value null at 'jobRunIds' failed to "
                        "satisfy constraint: Member must not be null");
    if (!json_is_array(ids) || json_array_size(ids) < 1 || json_array_size(ids) > 25)
        return validation(err, "jobRunIds", "Member must be a list of 1 to 25 strings");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_string(v))
            return validation(err, "jobRunIds", "Member must be a list of 1 to 25 strings");
    }
    size_t ji;
    glue_job *j = job_find(s, name, &ji);
    if (!j)
        return job_not_found(err, name);
    double now = emu_now();
    json_t *ok = json_array(), *errors = json_array();
    json_array_foreach(ids, i, v)
    {
        const char *id = json_string_value(v);
        glue_run *r = run_find(s, ji, id);
        char msg[400];
        if (!r) {
            (void)snprintf(msg, sizeof msg, "Job Run with id %s not found for job %s", id, name);
            json_array_append_new(errors, stop_error(name, id, "EntityNotFoundException", msg));
            continue;
        }
        int state = r->settled ? r->state : run_live_state(r, now);
        if (state != RS_STARTING && state != RS_RUNNING) {
            (void)snprintf(msg, sizeof msg, "Job Run cannot be stopped in current state: %s",
                           run_state_names[state]);
            json_array_append_new(errors, stop_error(name, id, "InvalidInputException", msg));
            continue;
        }
        r->stop_at = now;
        r->stopped_at = now + emu_real_seconds(e, j->stopping);
        json_array_append_new(ok, json_pack("{s:s, s:s}", "JobName", name, "JobRunId", id));
    }
    emu_changed(e);
    *out = json_pack("{s:o, s:o}", "SuccessfulSubmissions", ok, "Errors", errors);
    return 0;
}

/* ---- crawler operations --------------------------------------------------------------- */

static const char *crawler_state_name(emu *e, const glue_crawler *c, double now)
{
    if (!c->busy)
        return "READY";
    if (c->stop_at > 0 || now >= c->end_at)
        return "STOPPING";
    (void)e;
    return "RUNNING";
}

static json_t *crawler_json(emu *e, const glue_state *s, const glue_crawler *c)
{
    double now = emu_now();
    const char *state = crawler_state_name(e, c, now);
    json_t *o = json_pack(
        "{s:s, s:s, s:O, s:s, s:[], s:{s:s}, s:{s:s, s:s}, s:{s:s}, s:s, s:I, s:f, s:f, s:i, "
        "s:{s:b, s:s}}",
        "Name", c->name, "Role", c->role, "Targets", c->targets, "DatabaseName", c->database,
        "Classifiers", "RecrawlPolicy", "RecrawlBehavior", "CRAWL_EVERYTHING", "SchemaChangePolicy",
        "UpdateBehavior", "UPDATE_IN_DATABASE", "DeleteBehavior", "DEPRECATE_IN_DATABASE",
        "LineageConfiguration", "CrawlerLineageSettings", "DISABLE", "State", state,
        "CrawlElapsedTime",
        (json_int_t)(c->busy ? llround((now - c->started) * e->time_scale * 1000.0) : 0),
        "CreationTime", ts(s->created), "LastUpdated", ts(s->created), "Version", 1,
        "LakeFormationConfiguration", "UseLakeFormationCredentials", 0, "AccountId", "");
    if (!o)
        return NULL;
    if (c->description)
        json_object_set_new(o, "Description", json_string(c->description));
    if (c->table_prefix)
        json_object_set_new(o, "TablePrefix", json_string(c->table_prefix));
    if (c->has_last) {
        json_t *last =
            json_pack("{s:s, s:s, s:s, s:s, s:f}", "Status", crawl_status_names[c->last_status],
                      "LogGroup", CRAWLER_GROUP, "LogStream", c->name, "MessagePrefix",
                      c->last_prefix, "StartTime", ts(c->last_start));
        if (last && c->last_error)
            json_object_set_new(last, "ErrorMessage", json_string(c->last_error));
        json_object_set_new(o, "LastCrawl", last);
    }
    return o;
}

static int crawler_not_found(emu_error *err, const char *name)
{
    return emu_fail(err, 400, "EntityNotFoundException",
                    "Crawler entry with name %s does not exist", name);
}

static int glue_start_crawler(emu *e, const emu_call *call, json_t *in, json_t **out,
                              emu_error *err)
{
    (void)call;
    (void)out;
    glue_state *s = ready_state(e, err);
    const char *name;
    if (!s || req_string(in, "Name", "name", &name, err))
        return -1;
    glue_crawler *c = crawler_find(s, name);
    if (!c)
        return crawler_not_found(err, name);
    if (c->busy)
        return emu_fail(err, 400, "CrawlerRunningException",
                        "Crawler with name %s has already started", name);
    c->busy = true;
    c->crawl_count++;
    c->started = emu_now();
    c->end_at = c->started + emu_real_seconds(e, c->duration);
    c->stop_at = 0;
    c->will_fail = c->fail.when == FAIL_ALWAYS ||
                   (c->fail.when == FAIL_FIRST && c->crawl_count <= c->fail.runs);
    emu_uuid(c->prefix);
    emu_changed(e);
    return 0;
}

static int glue_stop_crawler(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    (void)call;
    (void)out;
    glue_state *s = ready_state(e, err);
    const char *name;
    if (!s || req_string(in, "Name", "name", &name, err))
        return -1;
    glue_crawler *c = crawler_find(s, name);
    if (!c)
        return crawler_not_found(err, name);
    double now = emu_now();
    const char *state = crawler_state_name(e, c, now);
    if (strcmp(state, "READY") == 0)
        return emu_fail(err, 400, "CrawlerNotRunningException",
                        "Crawler with name %s isn't running", name);
    if (strcmp(state, "STOPPING") == 0)
        return emu_fail(err, 400, "CrawlerStoppingException", "Crawler with name %s is stopping",
                        name);
    c->stop_at = now;
    emu_changed(e);
    return 0;
}

static int glue_get_crawler(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *name;
    if (!s || req_string(in, "Name", "name", &name, err))
        return -1;
    glue_crawler *c = crawler_find(s, name);
    if (!c)
        return crawler_not_found(err, name);
    *out = json_pack("{s:o}", "Crawler", crawler_json(e, s, c));
    return 0;
}

static size_t crawler_index(glue_state *s, const char *name)
{
    for (size_t i = 0; i < s->ncrawlers; i++)
        if (strcmp(s->crawlers[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

static int glue_get_crawlers(emu *e, const emu_call *call, json_t *in, json_t **out, emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *token;
    long max = 100;
    if (!s || opt_string(in, "NextToken", "nextToken", &token, err) ||
        opt_long(in, "MaxResults", "maxResults", 1, 1000, &max, err))
        return -1;
    size_t i = 0;
    if (token && (i = crawler_index(s, token)) == SIZE_MAX)
        return emu_fail(err, 400, "InvalidInputException", "Invalid NextToken");
    json_t *list = json_array();
    size_t stop = s->ncrawlers - i > (size_t)max ? i + (size_t)max : s->ncrawlers;
    for (; i < stop; i++)
        json_array_append_new(list, crawler_json(e, s, &s->crawlers[i]));
    *out = json_pack("{s:o}", "Crawlers", list);
    if (stop < s->ncrawlers)
        json_object_set_new(*out, "NextToken", json_string(s->crawlers[stop].name));
    return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static double median(const double *v, size_t n)
{
    if (n == 0)
        return 0;
    double *c = malloc(n * sizeof *c);
    if (!c)
        return v[n - 1];
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, dbl_cmp);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

static json_t *crawler_metrics_json(emu *e, const glue_crawler *c)
{
    double now = emu_now();
    double left = 0;
    if (c->busy && c->stop_at <= 0 && now < c->end_at)
        left = round((c->end_at - now) * e->time_scale * 1000.0) / 1000.0;
    return json_pack(
        "{s:s, s:f, s:b, s:f, s:f, s:i, s:i, s:i}", "CrawlerName", c->name, "TimeLeftSeconds", left,
        "StillEstimating", 0, "LastRuntimeSeconds", c->has_last ? c->last_runtime : 0.0,
        "MedianRuntimeSeconds", median(c->runtimes, c->nruntimes), "TablesCreated",
        (int)(c->has_last && c->last_status == CRAWL_SUCCEEDED ? c->tables_created : 0),
        "TablesUpdated",
        (int)(c->has_last && c->last_status == CRAWL_SUCCEEDED ? c->tables_updated : 0),
        "TablesDeleted", 0);
}

static int glue_get_crawler_metrics(emu *e, const emu_call *call, json_t *in, json_t **out,
                                    emu_error *err)
{
    (void)call;
    glue_state *s = ready_state(e, err);
    const char *token;
    long max = 100;
    if (!s || opt_string(in, "NextToken", "nextToken", &token, err) ||
        opt_long(in, "MaxResults", "maxResults", 1, 1000, &max, err))
        return -1;
    json_t *names = json_object_get(in, "CrawlerNameList");
    if (json_is_null(names))
        names = NULL;
    size_t i;
    json_t *v;
    if (names) {
        if (!json_is_array(names) || json_array_size(names) > 100)
            return validation(err, "crawlerNameList", "Member must be a list of up to 100 names");
        json_array_foreach(names, i, v)
        {
            if (!json_is_string(v))
                return validation(err, "crawlerNameList", "Member must be a list of strings");
        }
    }
    /* Pages run over the requested names (or every crawler); unknown names are
     * left out, as Glue does. */
    size_t total = names ? json_array_size(names) : s->ncrawlers;
    size_t start = 0;
    if (token) {
        char *end = NULL;
        errno = 0;
        unsigned long long t = strtoull(token, &end, 10);
        if (!end || *end || end == token || errno || t > total)
            return emu_fail(err, 400, "InvalidInputException", "Invalid NextToken");
        start = (size_t)t;
    }
    json_t *list = json_array();
    size_t k = start;
    long count = 0;
    for (; k < total && count < max; k++) {
        const glue_crawler *c =
            names ? crawler_find(s, json_string_value(json_array_get(names, k))) : &s->crawlers[k];
        if (!c)
            continue;
        json_array_append_new(list, crawler_metrics_json(e, c));
        count++;
    }
    *out = json_pack("{s:o}", "CrawlerMetricsList", list);
    if (k < total) {
        char next[32];
        (void)snprintf(next, sizeof next, "%zu", k);
        json_object_set_new(*out, "NextToken", json_string(next));
    }
    return 0;
}

const emu_json_op emu_glue_ops[] = {
    {"GetJob", glue_get_job},
    {"GetJobs", glue_get_jobs},
    {"StartJobRun", glue_start_job_run},
    {"GetJobRun", glue_get_job_run},
    {"GetJobRuns", glue_get_job_runs},
    {"BatchStopJobRun", glue_batch_stop_job_run},
    {"StartCrawler", glue_start_crawler},
    {"StopCrawler", glue_stop_crawler},
    {"GetCrawler", glue_get_crawler},
    {"GetCrawlers", glue_get_crawlers},
    {"GetCrawlerMetrics", glue_get_crawler_metrics},
    {NULL, NULL},
};
