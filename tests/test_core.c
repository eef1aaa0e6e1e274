/* The core layer: error record, logging, buffers, time, hex, INI files. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "awsorch/core.h"
#include "core/internal.h"
#include "core/json.h"
#include "core/xml.h"
#include "helpers.h"

static void *fail_in_thread(void *arg)
{
    (void)arg;
    /* A new thread starts with a clean record and does not see main's. */
    bool clean = awsorch_error_last()->status == AWSORCH_OK;
    awsorch__fail(AWSORCH_E_TIMEOUT, "thread");
    return clean ? (void *)1 : NULL;
}

Test(error, record_is_per_thread)
{
    awsorch__fail(AWSORCH_E_PARSE, "main %d", 1);
    pthread_t t;
    void *clean = NULL;
    cr_assert_eq(pthread_create(&t, NULL, fail_in_thread, NULL), 0);
    pthread_join(t, &clean);
    cr_expect_not_null(clean, "a new thread saw another thread's error");
    cr_expect_eq(awsorch_error_last()->status, AWSORCH_E_PARSE);
    cr_expect_str_eq(awsorch_error_last()->message, "main 1");
    awsorch_error_clear();
    cr_expect_eq(awsorch_error_last()->status, AWSORCH_OK);
    cr_expect_str_eq(awsorch_error_last()->message, "");
}

Test(error, every_status_has_a_description)
{
    for (int s = AWSORCH_OK; s <= AWSORCH_E_INTERNAL; s++) {
        cr_expect_str_neq(awsorch_strerror((awsorch_status)s), "unknown status", "status %d", s);
    }
    cr_expect_str_eq(awsorch_strerror((awsorch_status)999), "unknown status");
    cr_expect_str_eq(awsorch_version(), AWSORCH_VERSION_STRING);
}

static char last_line[256];
static int lines;

static void capture(awsorch_log_level level, const char *line, void *userdata)
{
    (void)level;
    (void)userdata;
    (void)snprintf(last_line, sizeof(last_line), "%s", line);
    lines++;
}

Test(log, off_by_default_and_filtered_by_level)
{
    awsorch__log(AWSORCH_LOG_ERROR, "nobody listens");
    cr_expect_eq(lines, 0);
    awsorch_log_set(AWSORCH_LOG_INFO, capture, NULL);
    awsorch__log(AWSORCH_LOG_DEBUG, "too detailed");
    cr_expect_eq(lines, 0);
    awsorch__log(AWSORCH_LOG_WARN, "kept %d", 7);
    cr_expect_eq(lines, 1);
    cr_expect_str_eq(last_line, "kept 7");
    awsorch_log_set(AWSORCH_LOG_OFF, NULL, NULL);
    awsorch__log(AWSORCH_LOG_ERROR, "off again");
    cr_expect_eq(lines, 1);
}

Test(log, secret_headers_are_recognised)
{
    cr_expect(awsorch__header_is_secret("Authorization", 13));
    cr_expect(awsorch__header_is_secret("X-AMZ-SECURITY-TOKEN", 20));
    cr_expect_not(awsorch__header_is_secret("X-Amz-Date", 10));
}

Test(buf, grows_and_stays_terminated)
{
    awsorch_buf b = AWSORCH_BUF_INIT;
    for (int i = 0; i < 1000; i++) {
        cr_assert_eq(awsorch_buf_puts(&b, "abc"), AWSORCH_OK);
    }
    cr_expect_eq(b.len, 3000);
    cr_expect_eq(b.data[3000], '\0');
    cr_expect_eq(awsorch_buf_append(&b, NULL, 0), AWSORCH_OK);
    cr_expect_eq(awsorch_buf_reserve(&b, SIZE_MAX), AWSORCH_E_NOMEM);
    awsorch_buf_free_secret(&b);
    cr_expect_null(b.data);
    cr_expect_eq(b.len, 0);
}

Test(time, formats)
{
    char out[AWSORCH_TIME_BUF];
    cr_assert_eq(
        awsorch_time_format_epoch(1440938160, AWSORCH_TIME_ISO8601_BASIC, out, sizeof(out)),
        AWSORCH_OK);
    cr_expect_str_eq(out, "20150830T123600Z");
    awsorch_time_format_epoch(1440938160, AWSORCH_TIME_ISO8601_EXTENDED, out, sizeof(out));
    cr_expect_str_eq(out, "2015-08-30T12:36:00Z");
    awsorch_time_format_epoch(951782400, AWSORCH_TIME_DATE_BASIC, out, sizeof(out));
    cr_expect_str_eq(out, "20000229");
    awsorch_time_format_epoch(-1, AWSORCH_TIME_ISO8601_EXTENDED, out, sizeof(out));
    cr_expect_str_eq(out, "1969-12-31T23:59:59Z");
    awsorch_time_format_epoch(4102444800LL, AWSORCH_TIME_ISO8601_BASIC, out, sizeof(out));
    cr_expect_str_eq(out, "21000101T000000Z");
    cr_expect_eq(awsorch_time_format_epoch(0, AWSORCH_TIME_ISO8601_BASIC, out, 5),
                 AWSORCH_E_BUFFER_TOO_SMALL);
    cr_expect_eq(awsorch_time_format_epoch(INT64_MAX, AWSORCH_TIME_ISO8601_BASIC, out, sizeof(out)),
                 AWSORCH_E_INVALID_ARG);
}

