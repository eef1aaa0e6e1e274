/* awsorch-emulator: CloudWatch Logs (awsJson 1.1, target prefix "Logs_20140328").
 *
 * Holds the log groups the other emulated services write to (Glue job runs and
 * crawls, Lambda invocations) and serves them back through GetLogEvents,
 * FilterLogEvents, DescribeLogGroups and DescribeLogStreams. Nothing here is
 * written by clients: groups and streams appear when a service logs a line. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "glue.h"
#include "lambda.h"

typedef struct log_event {
    int64_t ts;     /* ms since the epoch */
    int64_t ingest; /* ms since the epoch */
    uint64_t seq;   /* global order of arrival: event ids and stable sorting */
    char *msg;
} log_event;

typedef struct log_stream {
    char *name;
    log_event *ev; /* sorted by timestamp, as CloudWatch keeps them */
    size_t n, cap;
    int64_t created;
    int64_t bytes;
} log_stream;

typedef struct log_group {
    char *name;
    log_stream *st;
    size_t n, cap;
    int64_t created;
} log_group;

typedef struct logs_state {
    log_group *g;
    size_t n, cap;
    uint64_t seq;
} logs_state;

#define LOGS_MAX_LIMIT 10000
#define LOGS_DESCRIBE_LIMIT 50

static int64_t to_ms(double t)
{
    return (int64_t)llround(t * 1000.0);
}

static logs_state *logs_get(emu *e)
{
    if (!e->logs)
        e->logs = (emu_service_state *)calloc(1, sizeof(logs_state));
    return (logs_state *)e->logs;
}

static log_group *group_find(logs_state *s, const char *name)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->g[i].name, name) == 0)
            return &s->g[i];
    return NULL;
}

static log_stream *stream_find(log_group *g, const char *name)
{
    for (size_t i = 0; g && i < g->n; i++)
        if (strcmp(g->st[i].name, name) == 0)
            return &g->st[i];
    return NULL;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return false;
    *p = np;
    *cap = nc;
    return true;
}

void emu_logs_put(emu *e, const char *group, const char *stream, double time, const char *message)
{
    if (!e || !group || !stream || !*group || !*stream)
        return;
    logs_state *s = logs_get(e);
    if (!s)
        return;
    int64_t now = to_ms(emu_now());
    log_group *g = group_find(s, group);
    if (!g) {
        char *name = strdup(group);
        if (!name || !grow((void **)&s->g, &s->cap, s->n + 1, sizeof *s->g)) {
            free(name);
            return;
        }
        g = &s->g[s->n++];
        memset(g, 0, sizeof *g);
        g->name = name;
        g->created = now;
    }
    log_stream *st = stream_find(g, stream);
    if (!st) {
        char *name = strdup(stream);
        if (!name || !grow((void **)&g->st, &g->cap, g->n + 1, sizeof *g->st)) {
            free(name);
            return;
        }
        st = &g->st[g->n++];
        memset(st, 0, sizeof *st);
        st->name = name;
        st->created = now;
    }
    char *msg = strdup(message ? message : "");
    if (!msg || !grow((void **)&st->ev, &st->cap, st->n + 1, sizeof *st->ev)) {
        free(msg);
        return;
    }
    int64_t ts = to_ms(time);
    /* Services log lazily, so a line may arrive after later-stamped ones;
     * keep the stream in timestamp order as CloudWatch presents it. */
    size_t at = st->n;
    while (at > 0 && st->ev[at - 1].ts > ts)
        at--;
    memmove(&st->ev[at + 1], &st->ev[at], (st->n - at) * sizeof *st->ev);
    st->ev[at] = (log_event){.ts = ts, .ingest = now > ts ? now : ts, .seq = ++s->seq, .msg = msg};
    st->n++;
    st->bytes += (int64_t)strlen(msg);
}

void emu_logs_free(emu *e)
{
    if (!e || !e->logs)
        return;
    logs_state *s = (logs_state *)e->logs;
    for (size_t i = 0; i < s->n; i++) {
        log_group *g = &s->g[i];
        for (size_t j = 0; j < g->n; j++) {
            for (size_t k = 0; k < g->st[j].n; k++)
                free(g->st[j].ev[k].msg);
            free(g->st[j].ev);
            free(g->st[j].name);
        }
        free(g->st);
        free(g->name);
    }
    free(s->g);
    free(s);
    e->logs = NULL;
}

/* ---- input helpers ------------------------------------------------------------- */

