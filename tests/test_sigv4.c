/* The SigV4 rules, one at a time, and the examples of the AWS documentation. */
#include <criterion/criterion.h>
#include <string.h>

#include "awsorch/sigv4.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_20150830 1440938160 /* 2015-08-30T12:36:00Z */
#define T_20130524 1369353600 /* 2013-05-24T00:00:00Z */

static char scratch[1 << 16];
static awsorch_sigv4_result res;

typedef struct hv {
    const char *name;
    const char *value;
} hv;

static awsorch_sigv4_params params_for(const char *service)
{
    awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
    p.region = "us-east-1";
    p.service = service;
    p.access_key_id = AKID;
    p.secret_access_key = SECRET;
    p.time_s = T_20150830;
    return p;
}

static awsorch_status sign_req(const char *method, const char *path, const char *query,
                               const hv *headers, size_t n, const char *body,
                               const awsorch_sigv4_params *p)
{
    awsorch_sigv4_header h[16];
    cr_assert(n <= 16);
    for (size_t i = 0; i < n; i++) {
        h[i].name = (awsorch_sigv4_str){headers[i].name, strlen(headers[i].name)};
        h[i].value = (awsorch_sigv4_str){headers[i].value, strlen(headers[i].value)};
    }
    awsorch_sigv4_request r = AWSORCH_SIGV4_REQUEST_INIT;
    r.method = method;
    r.path = (awsorch_sigv4_str){path, strlen(path)};
    r.query = (awsorch_sigv4_str){query, query ? strlen(query) : 0};
    r.headers = h;
    r.header_count = n;
    r.body = body;
    r.body_len = body ? strlen(body) : 0;
    return awsorch_sigv4_sign(&res, &r, p, scratch, sizeof(scratch));
}

