/* Unit tests of the emulator's Amazon States Language library (src/emulator/asl.c):
 * paths, input and output processing, intrinsic functions, Choice rules, error
 * matching, the context object and definition checks, with the examples of the AWS
 * Step Functions developer guide. No server: the functions are called directly. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "emulator/asl.h"

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    cr_assert_not_null(v, "bad JSON in the test: %s (%s)", text, e.text);
    return v;
}

/* Asserts got (consumed) equals the JSON text want. */
static void expect_json(json_t *got, const char *want)
{
    cr_assert_not_null(got, "expected %s, got NULL", want);
    json_t *w = J(want);
    char *g = asl_json_dumps(got);
    cr_assert(json_equal(got, w), "expected %s, got %s", want, g);
    free(g);
    json_decref(w);
    json_decref(got);
}

static json_t *path(const char *input, const char *p)
{
    json_t *in = J(input);
    emu_error err = {0};
    json_t *out = asl_path_get(in, p, NULL, &err);
    json_decref(in);
    return out;
}

static void expect_path(const char *input, const char *p, const char *want)
{
    expect_json(path(input, p), want);
}

static void expect_error(const emu_error *err, const char *code, const char *message)
{
    cr_assert_str_eq(err->code, code, "code %s (message: %s)", err->code, err->message);
    cr_assert_eq(err->status, 400);
    if (message != NULL) {
        cr_assert_str_eq(err->message, message);
    }
}

static const char *REFERENCE_DOC = "{\"foo\": 123, \"bar\": [\"a\", \"b\", \"c\"], \"car\": "
                                   "{\"cdr\": true}}";

/* ---- paths ---------------------------------------------------------------------------- */

Test(asl_paths, reference_paths_from_the_docs)
{
    expect_path(REFERENCE_DOC, "$.foo", "123");
    expect_path(REFERENCE_DOC, "$.bar", "[\"a\", \"b\", \"c\"]");
    expect_path(REFERENCE_DOC, "$.car.cdr", "true");
    expect_path(REFERENCE_DOC, "$", REFERENCE_DOC);
    expect_path(REFERENCE_DOC, "$['car']['cdr']", "true");
    expect_path(REFERENCE_DOC, "$[\"bar\"][1]", "\"b\"");
    expect_path(REFERENCE_DOC, "$.bar[0]", "\"a\"");
    expect_path(REFERENCE_DOC, "$.bar[-1]", "\"c\"");
    expect_path("{\"a b\": {\"c.d\": 1}}", "$['a b']['c.d']", "1");
}

Test(asl_paths, slices_wildcards_filters_and_functions)
{
    /* "If you apply the path $.a[0:2], the following is the result: [ 1, 2 ]" */
    expect_path("{ \"a\": [1, 2, 3, 4] }", "$.a[0:2]", "[1, 2]");
    expect_path("{ \"a\": [1, 2, 3, 4] }", "$.a[2:]", "[3, 4]");
    expect_path("{ \"a\": [1, 2, 3, 4] }", "$.a[-2:]", "[3, 4]");
    expect_path("{ \"a\": [1, 2, 3, 4] }", "$.a[0,3]", "[1, 4]");
    const char *items =
        "{\"items\": [{\"b\": 1, \"n\": \"x\"}, {\"b\": 2, \"n\": \"y\"}, {\"c\": 3}]}";
    expect_path(items, "$.items[*].b", "[1, 2]");
    expect_path(items, "$..b", "[1, 2]");
    expect_path(items, "$.items[?(@.b > 1)]", "[{\"b\": 2, \"n\": \"y\"}]");
    expect_path(items, "$.items[?(@.n == 'x')].b", "[1]");
    expect_path(items, "$.items[?(@.c)]", "[{\"c\": 3}]");
    expect_path(items, "$.items[?(@.b >= 1 && @.n != 'x')].n", "[\"y\"]");
    expect_path(items, "$.items.length()", "3");
    expect_path(REFERENCE_DOC, "$['foo','car']", "[123, {\"cdr\": true}]");
    /* indefinite paths with nothing to match give [] rather than an error */
    expect_path(items, "$.nothing[*]", "[]");
    /* the docs' ResultSelector flattening: "$[*][*]" */
    expect_path("[[1, 2], [3], []]", "$[*][*]", "[1, 2, 3]");
}

Test(asl_paths, context_object)
{
    json_t *in = J("{\"Execution\": \"not this one\"}");
    json_t *ctx =
        asl_context_new("arn:aws:states:us-east-1:000000000000:execution:sm:run-1", "run-1", in,
                        "arn:aws:states:us-east-1:000000000000:stateMachine:sm", "sm",
                        "2026-01-02T03:04:05.678Z", "arn:aws:iam::000000000000:role/r");
    emu_error err = {0};
    expect_json(asl_path_get(in, "$$.Execution.Id", ctx, &err),
                "\"arn:aws:states:us-east-1:000000000000:execution:sm:run-1\"");
    expect_json(asl_path_get(in, "$$.Execution.Name", ctx, &err), "\"run-1\"");
    expect_json(asl_path_get(in, "$$.Execution.Input", ctx, &err),
                "{\"Execution\": \"not this one\"}");
    expect_json(asl_path_get(in, "$$.Execution.StartTime", ctx, &err),
                "\"2026-01-02T03:04:05.678Z\"");
    expect_json(asl_path_get(in, "$$.Execution.RoleArn", ctx, &err),
                "\"arn:aws:iam::000000000000:role/r\"");
    expect_json(asl_path_get(in, "$$.StateMachine.Name", ctx, &err), "\"sm\"");
    expect_json(asl_path_get(in, "$$.StateMachine.Id", ctx, &err),
                "\"arn:aws:states:us-east-1:000000000000:stateMachine:sm\"");
    expect_json(asl_path_get(in, "$.Execution", ctx, &err), "\"not this one\"");

    asl_context_enter(ctx, "First", "2026-01-02T03:04:06.000Z", 2);
    expect_json(asl_path_get(in, "$$.State", ctx, &err),
                "{\"Name\": \"First\", \"EnteredTime\": \"2026-01-02T03:04:06.000Z\", "
                "\"RetryCount\": 2}");
    asl_context_set_task_token(ctx, "tok-1");
    expect_json(asl_path_get(in, "$$.Task.Token", ctx, &err), "\"tok-1\"");
    /* a new state has no token of the previous one */
    asl_context_enter(ctx, "Second", "2026-01-02T03:04:07.000Z", 0);
    cr_assert_null(asl_path_get(in, "$$.Task.Token", ctx, &err));

    json_t *item = J("{\"who\": \"bob\"}");
    asl_context_map_item(ctx, 4, item);
    expect_json(asl_path_get(in, "$$.Map.Item", ctx, &err),
                "{\"Index\": 4, \"Value\": {\"who\": \"bob\"}}");
    json_decref(item);
    json_decref(ctx);
    json_decref(in);
}