static int bad_param(emu_error *err, const char *member, const char *expect)
{
    return emu_fail(err, 400, "InvalidParameterException", "Value at '%s' must be %s.", member,
                    expect);
}

static int opt_string(json_t *in, const char *key, const char **out, emu_error *err)
{
    json_t *v = json_object_get(in, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad_param(err, key, "a string");
    *out = json_string_value(v);
    return 0;
}

static int opt_int(json_t *in, const char *key, json_int_t lo, json_int_t hi, json_int_t *out,
                   bool *present, emu_error *err)
{
    json_t *v = json_object_get(in, key);
    *present = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return bad_param(err, key, "an integer");
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return emu_fail(err, 400, "InvalidParameterException",
                        "1 validation error detected: Value '%" JSON_INTEGER_FORMAT
                        "' at '%s' failed to satisfy constraint: Member must have value "
                        "between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT,
                        x, key, lo, hi);
    *out = x;
    *present = true;
    return 0;
}

static int opt_bool(json_t *in, const char *key, bool *out, emu_error *err)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return bad_param(err, key, "a boolean");
    *out = json_is_true(v);
    return 0;
}

/* logGroupName or logGroupIdentifier (a name or an ARN), exactly one. The name is
 * copied into out because an ARN has to be cut. */
static int group_arg(logs_state *s, json_t *in, log_group **out, emu_error *err)
{
    const char *name, *ident;
    if (opt_string(in, "logGroupName", &name, err) ||
        opt_string(in, "logGroupIdentifier", &ident, err))
        return -1;
    if (name && ident)
        return emu_fail(err, 400, "InvalidParameterException",
                        "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
    if (!name && !ident)
        return emu_fail(err, 400, "InvalidParameterException",
                        "Should provide either name or ARN for the log group.");
    char buf[600];
    const char *want = name;
    if (ident) {
        const char *p = strstr(ident, ":log-group:");
        if (strncmp(ident, "arn:", 4) == 0 && p) {
            p += strlen(":log-group:");
            size_t len = strlen(p);
            if (len >= 2 && strcmp(p + len - 2, ":*") == 0)
                len -= 2;
            if (len >= sizeof buf)
                len = sizeof buf - 1;
            memcpy(buf, p, len);
            buf[len] = '\0';
            want = buf;
        } else {
            want = ident;
        }
    }
    *out = group_find(s, want);
    if (!*out)
        return emu_fail(err, 400, "ResourceNotFoundException",
                        "The specified log group does not exist.");
    return 0;
}

static void settle_producers(emu *e)
{
    /* The producers finish lazily; make them write what they would have by now. */
    emu_glue_settle(e);
    emu_lambda_settle(e);
}

static json_t *event_json(const log_event *ev)
{
    return json_pack("{s:I, s:s, s:I}", "timestamp", (json_int_t)ev->ts, "message",
                     ev->msg ? ev->msg : "", "ingestionTime", (json_int_t)ev->ingest);
}

/* ---- GetLogEvents -------------------------------------------------------------- */

/* Tokens name a position in the (time-filtered) stream, shaped like AWS's:
 * "f/<56 digits>/s" reads forward from there, "b/<56 digits>/s" backward. */
static int parse_token(const char *tok, char *dir, size_t *pos)
{
    if ((tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || !isdigit((unsigned char)tok[2]))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(tok + 2, &end, 10);
    if (errno || !end || (strcmp(end, "/s") != 0 && *end != '\0') || v > SIZE_MAX)
        return -1;
    *dir = tok[0];
    *pos = (size_t)v;
    return 0;
}

static json_t *make_token(char dir, size_t pos)
{
    char buf[80];
    (void)snprintf(buf, sizeof buf, "%c/%056zu/s", dir, pos);
    return json_string(buf);
}

static int logs_get_log_events(emu *e, const emu_call *call, json_t *input, json_t **output,
                               emu_error *err)
{
    (void)call;
    settle_producers(e);
    logs_state *s = logs_get(e);
    if (!s)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    log_group *g;
    const char *stream_name, *token;
    json_int_t start = INT64_MIN, end = INT64_MAX, limit = LOGS_MAX_LIMIT;
    bool has_start, has_end, has_limit, from_head = false;
    if (group_arg(s, input, &g, err) || opt_string(input, "logStreamName", &stream_name, err) ||
        opt_string(input, "nextToken", &token, err) ||
        opt_int(input, "startTime", 0, INT64_MAX, &start, &has_start, err) ||
        opt_int(input, "endTime", 0, INT64_MAX, &end, &has_end, err) ||
        opt_int(input, "limit", 1, LOGS_MAX_LIMIT, &limit, &has_limit, err) ||
        opt_bool(input, "startFromHead", &from_head, err))
        return -1;
    if (!stream_name)
        return emu_fail(err, 400, "InvalidParameterException",
                        "1 validation error detected: Value null at 'logStreamName' failed to "
                        "satisfy constraint: Member must not be null");
    if (!has_start)
        start = INT64_MIN;
    if (!has_end)
        end = INT64_MAX;
    log_stream *st = stream_find(g, stream_name);
    if (!st)
        return emu_fail(err, 400, "ResourceNotFoundException",
                        "The specified log stream does not exist.");

    size_t *idx = malloc((st->n ? st->n : 1) * sizeof *idx);
    if (!idx)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    size_t m = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->ev[i].ts >= start && st->ev[i].ts < end)
            idx[m++] = i;

    size_t lim = (size_t)limit, lo, hi;
    if (token) {
        char dir;
        size_t pos;
        if (parse_token(token, &dir, &pos)) {
            free(idx);
            return emu_fail(err, 400, "InvalidParameterException",
                            "The specified nextToken is invalid.");
        }
        if (pos > m)
            pos = m;
        if (dir == 'f') {
            lo = pos;
            hi = m - pos > lim ? pos + lim : m;
        } else {
            hi = pos;
            lo = hi > lim ? hi - lim : 0;
        }
    } else if (from_head) {
        lo = 0;
        hi = m > lim ? lim : m;
    } else {
        hi = m;
        lo = m > lim ? m - lim : 0;
    }

    json_t *events = json_array();
    for (size_t i = lo; i < hi; i++)
        json_array_append_new(events, event_json(&st->ev[idx[i]]));
    free(idx);
    *output = json_pack("{s:o, s:o, s:o}", "events", events, "nextForwardToken",
                        make_token('f', hi), "nextBackwardToken", make_token('b', lo));
    return 0;
}

/* ---- FilterLogEvents ----------------------------------------------------------- */

typedef struct filter {
    const char *terms; /* a term pattern, or NULL */
    bool is_regex;
    regex_t re;
} filter;

static bool contains(const char *hay, const char *needle, size_t n)
{
    if (n == 0)
        return true;
    for (const char *p = hay; *p; p++)
        if (*p == *needle && strncmp(p, needle, n) == 0)
            return true;
    return false;
}

/* CloudWatch's term syntax: every plain term must appear, "quoted phrases" are
 * one term, ?term terms match when any of them appears, -term excludes. */
static bool terms_match(const char *pat, const char *msg)
{
    bool any_or = false, or_hit = false;
    const char *p = pat;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        char kind = 0;
        if ((*p == '?' || *p == '-') && p[1] && p[1] != ' ' && p[1] != '\t')
            kind = *p++;
        const char *t;
        size_t tl;
        if (*p == '"') {
            t = ++p;
            while (*p && *p != '"')
                p++;
            tl = (size_t)(p - t);
            if (*p)
                p++;
        } else {
            t = p;
            while (*p && *p != ' ' && *p != '\t')
                p++;
            tl = (size_t)(p - t);
        }
        bool hit = contains(msg, t, tl);
        if (kind == '?') {
            any_or = true;
            or_hit = or_hit || hit;
        } else if (kind == '-') {
            if (hit && tl > 0)
                return false;
        } else if (!hit) {
            return false;
        }
    }
    return !any_or || or_hit;
}

