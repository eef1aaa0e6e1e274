/* Each protocol's serialization and parsing, byte for byte, on small models
 * shaped like the real operations. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/model.h"

static const awsorch_shape str = {AWSORCH_STRING, NULL, 0, NULL, NULL};
static const awsorch_shape integer = {AWSORCH_INTEGER, NULL, 0, NULL, NULL};
static const awsorch_shape boolean = {AWSORCH_BOOLEAN, NULL, 0, NULL, NULL};
static const awsorch_shape timestamp = {AWSORCH_TIMESTAMP, NULL, 0, NULL, NULL};
static const awsorch_shape blob = {AWSORCH_BLOB, NULL, 0, NULL, NULL};
static const char *const status_values[] = {"RUNNING", "SUCCEEDED", "FAILED", NULL};
static const awsorch_shape status = {AWSORCH_STRING, NULL, 0, NULL, status_values};

/* ---- awsJson 1.0: Step Functions --------------------------------------------- */

static const awsorch_member start_in_m[] = {
    {"stateMachineArn", &str, AWSORCH_IN_BODY, NULL, AWSORCH_REQUIRED},
    {"name", &str, AWSORCH_IN_BODY, NULL, 0},
    {"input", &str, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape start_in = {AWSORCH_STRUCTURE, start_in_m, 3, NULL, NULL};
static const awsorch_member describe_out_m[] = {
    {"executionArn", &str, AWSORCH_IN_BODY, NULL, 0},
    {"status", &status, AWSORCH_IN_BODY, NULL, 0},
    {"startDate", &timestamp, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape describe_out = {AWSORCH_STRUCTURE, describe_out_m, 3, NULL, NULL};
static const awsorch_member list_in_m[] = {
    {"statusFilter", &status, AWSORCH_IN_BODY, NULL, 0},
    {"maxResults", &integer, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape list_in = {AWSORCH_STRUCTURE, list_in_m, 2, NULL, NULL};

static const awsorch_service_model sfn = {{"states", "states", "SFN"},
                                          "stepfunctions",
                                          AWSORCH_AWS_JSON_1_0,
                                          "AWSStepFunctions",
                                          NULL,
                                          NULL};
static const awsorch_operation start_execution = {
    "StartExecution", "POST", "/", &start_in, NULL, NULL, false, NULL};
static const awsorch_operation describe_execution = {"DescribeExecution", "POST", "/",   NULL,
                                                     &describe_out,       NULL,   false, NULL};
static const awsorch_operation list_executions = {
    "ListExecutions", "POST", "/", &list_in, NULL, NULL, false, NULL};

static awsorch_request_parts parts;

static void check_headers(const char *const *want, size_t n)
{
    cr_assert_eq(parts.header_count, n, "got %zu headers", parts.header_count);
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_eq(parts.headers[i], want[i]);
    }
}

Test(aws_json, members_in_shape_order)
{
    cr_assert_eq(awsorch_serialize(&parts, &sfn, &start_execution,
                                   "{\"input\":\"{}\",\"name\":\"n1\",\"stateMachineArn\":"
                                   "\"arn:aws:states:eu-west-1:1:stateMachine:etl\"}"),
                 AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(parts.method, "POST");
    cr_expect_str_eq(parts.path, "/");
    cr_expect_null(parts.query);
    const char *want[] = {"Content-Type: application/x-amz-json-1.0",
                          "X-Amz-Target: AWSStepFunctions.StartExecution"};
    check_headers(want, 2);
    cr_expect_str_eq(parts.body, "{\"stateMachineArn\":\"arn:aws:states:eu-west-1:1:stateMachine:"
                                 "etl\",\"name\":\"n1\",\"input\":\"{}\"}");
    awsorch_request_parts_free(&parts);
    cr_assert_eq(awsorch_serialize(&parts, &sfn, &describe_execution, NULL), AWSORCH_OK);
    cr_expect_str_eq(parts.body, "{}", "no input is an empty object");
    awsorch_request_parts_free(&parts);
}

Test(model, operations_are_found_by_name)
{
    const awsorch_operation ops[] = {start_execution, describe_execution};
    cr_expect_eq(awsorch_operation_find(ops, 2, "DescribeExecution"), &ops[1]);
    cr_expect_null(awsorch_operation_find(ops, 2, "describe-execution"));
    cr_expect_null(awsorch_operation_find(NULL, 0, "StartExecution"));
}

Test(aws_json, validation_names_the_member)
{
    struct {
        const awsorch_operation *op;
        const char *input;
        const char *message;
    } cases[] = {
        {&start_execution, "{\"name\":\"x\"}",
         "Missing required parameter in input: \"stateMachineArn\""},
        {&start_execution, "{\"stateMachineArn\":\"a\",\"nmae\":\"x\"}",
         "Unknown parameter in input: \"nmae\", must be one of: stateMachineArn, name, input"},
        {&start_execution, "{\"stateMachineArn\":7}", "stateMachineArn must be a string"},
        {&list_executions, "{\"maxResults\":\"ten\"}", "maxResults must be an integer"},
        {&start_execution, "[1]", "input must be a structure"},
        {&start_execution, "{\"a\":1,\"a\":2}", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_expect_eq(awsorch_serialize(&parts, &sfn, cases[i].op, cases[i].input),
                     AWSORCH_E_INVALID_ARG, "case %zu", i);
        cr_expect_not_null(strstr(awsorch_error_last()->message, cases[i].message), "case %zu: %s",
                           i, awsorch_error_last()->message);
        awsorch_request_parts_free(&parts);
    }
    /* A status this SDK does not know yet is the service's to judge. */
    cr_expect_eq(
        awsorch_serialize(&parts, &sfn, &list_executions, "{\"statusFilter\":\"WALKING\"}"),
        AWSORCH_OK);
    cr_expect(parts.body != NULL && strstr(parts.body, "\"statusFilter\":\"WALKING\"") != NULL);
    awsorch_request_parts_free(&parts);
}

Test(aws_json, reply_timestamps_stay_epoch_seconds)
{
    awsorch_response r = {200, NULL, 0, NULL, 0, 1};
    char body[] = "{\"executionArn\":\"e\",\"status\":\"RUNNING\",\"startDate\":1.764727200123E9,"
                  "\"extra\":1}";
    r.body = body;
    r.body_len = strlen(body);
    char *out = NULL;
    cr_assert_eq(awsorch_deserialize(&out, &sfn, &describe_execution, &r), AWSORCH_OK);
    /* A reply that needs no conversion is handed over as it came; numbers keep
     * their value whatever their spelling. */
    json_t *doc = json_loads(out, 0, NULL);
    cr_assert_not_null(doc, "%s", out);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "status")), "RUNNING");
    cr_expect_float_eq(json_number_value(json_object_get(doc, "startDate")), 1764727200.123, 1e-6);
    cr_expect_eq(json_integer_value(json_object_get(doc, "extra")), 1, "undeclared members stay");
    json_decref(doc);
    free(out);
    char bad[] = "{\"executionArn\":";
    r.body = bad;
    r.body_len = strlen(bad);
    cr_expect_eq(awsorch_deserialize(&out, &sfn, &describe_execution, &r), AWSORCH_E_PARSE);
    cr_expect_null(out);
}

/* ---- awsJson 1.1 with an idempotency token: Athena ---------------------------- */

static const awsorch_member sqe_m[] = {
    {"QueryString", &str, AWSORCH_IN_BODY, NULL, AWSORCH_REQUIRED},
    {"ClientRequestToken", &str, AWSORCH_IN_BODY, NULL, AWSORCH_IDEMPOTENCY_TOKEN},
};
static const awsorch_shape sqe_in = {AWSORCH_STRUCTURE, sqe_m, 2, NULL, NULL};
static const awsorch_service_model athena = {
    {"athena", "athena", "Athena"}, "athena", AWSORCH_AWS_JSON_1_1, "AmazonAthena", NULL, NULL};
static const awsorch_operation sqe = {
    "StartQueryExecution", "POST", "/", &sqe_in, NULL, NULL, false, NULL};

Test(aws_json, idempotency_token_is_generated_when_empty)
{
    cr_assert_eq(awsorch_serialize(&parts, &athena, &sqe, "{\"QueryString\":\"SELECT 1\"}"),
                 AWSORCH_OK);
    cr_expect_str_eq(parts.headers[0], "Content-Type: application/x-amz-json-1.1");
    json_t *doc = json_loads(parts.body, 0, NULL);
    const char *token = json_string_value(json_object_get(doc, "ClientRequestToken"));
    cr_assert_not_null(token, "%s", parts.body);
    cr_expect_eq(strlen(token), 36);
    cr_expect_eq(token[14], '4', "a UUID v4: %s", token);
    json_decref(doc);
    awsorch_request_parts_free(&parts);
    cr_assert_eq(awsorch_serialize(&parts, &athena, &sqe,
                                   "{\"QueryString\":\"q\",\"ClientRequestToken\":\"mine\"}"),
                 AWSORCH_OK);
    cr_expect_str_eq(parts.body, "{\"QueryString\":\"q\",\"ClientRequestToken\":\"mine\"}");
    awsorch_request_parts_free(&parts);
}

/* ---- restJson1: Lambda Invoke ------------------------------------------------ */

static const char *const invocation_types[] = {"Event", "RequestResponse", "DryRun", NULL};
static const awsorch_shape invocation_type = {AWSORCH_STRING, NULL, 0, NULL, invocation_types};
static const awsorch_member invoke_in_m[] = {
    {"FunctionName", &str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED},
    {"InvocationType", &invocation_type, AWSORCH_IN_HEADER, "X-Amz-Invocation-Type", 0},
    {"LogType", &str, AWSORCH_IN_HEADER, "X-Amz-Log-Type", 0},
    {"Payload", &blob, AWSORCH_IN_PAYLOAD, NULL, 0},
    {"Qualifier", &str, AWSORCH_IN_QUERY, NULL, 0},
};
static const awsorch_shape invoke_in = {AWSORCH_STRUCTURE, invoke_in_m, 5, NULL, NULL};
static const awsorch_member invoke_out_m[] = {
    {"StatusCode", &integer, AWSORCH_IN_STATUS, NULL, 0},
    {"FunctionError", &str, AWSORCH_IN_HEADER, "X-Amz-Function-Error", 0},
    {"LogResult", &str, AWSORCH_IN_HEADER, "X-Amz-Log-Result", 0},
    {"Payload", &blob, AWSORCH_IN_PAYLOAD, NULL, 0},
};
static const awsorch_shape invoke_out = {AWSORCH_STRUCTURE, invoke_out_m, 4, NULL, NULL};
static const awsorch_service_model lambda = {
    {"lambda", "lambda", "Lambda"}, "lambda", AWSORCH_REST_JSON_1, NULL, NULL, NULL};
static const awsorch_operation invoke = {
    "Invoke",   "POST",      "/2015-03-31/functions/{FunctionName}/invocations",
    &invoke_in, &invoke_out, NULL,
    false,      NULL};

Test(rest_json, labels_query_headers_and_payload)
{
    cr_assert_eq(awsorch_serialize(&parts, &lambda, &invoke,
                                   "{\"FunctionName\":\"arn:aws:lambda:eu-west-1:1:function:f\","
                                   "\"Qualifier\":\"prod 1\",\"InvocationType\":\"Event\","
                                   "\"Payload\":\"{\\\"k\\\":1}\"}"),
                 AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(parts.method, "POST");
    cr_expect_str_eq(parts.path,
                     "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Af/"
                     "invocations");
    cr_expect_str_eq(parts.query, "Qualifier=prod%201");
    const char *want[] = {"X-Amz-Invocation-Type: Event"};
    check_headers(want, 1);
    cr_expect_str_eq(parts.body, "{\"k\":1}");
    awsorch_request_parts_free(&parts);
    cr_expect_eq(awsorch_serialize(&parts, &lambda, &invoke, "{\"FunctionName\":\"\"}"),
                 AWSORCH_E_INVALID_ARG, "an empty label would change the path");
    awsorch_request_parts_free(&parts);
}

Test(rest_json, reply_status_headers_and_payload)
{
    char headers[] = "HTTP/1.1 200 OK\r\nX-Amz-Function-Error: Unhandled\r\n"
                     "X-Amz-Log-Result: bG9n\r\n\r\n";
    char body[] = "{\"errorMessage\":\"boom\"}";
    awsorch_response r = {200, headers, strlen(headers), body, strlen(body), 1};
    char *out = NULL;
    cr_assert_eq(awsorch_deserialize(&out, &lambda, &invoke, &r), AWSORCH_OK);
    cr_expect_str_eq(out, "{\"Payload\":\"{\\\"errorMessage\\\":\\\"boom\\\"}\",\"StatusCode\":200,"
                          "\"FunctionError\":\"Unhandled\",\"LogResult\":\"bG9n\"}");
    free(out);
}

/* ---- restXml: S3 -------------------------------------------------------------------- */

static const awsorch_member get_in_m[] = {
    {"Bucket", &str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED},
    {"Key", &str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED},
    {"Range", &str, AWSORCH_IN_HEADER, "Range", 0},
    {"IfModifiedSince", &timestamp, AWSORCH_IN_HEADER, "If-Modified-Since", 0},
};
static const awsorch_shape get_in = {AWSORCH_STRUCTURE, get_in_m, 4, NULL, NULL};
static const awsorch_member object_m[] = {
    {"Key", &str, AWSORCH_IN_BODY, NULL, 0},
    {"LastModified", &timestamp, AWSORCH_IN_BODY, NULL, 0},
    {"Size", &integer, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape object = {AWSORCH_STRUCTURE, object_m, 3, NULL, NULL};
static const awsorch_shape objects = {AWSORCH_LIST, NULL, 0, &object, NULL};
static const awsorch_member list_v2_in_m[] = {
    {"Bucket", &str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED},
    {"Prefix", &str, AWSORCH_IN_QUERY, "prefix", 0},
    {"ContinuationToken", &str, AWSORCH_IN_QUERY, "continuation-token", 0},
};
static const awsorch_shape list_v2_in = {AWSORCH_STRUCTURE, list_v2_in_m, 3, NULL, NULL};
static const awsorch_member list_v2_out_m[] = {
    {"IsTruncated", &boolean, AWSORCH_IN_BODY, NULL, 0},
    {"Contents", &objects, AWSORCH_IN_BODY, NULL, AWSORCH_FLATTENED},
    {"NextContinuationToken", &str, AWSORCH_IN_BODY, NULL, 0},
    {"KeyCount", &integer, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape list_v2_out = {AWSORCH_STRUCTURE, list_v2_out_m, 4, NULL, NULL};
static const awsorch_service_model s3 = {{"s3", "s3", "S3"},
                                         "s3api",
                                         AWSORCH_REST_XML,
                                         NULL,
                                         NULL,
                                         "http://s3.amazonaws.com/doc/2006-03-01/"};
static const awsorch_operation get_object = {
    "GetObject", "GET", "/{Bucket}/{Key+}", &get_in, NULL, NULL, false, NULL};
static const awsorch_operation list_v2 = {
    "ListObjectsV2", "GET", "/{Bucket}?list-type=2", &list_v2_in, &list_v2_out, NULL, false, NULL};

Test(rest_xml, greedy_labels_and_http_dates)
{
    cr_assert_eq(awsorch_serialize(&parts, &s3, &get_object,
                                   "{\"Bucket\":\"etl\",\"Key\":\"raw/2026/a b+c.csv\","
                                   "\"Range\":\"bytes=0-9\",\"IfModifiedSince\":1764727200}"),
                 AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(parts.path, "/etl/raw/2026/a%20b%2Bc.csv");
    const char *want[] = {"Range: bytes=0-9", "If-Modified-Since: Wed, 03 Dec 2025 02:00:00 GMT"};
    check_headers(want, 2);
    cr_expect_null(parts.body);
    awsorch_request_parts_free(&parts);
    cr_assert_eq(awsorch_serialize(&parts, &s3, &list_v2,
                                   "{\"Bucket\":\"etl\",\"Prefix\":\"raw/\",\"ContinuationToken\":"
                                   "\"t+1\"}"),
                 AWSORCH_OK);
    cr_expect_str_eq(parts.path, "/etl");
    cr_expect_str_eq(parts.query, "list-type=2&prefix=raw%2F&continuation-token=t%2B1");
    awsorch_request_parts_free(&parts);
}

Test(rest_xml, flattened_lists_in_replies)
{
    char body[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                  "<IsTruncated>true</IsTruncated>"
                  "<Contents><Key>raw/a.csv</Key><LastModified>2025-12-03T02:00:00.000Z"
                  "</LastModified><Size>12</Size></Contents>"
                  "<Contents><Key>raw/b&amp;c.csv</Key><Size>0</Size></Contents>"
                  "<NextContinuationToken>tok</NextContinuationToken><KeyCount>2</KeyCount>"
                  "</ListBucketResult>";
    awsorch_response r = {200, NULL, 0, body, strlen(body), 1};
    char *out = NULL;
    cr_assert_eq(awsorch_deserialize(&out, &s3, &list_v2, &r), AWSORCH_OK);
    cr_expect_str_eq(out, "{\"IsTruncated\":true,\"Contents\":[{\"Key\":\"raw/a.csv\","
                          "\"LastModified\":1764727200,\"Size\":12},{\"Key\":\"raw/b&c.csv\","
                          "\"Size\":0}],\"NextContinuationToken\":\"tok\",\"KeyCount\":2}");
    free(out);
    char junk[] = "<ListBucketResult><IsTruncated>";
    r.body = junk;
    r.body_len = strlen(junk);
    cr_expect_eq(awsorch_deserialize(&out, &s3, &list_v2, &r), AWSORCH_E_PARSE);
}

/* ---- awsQuery: STS ------------------------------------------------------------------ */

static const awsorch_member tag_m[] = {
    {"Key", &str, AWSORCH_IN_BODY, NULL, 0},
    {"Value", &str, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape tag = {AWSORCH_STRUCTURE, tag_m, 2, NULL, NULL};
static const awsorch_shape tags = {AWSORCH_LIST, NULL, 0, &tag, NULL};
static const awsorch_member assume_in_m[] = {
    {"RoleArn", &str, AWSORCH_IN_BODY, NULL, AWSORCH_REQUIRED},
    {"RoleSessionName", &str, AWSORCH_IN_BODY, NULL, AWSORCH_REQUIRED},
    {"Tags", &tags, AWSORCH_IN_BODY, NULL, 0},
    {"DurationSeconds", &integer, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape assume_in = {AWSORCH_STRUCTURE, assume_in_m, 4, NULL, NULL};
static const awsorch_member creds_m[] = {
    {"AccessKeyId", &str, AWSORCH_IN_BODY, NULL, 0},
    {"Expiration", &timestamp, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape creds = {AWSORCH_STRUCTURE, creds_m, 2, NULL, NULL};
static const awsorch_member assume_out_m[] = {
    {"Credentials", &creds, AWSORCH_IN_BODY, NULL, 0},
    {"PackedPolicySize", &integer, AWSORCH_IN_BODY, NULL, 0},
};
static const awsorch_shape assume_out = {AWSORCH_STRUCTURE, assume_out_m, 2, NULL, NULL};
static const awsorch_service_model sts = {{"sts", "sts", "STS"}, "sts", AWSORCH_AWS_QUERY, NULL,
                                          "2011-06-15",          NULL};
static const awsorch_operation assume_role = {"AssumeRole", "POST", "/",   &assume_in,
                                              &assume_out,  NULL,   false, NULL};

Test(aws_query, nested_lists_and_reply)
{
    cr_assert_eq(awsorch_serialize(&parts, &sts, &assume_role,
                                   "{\"RoleSessionName\":\"s 1\",\"RoleArn\":\"arn:aws:iam::1:"
                                   "role/etl\",\"DurationSeconds\":900,\"Tags\":[{\"Key\":\"team\","
                                   "\"Value\":\"data\"},{\"Key\":\"env\",\"Value\":\"prod\"}]}"),
                 AWSORCH_OK, "%s", awsorch_error_last()->message);
    cr_expect_str_eq(parts.body, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A"
                                 "%3A1%3Arole%2Fetl&RoleSessionName=s%201&Tags.member.1.Key=team&"
                                 "Tags.member.1.Value=data&Tags.member.2.Key=env&Tags.member.2."
                                 "Value=prod&DurationSeconds=900");
    const char *want[] = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8"};
    check_headers(want, 1);
    awsorch_request_parts_free(&parts);
    char body[] = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                  "<AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><Expiration>"
                  "2025-12-03T02:00:00Z</Expiration></Credentials><PackedPolicySize>6"
                  "</PackedPolicySize></AssumeRoleResult></AssumeRoleResponse>";
    awsorch_response r = {200, NULL, 0, body, strlen(body), 1};
    char *out = NULL;
    cr_assert_eq(awsorch_deserialize(&out, &sts, &assume_role, &r), AWSORCH_OK);
    cr_expect_str_eq(out, "{\"Credentials\":{\"AccessKeyId\":\"ASIA1\",\"Expiration\":1764727200},"
                          "\"PackedPolicySize\":6}");
    free(out);
}