Test(asl_paths, missing_paths_fail_with_aws_messages)
{
    json_t *in = J(REFERENCE_DOC);
    emu_error err = {0};
    cr_assert_null(asl_path_get(in, "$.Payload", NULL, &err));
    /* the cause AWS gives for InputPath/OutputPath */
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.Payload' : No results for path: $['Payload']");
    cr_assert_null(asl_path_get(in, "$.car.cdr.x", NULL, &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.car.cdr.x' : No results for path: $['car']['cdr']['x']");
    cr_assert_null(asl_path_get(in, "$.bar[7]", NULL, &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.bar[7]' : No results for path: $['bar'][7]");
    json_decref(in);

    /* the cause AWS gives for a payload template field */
    json_t *empty = J("{}");
    cr_assert_null(asl_path_get_field(empty, "$.JobName", NULL, "JobName.$", &err));
    expect_error(&err, "States.Runtime",
                 "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found "
                 "in the input '{}'");
    json_decref(empty);

    cr_assert_null(path("{}", "$.a["));
    cr_assert_not(asl_path_valid("$.a["));
    cr_assert_not(asl_path_valid("foo"));
    cr_assert_not(asl_path_valid("$.a[?(@.b >)]"));
    cr_assert(asl_path_valid("$$.Execution.Id"));
    cr_assert(asl_reference_path_valid("$.a['b'][0]"));
    cr_assert_not(asl_reference_path_valid("$.a[*]"));
    cr_assert_not(asl_reference_path_valid("$..a"));
    cr_assert_not(asl_reference_path_valid("$$.Execution"));
}

/* ---- input and output processing ------------------------------------------------------ */

Test(asl_io, inputpath_example_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Pass\", \"InputPath\": \"$.dataset2\", \"End\": true}");
    json_t *in = J("{\"comment\": \"Example for InputPath.\", \"dataset1\": {\"val1\": 1, "
                   "\"val2\": 2, \"val3\": 3}, \"dataset2\": {\"val1\": \"a\", \"val2\": \"b\", "
                   "\"val3\": \"c\"}}");
    emu_error err = {0};
    expect_json(asl_effective_input(state, in, NULL, &err),
                "{\"val1\": \"a\", \"val2\": \"b\", \"val3\": \"c\"}");
    json_object_set_new(state, "InputPath", json_null());
    expect_json(asl_effective_input(state, in, NULL, &err), "{}");
    json_object_set_new(state, "InputPath", json_string("$.dataset3"));
    cr_assert_null(asl_effective_input(state, in, NULL, &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.dataset3' : No results for path: $['dataset3']");
    json_decref(state);
    json_decref(in);
}

Test(asl_io, parameters_example_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", "
                      "\"Parameters\": {\"comment\": \"Selecting what I care about.\", "
                      "\"MyDetails\": {\"size.$\": \"$.product.details.size\", \"exists.$\": "
                      "\"$.product.availability\", \"StaticValue\": \"foo\"}}, \"End\": true}");
    json_t *in = J("{\"comment\": \"Example for Parameters.\", \"product\": {\"details\": "
                   "{\"color\": \"blue\", \"size\": \"small\", \"material\": \"cotton\"}, "
                   "\"availability\": \"in stock\", \"sku\": \"2317\", \"cost\": \"$23\"}}");
    emu_error err = {0};
    expect_json(asl_effective_input(state, in, NULL, &err),
                "{\"comment\": \"Selecting what I care about.\", \"MyDetails\": {\"size\": "
                "\"small\", \"exists\": \"in stock\", \"StaticValue\": \"foo\"}}");
    json_decref(state);
    json_decref(in);
}

Test(asl_io, parameters_from_the_specification_with_paths_arrays_and_context)
{
    /* the Amazon States Language specification's Parameters example */
    json_t *tmpl = J("{\"flagged\": true, \"parts\": {\"first.$\": \"$.vals[0]\", \"last3.$\": "
                     "\"$.vals[3:]\"}}");
    json_t *in = J("{\"flagged\": 7, \"vals\": [0, 10, 20, 30, 40, 50]}");
    emu_error err = {0};
    expect_json(asl_apply_parameters(tmpl, in, NULL, &err),
                "{\"flagged\": true, \"parts\": {\"first\": 0, \"last3\": [30, 40, 50]}}");
    json_decref(tmpl);

    json_t *ctx = asl_context_new("arn:x:execution:sm:e1", "e1", in, "arn:x:stateMachine:sm", "sm",
                                  "2026-01-01T00:00:00Z", "arn:r");
    tmpl = J("{\"list\": [{\"id.$\": \"$$.Execution.Name\"}, \"plain\", 1], \"f.$\": "
             "\"States.Format('{}-{}', $$.Execution.Name, $.vals[1])\"}");
    expect_json(asl_apply_parameters(tmpl, in, ctx, &err),
                "{\"list\": [{\"id\": \"e1\"}, \"plain\", 1], \"f\": \"e1-10\"}");
    json_decref(tmpl);

    tmpl = J("{\"JobName.$\": \"$.JobName\"}");
    cr_assert_null(asl_apply_parameters(tmpl, in, ctx, &err));
    expect_error(&err, "States.Runtime",
                 "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found "
                 "in the input '{\"flagged\":7,\"vals\":[0,10,20,30,40,50]}'");
    json_decref(tmpl);
    tmpl = J("{\"Body.$\": \"not a path\"}");
    cr_assert_null(asl_apply_parameters(tmpl, in, ctx, &err));
    expect_error(&err, "States.Runtime",
                 "The value for the field 'Body.$' must be a valid JSONPath or a valid intrinsic "
                 "function call");
    json_decref(tmpl);
    json_decref(ctx);
    json_decref(in);
}

static const char *RESULTPATH_INPUT =
    "{\"comment\": \"This is a test\", \"details\": \"Default example\", \"who\": \"Step "
    "Functions\"}";

static json_t *output_with(const char *state_json, const char *input, const char *result,
                           emu_error *err)
{
    json_t *state = J(state_json);
    json_t *in = J(input);
    json_t *res = J(result);
    json_t *out = asl_effective_output(state, in, res, NULL, err);
    json_decref(state);
    json_decref(in);
    json_decref(res);
    return out;
}

Test(asl_io, resultpath_examples_from_the_docs)
{
    emu_error err = {0};
    const char *hello = "\"Hello, Step Functions!\"";
    /* default and "$": the result replaces the input */
    expect_json(output_with("{\"Type\": \"Task\"}", RESULTPATH_INPUT, hello, &err), hello);
    expect_json(
        output_with("{\"Type\": \"Task\", \"ResultPath\": \"$\"}", RESULTPATH_INPUT, hello, &err),
        hello);
    /* null: the original input passes through */
    expect_json(
        output_with("{\"Type\": \"Task\", \"ResultPath\": null}", RESULTPATH_INPUT, hello, &err),
        RESULTPATH_INPUT);
    /* a path: the result joins the input */
    expect_json(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.taskresult\"}",
                            RESULTPATH_INPUT, hello, &err),
                "{\"comment\": \"This is a test\", \"details\": \"Default example\", \"who\": "
                "\"Step Functions\", \"taskresult\": \"Hello, Step Functions!\"}");
    expect_json(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.strings.lambdaresult\"}",
                            "{\"comment\": \"An input comment.\", \"strings\": {\"string1\": "
                            "\"foo\", \"string2\": \"bar\", \"string3\": \"baz\"}, \"who\": "
                            "\"AWS Step Functions\"}",
                            hello, &err),
                "{\"comment\": \"An input comment.\", \"strings\": {\"string1\": \"foo\", "
                "\"string2\": \"bar\", \"string3\": \"baz\", \"lambdaresult\": \"Hello, Step "
                "Functions!\"}, \"who\": \"AWS Step Functions\"}");
    /* an existing node is overwritten */
    expect_json(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.comment\"}", RESULTPATH_INPUT,
                            hello, &err),
                "{\"comment\": \"Hello, Step Functions!\", \"details\": \"Default example\", "
                "\"who\": \"Step Functions\"}");
    /* a catcher's ResultPath keeps the input with the error output */
    expect_json(output_with("{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"NextTask\", "
                            "\"ResultPath\": \"$.error\"}",
                            "{\"foo\": \"bar\"}", "{\"Error\": \"Error here\"}", &err),
                "{\"foo\": \"bar\", \"error\": {\"Error\": \"Error here\"}}");
    /* objects on the way are created */
    expect_json(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.a.b.c\"}", "{}", "1", &err),
                "{\"a\": {\"b\": {\"c\": 1}}}");
    expect_json(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.a[1]\"}",
                            "{\"a\": [0, 0, 0]}", "1", &err),
                "{\"a\": [0, 1, 0]}");
}

Test(asl_io, resultpath_refuses_a_non_object_in_the_way)
{
    emu_error err = {0};
    cr_assert_null(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.a.b\"}", "{\"a\": \"x\"}",
                               "1", &err));
    expect_error(&err, "States.Runtime",
                 "Unable to apply ReferencePath $.a.b to input {\"a\":\"x\"}");
    cr_assert_null(output_with("{\"Type\": \"Task\", \"ResultPath\": \"$.partitioned\"}",
                               "\"{\\\"min_size\\\":10000}\"", "1", &err));
    expect_error(
        &err, "States.Runtime",
        "Unable to apply ReferencePath $.partitioned to input \"{\\\"min_size\\\":10000}\"");
}

Test(asl_io, inputpath_resultpath_outputpath_example_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Task\", \"Resource\": \"arn:aws:lambda:::function:add\", "
                      "\"InputPath\": \"$.numbers\", \"ResultPath\": \"$.sum\", \"OutputPath\": "
                      "\"$\", \"End\": true}");
    json_t *in = J("{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, \"val2\": 4}}");
    emu_error err = {0};
    expect_json(asl_effective_input(state, in, NULL, &err), "{\"val1\": 3, \"val2\": 4}");
    json_t *seven = json_integer(7);
    expect_json(asl_effective_output(state, in, seven, NULL, &err),
                "{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, \"val2\": 4}, "
                "\"sum\": 7}");
    json_object_set_new(state, "OutputPath", json_string("$.sum"));
    expect_json(asl_effective_output(state, in, seven, NULL, &err), "7");
    json_object_set_new(state, "OutputPath", json_null());
    expect_json(asl_effective_output(state, in, seven, NULL, &err), "{}");
    json_object_set_new(state, "OutputPath", json_string("$.difference"));
    cr_assert_null(asl_effective_output(state, in, seven, NULL, &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.difference' : No results for path: $['difference']");
    json_decref(seven);
    json_decref(state);
    json_decref(in);
}

Test(asl_io, resultselector_example_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Task\", \"Resource\": "
                      "\"arn:aws:states:::elasticmapreduce:createCluster.sync\", "
                      "\"ResultSelector\": {\"ClusterId.$\": \"$.output.ClusterId\", "
                      "\"ResourceType.$\": \"$.resourceType\"}, \"ResultPath\": \"$.EMROutput\", "
                      "\"Next\": \"Next Step\"}");
    json_t *result = J("{\"resourceType\": \"elasticmapreduce\", \"resource\": "
                       "\"createCluster.sync\", \"output\": {\"SdkHttpMetadata\": "
                       "{\"HttpHeaders\": {\"Content-Length\": \"1112\", \"Content-Type\": "
                       "\"application/x-amz-JSON-1.1\", \"Date\": \"Mon, 25 Nov 2019 19:41:29 "
                       "GMT\", \"x-amzn-RequestId\": \"1234-5678-9012\"}, \"HttpStatusCode\": "
                       "200}, \"SdkResponseMetadata\": {\"RequestId\": \"1234-5678-9012\"}, "
                       "\"ClusterId\": \"AKIAIOSFODNN7EXAMPLE\"}}");
    json_t *in = J("{\"OtherDataFromInput\": {}}");
    emu_error err = {0};
    expect_json(asl_effective_output(state, in, result, NULL, &err),
                "{\"OtherDataFromInput\": {}, \"EMROutput\": {\"ClusterId\": "
                "\"AKIAIOSFODNN7EXAMPLE\", \"ResourceType\": \"elasticmapreduce\"}}");
    json_decref(state);
    json_decref(result);
    json_decref(in);
}