static int filter_init(filter *f, const char *pattern, emu_error *err)
{
    memset(f, 0, sizeof *f);
    if (!pattern)
        return 0;
    size_t len = strlen(pattern);
    if (len > 1024)
        return emu_fail(err, 400, "InvalidParameterException",
                        "1 validation error detected: Value at 'filterPattern' failed to "
                        "satisfy constraint: Member must have length less than or equal to 1024");
    while (*pattern == ' ')
        pattern++;
    if (pattern[0] == '{' || pattern[0] == '[')
        return emu_fail(err, 400, "InvalidParameterException",
                        "awsorch-emulator supports term, \"phrase\", ?term, -term and %%regex%% "
                        "filter patterns, not JSON or space-delimited ones.");
    len = strlen(pattern);
    if (len >= 2 && pattern[0] == '%' && pattern[len - 1] == '%') {
        char *expr = strndup(pattern + 1, len - 2);
        if (!expr)
            return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
        int rc = regcomp(&f->re, expr, REG_EXTENDED | REG_NOSUB);
        free(expr);
        if (rc != 0)
            return emu_fail(err, 400, "InvalidParameterException", "Invalid filter pattern.");
        f->is_regex = true;
        return 0;
    }
    f->terms = pattern;
    return 0;
}

static bool filter_match(const filter *f, const char *msg)
{
    if (f->is_regex)
        return regexec(&f->re, msg, 0, NULL, 0) == 0;
    return !f->terms || terms_match(f->terms, msg);
}

