/* The raw request parser behind `awsorch sign`. */
#include <criterion/criterion.h>
#include <string.h>
#include <strings.h>

#include "rawhttp.h"

static rawhttp_request req;
static char err[256];

static bool parse(const char *text)
{
    return rawhttp_parse(&req, text, strlen(text), err, sizeof(err));
}

static void teardown(void)
{
    rawhttp_free(&req);
}

TestSuite(rawhttp, .fini = teardown);

static const char *header_value(const char *name)
{
    static char buf[512];
    for (size_t i = 0; i < req.header_count; i++) {
        if (req.headers[i].name_len == strlen(name) &&
            strncasecmp(req.headers[i].name, name, req.headers[i].name_len) == 0) {
            memcpy(buf, req.headers[i].value, req.headers[i].value_len);
            buf[req.headers[i].value_len] = '\0';
            return buf;
        }
    }
    return NULL;
}

Test(rawhttp, crlf_with_body)
{
    cr_assert(parse("POST /p?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"), "%s", err);
    cr_expect_str_eq(req.method, "POST");
    cr_expect_eq(req.path_len, 2);
    cr_expect_eq(req.query_len, 3);
    cr_expect_str_eq(req.eol, "\r\n");
    cr_expect_str_eq(header_value("host"), " h");
    cr_expect_eq(req.body_len, 3);
    cr_expect_eq(memcmp(req.body, "abc", 3), 0);
}

Test(rawhttp, lf_without_final_blank_line)
{
    cr_assert(parse("GET / HTTP/1.1\nHost:h"), "%s", err);
    cr_expect_eq(req.header_count, 1);
    cr_expect_eq(req.body_len, 0);
    cr_expect_str_eq(req.eol, "\n");
}

Test(rawhttp, raw_spaces_and_utf8_in_target)
{
    cr_assert(parse("GET /a b/\xe1\x88\xb4?x=y z HTTP/1.1\nHost:h\n"), "%s", err);
    cr_expect_str_eq(req.target, "/a b/\xe1\x88\xb4?x=y z");
    cr_expect_eq(req.path_len, strlen("/a b/\xe1\x88\xb4"));
    cr_expect_eq(req.query_len, 5);
}

Test(rawhttp, folded_header_values)
{
    cr_assert(parse("GET / HTTP/1.1\r\nHost:h\r\nX-A:one\r\n  two\r\n\tthree\r\nX-B: b\r\n\r\n"),
              "%s", err);
    cr_expect_str_eq(header_value("x-a"), "one\n  two\n\tthree");
    cr_expect_str_eq(header_value("x-b"), " b");
}

Test(rawhttp, absolute_target_gives_the_host)
{
    cr_assert(parse("GET https://sts.amazonaws.com?Action=GetCallerIdentity HTTP/1.1\n"), "%s",
              err);
    cr_expect_str_eq(header_value("host"), "sts.amazonaws.com");
    cr_expect_eq(req.path_len, 1);
    cr_expect_eq(req.path[0], '/');
    cr_expect_eq(req.query_len, strlen("Action=GetCallerIdentity"));
}

Test(rawhttp, content_length_trims_a_stray_line_break)
{
    cr_assert(parse("PUT / HTTP/1.1\nHost:h\nContent-Length: 2\n\nab\n"), "%s", err);
    cr_expect_eq(req.body_len, 2);
}

Test(rawhttp, errors_name_the_problem)
{
    static const char *const bad[][2] = {
        {"", "empty"},
        {"GET /\n", "request line"},
        {" / HTTP/1.1\nHost:h\n", "request line"},
        {"GET / SPDY/3\nHost:h\n", "HTTP version"},
        {"GET nopath HTTP/1.1\nHost:h\n", "'/'"},
        {"GET /#frag HTTP/1.1\nHost:h\n", "fragment"},
        {"GET / HTTP/1.1\nHost h\n", "no ':'"},
        {"GET / HTTP/1.1\n: v\nHost:h\n", "empty name"},
        {"GET / HTTP/1.1\nBad Name: v\nHost:h\n", "name"},
        {"GET / HTTP/1.1\n  cont\nHost:h\n", "continuation"},
        {"GET / HTTP/1.1\nX: 1\n", "Host"},
        {"GET / HTTP/1.1\nHost:h\nContent-Length: x\n\n", "not a number"},
        {"GET / HTTP/1.1\nHost:h\nContent-Length: 99\n\nab", "Content-Length says 99"},
        {"PUT / HTTP/1.1\nHost:h\nContent-Length: 1\n\nab", "Content-Length says 1"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_expect_not(parse(bad[i][0]), "case %zu parsed", i);
        cr_expect_not_null(strstr(err, bad[i][1]), "case %zu: '%s' lacks '%s'", i, err, bad[i][1]);
        rawhttp_free(&req);
    }
}

Test(rawhttp, nul_bytes_are_refused)
{
    const char text[] = "GET / HTTP/1.1\nHost:h\nX-A: a\0b\n";
    cr_expect_not(rawhttp_parse(&req, text, sizeof(text) - 1, err, sizeof(err)));
    cr_expect_not_null(strstr(err, "NUL"), "%s", err);
}
