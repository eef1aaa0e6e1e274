/* S3 in awsorch-emulator: buckets, objects, ranges, listings, copies, multipart uploads,
 * batch deletes, payload checks (Content-MD5, x-amz-content-sha256, aws-chunked) and
 * virtual-hosted addressing, through signed requests. */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_harness.h"

/* Parts may be 5 bytes here, so multipart tests stay small. */
static const char *config =
    "{\"s3\": {\"min_part_size\": 5, \"max_object_bytes\": 1048576,"
    " \"buckets\": [\"seeded\"],"
    " \"objects\": {\"seeded/input/a.csv\": \"id,v\\n1,2\\n\","
    "              \"raw/readme.txt\": {\"body\": \"hi\", \"content_type\": \"text/plain\"}}}}";

EMU_HARNESS_SUITE(emu_s3, h, config, .timeout = 0);

/* ---- helpers ------------------------------------------------------------------------ */

static int req(const char *method, const char *path, const char *query, const char *const *headers,
               size_t header_count, const char *body, awsorch_response **out)
{
    return emu_harness_send(&h, "s3", method, path, query, headers, header_count, body,
                            body ? strlen(body) : 0, out);
}

/* Status only; the reply is dropped. */
static int call(const char *method, const char *path, const char *query, const char *body)
{
    awsorch_response *r = NULL;
    int status = req(method, path, query, NULL, 0, body, &r);
    awsorch_response_free(r);
    return status;
}

static void put(const char *path, const char *body)
{
    cr_assert_eq(call("PUT", path, NULL, body), 200, "PUT %s", path);
}

/* The text of the first <name> element after `from` (malloc'd), or NULL. */
static char *xml_text(const char *doc, const char *name, const char **after)
{
    char open[96];
    char close[96];
    (void)snprintf(open, sizeof(open), "<%s>", name);
    (void)snprintf(close, sizeof(close), "</%s>", name);
    const char *s = doc ? strstr(doc, open) : NULL;
    if (s == NULL) {
        return NULL;
    }
    s += strlen(open);
    const char *e = strstr(s, close);
    if (e == NULL) {
        return NULL;
    }
    if (after != NULL) {
        *after = e + strlen(close);
    }
    /* S3 escapes the quotes of ETags (&quot;), as parsers undo. */
    char *out = strndup(s, (size_t)(e - s));
    static const char *const ents[][2] = {
        {"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    for (size_t i = 0; out != NULL && i < sizeof(ents) / sizeof(ents[0]); i++) {
        char *hit;
        size_t el = strlen(ents[i][0]);
        while ((hit = strstr(out, ents[i][0])) != NULL) {
            *hit = ents[i][1][0];
            memmove(hit + 1, hit + el, strlen(hit + el) + 1);
        }
    }
    return out;
}

static void expect_text(const char *doc, const char *name, const char *want)
{
    char *got = xml_text(doc, name, NULL);
    cr_assert(got != NULL, "no <%s> in %s", name, doc ? doc : "(null)");
    cr_expect_str_eq(got, want, "<%s>: got '%s', want '%s'", name, got, want);
    free(got);
}

static void expect_header(const awsorch_response *r, const char *name, const char *want)
{
    char v[512];
    cr_assert(awsorch_response_header(r, name, v, sizeof(v)) > 0, "no %s header", name);
    cr_expect_str_eq(v, want, "%s: got '%s', want '%s'", name, v, want);
}

static void md5_hex(const void *d, size_t n, char out[33])
{
    unsigned char md[16];
    unsigned int len = 0;
    cr_assert(EVP_Digest(d, n, md, &len, EVP_md5(), NULL) == 1);
    for (size_t i = 0; i < 16; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", md[i]);
    }
}

static void md5_b64(const char *s, char out[32])
{
    unsigned char md[16];
    unsigned int len = 0;
    cr_assert(EVP_Digest(s, strlen(s), md, &len, EVP_md5(), NULL) == 1);
    (void)EVP_EncodeBlock((unsigned char *)out, md, 16);
}

/* Percent-encodes a query value (for continuation tokens). */
static void qenc(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; *s != '\0' && k + 4 < n; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out[k++] = (char)ch;
        } else {
            k += (size_t)snprintf(out + k, n - k, "%%%02X", ch);
        }
    }
    out[k] = '\0';
}

/* A request to another endpoint (virtual-hosted) or with a payload
 * hash emu_harness_send does not set (aws-chunked bodies). */
static int send_with(const char *endpoint, const char *method, const char *path,
                     const char *const *headers, size_t header_count, const void *body,
                     size_t body_len, const char *payload_hash, awsorch_response **out)
{
    awsorch_request r = AWSORCH_REQUEST_INIT;
    r.method = method;
    r.path = path;
    r.headers = headers;
    r.header_count = header_count;
    r.body = body;
    r.body_len = body_len;
    r.payload_hash = payload_hash;
    return emu_harness_request(endpoint, "s3", &r, out);
}

