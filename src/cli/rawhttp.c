#include "rawhttp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool fail(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return false;
}

/* Splits the header part into lines: p is advanced past the line and its end. */
static bool next_line(char **p, char *end, char **line, size_t *line_len, bool *had_crlf)
{
    if (*p >= end) {
        return false;
    }
    char *nl = memchr(*p, '\n', (size_t)(end - *p));
    char *stop = nl ? nl : end;
    *line = *p;
    *line_len = (size_t)(stop - *p);
    *had_crlf = *line_len > 0 && (*line)[*line_len - 1] == '\r';
    if (*had_crlf) {
        (*line_len)--;
    }
    *p = nl ? nl + 1 : end;
    return true;
}

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool parse_request_line(rawhttp_request *r, char *line, size_t len, char *err,
                               size_t err_len)
{
    line[len] = '\0';
    char *sp1 = strchr(line, ' ');
    char *sp2 = strrchr(line, ' ');
    if (len == 0) {
        return fail(err, err_len, "bad request line: the request is empty");
    }
    if (sp1 == NULL || sp1 == sp2) {
        return fail(err, err_len, "bad request line '%.80s': expected 'METHOD TARGET HTTP/1.1'",
                    line);
    }
    *sp1 = '\0';
    *sp2 = '\0';
    r->method = line;
    r->target = sp1 + 1;
    r->version = sp2 + 1;
    for (char *m = r->method; *m; m++) {
        if (!is_tchar((unsigned char)*m)) {
            return fail(err, err_len, "bad request line: method '%.40s' is not a token", r->method);
        }
    }
    if (r->method[0] == '\0') {
        return fail(err, err_len, "bad request line: it starts with a space");
    }
    if (strncmp(r->version, "HTTP/", 5) != 0) {
        return fail(err, err_len, "bad request line: '%.40s' is not an HTTP version", r->version);
    }
    if (r->target[0] == '\0') {
        return fail(err, err_len, "bad request line: the target is empty");
    }
    return true;
}

/* Origin form "/p?q" or absolute form "https://host/p?q"; returns the
 * authority of an absolute target in host/host_len. */
static bool split_target(rawhttp_request *r, char *copy, char **host, size_t *host_len, char *err,
                         size_t err_len)
{
    *host = NULL;
    *host_len = 0;
    char *t = copy;
    char *scheme_end = strstr(t, "://");
    if (t[0] != '/' && scheme_end != NULL) {
        char *authority = scheme_end + 3;
        char *slash = authority + strcspn(authority, "/?");
        *host = authority;
        *host_len = (size_t)(slash - authority);
        if (*host_len == 0) {
            return fail(err, err_len, "bad request target '%.80s': no host", r->target);
        }
        if (*slash == '\0' || *slash == '?') {
            /* "https://host?q" has the path "/": shift to make room for it */
            size_t rest = strlen(slash);
            memmove(slash + 1, slash, rest + 1);
            *slash = '/';
        }
        t = slash;
    } else if (t[0] != '/') {
        return fail(err, err_len, "bad request target '%.80s': expected a path starting with '/'",
                    r->target);
    }
    char *hash = strchr(t, '#');
    if (hash != NULL) {
        return fail(err, err_len, "bad request target: a fragment ('#') is never sent");
    }
    char *q = strchr(t, '?');
    r->path = t;
    if (q != NULL) {
        r->path_len = (size_t)(q - t);
        r->query = q + 1;
        r->query_len = strlen(q + 1);
    } else {
        r->path_len = strlen(t);
    }
    return true;
}

static bool add_header(rawhttp_request *r, size_t *cap, rawhttp_header h)
{
    if (r->header_count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        rawhttp_header *n = realloc(r->headers, ncap * sizeof(*n));
        if (n == NULL) {
            return false;
        }
        r->headers = n;
        *cap = ncap;
    }
    r->headers[r->header_count++] = h;
    return true;
}

static bool has_header(const rawhttp_request *r, const char *name)
{
    for (size_t i = 0; i < r->header_count; i++) {
        if (r->headers[i].name_len == strlen(name) &&
            strncasecmp(r->headers[i].name, name, r->headers[i].name_len) == 0) {
            return true;
        }
    }
    return false;
}

static bool check_content_length(rawhttp_request *r, char *err, size_t err_len)
{
    for (size_t i = 0; i < r->header_count; i++) {
        rawhttp_header *h = &r->headers[i];
        if (h->name_len != 14 || strncasecmp(h->name, "content-length", 14) != 0) {
            continue;
        }
        unsigned long long n = 0;
        size_t j = 0;
        while (j < h->value_len && (h->value[j] == ' ' || h->value[j] == '\t')) {
            j++;
        }
        size_t digits = 0;
        for (; j < h->value_len && h->value[j] >= '0' && h->value[j] <= '9'; j++, digits++) {
            if (n > (~0ULL - 9) / 10) {
                return fail(err, err_len, "Content-Length is too large");
            }
            n = n * 10 + (unsigned long long)(h->value[j] - '0');
        }
        while (j < h->value_len && (h->value[j] == ' ' || h->value[j] == '\t')) {
            j++;
        }
        if (digits == 0 || j != h->value_len) {
            return fail(err, err_len, "Content-Length '%.*s' is not a number",
                        (int)(h->value_len > 40 ? 40 : h->value_len), h->value);
        }
        /* Captures often end with a stray line break after the body; anything
         * else that disagrees with Content-Length is refused, not guessed at. */
        size_t extra = n <= r->body_len ? r->body_len - (size_t)n : 0;
        const char *tail = r->body + r->body_len - extra;
        bool stray_eol =
            (extra == 1 && tail[0] == '\n') || (extra == 2 && tail[0] == '\r' && tail[1] == '\n');
        if (n > r->body_len || (extra > 0 && !stray_eol)) {
            return fail(err, err_len, "the body has %zu bytes but Content-Length says %llu",
                        r->body_len, n);
        }
        r->body_len = (size_t)n;
    }
    return true;
}