Test(asl_io, pass_state_example_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Pass\", \"Result\": {\"x-datum\": 0.381018, \"y-datum\": "
                      "622.2269926397355}, \"ResultPath\": \"$.coords\", \"Next\": \"End\"}");
    json_t *in = J("{\"georefOf\": \"Home\"}");
    emu_error err = {0};
    json_t *eff = asl_effective_input(state, in, NULL, &err);
    json_t *result = asl_pass_result(state, eff);
    expect_json(asl_effective_output(state, in, result, NULL, &err),
                "{\"georefOf\": \"Home\", \"coords\": {\"x-datum\": 0.381018, \"y-datum\": "
                "622.2269926397355}}");
    json_decref(result);
    json_decref(eff);
    /* without Result, a Pass state's result is its effective input */
    json_t *plain = J("{\"Type\": \"Pass\", \"Parameters\": {\"where.$\": \"$.georefOf\"}, "
                      "\"End\": true}");
    eff = asl_effective_input(plain, in, NULL, &err);
    expect_json(asl_pass_result(plain, eff), "{\"where\": \"Home\"}");
    /* states without a result: only OutputPath applies */
    json_object_set_new(plain, "OutputPath", json_string("$.where"));
    expect_json(asl_effective_output(plain, eff, NULL, NULL, &err), "\"Home\"");
    json_decref(eff);
    json_decref(plain);
    json_decref(state);
    json_decref(in);
}

Test(asl_io, map_items_and_itemselector_from_the_docs)
{
    json_t *state = J("{\"Type\": \"Map\", \"ItemsPath\": \"$.detail.shipped\", "
                      "\"ItemSelector\": {\"ContextIndex.$\": \"$$.Map.Item.Index\", "
                      "\"ContextValue.$\": \"$$.Map.Item.Value\", \"Delivery.$\": "
                      "\"$.delivery-partner\"}, \"ItemProcessor\": {\"StartAt\": \"P\", "
                      "\"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}");
    json_t *in = J("{\"delivery-partner\": \"UQS\", \"detail\": {\"shipped\": [{\"who\": "
                   "\"bob\"}, {\"who\": \"meg\"}, {\"who\": \"joe\"}]}}");
    json_t *ctx =
        asl_context_new("arn:e", "e", in, "arn:sm", "sm", "2026-01-01T00:00:00Z", "arn:r");
    emu_error err = {0};
    json_t *eff = asl_effective_input(state, in, ctx, &err);
    json_t *items = asl_map_items(state, eff, ctx, &err);
    cr_assert_eq(json_array_size(items), 3);
    expect_json(asl_map_item_input(state, eff, ctx, 1, json_array_get(items, 1), &err),
                "{\"ContextIndex\": 1, \"ContextValue\": {\"who\": \"meg\"}, \"Delivery\": "
                "\"UQS\"}");
    /* the caller's context is left alone */
    cr_assert_null(json_object_get(ctx, "Map"));
    json_object_del(state, "ItemSelector");
    expect_json(asl_map_item_input(state, eff, ctx, 2, json_array_get(items, 2), &err),
                "{\"who\": \"joe\"}");
    json_object_set_new(state, "ItemsPath", json_string("$.delivery-partner"));
    cr_assert_null(asl_map_items(state, eff, ctx, &err));
    expect_error(&err, "States.Runtime", NULL);
    json_decref(items);
    json_decref(eff);
    json_decref(ctx);
    json_decref(state);
    json_decref(in);
}

/* ---- intrinsic functions -------------------------------------------------------------- */

static json_t *call(const char *input, const char *expr, emu_error *err)
{
    json_t *in = J(input);
    json_t *out = asl_intrinsic(expr, in, NULL, err);
    json_decref(in);
    return out;
}

static void expect_call(const char *input, const char *expr, const char *want)
{
    emu_error err = {0};
    json_t *out = call(input, expr, &err);
    cr_assert_not_null(out, "%s failed: %s: %s", expr, err.code, err.message);
    expect_json(out, want);
}

static void expect_call_fails(const char *input, const char *expr)
{
    emu_error err = {0};
    json_t *out = call(input, expr, &err);
    cr_assert_null(out, "%s should fail", expr);
    expect_error(&err, "States.IntrinsicFailure", NULL);
    cr_assert_neq(err.message[0], '\0');
}

Test(asl_intrinsics, format_string_to_json_json_to_string_array_from_the_docs)
{
    const char *person = "{\"name\": \"Arnav\", \"template\": \"Hello, my name is {}.\"}";
    expect_call(person, "States.Format('Hello, my name is {}.', $.name)",
                "\"Hello, my name is Arnav.\"");
    expect_call(person, "States.Format($.template, $.name)", "\"Hello, my name is Arnav.\"");
    expect_call("{\"escapedJsonString\": \"{\\\"foo\\\": \\\"bar\\\"}\"}",
                "States.StringToJson($.escapedJsonString)", "{\"foo\": \"bar\"}");
    expect_call("{\"unescapedJson\": {\"foo\": \"bar\"}}", "States.JsonToString($.unescapedJson)",
                "\"{\\\"foo\\\":\\\"bar\\\"}\"");
    expect_call("{\"Id\": 123456}", "States.Array($.Id)", "[123456]");
    expect_call("{}", "States.Array()", "[]");
    expect_call("{\"a\": {\"b\": 1}}", "States.Array('x', 1, 2.5, true, false, null, $.a)",
                "[\"x\", 1, 2.5, true, false, null, {\"b\": 1}]");
}

Test(asl_intrinsics, format_values_and_escapes)
{
    expect_call("{\"v\": null}", "States.Format('Formatting argument {}.', $.v)",
                "\"Formatting argument null.\"");
    expect_call("{\"v\": 1}", "States.Format('Formatting argument {}.', $.v)",
                "\"Formatting argument 1.\"");
    expect_call("{\"v\": 1.1}", "States.Format('Formatting argument {}.', $.v)",
                "\"Formatting argument 1.1.\"");
    expect_call("{\"v\": \"{\\\"Arg1\\\": 1, \\\"Arg2\\\": []}\"}",
                "States.Format('Formatting argument {}.', $.v)",
                "\"Formatting argument {\\\"Arg1\\\": 1, \\\"Arg2\\\": []}.\"");
    expect_call("{}", "States.Format('{} and {}', true, 'x')", "\"true and x\"");
    /* \' \{ \} \\ are escapes; an escaped brace is no placeholder */
    expect_call("{\"x\": \"X\"}", "States.Format('it\\'s \\{\\} {} \\\\', $.x)",
                "\"it's {} X \\\\\"");
    expect_call_fails("{}", "States.Format('open \\q escape')");
    expect_call_fails("{}", "States.Format('{} {}', 'one')");
    expect_call_fails("{}", "States.Format('{}', 'one', 'two')");
    expect_call_fails("{}", "States.Format(1)");
    expect_call_fails("{}", "States.Nope()");
    expect_call_fails("{}", "States.Format('unterminated)");
    expect_call_fails("{}", "States.StringToJson('{not json')");
}

Test(asl_intrinsics, arrays_from_the_docs)
{
    const char *nine = "{\"inputArray\": [1, 2, 3, 4, 5, 6, 7, 8, 9], \"lookingFor\": 5, "
                       "\"index\": 5}";
    expect_call(nine, "States.ArrayPartition($.inputArray,4)", "[[1, 2, 3, 4], [5, 6, 7, 8], [9]]");
    expect_call(nine, "States.ArrayContains($.inputArray, $.lookingFor)", "true");
    expect_call(nine, "States.ArrayContains($.inputArray, 10)", "false");
    expect_call("{}", "States.ArrayRange(1, 9, 2)", "[1, 3, 5, 7, 9]");
    expect_call("{}", "States.ArrayRange(5, 1, -2)", "[5, 3, 1]");
    expect_call(nine, "States.ArrayGetItem($.inputArray, $.index)", "6");
    expect_call(nine, "States.ArrayLength($.inputArray)", "9");
    expect_call("{\"inputArray\": [1, 2, 3, 3, 3, 3, 3, 3, 4]}", "States.ArrayUnique($.inputArray)",
                "[1, 2, 3, 4]");
    expect_call_fails(nine, "States.ArrayPartition($.inputArray, 0)");
    expect_call_fails(nine, "States.ArrayGetItem($.inputArray, 9)");
    expect_call_fails("{}", "States.ArrayRange(1, 9, 0)");
    expect_call_fails("{}", "States.ArrayRange(0, 1000, 1)");
    expect_call_fails(nine, "States.ArrayLength($.lookingFor)");
    expect_call_fails(nine, "States.ArrayContains($.inputArray)");
}