Test(time, parses_both_forms_and_refuses_nonsense)
{
    int64_t t = 0;
    cr_expect_eq(awsorch_time_parse("20150830T123600Z", &t), AWSORCH_OK);
    cr_expect_eq(t, 1440938160);
    cr_expect_eq(awsorch_time_parse("2015-08-30T12:36:00.123Z", &t), AWSORCH_OK);
    cr_expect_eq(t, 1440938160);
    cr_expect_eq(awsorch_time_parse("2015-08-30T14:36:00+02:00", &t), AWSORCH_OK);
    cr_expect_eq(t, 1440938160);
    cr_expect_eq(awsorch_time_parse("2015-08-30T07:36:00-0500", &t), AWSORCH_OK);
    cr_expect_eq(t, 1440938160);
    cr_expect_eq(awsorch_time_parse("2015-08-30T12:36:00UTC", &t), AWSORCH_OK);
    cr_expect_eq(t, 1440938160);
    cr_expect_eq(awsorch_time_parse("2000-02-29T00:00:00Z", &t), AWSORCH_OK);
    cr_expect_eq(t, 951782400);
    static const char *const bad[] = {"",
                                      "2015-08-30",
                                      "20150830T123600",
                                      "2015-02-29T00:00:00Z",
                                      "1900-02-29T00:00:00Z",
                                      "2015-13-01T00:00:00Z",
                                      "2015-08-30T24:00:00Z",
                                      "2015-08-30T12:36:00+01",
                                      "2015-08-30T12:36:00+24:00",
                                      "2015-08-30T12:36:00.Z",
                                      "20150830T123600Zjunk"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_expect_eq(awsorch_time_parse(bad[i], &t), AWSORCH_E_PARSE, "'%s' parsed", bad[i]);
    }
}

Test(hex, encodes_lowercase)
{
    char out[9];
    cr_expect_eq(awsorch_hex_encode("\x00\xab\xff\x10", 4, out, sizeof(out)), AWSORCH_OK);
    cr_expect_str_eq(out, "00abff10");
    cr_expect_eq(awsorch_hex_encode("\x00\xab\xff\x10", 4, out, 8), AWSORCH_E_BUFFER_TOO_SMALL);
}

Test(ini, sections_comments_subsections_and_last_value_wins)
{
    const char *path = tmp_file(0, "config",
                                "# comment\n"
                                "[default]\n"
                                "region = us-west-2\n"
                                "\n"
                                "[profile  dev]\r\n"
                                "; another comment\n"
                                "region=eu-west-1\n"
                                "s3 =\n"
                                "  addressing_style = path\n"
                                "  region = nowhere\n"
                                "output = json\n"
                                "region = eu-central-1\n"
                                "[profile other]\n"
                                "region = ap-south-1\n");
    awsorch__ini_section sec;
    bool found = false;
    cr_assert_eq(awsorch__ini_load(&sec, &found, path, "profile dev"), AWSORCH_OK);
    cr_expect(found);
    cr_expect_str_eq(awsorch__ini_get(&sec, "region"), "eu-central-1");
    cr_expect_str_eq(awsorch__ini_get(&sec, "output"), "json");
    cr_expect_null(awsorch__ini_get(&sec, "addressing_style"));
    cr_expect_str_eq(awsorch__ini_get(&sec, "s3.addressing_style"), "path");
    cr_expect_str_eq(awsorch__ini_get(&sec, "s3.region"), "nowhere");
    awsorch__ini_free(&sec);
    cr_assert_eq(awsorch__ini_load(&sec, &found, "/nonexistent/config", "default"), AWSORCH_OK);
    cr_expect_not(found);
    awsorch__ini_free(&sec);
}

Test(ini, malformed_lines_name_file_and_line)
{
    const char *path = tmp_file(1, "bad", "[default]\nregion us-east-1\n");
    awsorch__ini_section sec;
    bool found = false;
    cr_expect_eq(awsorch__ini_load(&sec, &found, path, "default"), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, ":2:"), "%s",
                       awsorch_error_last()->message);
}

Test(json, string_member_and_parse_errors)
{
    json_t *doc = NULL;
    const char *text = "{\"Code\":\"ThrottlingException\",\"n\":1}";
    cr_assert_eq(awsorch__json_parse(&doc, text, strlen(text), "reply"), AWSORCH_OK);
    cr_expect_str_eq(awsorch__json_string(doc, "Code"), "ThrottlingException");
    cr_expect_null(awsorch__json_string(doc, "n"), "a number is not a string");
    cr_expect_null(awsorch__json_string(doc, "missing"));
    json_decref(doc);
    cr_expect_eq(awsorch__json_parse(&doc, "{\"a\":", 5, "the reply"), AWSORCH_E_PARSE);
    cr_expect_null(doc);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "the reply is not valid JSON"));
    cr_expect_eq(awsorch__json_parse(&doc, "{\"a\":1,\"a\":2}", 13, "reply"), AWSORCH_E_PARSE,
                 "duplicate keys are ambiguous and refused");
}

Test(xml, text_at_a_path)
{
    const char *text = "<ErrorResponse><Error><Code>ExpiredToken</Code>"
                       "<Message>The token &amp; more</Message></Error></ErrorResponse>";
    xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), NULL, NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    char *code = awsorch__xml_text_at(root, "Error/Code");
    char *msg = awsorch__xml_text_at(root, "Error/Message");
    cr_expect_str_eq(code, "ExpiredToken");
    cr_expect_str_eq(msg, "The token & more");
    cr_expect_null(awsorch__xml_text_at(root, "Error/RequestId"));
    cr_expect_null(awsorch__xml_text_at(root, "Error//Code"));
    free(code);
    free(msg);
    xmlFreeDoc(doc);
}