/* Parses into out; on failure the caller frees, after the message (which may
 * quote the request) has been written. */
static bool parse_into(rawhttp_request *out, const char *data, size_t len, char *err,
                       size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (data == NULL) {
        return fail(err, err_len, "no request");
    }
    /* storage: the request, then a copy of the target (with room for an
     * inserted '/'), then synthesized header lines */
    size_t extra = len + 8 + 2 * len;
    out->storage = malloc(len + extra + 1);
    if (out->storage == NULL) {
        return fail(err, err_len, "out of memory");
    }
    memcpy(out->storage, data, len);
    out->storage[len] = '\0';
    char *p = out->storage;
    char *end = out->storage + len;
    char *spare = out->storage + len + 1;

    char *line;
    size_t line_len;
    bool crlf;
    if (!next_line(&p, end, &line, &line_len, &crlf)) {
        return fail(err, err_len, "bad request line: the request is empty");
    }
    out->eol = crlf ? "\r\n" : "\n";
    if (memchr(line, '\0', line_len) != NULL) {
        return fail(err, err_len, "bad request line: it contains a NUL byte");
    }
    if (!parse_request_line(out, line, line_len, err, err_len)) {
        return false;
    }
    char *target_copy = spare;
    size_t tlen = strlen(out->target);
    memcpy(target_copy, out->target, tlen + 1);
    spare += tlen + 2;
    char *host;
    size_t host_len;
    if (!split_target(out, target_copy, &host, &host_len, err, err_len)) {
        return false;
    }

    size_t cap = 0;
    size_t lineno = 1;
    bool ended = false;
    while (next_line(&p, end, &line, &line_len, &crlf)) {
        lineno++;
        if (line_len == 0) {
            ended = true;
            break;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            if (out->header_count == 0) {
                return fail(err, err_len, "line %zu: a continuation line before any header",
                            lineno);
            }
            /* obs-fold: the value grows to cover this line; the line break stays
             * and the signer folds it into one space. */
            rawhttp_header *h = &out->headers[out->header_count - 1];
            h->value_len = (size_t)(line + line_len - h->value);
            h->line_len = (size_t)(line + line_len - h->line);
            continue;
        }
        char *colon = memchr(line, ':', line_len);
        if (colon == NULL) {
            return fail(err, err_len, "line %zu: header '%.*s' has no ':'", lineno,
                        (int)(line_len > 60 ? 60 : line_len), line);
        }
        if (colon == line) {
            return fail(err, err_len, "line %zu: header has an empty name", lineno);
        }
        for (char *c = line; c < colon; c++) {
            if (!is_tchar((unsigned char)*c)) {
                return fail(err, err_len,
                            "line %zu: header name '%.*s' has a character a name cannot have",
                            lineno, (int)(colon - line > 60 ? 60 : colon - line), line);
            }
        }
        rawhttp_header h = {line,      (size_t)(colon - line),
                            colon + 1, (size_t)(line + line_len - colon - 1),
                            line,      line_len,
                            false};
        if (!add_header(out, &cap, h)) {
            return fail(err, err_len, "out of memory");
        }
    }
    /* Folded values keep their line ends as '\n'; a CR before it is dropped so
     * the value holds only obs-fold whitespace. */
    for (size_t i = 0; i < out->header_count; i++) {
        rawhttp_header *h = &out->headers[i];
        size_t w = 0;
        for (size_t j = 0; j < h->value_len; j++) {
            if (!(h->value[j] == '\r' && j + 1 < h->value_len && h->value[j + 1] == '\n')) {
                h->value[w++] = h->value[j];
            }
        }
        h->line_len -= h->value_len - w;
        h->value_len = w;
        /* the line and the value overlap: compact the line the same way */
        if (memchr(h->value, '\0', h->value_len) != NULL) {
            return fail(err, err_len, "header '%.*s' contains a NUL byte",
                        (int)(h->name_len > 60 ? 60 : h->name_len), h->name);
        }
    }
    if (ended) {
        out->body = p;
        out->body_len = (size_t)(end - p);
    } else {
        out->body = end;
        out->body_len = 0;
    }
    if (host != NULL && !has_header(out, "host")) {
        int n = snprintf(spare, (size_t)(out->storage + len + 1 + extra - spare), "Host:%.*s",
                         (int)host_len, host);
        rawhttp_header h = {spare, 4, spare + 5, host_len, spare, (size_t)n, true};
        if (!add_header(out, &cap, h)) {
            return fail(err, err_len, "out of memory");
        }
    }
    if (!has_header(out, "host")) {
        return fail(err, err_len, "the request has no Host header");
    }
    if (!check_content_length(out, err, err_len)) {
        return false;
    }
    return true;
}

bool rawhttp_parse(rawhttp_request *out, const char *data, size_t len, char *err, size_t err_len)
{
    if (!parse_into(out, data, len, err, err_len)) {
        rawhttp_free(out);
        return false;
    }
    return true;
}

void rawhttp_free(rawhttp_request *req)
{
    if (req == NULL) {
        return;
    }
    free(req->headers);
    free(req->storage);
    memset(req, 0, sizeof(*req));
}