Test(asl_intrinsics, encoding_hashing_and_json_from_the_docs)
{
    expect_call("{\"input\": \"Data to encode\"}", "States.Base64Encode($.input)",
                "\"RGF0YSB0byBlbmNvZGU=\"");
    expect_call("{\"base64\": \"RGF0YSB0byBlbmNvZGU=\"}", "States.Base64Decode($.base64)",
                "\"Data to encode\"");
    expect_call("{}", "States.Base64Decode(States.Base64Encode('ab'))", "\"ab\"");
    expect_call_fails("{}", "States.Base64Decode('not base64!')");
    expect_call("{\"Data\": \"input data\", \"Algorithm\": \"SHA-1\"}",
                "States.Hash($.Data, $.Algorithm)", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"");
    expect_call("{}", "States.Hash('input data', 'MD5')", "\"812f45842bc6d66ee14572ce20db8e86\"");
    expect_call("{}", "States.Hash('', 'SHA-256')",
                "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
    expect_call_fails("{}", "States.Hash('x', 'SHA-3')");
    expect_call("{\"json1\": {\"a\": {\"a1\": 1, \"a2\": 2}, \"b\": 2}, \"json2\": {\"a\": "
                "{\"a3\": 1, \"a4\": 2}, \"c\": 3}}",
                "States.JsonMerge($.json1, $.json2, false)",
                "{\"a\": {\"a3\": 1, \"a4\": 2}, \"b\": 2, \"c\": 3}");
    expect_call_fails("{\"a\": {}}", "States.JsonMerge($.a, $.a, true)");
}

Test(asl_intrinsics, math_strings_and_uuid_from_the_docs)
{
    expect_call("{\"value1\": 111, \"step\": -1}", "States.MathAdd($.value1, $.step)", "110");
    expect_call_fails("{}", "States.MathAdd(1.5, 1)");
    expect_call_fails("{}", "States.MathAdd(2147483648, 1)");
    expect_call("{\"inputString\": \"1,2,3,4,5\", \"splitter\": \",\"}",
                "States.StringSplit($.inputString, $.splitter)",
                "[\"1\", \"2\", \"3\", \"4\", \"5\"]");
    expect_call("{\"inputString\": \"This.is+a,test=string\", \"splitter\": \".+,=\"}",
                "States.StringSplit($.inputString, $.splitter)",
                "[\"This\", \"is\", \"a\", \"test\", \"string\"]");

    emu_error err = {0};
    for (int i = 0; i < 50; i++) {
        json_t *r = call("{\"start\": 1, \"end\": 999}", "States.MathRandom($.start, $.end)", &err);
        cr_assert(json_is_integer(r));
        cr_assert(json_integer_value(r) >= 1 && json_integer_value(r) < 999);
        json_decref(r);
    }
    json_t *a = call("{}", "States.MathRandom(1, 1000000, 7)", &err);
    json_t *b = call("{}", "States.MathRandom(1, 1000000, 7)", &err);
    cr_assert(json_equal(a, b), "a seed gives the same number");
    json_decref(a);
    json_decref(b);
    expect_call_fails("{}", "States.MathRandom(5, 5)");

    json_t *u = call("{}", "States.UUID()", &err);
    cr_assert(json_is_string(u));
    regex_t re;
    cr_assert_eq(regcomp(&re,
                         "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                         REG_EXTENDED | REG_NOSUB),
                 0);
    cr_assert_eq(regexec(&re, json_string_value(u), 0, NULL, 0), 0, "not a v4 UUID: %s",
                 json_string_value(u));
    regfree(&re);
    json_decref(u);
}

Test(asl_intrinsics, nesting_context_and_validity)
{
    /* the docs' nested example, with as many placeholders as values */
    expect_call("{\"ImageRecipe\": {\"Arn\": "
                "\"arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/myrecipe/1.2.3\"}}",
                "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit("
                "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
                "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
                "$.ImageRecipe.Arn, '/'), 2), '.'), 1))",
                "\"1.2\"");
    json_t *in = J("{}");
    json_t *ctx =
        asl_context_new("arn:e", "run-7", in, "arn:sm", "sm", "2026-01-01T00:00:00Z", "arn:r");
    emu_error err = {0};
    expect_json(asl_intrinsic("States.Format('somestring {}', $$.Execution.Name)", in, ctx, &err),
                "\"somestring run-7\"");
    cr_assert_null(asl_intrinsic("States.Array($.missing)", in, ctx, &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.missing' : No results for path: $['missing']");
    json_decref(ctx);
    json_decref(in);

    cr_assert(asl_intrinsic_valid("States.Array($.a['b,c'], 'x,y', States.UUID())"));
    cr_assert_not(asl_intrinsic_valid("States.Unknown(1)"));
    cr_assert_not(asl_intrinsic_valid("States.Array(1"));
    /* at most 10 levels */
    cr_assert(asl_intrinsic_valid("States.Array(States.Array(States.Array(States.Array("
                                  "States.Array(States.Array(States.Array(States.Array("
                                  "States.Array(States.Array(1))))))))))"));
    cr_assert_not(asl_intrinsic_valid("States.Array(States.Array(States.Array(States.Array("
                                      "States.Array(States.Array(States.Array(States.Array("
                                      "States.Array(States.Array(States.Array(1)))))))))))"));
}

/* ---- Choice ----------------------------------------------------------------------------- */

/* Whether rule (JSON) matches input (JSON); asserts no error. */
static bool rule(const char *rule_json, const char *input)
{
    json_t *r = J(rule_json);
    json_t *in = J(input);
    emu_error err = {0};
    int m = asl_rule_matches(r, in, NULL, &err);
    cr_assert_geq(m, 0, "%s on %s: %s %s", rule_json, input, err.code, err.message);
    json_decref(r);
    json_decref(in);
    return m == 1;
}

#define R(op, value) "{\"Variable\": \"$.v\", \"" op "\": " value "}"

Test(asl_choice, string_operators)
{
    cr_assert(rule(R("StringEquals", "\"MyString\""), "{\"v\": \"MyString\"}"));
    cr_assert_not(rule(R("StringEquals", "\"MyString\""), "{\"v\": \"Other\"}"));
    cr_assert(rule(R("StringGreaterThan", "\"MyStringABC\""), "{\"v\": \"MyStringABD\"}"));
    cr_assert_not(rule(R("StringGreaterThan", "\"MyStringABC\""), "{\"v\": \"MyStringABC\"}"));
    cr_assert(rule(R("StringLessThan", "\"b\""), "{\"v\": \"a\"}"));
    cr_assert(rule(R("StringLessThan", "\"a\""), "{\"v\": \"B\"}"), "uppercase sorts first");
    cr_assert(rule(R("StringLessThan", "\"abc\""), "{\"v\": \"ab\"}"), "prefix sorts first");
    cr_assert(rule(R("StringLessThanEquals", "\"a\""), "{\"v\": \"a\"}"));
    cr_assert(rule(R("StringGreaterThanEquals", "\"a\""), "{\"v\": \"a\"}"));
    cr_assert_not(rule(R("StringGreaterThanEquals", "\"b\""), "{\"v\": \"a\"}"));
    /* Java's compareTo: U+FFFD sorts after a surrogate pair (U+1F600) */
    cr_assert(rule(R("StringLessThan", "\"\xef\xbf\xbd\""), "{\"v\": \"\xf0\x9f\x98\x80\"}"));
    /* wrong types are false, not errors */
    cr_assert_not(rule(R("StringEquals", "\"1\""), "{\"v\": 1}"));
    cr_assert_not(rule(R("StringLessThan", "\"z\""), "{\"v\": null}"));
}

Test(asl_choice, string_matches)
{
    cr_assert(rule(R("StringMatches", "\"log-*.txt\""), "{\"v\": \"log-2024-01.txt\"}"));
    cr_assert(rule(R("StringMatches", "\"*.log\""), "{\"v\": \"x.log\"}"));
    cr_assert(rule(R("StringMatches", "\"*\""), "{\"v\": \"\"}"));
    cr_assert_not(rule(R("StringMatches", "\"log-*.txt\""), "{\"v\": \"log-1.csv\"}"));
    cr_assert(rule(R("StringMatches", "\"a*b*c\""), "{\"v\": \"aXbYbZc\"}"));
    /* "\\*" in JSON is \* : a literal star */
    cr_assert(rule(R("StringMatches", "\"foo\\\\*\""), "{\"v\": \"foo*\"}"));
    cr_assert_not(rule(R("StringMatches", "\"foo\\\\*\""), "{\"v\": \"foobar\"}"));
    cr_assert(rule(R("StringMatches", "\"a\\\\\\\\b\""), "{\"v\": \"a\\\\b\"}"));
    cr_assert_not(rule(R("StringMatches", "\"*\""), "{\"v\": 5}"));
}

Test(asl_choice, numeric_and_boolean_operators)
{
    cr_assert(rule(R("NumericEquals", "1"), "{\"v\": 1}"));
    cr_assert(rule(R("NumericEquals", "1"), "{\"v\": 1.0}"));
    cr_assert_not(rule(R("NumericEquals", "1"), "{\"v\": 2}"));
    cr_assert(rule(R("NumericLessThan", "30"), "{\"v\": 22}"));
    cr_assert_not(rule(R("NumericLessThan", "30"), "{\"v\": 30}"));
    cr_assert(rule(R("NumericLessThanEquals", "30"), "{\"v\": 30}"));
    cr_assert(rule(R("NumericGreaterThan", "1.5"), "{\"v\": 2}"));
    cr_assert_not(rule(R("NumericGreaterThan", "1.5"), "{\"v\": 1.5}"));
    cr_assert(rule(R("NumericGreaterThanEquals", "20"), "{\"v\": 20}"));
    cr_assert(rule(R("NumericEquals", "9007199254740993"), "{\"v\": 9007199254740993}"));
    cr_assert_not(rule(R("NumericEquals", "9007199254740993"), "{\"v\": 9007199254740992}"));
    cr_assert_not(rule(R("NumericEquals", "1"), "{\"v\": \"1\"}"), "no number-string matching");
    cr_assert(rule(R("BooleanEquals", "true"), "{\"v\": true}"));
    cr_assert(rule(R("BooleanEquals", "false"), "{\"v\": false}"));
    cr_assert_not(rule(R("BooleanEquals", "true"), "{\"v\": false}"));
    cr_assert_not(rule(R("BooleanEquals", "true"), "{\"v\": \"true\"}"));
}

Test(asl_choice, timestamp_operators)
{
    const char *t0 = "{\"v\": \"2012-10-09T19:00:55Z\"}";
    cr_assert(rule(R("TimestampEquals", "\"2012-10-09T19:00:55Z\""), t0));
    cr_assert(rule(R("TimestampEquals", "\"2012-10-09T21:00:55+02:00\""), t0), "offsets count");
    cr_assert(rule(R("TimestampEquals", "\"2012-10-09T19:00:55.000Z\""), t0));
    cr_assert_not(rule(R("TimestampEquals", "\"2012-10-09T19:00:56Z\""), t0));
    cr_assert(rule(R("TimestampLessThan", "\"2012-10-09T19:00:56Z\""), t0));
    cr_assert(rule(R("TimestampLessThan", "\"2012-10-09T19:00:55.000000001Z\""), t0));
    cr_assert(rule(R("TimestampGreaterThan", "\"2012-10-09T19:00:54Z\""), t0));
    cr_assert(rule(R("TimestampLessThanEquals", "\"2012-10-09T19:00:55Z\""), t0));
    cr_assert(rule(R("TimestampGreaterThanEquals", "\"2012-10-09T19:00:55Z\""), t0));
    cr_assert_not(rule(R("TimestampGreaterThanEquals", "\"2012-10-09T19:00:56Z\""), t0));
    /* not timestamps: false */
    cr_assert_not(rule(R("TimestampEquals", "\"2012-10-09T19:00:55Z\""),
                       "{\"v\": \"2023-02-24 12:15:56.832957\"}"));
    cr_assert_not(rule(R("TimestampEquals", "\"2012-10-09T19:00:55Z\""),
                       "{\"v\": \"2012-10-09t19:00:55z\"}"));
    cr_assert_not(rule(R("TimestampEquals", "\"2012-10-09T19:00:55Z\""), "{\"v\": 0}"));
    cr_assert_not(rule(R("TimestampLessThan", "\"2012-10-09T19:00:55Z\""),
                       "{\"v\": \"2012-02-30T19:00:55Z\"}"));
    double epoch = 0;
    cr_assert(asl_parse_timestamp("2016-08-18T17:33:00Z", &epoch));
    cr_assert_float_eq(epoch, 1471541580.0, 1e-6);
    cr_assert(asl_parse_timestamp("2016-08-18T17:33:00.5-01:30", &epoch));
    cr_assert_float_eq(epoch, 1471541580.0 + 5400.5, 1e-6);
}

Test(asl_choice, path_variants)
{
    const char *in = "{\"v\": \"b\", \"s\": \"a\", \"n\": 3, \"m\": 4, \"t\": true, \"f\": "
                     "false, \"d1\": \"2012-10-09T19:00:55Z\", \"d2\": "
                     "\"2012-10-09T19:00:56Z\"}";
    cr_assert(rule(R("StringEqualsPath", "\"$.v\""), in));
    cr_assert(rule(R("StringGreaterThanPath", "\"$.s\""), in));
    cr_assert_not(rule(R("StringLessThanPath", "\"$.s\""), in));
    cr_assert(rule(R("StringGreaterThanEqualsPath", "\"$.s\""), in));
    cr_assert_not(rule(R("StringLessThanEqualsPath", "\"$.s\""), in));
    cr_assert_not(rule(R("StringEqualsPath", "\"$.n\""), in), "wrong type is false");

    char buf[128];
    static const struct {
        const char *op;
        bool want;
    } nums[] = {{"NumericEqualsPath", false},
                {"NumericLessThanPath", true},
                {"NumericGreaterThanPath", false},
                {"NumericLessThanEqualsPath", true},
                {"NumericGreaterThanEqualsPath", false}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        (void)snprintf(buf, sizeof(buf), "{\"Variable\": \"$.n\", \"%s\": \"$.m\"}", nums[i].op);
        cr_assert_eq(rule(buf, in), nums[i].want, "%s", nums[i].op);
    }
    cr_assert(rule("{\"Variable\": \"$.t\", \"BooleanEqualsPath\": \"$.t\"}", in));
    cr_assert_not(rule("{\"Variable\": \"$.t\", \"BooleanEqualsPath\": \"$.f\"}", in));
    static const struct {
        const char *op;
        bool want;
    } stamps[] = {{"TimestampEqualsPath", false},
                  {"TimestampLessThanPath", true},
                  {"TimestampGreaterThanPath", false},
                  {"TimestampLessThanEqualsPath", true},
                  {"TimestampGreaterThanEqualsPath", false}};
    for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
        (void)snprintf(buf, sizeof(buf), "{\"Variable\": \"$.d1\", \"%s\": \"$.d2\"}",
                       stamps[i].op);
        cr_assert_eq(rule(buf, in), stamps[i].want, "%s", stamps[i].op);
    }
    /* the compared value may come from the context object */
    json_t *r = J("{\"Variable\": \"$.name\", \"StringEqualsPath\": \"$$.Execution.Name\"}");
    json_t *input = J("{\"name\": \"run-1\"}");
    json_t *ctx =
        asl_context_new("arn:e", "run-1", input, "arn:sm", "sm", "2026-01-01T00:00:00Z", "arn:r");
    emu_error err = {0};
    cr_assert_eq(asl_rule_matches(r, input, ctx, &err), 1);
    json_decref(r);
    /* a missing operand path is an error */
    r = J("{\"Variable\": \"$.name\", \"StringEqualsPath\": \"$.other\"}");
    cr_assert_eq(asl_rule_matches(r, input, ctx, &err), -1);
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.other': The choice state's condition path references an invalid "
                 "value.");
    json_decref(r);
    json_decref(ctx);
    json_decref(input);
}

Test(asl_choice, type_tests)
{
    static const struct {
        const char *value;
        bool is_null, is_string, is_numeric, is_boolean, is_timestamp;
    } cases[] = {
        {"null", true, false, false, false, false},
        {"0", false, false, true, false, false},
        {"1.1", false, false, true, false, false},
        {"\"\"", false, true, false, false, false},
        {"\"2012-10-09T19:00:55Z\"", false, true, false, false, true},
        {"\"2023-02-24 12:15:56.832957\"", false, true, false, false, false},
        {"[]", false, false, false, false, false},
        {"{}", false, false, false, false, false},
        {"false", false, false, false, true, false},
        {"true", false, false, false, true, false},
    };
    char in[128];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        (void)snprintf(in, sizeof(in), "{\"v\": %s}", cases[i].value);
        cr_assert_eq(rule(R("IsNull", "true"), in), cases[i].is_null, "IsNull %s", in);
        cr_assert_eq(rule(R("IsNull", "false"), in), !cases[i].is_null, "IsNull false %s", in);
        cr_assert_eq(rule(R("IsString", "true"), in), cases[i].is_string, "IsString %s", in);
        cr_assert_eq(rule(R("IsNumeric", "true"), in), cases[i].is_numeric, "IsNumeric %s", in);
        cr_assert_eq(rule(R("IsBoolean", "true"), in), cases[i].is_boolean, "IsBoolean %s", in);
        cr_assert_eq(rule(R("IsTimestamp", "true"), in), cases[i].is_timestamp, "IsTimestamp %s",
                     in);
        cr_assert(rule(R("IsPresent", "true"), in), "IsPresent %s", in);
    }
    cr_assert(rule(R("IsPresent", "false"), "{}"));
    cr_assert_not(rule(R("IsPresent", "true"), "{}"));
    cr_assert_not(rule("{\"Variable\": \"$.a.b\", \"IsPresent\": true}", "{\"a\": 1}"));
}

Test(asl_choice, and_or_not_and_missing_variables)
{
    const char *twenties =
        "{\"And\": [" R("NumericGreaterThanEquals", "20") ", " R("NumericLessThan", "30") "]}";
    cr_assert(rule(twenties, "{\"v\": 22}"));
    cr_assert_not(rule(twenties, "{\"v\": 30}"));
    const char *either =
        "{\"Or\": [" R("StringEquals", "\"a\"") ", " R("StringEquals", "\"b\"") "]}";
    cr_assert(rule(either, "{\"v\": \"b\"}"));
    cr_assert_not(rule(either, "{\"v\": \"c\"}"));
    cr_assert(rule("{\"Not\": " R("StringEquals", "\"Private\"") "}", "{\"v\": \"Public\"}"));
    /* IsPresent guards a comparison: And stops at the first false rule */
    cr_assert_not(
        rule("{\"And\": [" R("IsPresent", "true") ", " R("BooleanEquals", "true") "]}", "{}"));

    json_t *r = J(R("BooleanEquals", "true"));
    json_t *in = J("{}");
    emu_error err = {0};
    cr_assert_eq(asl_rule_matches(r, in, NULL, &err), -1);
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.v': The choice state's condition path references an invalid "
                 "value.");
    json_decref(r);
    json_decref(in);
}