static void filter_done(filter *f)
{
    if (f->is_regex)
        regfree(&f->re);
}

typedef struct hit {
    const log_stream *st;
    const log_event *ev;
} hit;

static int hit_cmp(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->ev->ts != y->ev->ts)
        return x->ev->ts < y->ev->ts ? -1 : 1;
    return x->ev->seq < y->ev->seq ? -1 : (x->ev->seq > y->ev->seq ? 1 : 0);
}

static bool name_listed(json_t *names, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return true;
    }
    return false;
}

static int logs_filter_log_events(emu *e, const emu_call *call, json_t *input, json_t **output,
                                  emu_error *err)
{
    (void)call;
    settle_producers(e);
    logs_state *s = logs_get(e);
    if (!s)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    log_group *g;
    const char *prefix, *pattern, *token;
    json_int_t start = INT64_MIN, end = INT64_MAX, limit = LOGS_MAX_LIMIT;
    bool has_start, has_end, has_limit;
    if (group_arg(s, input, &g, err) || opt_string(input, "logStreamNamePrefix", &prefix, err) ||
        opt_string(input, "filterPattern", &pattern, err) ||
        opt_string(input, "nextToken", &token, err) ||
        opt_int(input, "startTime", 0, INT64_MAX, &start, &has_start, err) ||
        opt_int(input, "endTime", 0, INT64_MAX, &end, &has_end, err) ||
        opt_int(input, "limit", 1, LOGS_MAX_LIMIT, &limit, &has_limit, err))
        return -1;
    if (!has_start)
        start = INT64_MIN;
    if (!has_end)
        end = INT64_MAX;
    json_t *names = json_object_get(input, "logStreamNames");
    if (json_is_null(names))
        names = NULL;
    if (names) {
        size_t i;
        json_t *v;
        if (!json_is_array(names) || json_array_size(names) < 1 || json_array_size(names) > 100)
            return bad_param(err, "logStreamNames", "a list of 1 to 100 stream names");
        json_array_foreach(names, i, v)
        {
            if (!json_is_string(v))
                return bad_param(err, "logStreamNames", "a list of strings");
        }
        if (prefix)
            return emu_fail(err, 400, "InvalidParameterException",
                            "logStreamNames and logStreamNamePrefix are mutually exclusive "
                            "parameters.");
    }
    size_t skip = 0;
    if (token) {
        char *endp = NULL;
        errno = 0;
        unsigned long long v = strncmp(token, "ft/", 3) == 0 && isdigit((unsigned char)token[3])
                                   ? strtoull(token + 3, &endp, 10)
                                   : 0;
        if (!endp || *endp || errno || v > SIZE_MAX)
            return emu_fail(err, 400, "InvalidParameterException",
                            "The specified nextToken is invalid.");
        skip = (size_t)v;
    }
    filter f;
    if (filter_init(&f, pattern, err))
        return -1;

    size_t total = 0;
    for (size_t i = 0; i < g->n; i++)
        total += g->st[i].n;
    hit *hits = malloc((total ? total : 1) * sizeof *hits);
    json_t *searched = json_array();
    if (!hits || !searched) {
        free(hits);
        json_decref(searched);
        filter_done(&f);
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    }
    size_t nh = 0;
    for (size_t i = 0; i < g->n; i++) {
        const log_stream *st = &g->st[i];
        if (names && !name_listed(names, st->name))
            continue;
        if (prefix && strncmp(st->name, prefix, strlen(prefix)) != 0)
            continue;
        json_array_append_new(
            searched, json_pack("{s:s, s:b}", "logStreamName", st->name, "searchedCompletely", 1));
        for (size_t k = 0; k < st->n; k++) {
            const log_event *ev = &st->ev[k];
            /* FilterLogEvents includes endTime, GetLogEvents does not. */
            if (ev->ts >= start && ev->ts <= end && filter_match(&f, ev->msg))
                hits[nh++] = (hit){st, ev};
        }
    }
    filter_done(&f);
    qsort(hits, nh, sizeof *hits, hit_cmp);

    json_t *events = json_array();
    size_t stop = skip < nh ? (nh - skip > (size_t)limit ? skip + (size_t)limit : nh) : skip;
    for (size_t i = skip; i < stop; i++) {
        char id[64];
        (void)snprintf(id, sizeof id, "%056" PRIu64, hits[i].ev->seq);
        json_t *ev = event_json(hits[i].ev);
        json_object_set_new(ev, "logStreamName", json_string(hits[i].st->name));
        json_object_set_new(ev, "eventId", json_string(id));
        json_array_append_new(events, ev);
    }
    *output = json_pack("{s:o, s:o}", "events", events, "searchedLogStreams", searched);
    if (stop < nh) {
        char next[32];
        (void)snprintf(next, sizeof next, "ft/%zu", stop);
        json_object_set_new(*output, "nextToken", json_string(next));
    }
    free(hits);
    return 0;
}