/* ---- buckets ------------------------------------------------------------------------ */

Test(emu_s3, bucket_create_duplicate_and_delete_not_empty)
{
    awsorch_response *r = NULL;
    cr_assert_eq(call("PUT", "/bucket-one", NULL, NULL), 200);
    cr_assert_eq(req("PUT", "/bucket-one", NULL, NULL, 0, NULL, &r), 409);
    expect_text(r->body, "Code", "BucketAlreadyOwnedByYou");
    expect_text(r->body, "BucketName", "bucket-one");
    cr_expect(strstr(r->body, "<RequestId>") != NULL);
    awsorch_response_free(r);

    cr_assert_eq(req("GET", "/", NULL, NULL, 0, NULL, &r), 200);
    cr_expect(strstr(r->body, "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"") != NULL);
    cr_expect(strstr(r->body, "<Name>bucket-one</Name>") != NULL, "%s", r ? r->body : "");
    cr_expect(strstr(r->body, "<Name>seeded</Name>") != NULL, "config buckets are listed");
    cr_expect(strstr(r->body, "<Name>bucket-one</Name>") < strstr(r->body, "<Name>seeded</Name>"),
              "buckets list by name");
    awsorch_response_free(r);

    cr_assert_eq(call("HEAD", "/bucket-one", NULL, NULL), 200);
    put("/bucket-one/k", "x");
    cr_assert_eq(req("DELETE", "/bucket-one", NULL, NULL, 0, NULL, &r), 409);
    expect_text(r->body, "Code", "BucketNotEmpty");
    awsorch_response_free(r);
    cr_assert_eq(call("DELETE", "/bucket-one/k", NULL, NULL), 204);
    cr_assert_eq(call("DELETE", "/bucket-one", NULL, NULL), 204);

    cr_assert_eq(req("HEAD", "/bucket-one", NULL, NULL, 0, NULL, &r), 404);
    cr_expect_eq(r->body_len, 0, "HEAD errors have no body");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/bucket-one", "list-type=2", NULL, 0, NULL, &r), 404);
    expect_text(r->body, "Code", "NoSuchBucket");
    expect_text(r->body, "BucketName", "bucket-one");
    awsorch_response_free(r);
}

Test(emu_s3, bucket_names_are_checked_and_location_is_kept)
{
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", "/Bad_Name", NULL, NULL, 0, NULL, &r), 400);
    expect_text(r->body, "Code", "InvalidBucketName");
    awsorch_response_free(r);
    cr_assert_eq(call("PUT", "/ab", NULL, NULL), 400, "too short");
    cr_assert_eq(call("PUT", "/192.168.1.1", NULL, NULL), 400, "IP-shaped");

    const char *cfg =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>eu-west-1</LocationConstraint>"
        "</CreateBucketConfiguration>";
    cr_assert_eq(call("PUT", "/in-europe", NULL, cfg), 200);
    cr_assert_eq(req("GET", "/in-europe", "location", NULL, 0, NULL, &r), 200);
    cr_expect(strstr(r->body, ">eu-west-1</LocationConstraint>") != NULL, "%s", r->body);
    awsorch_response_free(r);
    cr_assert_eq(req("HEAD", "/in-europe", NULL, NULL, 0, NULL, &r), 200);
    expect_header(r, "x-amz-bucket-region", "eu-west-1");
    awsorch_response_free(r);

    cr_assert_eq(req("PUT", "/broken-config", NULL, NULL, 0, "<CreateBucketConfiguration>", &r),
                 400);
    expect_text(r->body, "Code", "MalformedXML");
    awsorch_response_free(r);
}

/* ---- objects ------------------------------------------------------------------------ */

Test(emu_s3, put_get_head_delete)
{
    cr_assert_eq(call("PUT", "/data", NULL, NULL), 200);
    const char *body = "hello, object";
    const char *hs[] = {"Content-Type: text/plain", "x-amz-meta-owner: team-a",
                        "Cache-Control: no-cache"};
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", "/data/dir/file.txt", NULL, hs, 3, body, &r), 200);
    char md5[33];
    char etag[40];
    md5_hex(body, strlen(body), md5);
    (void)snprintf(etag, sizeof(etag), "\"%s\"", md5);
    expect_header(r, "ETag", etag);
    awsorch_response_free(r);

    cr_assert_eq(req("GET", "/data/dir/file.txt", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_eq(r->body_len, strlen(body));
    cr_expect_str_eq(r->body, body);
    expect_header(r, "Content-Type", "text/plain");
    expect_header(r, "ETag", etag);
    expect_header(r, "x-amz-meta-owner", "team-a");
    expect_header(r, "Cache-Control", "no-cache");
    expect_header(r, "Accept-Ranges", "bytes");
    expect_header(r, "Content-Length", "13");
    char lm[64];
    cr_assert(awsorch_response_header(r, "Last-Modified", lm, sizeof(lm)) > 0);
    cr_expect(strlen(lm) == 29 && strcmp(lm + 25, " GMT") == 0, "RFC 1123: %s", lm);
    awsorch_response_free(r);

    cr_assert_eq(req("HEAD", "/data/dir/file.txt", NULL, NULL, 0, NULL, &r), 200);
    expect_header(r, "Content-Length", "13");
    expect_header(r, "ETag", etag);
    cr_expect_eq(r->body_len, 0);
    awsorch_response_free(r);

    /* response-* parameters override the stored headers on GET */
    cr_assert_eq(req("GET", "/data/dir/file.txt", "response-content-type=application%2Fjson", NULL,
                     0, NULL, &r),
                 200);
    expect_header(r, "Content-Type", "application/json");
    awsorch_response_free(r);

    cr_assert_eq(call("DELETE", "/data/dir/file.txt", NULL, NULL), 204);
    cr_assert_eq(call("DELETE", "/data/dir/file.txt", NULL, NULL), 204, "idempotent");
    cr_assert_eq(req("GET", "/data/dir/file.txt", NULL, NULL, 0, NULL, &r), 404);
    expect_text(r->body, "Code", "NoSuchKey");
    expect_text(r->body, "Key", "dir/file.txt");
    awsorch_response_free(r);
    cr_assert_eq(req("HEAD", "/data/dir/file.txt", NULL, NULL, 0, NULL, &r), 404);
    cr_expect_eq(r->body_len, 0);
    awsorch_response_free(r);
    cr_assert_eq(call("PUT", "/nobucket/k", NULL, "x"), 404);
}

Test(emu_s3, config_objects_and_default_content_type)
{
    awsorch_response *r = NULL;
    cr_assert_eq(req("GET", "/seeded/input/a.csv", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "id,v\n1,2\n");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/raw/readme.txt", NULL, NULL, 0, NULL, &r), 200);
    expect_header(r, "Content-Type", "text/plain");
    awsorch_response_free(r);
    cr_assert_eq(req("HEAD", "/seeded/input/a.csv", NULL, NULL, 0, NULL, &r), 200);
    expect_header(r, "Content-Type", "binary/octet-stream");
    awsorch_response_free(r);
}

Test(emu_s3, encoded_keys_are_decoded)
{
    put("/seeded/dir/na%20me%2Bx%C3%A9", "v");
    awsorch_response *r = NULL;
    cr_assert_eq(req("GET", "/seeded", "list-type=2&prefix=dir%2F", NULL, 0, NULL, &r), 200);
    expect_text(r->body, "Key", "dir/na me+x\xc3\xa9");
    awsorch_response_free(r);
    cr_assert_eq(
        req("GET", "/seeded", "list-type=2&prefix=dir%2F&encoding-type=url", NULL, 0, NULL, &r),
        200);
    expect_text(r->body, "Key", "dir/na+me%2Bx%C3%A9");
    expect_text(r->body, "EncodingType", "url");
    awsorch_response_free(r);
}

Test(emu_s3, ranges)
{
    put("/seeded/digits", "0123456789");
    static const struct {
        const char *range, *body, *content_range;
    } cases[] = {
        {"Range: bytes=2-5", "2345", "bytes 2-5/10"},
        {"Range: bytes=7-", "789", "bytes 7-9/10"},
        {"Range: bytes=-3", "789", "bytes 7-9/10"},
        {"Range: bytes=5-100", "56789", "bytes 5-9/10"},
        {"Range: bytes=-50", "0123456789", "bytes 0-9/10"},
    };
    awsorch_response *r = NULL;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *hs[] = {cases[i].range};
        cr_assert_eq(req("GET", "/seeded/digits", NULL, hs, 1, NULL, &r), 206, "%s",
                     cases[i].range);
        cr_expect_str_eq(r->body, cases[i].body, "%s", cases[i].range);
        expect_header(r, "Content-Range", cases[i].content_range);
        awsorch_response_free(r);
    }
    const char *bad[] = {"Range: bytes=10-"};
    cr_assert_eq(req("GET", "/seeded/digits", NULL, bad, 1, NULL, &r), 416);
    expect_text(r->body, "Code", "InvalidRange");
    expect_text(r->body, "ActualObjectSize", "10");
    awsorch_response_free(r);
    const char *ignored[] = {"Range: items=1-2"};
    cr_assert_eq(req("GET", "/seeded/digits", NULL, ignored, 1, NULL, &r), 200);
    cr_expect_str_eq(r->body, "0123456789");
    awsorch_response_free(r);
}

Test(emu_s3, conditional_get)
{
    put("/seeded/c", "conditional");
    char md5[33];
    char h1[80];
    md5_hex("conditional", 11, md5);
    awsorch_response *r = NULL;
    (void)snprintf(h1, sizeof(h1), "If-None-Match: \"%s\"", md5);
    const char *hs[] = {h1};
    cr_assert_eq(req("GET", "/seeded/c", NULL, hs, 1, NULL, &r), 304);
    cr_expect_eq(r->body_len, 0);
    awsorch_response_free(r);
    const char *wrong[] = {"If-Match: \"0000\""};
    cr_assert_eq(req("GET", "/seeded/c", NULL, wrong, 1, NULL, &r), 412);
    expect_text(r->body, "Code", "PreconditionFailed");
    awsorch_response_free(r);
    const char *old[] = {"If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"};
    cr_assert_eq(req("GET", "/seeded/c", NULL, old, 1, NULL, &r), 200);
    awsorch_response_free(r);
    const char *future[] = {"If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"};
    cr_assert_eq(req("GET", "/seeded/c", NULL, future, 1, NULL, &r), 304);
    awsorch_response_free(r);
    const char *create_only[] = {"If-None-Match: *"};
    cr_assert_eq(req("PUT", "/seeded/c", NULL, create_only, 1, "again", &r), 412,
                 "conditional write on an existing key");
    awsorch_response_free(r);
}

/* ---- listings ----------------------------------------------------------------------- */

Test(emu_s3, list_v2_prefix_delimiter_and_pages)
{
    static const char *const keys[] = {"logs/2025/c", "logs/top2",   "logs/2024/a",
                                       "other/x",     "logs/2024/b", "logs/top1"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char path[64];
        (void)snprintf(path, sizeof(path), "/seeded/%s", keys[i]);
        put(path, "v");
    }
    /* Two entries a page: the prefixes roll up, then the keys under logs/ follow. */
    static const char *const want[] = {"P:logs/2024/", "P:logs/2025/", "K:logs/top1",
                                       "K:logs/top2"};
    size_t seen = 0;
    char token[256] = "";
    int pages = 0;
    for (;;) {
        char query[512];
        char enc[300];
        qenc(token, enc, sizeof(enc));
        (void)snprintf(query, sizeof(query),
                       "%s%s%sdelimiter=%%2F&list-type=2&max-keys=2&prefix=logs%%2F",
                       token[0] ? "continuation-token=" : "", enc, token[0] ? "&" : "");
        awsorch_response *r = NULL;
        cr_assert_eq(req("GET", "/seeded", query, NULL, 0, NULL, &r), 200, "%s", r ? r->body : "");
        pages++;
        expect_text(r->body, "Prefix", "logs/");
        expect_text(r->body, "Delimiter", "/");
        expect_text(r->body, "MaxKeys", "2");
        expect_text(r->body, "KeyCount", "2");
        const char *p = r->body;
        char *v;
        /* Keys first, then prefixes, as S3 orders the document. */
        while ((v = xml_text(p, "Contents", &p)) != NULL) {
            char *k = xml_text(v, "Key", NULL);
            char item[128];
            (void)snprintf(item, sizeof(item), "K:%s", k);
            cr_assert(seen < 4, "too many entries");
            cr_expect_str_eq(item, want[seen++]);
            free(k);
            free(v);
        }
        p = r->body;
        while ((v = xml_text(p, "CommonPrefixes", &p)) != NULL) {
            char *k = xml_text(v, "Prefix", NULL);
            char item[128];
            (void)snprintf(item, sizeof(item), "P:%s", k);
            cr_assert(seen < 4, "too many entries");
            cr_expect_str_eq(item, want[seen++]);
            free(k);
            free(v);
        }
        char *trunc = xml_text(r->body, "IsTruncated", NULL);
        bool more = strcmp(trunc, "true") == 0;
        free(trunc);
        char *next = xml_text(r->body, "NextContinuationToken", NULL);
        cr_assert_eq(more, next != NULL, "a token exactly when truncated");
        if (next != NULL) {
            (void)snprintf(token, sizeof(token), "%s", next);
        }
        free(next);
        awsorch_response_free(r);
        if (!more) {
            break;
        }
        cr_assert(pages < 5, "paging does not end");
    }
    cr_expect_eq(pages, 2);
    cr_expect_eq(seen, 4);

    /* Without a delimiter: every key, in binary order. */
    awsorch_response *r = NULL;
    cr_assert_eq(req("GET", "/seeded", "list-type=2&prefix=logs", NULL, 0, NULL, &r), 200);
    const char *p = r->body;
    static const char *const sorted[] = {"logs/2024/a", "logs/2024/b", "logs/2025/c", "logs/top1",
                                         "logs/top2"};
    for (size_t i = 0; i < 5; i++) {
        char *k = xml_text(p, "Key", &p);
        cr_assert(k != NULL);
        cr_expect_str_eq(k, sorted[i]);
        free(k);
    }
    cr_expect(xml_text(p, "Key", NULL) == NULL);
    expect_text(r->body, "KeyCount", "5");
    expect_text(r->body, "IsTruncated", "false");
    awsorch_response_free(r);

    cr_assert_eq(req("GET", "/seeded", "list-type=2&start-after=logs%2Ftop1&fetch-owner=true", NULL,
                     0, NULL, &r),
                 200);
    expect_text(r->body, "Key", "logs/top2");
    expect_text(r->body, "ID", "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a");
    awsorch_response_free(r);

    cr_assert_eq(req("GET", "/seeded", "list-type=2&continuation-token=%21%21", NULL, 0, NULL, &r),
                 400);
    expect_text(r->body, "Code", "InvalidArgument");
    awsorch_response_free(r);
}

Test(emu_s3, list_v1_marker)
{
    put("/seeded/m/a", "1");
    put("/seeded/m/b", "2");
    put("/seeded/m/c", "3");
    awsorch_response *r = NULL;
    cr_assert_eq(req("GET", "/seeded", "prefix=m%2F&marker=m%2Fa&max-keys=1", NULL, 0, NULL, &r),
                 200);
    expect_text(r->body, "Marker", "m/a");
    expect_text(r->body, "Key", "m/b");
    expect_text(r->body, "IsTruncated", "true");
    cr_expect(strstr(r->body, "<Owner>") != NULL, "v1 lists owners");
    awsorch_response_free(r);
}

/* ---- copies ------------------------------------------------------------------------- */

Test(emu_s3, copy_object)
{
    const char *hs[] = {"Content-Type: text/csv", "x-amz-meta-source: yes"};
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", "/seeded/src%20key", NULL, hs, 2, "a,b\n", &r), 200);
    awsorch_response_free(r);
    put("/silver", NULL);

    const char *copy[] = {"x-amz-copy-source: /seeded/src%20key"};
    cr_assert_eq(req("PUT", "/silver/dst", NULL, copy, 1, NULL, &r), 200);
    char md5[33];
    char etag[40];
    md5_hex("a,b\n", 4, md5);
    (void)snprintf(etag, sizeof(etag), "\"%s\"", md5);
    expect_text(r->body, "ETag", etag);
    cr_expect(strstr(r->body, "<CopyObjectResult") != NULL);
    cr_expect(strstr(r->body, "<LastModified>") != NULL);
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/silver/dst", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "a,b\n");
    expect_header(r, "Content-Type", "text/csv");
    expect_header(r, "x-amz-meta-source", "yes");
    awsorch_response_free(r);

    const char *replace[] = {"x-amz-copy-source: seeded/src%20key",
                             "x-amz-metadata-directive: REPLACE", "Content-Type: text/plain"};
    cr_assert_eq(req("PUT", "/silver/dst2", NULL, replace, 3, NULL, &r), 200);
    awsorch_response_free(r);
    cr_assert_eq(req("HEAD", "/silver/dst2", NULL, NULL, 0, NULL, &r), 200);
    expect_header(r, "Content-Type", "text/plain");
    char v[64];
    cr_expect_eq(awsorch_response_header(r, "x-amz-meta-source", v, sizeof(v)), 0,
                 "REPLACE drops the old metadata");
    awsorch_response_free(r);

    const char *self[] = {"x-amz-copy-source: /silver/dst"};
    cr_assert_eq(req("PUT", "/silver/dst", NULL, self, 1, NULL, &r), 400);
    expect_text(r->body, "Code", "InvalidRequest");
    awsorch_response_free(r);
    const char *missing[] = {"x-amz-copy-source: /seeded/nope"};
    cr_assert_eq(req("PUT", "/silver/x", NULL, missing, 1, NULL, &r), 404);
    expect_text(r->body, "Code", "NoSuchKey");
    awsorch_response_free(r);
}

/* ---- multipart ---------------------------------------------------------------------- */

static char *create_upload(const char *path)
{
    awsorch_response *r = NULL;
    const char *hs[] = {"Content-Type: text/plain"};
    cr_assert_eq(req("POST", path, "uploads", hs, 1, NULL, &r), 200);
    char *id = xml_text(r->body, "UploadId", NULL);
    cr_assert(id != NULL, "%s", r ? r->body : "");
    cr_expect(strstr(r->body, "<InitiateMultipartUploadResult") != NULL);
    awsorch_response_free(r);
    return id;
}

static void upload_part(const char *path, const char *id, int n, const char *data, char *etag,
                        size_t etag_len)
{
    char query[256];
    (void)snprintf(query, sizeof(query), "partNumber=%d&uploadId=%s", n, id);
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", path, query, NULL, 0, data, &r), 200);
    cr_assert(awsorch_response_header(r, "ETag", etag, etag_len) > 0);
    awsorch_response_free(r);
}

static int complete(const char *path, const char *id, const char *parts_xml, awsorch_response **r)
{
    char query[256];
    char body[2048];
    (void)snprintf(query, sizeof(query), "uploadId=%s", id);
    (void)snprintf(body, sizeof(body), "<CompleteMultipartUpload>%s</CompleteMultipartUpload>",
                   parts_xml);
    return req("POST", path, query, NULL, 0, body, r);
}

Test(emu_s3, multipart_happy_path)
{
    const char *path = "/seeded/big/file";
    char *id = create_upload(path);
    char e1[64];
    char e2[64];
    upload_part(path, id, 1, "hello ", e1, sizeof(e1));
    upload_part(path, id, 2, "world", e2, sizeof(e2));

    char query[256];
    awsorch_response *r = NULL;
    (void)snprintf(query, sizeof(query), "uploadId=%s", id);
    cr_assert_eq(req("GET", path, query, NULL, 0, NULL, &r), 200);
    expect_text(r->body, "UploadId", id);
    cr_expect(strstr(r->body, "<PartNumber>2</PartNumber>") != NULL);
    expect_text(r->body, "Size", "6");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/seeded", "uploads", NULL, 0, NULL, &r), 200);
    expect_text(r->body, "Key", "big/file");
    awsorch_response_free(r);

    char parts[512];
    (void)snprintf(parts, sizeof(parts),
                   "<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
                   "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>",
                   e1, e2);
    cr_assert_eq(complete(path, id, parts, &r), 200, "%s", r ? r->body : "");
    /* md5 of the parts' binary md5s, then the part count */
    unsigned char both[32];
    unsigned int len = 0;
    cr_assert(EVP_Digest("hello ", 6, both, &len, EVP_md5(), NULL) == 1);
    cr_assert(EVP_Digest("world", 5, both + 16, &len, EVP_md5(), NULL) == 1);
    char want[48];
    char hexd[33];
    md5_hex(both, 32, hexd);
    (void)snprintf(want, sizeof(want), "\"%s-2\"", hexd);
    expect_text(r->body, "ETag", want);
    expect_text(r->body, "Key", "big/file");
    awsorch_response_free(r);

    cr_assert_eq(req("GET", path, NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "hello world");
    expect_header(r, "ETag", want);
    expect_header(r, "Content-Type", "text/plain");
    awsorch_response_free(r);

    cr_assert_eq(req("GET", path, query, NULL, 0, NULL, &r), 404, "the upload is gone");
    expect_text(r->body, "Code", "NoSuchUpload");
    awsorch_response_free(r);
    free(id);
}

Test(emu_s3, multipart_errors)
{
    const char *path = "/seeded/mp";
    char *id = create_upload(path);
    char e1[64];
    char e2[64];
    char e3[64];
    upload_part(path, id, 1, "abc", e1, sizeof(e1)); /* below min_part_size (5) */
    upload_part(path, id, 2, "defgh", e2, sizeof(e2));
    upload_part(path, id, 3, "ijklm", e3, sizeof(e3));
    awsorch_response *r = NULL;
    char parts[512];

    (void)snprintf(parts, sizeof(parts),
                   "<Part><PartNumber>2</PartNumber><ETag>\"0123\"</ETag></Part>");
    cr_assert_eq(complete(path, id, parts, &r), 400);
    expect_text(r->body, "Code", "InvalidPart");
    awsorch_response_free(r);

    (void)snprintf(parts, sizeof(parts),
                   "<Part><PartNumber>3</PartNumber><ETag>%s</ETag></Part>"
                   "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>",
                   e3, e2);
    cr_assert_eq(complete(path, id, parts, &r), 400);
    expect_text(r->body, "Code", "InvalidPartOrder");
    awsorch_response_free(r);

    (void)snprintf(parts, sizeof(parts),
                   "<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
                   "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>",
                   e1, e2);
    cr_assert_eq(complete(path, id, parts, &r), 400);
    expect_text(r->body, "Code", "EntityTooSmall");
    awsorch_response_free(r);

    cr_assert_eq(complete(path, id, "", &r), 400);
    expect_text(r->body, "Code", "MalformedXML");
    awsorch_response_free(r);

    char query[256];
    (void)snprintf(query, sizeof(query), "partNumber=0&uploadId=%s", id);
    cr_assert_eq(call("PUT", path, query, "x"), 400, "part numbers start at 1");

    /* Parts 2 and 3 alone make an object (the last part may be small). */
    (void)snprintf(parts, sizeof(parts),
                   "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>"
                   "<Part><PartNumber>3</PartNumber><ETag>%s</ETag></Part>",
                   e2, e3);
    cr_assert_eq(complete(path, id, parts, &r), 200, "%s", r ? r->body : "");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", path, NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "defghijklm");
    awsorch_response_free(r);
    free(id);

    id = create_upload(path);
    (void)snprintf(query, sizeof(query), "uploadId=%s", id);
    cr_assert_eq(call("DELETE", path, query, NULL), 204);
    cr_assert_eq(req("DELETE", path, query, NULL, 0, NULL, &r), 404);
    expect_text(r->body, "Code", "NoSuchUpload");
    expect_text(r->body, "UploadId", id);
    awsorch_response_free(r);
    free(id);
}

Test(emu_s3, upload_part_copy)
{
    put("/seeded/source", "0123456789");
    const char *path = "/seeded/assembled";
    char *id = create_upload(path);
    char query[256];
    (void)snprintf(query, sizeof(query), "partNumber=1&uploadId=%s", id);
    const char *hs[] = {"x-amz-copy-source: /seeded/source", "x-amz-copy-source-range: bytes=2-6"};
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", path, query, hs, 2, NULL, &r), 200, "%s", r ? r->body : "");
    cr_expect(strstr(r->body, "<CopyPartResult") != NULL);
    char *etag = xml_text(r->body, "ETag", NULL);
    cr_assert(etag != NULL);
    awsorch_response_free(r);
    const char *outside[] = {"x-amz-copy-source: /seeded/source",
                             "x-amz-copy-source-range: bytes=5-20"};
    cr_assert_eq(req("PUT", path, query, outside, 2, NULL, &r), 416);
    expect_text(r->body, "Code", "InvalidRange");
    awsorch_response_free(r);

    char parts[256];
    (void)snprintf(parts, sizeof(parts), "<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>",
                   etag);
    cr_assert_eq(complete(path, id, parts, &r), 200, "%s", r ? r->body : "");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", path, NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "23456");
    awsorch_response_free(r);
    free(etag);
    free(id);
}

/* ---- batch delete ------------------------------------------------------------------- */

Test(emu_s3, delete_objects)
{
    put("/seeded/d/a", "1");
    put("/seeded/d/b", "2");
    const char *body = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                       "<Object><Key>d/a</Key></Object><Object><Key>d/b</Key></Object>"
                       "<Object><Key>d/missing</Key></Object></Delete>";
    char md5[32];
    char hmd5[64];
    md5_b64(body, md5);
    (void)snprintf(hmd5, sizeof(hmd5), "Content-MD5: %s", md5);
    const char *hs[] = {hmd5};
    awsorch_response *r = NULL;
    cr_assert_eq(req("POST", "/seeded", "delete", hs, 1, body, &r), 200);
    cr_expect(strstr(r->body, "<DeleteResult") != NULL);
    const char *p = r->body;
    int deleted = 0;
    char *d;
    while ((d = xml_text(p, "Deleted", &p)) != NULL) {
        deleted++;
        free(d);
    }
    cr_expect_eq(deleted, 3, "missing keys count as deleted: %s", r->body);
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/seeded", "list-type=2&prefix=d%2F", NULL, 0, NULL, &r), 200);
    expect_text(r->body, "KeyCount", "0");
    awsorch_response_free(r);

    put("/seeded/d/c", "3");
    const char *quiet = "<Delete><Quiet>true</Quiet><Object><Key>d/c</Key></Object></Delete>";
    cr_assert_eq(req("POST", "/seeded", "delete", NULL, 0, quiet, &r), 200);
    cr_expect(strstr(r->body, "<Deleted>") == NULL, "quiet mode lists only errors");
    awsorch_response_free(r);
    cr_assert_eq(call("HEAD", "/seeded/d/c", NULL, NULL), 404);

    cr_assert_eq(req("POST", "/seeded", "delete", NULL, 0, "<Delete><Object>", &r), 400);
    expect_text(r->body, "Code", "MalformedXML");
    awsorch_response_free(r);
}

/* ---- payload checks ----------------------------------------------------------------- */

Test(emu_s3, content_md5)
{
    char good[32];
    char hgood[64];
    md5_b64("payload", good);
    (void)snprintf(hgood, sizeof(hgood), "Content-MD5: %s", good);
    const char *ok[] = {hgood};
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", "/seeded/md5", NULL, ok, 1, "payload", &r), 200);
    awsorch_response_free(r);

    cr_assert_eq(req("PUT", "/seeded/md5", NULL, ok, 1, "tampered", &r), 400);
    expect_text(r->body, "Code", "BadDigest");
    awsorch_response_free(r);
    const char *junk[] = {"Content-MD5: not-base64!"};
    cr_assert_eq(req("PUT", "/seeded/md5", NULL, junk, 1, "payload", &r), 400);
    expect_text(r->body, "Code", "InvalidDigest");
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/seeded/md5", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "payload", "rejected uploads change nothing");
    awsorch_response_free(r);
}

Test(emu_s3, content_sha256_and_aws_chunked)
{
    awsorch_response *r = NULL;
    const char *zeros = "0000000000000000000000000000000000000000000000000000000000000000";
    cr_assert_eq(send_with(h.endpoint, "PUT", "/seeded/sha", NULL, 0, "body", 4, zeros, &r), 400);
    expect_text(r->body, "Code", "XAmzContentSHA256Mismatch");
    awsorch_response_free(r);

    cr_assert_eq(send_with(h.endpoint, "PUT", "/seeded/unsigned", NULL, 0, "free", 4,
                           "UNSIGNED-PAYLOAD", &r),
                 200);
    awsorch_response_free(r);

    const char *chunked = "5;chunk-signature=aaaa\r\nhello\r\n"
                          "6;chunk-signature=bbbb\r\n world\r\n"
                          "0;chunk-signature=cccc\r\n\r\n";
    const char *hs[] = {"Content-Encoding: aws-chunked", "x-amz-decoded-content-length: 11",
                        "Content-Type: text/plain"};
    cr_assert_eq(send_with(h.endpoint, "PUT", "/seeded/chunked", hs, 3, chunked, strlen(chunked),
                           "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", &r),
                 200);
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/seeded/chunked", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "hello world");
    char v[64];
    cr_expect_eq(awsorch_response_header(r, "Content-Encoding", v, sizeof(v)), 0,
                 "aws-chunked is not stored");
    awsorch_response_free(r);

    /* The unsigned variant ends with a trailer (the checksum) after the last chunk. */
    const char *trailer = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
    const char *ths[] = {"Content-Encoding: aws-chunked", "x-amz-decoded-content-length: 3",
                         "x-amz-trailer: x-amz-checksum-crc32"};
    cr_assert_eq(send_with(h.endpoint, "PUT", "/seeded/trailer", ths, 3, trailer, strlen(trailer),
                           "STREAMING-UNSIGNED-PAYLOAD-TRAILER", &r),
                 200);
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/seeded/trailer", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "abc");
    awsorch_response_free(r);

    const char *cut = "5;chunk-signature=aaaa\r\nhel";
    cr_assert_eq(send_with(h.endpoint, "PUT", "/seeded/cut", hs, 3, cut, strlen(cut),
                           "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", &r),
                 400);
    expect_text(r->body, "Code", "IncompleteBody");
    awsorch_response_free(r);
}

Test(emu_s3, too_large)
{
    size_t n = 1048577; /* max_object_bytes + 1 */
    char *big = malloc(n + 1);
    cr_assert(big != NULL);
    memset(big, 'x', n);
    big[n] = '\0';
    awsorch_response *r = NULL;
    cr_assert_eq(req("PUT", "/seeded/big", NULL, NULL, 0, big, &r), 400);
    expect_text(r->body, "Code", "EntityTooLarge");
    awsorch_response_free(r);
    free(big);
}

/* ---- addressing --------------------------------------------------------------------- */

Test(emu_s3, virtual_hosted_requests)
{
    char endpoint[96];
    (void)snprintf(endpoint, sizeof(endpoint), "http://vhost.localhost:%d", h.port);
    put("/vhost", NULL);
    awsorch_response *r = NULL;
    cr_assert_eq(send_with(endpoint, "PUT", "/dir/key.txt", NULL, 0, "virtual", 7, NULL, &r), 200);
    awsorch_response_free(r);
    cr_assert_eq(req("GET", "/vhost/dir/key.txt", NULL, NULL, 0, NULL, &r), 200);
    cr_expect_str_eq(r->body, "virtual");
    awsorch_response_free(r);
    cr_assert_eq(send_with(endpoint, "GET", "/", NULL, 0, NULL, 0, NULL, &r), 200);
    expect_text(r->body, "Name", "vhost");
    expect_text(r->body, "Key", "dir/key.txt");
    awsorch_response_free(r);
}