static const char *CHOICE_DOC =
    "{\"Type\": \"Choice\", \"Choices\": ["
    "{\"Not\": {\"Variable\": \"$.type\", \"StringEquals\": \"Private\"}, \"Next\": \"Public\"},"
    "{\"Variable\": \"$.value\", \"NumericEquals\": 0, \"Next\": \"ValueIsZero\"},"
    "{\"And\": [{\"Variable\": \"$.value\", \"NumericGreaterThanEquals\": 20},"
    "{\"Variable\": \"$.value\", \"NumericLessThan\": 30}], \"Next\": \"ValueInTwenties\"}],"
    "\"Default\": \"DefaultState\"}";

static const char *choose(json_t *state, const char *input, emu_error *err)
{
    json_t *in = J(input);
    const char *next = NULL;
    int rc = asl_choose(state, in, NULL, &next, err);
    json_decref(in);
    return rc == 0 ? next : NULL;
}

Test(asl_choice, choice_state_example_from_the_docs)
{
    json_t *state = J(CHOICE_DOC);
    emu_error err = {0};
    cr_assert_str_eq(choose(state, "{\"type\": \"Private\", \"value\": 22}", &err),
                     "ValueInTwenties");
    cr_assert_str_eq(choose(state, "{\"type\": \"Public\", \"value\": 22}", &err), "Public");
    cr_assert_str_eq(choose(state, "{\"type\": \"Private\", \"value\": 0}", &err), "ValueIsZero");
    cr_assert_str_eq(choose(state, "{\"type\": \"Private\", \"value\": 50}", &err), "DefaultState");
    /* "If the state input doesn't contain the $.type field, the execution fails" */
    cr_assert_null(choose(state, "{\"value\": 22}", &err));
    expect_error(&err, "States.Runtime",
                 "Invalid path '$.type': The choice state's condition path references an invalid "
                 "value.");
    json_object_del(state, "Default");
    cr_assert_null(choose(state, "{\"type\": \"Private\", \"value\": 50}", &err));
    expect_error(&err, "States.NoChoiceMatched", NULL);
    json_decref(state);
}