/* ---- DescribeLogGroups / DescribeLogStreams -------------------------------------- */

static int str_ptr_cmp(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

static int logs_describe_log_groups(emu *e, const emu_call *call, json_t *input, json_t **output,
                                    emu_error *err)
{
    settle_producers(e);
    logs_state *s = logs_get(e);
    if (!s)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    const char *prefix, *pattern, *token;
    json_int_t limit = LOGS_DESCRIBE_LIMIT;
    bool has_limit;
    if (opt_string(input, "logGroupNamePrefix", &prefix, err) ||
        opt_string(input, "logGroupNamePattern", &pattern, err) ||
        opt_string(input, "nextToken", &token, err) ||
        opt_int(input, "limit", 1, LOGS_DESCRIBE_LIMIT, &limit, &has_limit, err))
        return -1;
    if (prefix && pattern)
        return emu_fail(err, 400, "InvalidParameterException",
                        "LogGroup name prefix and LogGroup name pattern are mutually exclusive "
                        "parameters.");
    /* Pages continue after the last name returned, as the names are the order. */
    const char **names = malloc((s->n ? s->n : 1) * sizeof *names);
    if (!names)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *nm = s->g[i].name;
        if (prefix && strncmp(nm, prefix, strlen(prefix)) != 0)
            continue;
        if (pattern && !contains(nm, pattern, strlen(pattern)))
            continue;
        if (token && strcmp(nm, token) <= 0)
            continue;
        names[n++] = nm;
    }
    qsort(names, n, sizeof *names, str_ptr_cmp);
    const char *region = call && call->region ? call->region : "us-east-1";
    json_t *groups = json_array();
    size_t count = n > (size_t)limit ? (size_t)limit : n;
    for (size_t i = 0; i < count; i++) {
        log_group *g = group_find(s, names[i]);
        int64_t bytes = 0;
        for (size_t j = 0; j < g->n; j++)
            bytes += g->st[j].bytes;
        char arn[800];
        (void)snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s", region, EMU_ACCOUNT,
                       g->name);
        json_t *o =
            json_pack("{s:s, s:I, s:i, s:I, s:s, s:s}", "logGroupName", g->name, "creationTime",
                      (json_int_t)g->created, "metricFilterCount", 0, "storedBytes",
                      (json_int_t)bytes, "logGroupClass", "STANDARD", "logGroupArn", arn);
        strncat(arn, ":*", sizeof arn - strlen(arn) - 1);
        json_object_set_new(o, "arn", json_string(arn));
        json_array_append_new(groups, o);
    }
    *output = json_pack("{s:o}", "logGroups", groups);
    if (count < n)
        json_object_set_new(*output, "nextToken", json_string(names[count - 1]));
    free(names);
    return 0;
}

typedef struct stream_ref {
    const log_stream *st;
    int64_t last;
} stream_ref;

static int stream_name_cmp(const void *a, const void *b)
{
    const stream_ref *x = a, *y = b;
    return strcmp(x->st->name, y->st->name);
}

static int stream_time_cmp(const void *a, const void *b)
{
    const stream_ref *x = a, *y = b;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return strcmp(x->st->name, y->st->name);
}