static bool contains(awsorch_sigv4_str hay, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= hay.len; i++) {
        if (memcmp(hay.ptr + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static const hv host_only[] = {{"Host", "example.amazonaws.com"}};

/* The line of the canonical request with index `line` (0-based), NUL-terminated. */
static const char *cr_line(int line)
{
    static char buf[4096];
    const char *p = res.canonical_request.ptr;
    const char *end = p + res.canonical_request.len;
    for (int i = 0; i < line; i++) {
        p = memchr(p, '\n', (size_t)(end - p));
        cr_assert_not_null(p, "canonical request has no line %d", line);
        p++;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    cr_assert(n < sizeof(buf));
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static const char *canonical_uri_of(const char *path, unsigned flags, const char *service)
{
    awsorch_sigv4_params p = params_for(service);
    p.flags = flags;
    cr_assert_eq(sign_req("GET", path, NULL, host_only, 1, NULL, &p), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    return cr_line(1);
}

Test(docs, signing_key_derivation)
{
    /* "Examples of how to derive a signing key for Signature Version 4", AWS docs. */
    unsigned char key[32];
    char hex[65];
    cr_assert_eq(awsorch_sigv4_derive_key(key, SECRET, "20120215", "us-east-1", "iam"), AWSORCH_OK);
    awsorch_hex_encode(key, 32, hex, sizeof(hex));
    cr_expect_str_eq(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

Test(docs, iam_list_users)
{
    /* The IAM ListUsers example of the SigV4 documentation. */
    awsorch_sigv4_params p = params_for("iam");
    hv h[] = {{"Host", "iam.amazonaws.com"},
              {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    cr_assert_eq(sign_req("GET", "/", "Action=ListUsers&Version=2010-05-08", h, 2, NULL, &p),
                 AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

Test(docs, s3_get_object_with_range)
{
    /* "Example: GET Object" of the S3 SigV4 header-signing documentation. */
    awsorch_sigv4_params p = params_for("s3");
    p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    p.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    p.time_s = T_20130524;
    hv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
    cr_assert_eq(sign_req("GET", "/test.txt", NULL, h, 2, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    cr_expect_eq(res.signed_headers.len, strlen("host;range;x-amz-content-sha256;x-amz-date"));
}

Test(docs, s3_presigned_url)
{
    /* The presigned-URL example of the S3 query-string authentication documentation. */
    awsorch_sigv4_params p = params_for("s3");
    p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    p.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    p.time_s = T_20130524;
    p.mode = AWSORCH_SIGV4_QUERY;
    p.expires_s = 86400;
    hv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    cr_assert_eq(sign_req("GET", "/test.txt", NULL, h, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    cr_expect_str_eq(cr_line(6), "UNSIGNED-PAYLOAD");
}

static awsorch_sigv4_params s3_doc_params(void)
{
    awsorch_sigv4_params p = params_for("s3");
    p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    p.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    p.time_s = T_20130524;
    return p;
}

Test(docs, s3_put_object)
{
    /* "Example: PUT Object" of the S3 SigV4 header-signing documentation. */
    awsorch_sigv4_params p = s3_doc_params();
    hv h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
              {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
              {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    cr_assert_eq(sign_req("PUT", "/test%24file.text", NULL, h, 3, "Welcome to Amazon S3.", &p),
                 AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

Test(docs, s3_get_bucket_lifecycle)
{
    awsorch_sigv4_params p = s3_doc_params();
    hv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    cr_assert_eq(sign_req("GET", "/", "lifecycle", h, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

Test(docs, s3_list_objects)
{
    awsorch_sigv4_params p = s3_doc_params();
    hv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    cr_assert_eq(sign_req("GET", "/", "max-keys=2&prefix=J", h, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

Test(uri, normalized_for_most_services)
{
    cr_expect_str_eq(canonical_uri_of("/a/./b/../c//d/", 0, "states"), "/a/c/d/");
    cr_expect_str_eq(canonical_uri_of("/a/b/..", 0, "states"), "/a");
    cr_expect_str_eq(canonical_uri_of("/..", 0, "states"), "/");
    cr_expect_str_eq(canonical_uri_of("//", 0, "states"), "/");
}

Test(uri, double_encoded_for_most_services)
{
    cr_expect_str_eq(canonical_uri_of("/a%20b/c:d", 0, "lambda"), "/a%2520b/c%3Ad");
    cr_expect_str_eq(
        canonical_uri_of("/2015-03-31/functions/arn%3Aaws%3Alambda/invocations", 0, "lambda"),
        "/2015-03-31/functions/arn%253Aaws%253Alambda/invocations");
}

Test(uri, s3_signs_the_path_as_sent)
{
    cr_expect_str_eq(canonical_uri_of("/bucket/a%20b/../c//d", 0, "s3"), "/bucket/a%20b/../c//d");
    cr_expect_str_eq(canonical_uri_of("/bucket/k+e=y", 0, "s3"), "/bucket/k+e=y");
    /* Verbatim even where the caller did not encode, as botocore and the CRT sign it. */
    cr_expect_str_eq(canonical_uri_of("/bucket/a b", 0, "s3"), "/bucket/a b");
    cr_expect_str_eq(canonical_uri_of("/x/%20", AWSORCH_SIGV4_S3_RULES, "custom"), "/x/%20");
}

Test(uri, no_normalize_still_double_encodes)
{
    cr_expect_str_eq(canonical_uri_of("/a/../b%2F", AWSORCH_SIGV4_NO_NORMALIZE_PATH, "states"),
                     "/a/../b%252F");
}

Test(query, sorted_by_key_then_value_and_encoded)
{
    awsorch_sigv4_params p = params_for("service");
    cr_assert_eq(sign_req("GET", "/", "b=2&a=z&a=y&c&A=1&%7e=~&sp=a%20b&plus=a+b&star=*", host_only,
                          1, NULL, &p),
                 AWSORCH_OK);
    cr_expect_str_eq(cr_line(2), "A=1&a=y&a=z&b=2&c=&plus=a%2Bb&sp=a%20b&star=%2A&~=~");
}

Test(query, empty_segments_are_ignored)
{
    awsorch_sigv4_params p = params_for("service");
    cr_assert_eq(sign_req("GET", "/", "&a=1&&b=&", host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(cr_line(2), "a=1&b=");
}

Test(headers, trimmed_collapsed_joined_sorted)
{
    awsorch_sigv4_params p = params_for("service");
    hv h[] = {{"Host", "example.amazonaws.com"},
              {"X-B", "  two   words\there \v\f"},
              {"x-a", "1"},
              {"X-A", "2"},
              {"X-Empty", ""}};
    cr_assert_eq(sign_req("GET", "/", NULL, h, 5, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(cr_line(3), "host:example.amazonaws.com");
    cr_expect_str_eq(cr_line(4), "x-a:1,2");
    cr_expect_str_eq(cr_line(5), "x-amz-date:20150830T123600Z");
    cr_expect_str_eq(cr_line(6), "x-b:two words here");
    cr_expect_str_eq(cr_line(7), "x-empty:");
    cr_expect_str_eq(cr_line(9), "host;x-a;x-amz-date;x-b;x-empty");
}

Test(headers, proxy_rewritten_headers_are_not_signed)
{
    awsorch_sigv4_params p = params_for("service");
    hv h[] = {{"Host", "h"},
              {"User-Agent", "curl/8"},
              {"Expect", "100-continue"},
              {"X-Amzn-Trace-Id", "Root=1"},
              {"Authorization", "old"},
              {"Connection", "keep-alive"}};
    cr_assert_eq(sign_req("PUT", "/", NULL, h, 6, "x", &p), AWSORCH_OK);
    cr_expect_eq(res.signed_headers.len, strlen("host;x-amz-date"));
    cr_expect_eq(memcmp(res.signed_headers.ptr, "host;x-amz-date", 15), 0);
}

Test(headers, host_is_required)
{
    awsorch_sigv4_params p = params_for("service");
    hv h[] = {{"X-A", "1"}};
    cr_expect_eq(sign_req("GET", "/", NULL, h, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "Host"));
}

Test(headers, injection_through_a_value_is_refused)
{
    awsorch_sigv4_params p = params_for("service");
    hv h[] = {{"Host", "h"}, {"X-A", "1\nX-Evil: 2"}};
    cr_expect_eq(sign_req("GET", "/", NULL, h, 2, NULL, &p), AWSORCH_E_PARSE);
    hv bad_name[] = {{"Host", "h"}, {"Bad Name", "1"}};
    cr_expect_eq(sign_req("GET", "/", NULL, bad_name, 2, NULL, &p), AWSORCH_E_PARSE);
}

Test(payload, hashes_body_or_uses_unsigned_or_given_hash)
{
    awsorch_sigv4_params p = params_for("service");
    cr_assert_eq(sign_req("POST", "/", NULL, host_only, 1, "Param1=value1", &p), AWSORCH_OK);
    cr_expect_eq(memcmp(res.payload_hash.ptr,
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", 64),
                 0);
    p.flags = AWSORCH_SIGV4_UNSIGNED_PAYLOAD;
    cr_assert_eq(sign_req("POST", "/", NULL, host_only, 1, "Param1=value1", &p), AWSORCH_OK);
    cr_expect_eq(res.payload_hash.len, 16);
    cr_expect_eq(memcmp(res.payload_hash.ptr, "UNSIGNED-PAYLOAD", 16), 0);
}

Test(payload, s3_always_adds_content_sha256)
{
    awsorch_sigv4_params p = params_for("s3");
    hv h[] = {{"Host", "b.s3.amazonaws.com"}, {"X-Amz-Content-Sha256", "stale"}};
    cr_assert_eq(sign_req("PUT", "/k", NULL, h, 2, "abc", &p), AWSORCH_OK);
    cr_expect_str_eq(cr_line(4),
                     "x-amz-content-sha256:"
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    int found = 0;
    for (size_t i = 0; i < res.add_header_count; i++) {
        found += res.add_headers[i].name.len == 20;
    }
    cr_expect_geq(found, 1);
}

Test(token, signed_or_added_after)
{
    awsorch_sigv4_params p = params_for("service");
    p.session_token = "TOKEN+/=";
    cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(cr_line(5), "x-amz-security-token:TOKEN+/=");
    char signed_sig[65];
    memcpy(signed_sig, res.signature, 65);
    p.flags = AWSORCH_SIGV4_OMIT_SESSION_TOKEN;
    cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_eq(strncmp(res.signed_headers.ptr, "host;x-amz-date", res.signed_headers.len), 0);
    cr_expect_str_neq(res.signature, signed_sig);
    cr_expect_eq(res.add_headers[0].name.len, 20, "the token header is still added");
    p.flags = 0;
    p.mode = AWSORCH_SIGV4_QUERY;
    cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_not_null(strstr(cr_line(2), "X-Amz-Security-Token=TOKEN%2B%2F%3D"));
}

Test(presign, expiry_limits)
{
    awsorch_sigv4_params p = params_for("service");
    p.mode = AWSORCH_SIGV4_QUERY;
    p.expires_s = 0;
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    p.expires_s = 604801;
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "7 days"));
    p.expires_s = 1;
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    p.expires_s = 604800;
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect(contains(res.presign_query, "X-Amz-Expires=604800&X-Amz-Signature="));
}

Test(presign, refuses_a_presigned_request)
{
    awsorch_sigv4_params p = params_for("service");
    p.mode = AWSORCH_SIGV4_QUERY;
    cr_expect_eq(sign_req("GET", "/", "X-Amz-Signature=abc", host_only, 1, NULL, &p),
                 AWSORCH_E_INVALID_ARG);
}

Test(input, malformed_is_refused_clearly)
{
    awsorch_sigv4_params p = params_for("service");
    cr_expect_eq(sign_req("GET", "/%G0", NULL, host_only, 1, NULL, &p), AWSORCH_E_PARSE);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "percent-encoding"));
    cr_expect_eq(sign_req("GET", "/", "a=%", host_only, 1, NULL, &p), AWSORCH_E_PARSE);
    cr_expect_eq(sign_req("GET", "noslash", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    cr_expect_eq(sign_req("G T", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    p.region = "us east";
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
    p = params_for("service");
    p.secret_access_key = "";
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_CREDENTIALS);
    p = params_for("service");
    p.version = 99;
    cr_expect_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_E_INVALID_ARG);
}

Test(input, scratch_too_small_is_reported_not_overrun)
{
    awsorch_sigv4_params p = params_for("service");
    awsorch_sigv4_header h = {{"Host", 4}, {"h", 1}};
    awsorch_sigv4_request r = AWSORCH_SIGV4_REQUEST_INIT;
    r.method = "GET";
    r.path = (awsorch_sigv4_str){"/", 1};
    r.headers = &h;
    r.header_count = 1;
    size_t need = awsorch_sigv4_scratch_size(&r, &p);
    char small[64];
    cr_expect_eq(awsorch_sigv4_sign(&res, &r, &p, small, sizeof(small)),
                 AWSORCH_E_BUFFER_TOO_SMALL);
    char *exact = malloc(need);
    cr_expect_eq(awsorch_sigv4_sign(&res, &r, &p, exact, need), AWSORCH_OK);
    free(exact);
}

Test(input, scratch_estimate_holds_for_worst_case_input)
{
    /* Every byte of path, query, header and token expands to %XX. */
    static char path[3000], query[3000], value[3000], token[3000], name[3000], id[3000];
    path[0] = '/';
    for (size_t i = 1; i < sizeof(path) - 1; i++) {
        path[i] = (char)(0x80 + i % 0x7f);
    }
    for (size_t i = 0; i < sizeof(query) - 1; i++) {
        query[i] = (char)(i % 5 == 4 ? '&' : 0x80 + i % 0x7f);
        value[i] = (char)(0x21 + i % 90);
        token[i] = i % 2 ? '/' : '+';
        name[i] = '!';
        id[i] = i % 2 ? '+' : '=';
    }
    awsorch_sigv4_params p = params_for("service");
    p.session_token = token;
    p.access_key_id = id;
    p.region = id;
    p.service = id;
    p.mode = AWSORCH_SIGV4_QUERY;
    awsorch_sigv4_header h[8];
    for (size_t i = 0; i < 8; i++) {
        h[i].name = (awsorch_sigv4_str){i == 0 ? "Host" : name, i == 0 ? 4u : 2000u + i};
        h[i].value = (awsorch_sigv4_str){value, strlen(value)};
    }
    awsorch_sigv4_request r = AWSORCH_SIGV4_REQUEST_INIT;
    r.method = "GET";
    r.path = (awsorch_sigv4_str){path, strlen(path)};
    r.query = (awsorch_sigv4_str){query, strlen(query)};
    r.headers = h;
    r.header_count = 8;
    size_t need = awsorch_sigv4_scratch_size(&r, &p);
    char *buf = malloc(need);
    cr_expect_eq(awsorch_sigv4_sign(&res, &r, &p, buf, need), AWSORCH_OK, "%s",
                 awsorch_error_last()->message);
    free(buf);
}

Test(cache, keyed_by_secret_day_region_service)
{
    awsorch_sigv4_key_cache *cache = NULL;
    cr_assert_eq(awsorch_sigv4_key_cache_new(&cache), AWSORCH_OK);
    awsorch_sigv4_params p = params_for("service");
    p.key_cache = cache;
    cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /* A different secret, day, region or service must not reuse the cached key. */
    char sigs[4][65];
    for (int i = 0; i < 4; i++) {
        awsorch_sigv4_params q = p;
        if (i == 0) {
            q.secret_access_key = "other";
        } else if (i == 1) {
            q.time_s += 86400;
        } else if (i == 2) {
            q.region = "eu-west-1";
        } else {
            q.service = "other";
        }
        cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &q), AWSORCH_OK);
        memcpy(sigs[i], res.signature, 65);
        awsorch_sigv4_key_cache *fresh = NULL;
        cr_assert_eq(awsorch_sigv4_key_cache_new(&fresh), AWSORCH_OK);
        q.key_cache = fresh;
        cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &q), AWSORCH_OK);
        cr_expect_str_eq(sigs[i], res.signature, "variant %d", i);
        cr_expect_str_neq(sigs[i],
                          "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        awsorch_sigv4_key_cache_free(fresh);
    }
    /* More keys than slots: evicted keys are derived again correctly. */
    for (int i = 0; i < 20; i++) {
        awsorch_sigv4_params q = p;
        q.time_s += (int64_t)86400 * i;
        cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &q), AWSORCH_OK);
    }
    cr_assert_eq(sign_req("GET", "/", NULL, host_only, 1, NULL, &p), AWSORCH_OK);
    cr_expect_str_eq(res.signature,
                     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    awsorch_sigv4_key_cache_free(cache);
}

Test(rules, s3_names_and_unsigned_headers)
{
    cr_expect(awsorch_sigv4_is_s3("s3"));
    cr_expect(awsorch_sigv4_is_s3("s3-outposts"));
    cr_expect_not(awsorch_sigv4_is_s3("s3x"));
    cr_expect_not(awsorch_sigv4_is_s3(NULL));
    cr_expect(awsorch_sigv4_header_is_unsigned("USER-AGENT", 10));
    cr_expect_not(awsorch_sigv4_header_is_unsigned("user-agent2", 11));
}