/* ---- errors ----------------------------------------------------------------------------- */

static bool matches(const char *error_equals, const char *error)
{
    json_t *eq = J(error_equals);
    bool m = asl_error_matches(eq, error);
    json_decref(eq);
    return m;
}

Test(asl_errors, retry_and_catch_matching)
{
    cr_assert(matches("[\"HandledError\"]", "HandledError"));
    cr_assert_not(matches("[\"HandledError\"]", "handlederror"), "names are case-sensitive");
    cr_assert(matches("[\"ErrorA\", \"ErrorB\"]", "ErrorB"));
    cr_assert(matches("[\"States.ALL\"]", "java.lang.Exception"));
    cr_assert(matches("[\"States.ALL\"]", "States.Timeout"));
    cr_assert(matches("[\"States.ALL\"]", "States.TaskFailed"));
    cr_assert_not(matches("[\"States.ALL\"]", "States.Runtime"));
    cr_assert_not(matches("[\"States.ALL\"]", "States.DataLimitExceeded"));
    cr_assert(matches("[\"States.TaskFailed\"]", "Lambda.Unknown"));
    cr_assert(matches("[\"States.TaskFailed\"]", "States.Permissions"));
    cr_assert_not(matches("[\"States.TaskFailed\"]", "States.Timeout"));
    cr_assert_not(matches("[\"States.TaskFailed\"]", "States.HeartbeatTimeout"));
    cr_assert(matches("[\"States.Timeout\"]", "States.HeartbeatTimeout"));
    cr_assert(matches("[\"States.Timeout\"]", "States.Timeout"));
    cr_assert_not(matches("[\"States.Timeout\"]", "States.TaskFailed"));
    cr_assert(matches("[\"States.DataLimitExceeded\"]", "States.DataLimitExceeded"));

    /* the docs' example: retry everything except States.Timeout */
    json_t *retry = J("[{\"ErrorEquals\": [\"States.Timeout\"], \"MaxAttempts\": 0}, "
                      "{\"ErrorEquals\": [\"States.ALL\"]}]");
    cr_assert_eq(asl_find_handler(retry, "States.Timeout"), 0);
    cr_assert_eq(asl_find_handler(retry, "ErrorC"), 1);
    cr_assert_eq(asl_find_handler(retry, "States.Runtime"), -1);
    json_decref(retry);
    json_t *catchers = J("[{\"ErrorEquals\": [\"java.lang.Exception\"], \"ResultPath\": "
                         "\"$.error-info\", \"Next\": \"RecoveryState\"}, {\"ErrorEquals\": "
                         "[\"States.ALL\"], \"Next\": \"EndState\"}]");
    cr_assert_eq(asl_find_handler(catchers, "java.lang.Exception"), 0);
    cr_assert_eq(asl_find_handler(catchers, "HandledError"), 1);
    json_decref(catchers);
}

/* ---- definitions ------------------------------------------------------------------------- */

static void expect_valid(const char *definition)
{
    json_t *def = NULL;
    emu_error err = {0};
    cr_assert_eq(asl_parse_definition(definition, &def, &err), 0, "%s", err.message);
    int rc = asl_validate(def, &err);
    cr_assert_eq(rc, 0, "should be valid: %s", err.message);
    json_t *diags = asl_validate_diagnostics(def);
    cr_assert_eq(json_array_size(diags), 0);
    json_decref(diags);
    json_decref(def);
}

/* Asserts the definition is refused and the message contains every fragment. */
static void expect_invalid(const char *definition, const char *fragment, const char *fragment2)
{
    json_t *def = J(definition);
    emu_error err = {0};
    cr_assert_eq(asl_validate(def, &err), -1, "should be invalid: %s", definition);
    cr_assert_str_eq(err.code, "InvalidDefinition");
    cr_assert_eq(err.status, 400);
    cr_assert(strncmp(err.message, "Invalid State Machine Definition: '", 35) == 0, "%s",
              err.message);
    cr_assert_not_null(strstr(err.message, fragment), "'%s' not in: %s", fragment, err.message);
    if (fragment2 != NULL) {
        cr_assert_not_null(strstr(err.message, fragment2), "'%s' not in: %s", fragment2,
                           err.message);
    }
    json_decref(def);
}