static int logs_describe_log_streams(emu *e, const emu_call *call, json_t *input, json_t **output,
                                     emu_error *err)
{
    settle_producers(e);
    logs_state *s = logs_get(e);
    if (!s)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    log_group *g;
    const char *prefix, *order, *token;
    json_int_t limit = LOGS_DESCRIBE_LIMIT;
    bool has_limit, descending = false;
    if (group_arg(s, input, &g, err) || opt_string(input, "logStreamNamePrefix", &prefix, err) ||
        opt_string(input, "orderBy", &order, err) || opt_string(input, "nextToken", &token, err) ||
        opt_bool(input, "descending", &descending, err) ||
        opt_int(input, "limit", 1, LOGS_DESCRIBE_LIMIT, &limit, &has_limit, err))
        return -1;
    bool by_time = false;
    if (order) {
        if (strcmp(order, "LastEventTime") == 0)
            by_time = true;
        else if (strcmp(order, "LogStreamName") != 0)
            return emu_fail(err, 400, "InvalidParameterException",
                            "1 validation error detected: Value '%s' at 'orderBy' failed to "
                            "satisfy constraint: Member must satisfy enum value set: "
                            "[LogStreamName, LastEventTime]",
                            order);
    }
    if (by_time && prefix)
        return emu_fail(err, 400, "InvalidParameterException",
                        "Cannot order by LastEventTime with a logStreamNamePrefix.");
    size_t skip = 0;
    if (token) {
        char *endp = NULL;
        errno = 0;
        unsigned long long v = strncmp(token, "ds/", 3) == 0 && isdigit((unsigned char)token[3])
                                   ? strtoull(token + 3, &endp, 10)
                                   : 0;
        if (!endp || *endp || errno || v > SIZE_MAX)
            return emu_fail(err, 400, "InvalidParameterException",
                            "The specified nextToken is invalid.");
        skip = (size_t)v;
    }
    stream_ref *refs = malloc((g->n ? g->n : 1) * sizeof *refs);
    if (!refs)
        return emu_fail(err, 500, "ServiceUnavailableException", "Out of memory.");
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const log_stream *st = &g->st[i];
        if (prefix && strncmp(st->name, prefix, strlen(prefix)) != 0)
            continue;
        refs[n++] = (stream_ref){st, st->n ? st->ev[st->n - 1].ts : st->created};
    }
    qsort(refs, n, sizeof *refs, by_time ? stream_time_cmp : stream_name_cmp);
    if (descending)
        for (size_t i = 0; i < n / 2; i++) {
            stream_ref t = refs[i];
            refs[i] = refs[n - 1 - i];
            refs[n - 1 - i] = t;
        }
    const char *region = call && call->region ? call->region : "us-east-1";
    json_t *streams = json_array();
    size_t stop = skip < n ? (n - skip > (size_t)limit ? skip + (size_t)limit : n) : skip;
    for (size_t i = skip; i < stop; i++) {
        const log_stream *st = refs[i].st;
        char arn[1200];
        (void)snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:log-stream:%s", region,
                       EMU_ACCOUNT, g->name, st->name);
        json_t *o = json_pack("{s:s, s:I, s:s, s:I}", "logStreamName", st->name, "creationTime",
                              (json_int_t)st->created, "arn", arn, "storedBytes", (json_int_t)0);
        if (st->n) {
            int64_t last_ingest = 0;
            for (size_t k = 0; k < st->n; k++)
                if (st->ev[k].ingest > last_ingest)
                    last_ingest = st->ev[k].ingest;
            json_object_set_new(o, "firstEventTimestamp", json_integer(st->ev[0].ts));
            json_object_set_new(o, "lastEventTimestamp", json_integer(st->ev[st->n - 1].ts));
            json_object_set_new(o, "lastIngestionTime", json_integer(last_ingest));
        }
        json_array_append_new(streams, o);
    }
    free(refs);
    *output = json_pack("{s:o}", "logStreams", streams);
    if (stop < n) {
        char next[32];
        (void)snprintf(next, sizeof next, "ds/%zu", stop);
        json_object_set_new(*output, "nextToken", json_string(next));
    }
    return 0;
}

const emu_json_op emu_logs_ops[] = {
    {"GetLogEvents", logs_get_log_events},
    {"FilterLogEvents", logs_filter_log_events},
    {"DescribeLogGroups", logs_describe_log_groups},
    {"DescribeLogStreams", logs_describe_log_streams},
    {NULL, NULL},
};