Test(asl_validate, accepts_the_docs_example_machines)
{
    /* error handling: Retry and Catch */
    expect_valid(
        "{\"Comment\": \"A Hello World example of the Amazon States Language using an "
        "AWS Lambda function\", \"StartAt\": \"HelloWorld\", \"States\": {\"HelloWorld\": "
        "{\"Type\": \"Task\", \"Resource\": "
        "\"arn:aws:lambda:us-east-1:123456789012:function:FailFunction\", \"Retry\": "
        "[{\"ErrorEquals\": [\"HandledError\"], \"IntervalSeconds\": 1, \"MaxAttempts\": "
        "2, \"BackoffRate\": 2.0}], \"Catch\": [{\"ErrorEquals\": [\"States.TaskFailed\"], "
        "\"Next\": \"fallback\"}], \"TimeoutSeconds\": 2, \"End\": true}, \"fallback\": "
        "{\"Type\": \"Pass\", \"Result\": \"Hello, AWS Step Functions!\", \"End\": "
        "true}}}");
    /* the Choice state example, with the states it names */
    char choice[2048];
    (void)snprintf(
        choice, sizeof(choice),
        "{\"StartAt\": \"ChoiceStateX\", \"States\": {\"ChoiceStateX\": %s, \"Public\": "
        "{\"Type\": \"Task\", \"Resource\": "
        "\"arn:aws:lambda:us-east-1:123456789012:function:Foo\", \"Next\": \"NextState\"}, "
        "\"ValueIsZero\": {\"Type\": \"Task\", \"Resource\": "
        "\"arn:aws:lambda:us-east-1:123456789012:function:Zero\", \"Next\": \"NextState\"}, "
        "\"ValueInTwenties\": {\"Type\": \"Task\", \"Resource\": "
        "\"arn:aws:lambda:us-east-1:123456789012:function:Bar\", \"Next\": \"NextState\"}, "
        "\"DefaultState\": {\"Type\": \"Fail\", \"Cause\": \"No Matches!\"}, \"NextState\": "
        "{\"Type\": \"Succeed\"}}}",
        CHOICE_DOC);
    expect_valid(choice);
    /* Parallel */
    expect_valid("{\"Comment\": \"Parallel Example.\", \"StartAt\": \"LookupCustomerInfo\", "
                 "\"States\": {\"LookupCustomerInfo\": {\"Type\": \"Parallel\", \"End\": true, "
                 "\"Branches\": [{\"StartAt\": \"LookupAddress\", \"States\": {\"LookupAddress\": "
                 "{\"Type\": \"Task\", \"Resource\": "
                 "\"arn:aws:lambda:us-east-1:123456789012:function:AddressFinder\", \"End\": "
                 "true}}}, {\"StartAt\": \"LookupPhone\", \"States\": {\"LookupPhone\": {\"Type\": "
                 "\"Task\", \"Resource\": "
                 "\"arn:aws:lambda:us-east-1:123456789012:function:PhoneFinder\", \"End\": "
                 "true}}}]}}}");
    /* an inline Map with ItemSelector, and the legacy Iterator form */
    expect_valid("{\"StartAt\": \"Validate-All\", \"States\": {\"Validate-All\": {\"Type\": "
                 "\"Map\", \"InputPath\": \"$.detail\", \"ItemsPath\": \"$.shipped\", "
                 "\"MaxConcurrency\": 0, \"ItemSelector\": {\"parcel.$\": "
                 "\"$$.Map.Item.Value\", \"courier.$\": \"$.delivery-partner\"}, "
                 "\"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"INLINE\"}, \"StartAt\": "
                 "\"Validate\", \"States\": {\"Validate\": {\"Type\": \"Task\", \"Resource\": "
                 "\"arn:aws:lambda:us-east-1:123456789012:function:ship-val\", \"End\": true}}}, "
                 "\"ResultPath\": \"$.detail.shipped\", \"End\": true}}}");
    expect_valid("{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"Iterator\": "
                 "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}, "
                 "\"Parameters\": {\"i.$\": \"$$.Map.Item.Index\"}, \"End\": true}}}");
    /* Wait, Pass, paths, intrinsics */
    expect_valid("{\"StartAt\": \"wait_ten_seconds\", \"TimeoutSeconds\": 60, \"Version\": "
                 "\"1.0\", \"QueryLanguage\": \"JSONPath\", \"States\": {\"wait_ten_seconds\": "
                 "{\"Type\": \"Wait\", \"Seconds\": 10, \"Next\": \"wait_until\"}, "
                 "\"wait_until\": {\"Type\": \"Wait\", \"Timestamp\": \"2016-03-14T01:59:00Z\", "
                 "\"Next\": \"wait_path\"}, \"wait_path\": {\"Type\": \"Wait\", "
                 "\"SecondsPath\": \"$.delay\", \"Next\": \"format\"}, \"format\": {\"Type\": "
                 "\"Pass\", \"Parameters\": {\"greeting.$\": \"States.Format('Hello, {}', "
                 "$.name)\", \"list\": [{\"id.$\": \"$$.Execution.Id\"}]}, \"ResultPath\": "
                 "\"$.out\", \"OutputPath\": \"$.out\", \"InputPath\": null, \"Next\": \"fail\"}, "
                 "\"fail\": {\"Type\": \"Fail\", \"ErrorPath\": \"$.error\", \"CausePath\": "
                 "\"States.Format('bad {}', $.x)\"}}}");
}

Test(asl_validate, refuses_structural_errors_with_aws_codes)
{
    expect_invalid("{}",
                   "SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] "
                   "at /",
                   NULL);
    expect_invalid("{\"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
                   "SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /", NULL);
    expect_invalid("{\"StartAt\": \"Nope\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
                   "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /StartAt", NULL);

    /* the message AWS gave for a missing target and the state it left unreachable */
    json_t *def = J("{\"StartAt\": \"pass1\", \"States\": {\"pass1\": {\"Type\": \"Pass\", "
                    "\"Next\": \"pass3\"}, \"pass2\": {\"Type\": \"Pass\", \"End\": true}}}");
    emu_error err = {0};
    cr_assert_eq(asl_validate(def, &err), -1);
    cr_assert_str_eq(err.message,
                     "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' "
                     "target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "
                     "\"pass2\" is not reachable. at /States/pass2'");
    json_t *diags = asl_validate_diagnostics(def);
    cr_assert_eq(json_array_size(diags), 2);
    json_t *first = json_array_get(diags, 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "code")),
                     "MISSING_TRANSITION_TARGET");
    cr_assert_str_eq(json_string_value(json_object_get(first, "message")),
                     "Missing 'Next' target: pass3");
    cr_assert_str_eq(json_string_value(json_object_get(first, "location")), "/States/pass1/Next");
    cr_assert_str_eq(json_string_value(json_object_get(first, "severity")), "ERROR");
    json_decref(diags);
    json_decref(def);

    expect_invalid(
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, "
        "\"B\": {\"Type\": \"Pass\", \"Next\": \"A\"}}}",
        "MISSING_END_STATE: Workflow has no terminal state", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Magic\"}}}",
                   "SCHEMA_VALIDATION_FAILED", "at /States/A/Type");
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"End\": true}}}",
                   "These fields are required: [Type] at /States/A", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"End\": true}}}",
                   "These fields are required: [Resource] at /States/A", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
                   "\"arn:aws:lambda:us-east-1:123456789012:function:F\"}}}",
                   "A Task state must have either a 'Next' field or 'End': true at /States/A",
                   NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\", "
                   "\"End\": true}, \"B\": {\"Type\": \"Succeed\"}}}",
                   "A state cannot have both 'Next' and 'End': true at /States/A", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\", \"Next\": "
                   "\"A\"}}}",
                   "Field 'Next' is not supported at /States/A", NULL);
    /* Wait with ResultPath, as AWS refused it */
    expect_invalid("{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 1, "
                   "\"ResultPath\": null, \"End\": true}}}",
                   "SCHEMA_VALIDATION_FAILED: Field 'ResultPath' is not supported at /States/W",
                   NULL);
    expect_invalid("{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 1, "
                   "\"Timestamp\": \"2016-03-14T01:59:00Z\", \"End\": true}}}",
                   "exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' at "
                   "/States/W",
                   NULL);
    expect_invalid("{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Timestamp\": "
                   "\"yesterday\", \"End\": true}}}",
                   "at /States/W/Timestamp", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
                   "\"arn:r\", \"TimeoutSeconds\": 0, \"End\": true}}}",
                   "at /States/A/TimeoutSeconds", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
                   "\"arn:r\", \"TimeoutSeconds\": \"5\", \"End\": true}}}",
                   "Expected value of type [INTEGER] at /States/A/TimeoutSeconds", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
                   "\"arn:r\", \"TimeoutSeconds\": 5, \"HeartbeatSeconds\": 5, \"End\": true}}}",
                   "at /States/A/HeartbeatSeconds", NULL);
    expect_invalid(
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}, "
        "\"Orphan\": {\"Type\": \"Pass\", \"End\": true}}}",
        "MISSING_TRANSITION_TARGET: State \"Orphan\" is not reachable. at /States/Orphan", NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"InputPath\": "
                   "\"nope\", \"ResultPath\": \"$.a[*]\", \"End\": true}}}",
                   "at /States/A/InputPath", "at /States/A/ResultPath");
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": "
                   "\"arn:r\", \"Parameters\": {\"Body.$\": \"$.a[\"}, \"End\": true}}}",
                   "The value for the field 'Body.$' must be a valid JSONPath or a valid intrinsic "
                   "function call at /States/A/Parameters/Body.$",
                   NULL);
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": "
                   "{\"x\": {\"y.$\": \"States.Nope($.a)\"}}, \"End\": true}}}",
                   "at /States/A/Parameters/x/y.$", NULL);
}

#define TASK_DEF                                                                                   \
    "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "                               \
    "\"Resource\": \"arn:r\", %s, \"End\": true}, \"Z\": {\"Type\": "                              \
    "\"Succeed\"}}}"

Test(asl_validate, refuses_bad_choices_retries_and_catches)
{
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Default\": "
                   "\"D\"}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "These fields are required: [Choices] at /States/C", NULL);
    expect_invalid(
        "{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
        "[{\"Variable\": \"$.x\", \"BooleanEquals\": true}], \"Default\": \"D\"}, \"D\": "
        "{\"Type\": \"Succeed\"}}}",
        "These fields are required: [Next] at /States/C/Choices[0]", NULL);
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
                   "[{\"Not\": {\"Variable\": \"$.x\", \"BooleanEquals\": true, \"Next\": \"D\"}, "
                   "\"Next\": \"D\"}]}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "Field 'Next' is not supported at /States/C/Choices[0]/Not", NULL);
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
                   "[{\"Variable\": \"$.x\", \"NumericEquals\": \"1\", \"Next\": \"Gone\"}], "
                   "\"Default\": \"D\"}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "Expected value of type [NUMBER] at /States/C/Choices[0]/NumericEquals",
                   "Missing 'Next' target: Gone at /States/C/Choices[0]/Next");
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
                   "[{\"Variable\": \"$.x\", \"IsNull\": true, \"IsString\": true, \"Next\": "
                   "\"D\"}]}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "exactly one comparison operator", "at /States/C/Choices[0]");
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
                   "[{\"Variable\": \"$.x\", \"TimestampEquals\": \"2001-01-01 12:00:00\", "
                   "\"Next\": \"D\"}], \"End\": true}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "at /States/C/Choices[0]/TimestampEquals",
                   "Field 'End' is not supported at /States/C");
    expect_invalid("{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
                   "[{\"Variable\": \"$.x\", \"BooleanEquals\": true, \"Next\": \"D\"}], "
                   "\"Default\": \"Gone\"}, \"D\": {\"Type\": \"Succeed\"}}}",
                   "Missing 'Next' target: Gone at /States/C/Default", NULL);

    char buf[1024];
    (void)snprintf(buf, sizeof(buf), TASK_DEF, "\"Catch\": [{\"ErrorEquals\": [\"States.ALL\"]}]");
    expect_invalid(buf, "These fields are required: [Next] at /States/T/Catch[0]", NULL);
    (void)snprintf(buf, sizeof(buf), TASK_DEF,
                   "\"Catch\": [{\"ErrorEquals\": [], \"Next\": \"Z\"}]");
    expect_invalid(buf, "at /States/T/Catch[0]/ErrorEquals", NULL);
    (void)snprintf(buf, sizeof(buf), TASK_DEF,
                   "\"Catch\": [{\"ErrorEquals\": [\"States.ALL\", \"X\"], \"Next\": \"Z\"}]");
    expect_invalid(
        buf, "'States.ALL' must appear alone in 'ErrorEquals' at /States/T/Catch[0]/ErrorEquals",
        NULL);
    (void)snprintf(
        buf, sizeof(buf), TASK_DEF,
        "\"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Z\"}, {\"ErrorEquals\": "
        "[\"X\"], \"Next\": \"Z\"}]");
    expect_invalid(buf, "'States.ALL' must appear in the last catcher", NULL);
    (void)snprintf(buf, sizeof(buf), TASK_DEF,
                   "\"Catch\": [{\"ErrorEquals\": [\"X\"], \"Next\": \"Nowhere\"}], \"Retry\": "
                   "[{\"ErrorEquals\": [\"States.ALL\"], \"BackoffRate\": 0.5}]");
    expect_invalid(buf, "Missing 'Next' target: Nowhere at /States/T/Catch[0]/Next",
                   "at /States/T/Retry[0]/BackoffRate");
    (void)snprintf(buf, sizeof(buf), TASK_DEF,
                   "\"Retry\": [{\"ErrorEquals\": [\"States.ALL\"]}, {\"ErrorEquals\": [\"X\"], "
                   "\"MaxAttempts\": -1}]");
    expect_invalid(buf, "'States.ALL' must appear in the last retrier",
                   "at /States/T/Retry[1]/MaxAttempts");
}

Test(asl_validate, scopes_of_parallel_and_map)
{
    /* a branch cannot go to a state outside it */
    expect_invalid(
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"Branches\": "
        "[{\"StartAt\": \"B1\", \"States\": {\"B1\": {\"Type\": \"Pass\", \"Next\": "
        "\"Done\"}}}], \"Next\": \"Done\"}, \"Done\": {\"Type\": \"Succeed\"}}}",
        "MISSING_TRANSITION_TARGET: Missing 'Next' target: Done at "
        "/States/P/Branches[0]/States/B1/Next",
        NULL);
    /* state names are unique across the whole machine */
    expect_invalid(
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"Branches\": "
        "[{\"StartAt\": \"X\", \"States\": {\"X\": {\"Type\": \"Succeed\"}}}, "
        "{\"StartAt\": \"X\", \"States\": {\"X\": {\"Type\": \"Succeed\"}}}], \"End\": "
        "true}}}",
        "DUPLICATE_STATE_NAME: Duplicate State name: X at /States/P/Branches[1]/States/X", NULL);
    expect_invalid("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": "
                   "true}}}",
                   "These fields are required: [Branches] at /States/P", NULL);
    expect_invalid(
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"Branches\": "
        "[{\"States\": {\"X\": {\"Type\": \"Succeed\"}}}], \"End\": true}}}",
        "These fields are required: [StartAt] at /States/P/Branches[0]", NULL);
    expect_invalid(
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"ItemProcessor\": "
        "{\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}, "
        "\"Lost\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}}}",
        "State \"Lost\" is not reachable. at /States/M/ItemProcessor/States/Lost", NULL);
    expect_invalid("{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true}}}",
                   "These fields are required: [ItemProcessor] at /States/M", NULL);
}

Test(asl_validate, refuses_what_the_emulator_cannot_run)
{
    expect_invalid("{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": "
                   "{\"Type\": \"Pass\", \"End\": true}}}",
                   "the emulator runs JSONPath state machines only", "at /QueryLanguage");
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", "
                   "\"QueryLanguage\": \"JSONata\", \"Output\": {}, \"End\": true}}}",
                   "the emulator runs JSONPath state machines only at /States/A/QueryLanguage",
                   "field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/A");
    expect_invalid("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Assign\": "
                   "{\"x\": 1}, \"End\": true}}}",
                   "Field 'Assign' is not supported", "at /States/A");
    expect_invalid(
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"ItemReader\": "
        "{\"Resource\": \"arn:aws:states:::s3:getObject\"}, \"ItemProcessor\": "
        "{\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}, "
        "\"End\": true}}}",
        "Field 'ItemReader' is not supported: the emulator runs inline Map states only",
        "at /States/M");
    expect_invalid(
        "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"ItemProcessor\": "
        "{\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": "
        "\"STANDARD\"}, \"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", "
        "\"End\": true}}}, \"End\": true}}}",
        "Mode 'DISTRIBUTED' is not supported", "at /States/M/ItemProcessor/ProcessorConfig/Mode");
}

Test(asl_validate, parse_definition_errors)
{
    json_t *def = NULL;
    emu_error err = {0};
    cr_assert_eq(asl_parse_definition("not a definition", &def, &err), -1);
    cr_assert_null(def);
    cr_assert_str_eq(err.code, "InvalidDefinition");
    cr_assert_eq(err.status, 400);
    cr_assert(strncmp(err.message,
                      "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ", 61) == 0,
              "%s", err.message);
    cr_assert_eq(asl_parse_definition("  ", &def, &err), -1);
    cr_assert_str_eq(err.message, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "
                                  "Definition must be a valid JSON object'");
    cr_assert_eq(asl_parse_definition("[1, 2]", &def, &err), -1);
    cr_assert_not_null(strstr(err.message, "SCHEMA_VALIDATION_FAILED"));
    cr_assert_eq(asl_parse_definition("{\"StartAt\": \"A\"}", &def, &err), 0);
    cr_assert(json_is_object(def));
    json_decref(def);
}

/* ---- JSON text ----------------------------------------------------------------------------- */

Test(asl_json, dumps_like_aws)
{
    json_t *v =
        J("{\"b\": 1.1, \"a\": [1.0, 1e300, 0.1, 3, -0.5], \"s\": \"q\\\"\\\\/\\n\\u0001é\", "
          "\"n\": null, \"t\": true}");
    char *s = asl_json_dumps(v);
    cr_assert_str_eq(s, "{\"b\":1.1,\"a\":[1.0,1e+300,0.1,3,-0.5],\"s\":\"q\\\"\\\\/\\n\\u0001é\","
                        "\"n\":null,\"t\":true}");
    free(s);
    json_decref(v);
    json_t *str = json_string("x");
    s = asl_json_dumps(str);
    cr_assert_str_eq(s, "\"x\"");
    free(s);
    json_decref(str);
}
