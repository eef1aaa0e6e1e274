/* Endpoint resolution for every partition and variant awsorch supports. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/endpoint.h"

static const char *resolve(awsorch__endpoint_params p)
{
    static awsorch__endpoint e;
    awsorch_status st = awsorch__endpoint_resolve(&p, &e);
    cr_assert_eq(st, AWSORCH_OK, "%s", awsorch_error_last()->message);
    return e.url;
}

Test(endpoint, partitions_and_variants)
{
    struct {
        const char *prefix, *region;
        bool fips, dualstack;
        const char *want;
    } cases[] = {
        {"states", "us-east-1", false, false, "https://states.us-east-1.amazonaws.com"},
        {"glue", "eu-west-1", true, false, "https://glue-fips.eu-west-1.amazonaws.com"},
        {"athena", "ap-southeast-2", false, true, "https://athena.ap-southeast-2.api.aws"},
        {"lambda", "us-west-2", true, true, "https://lambda-fips.us-west-2.api.aws"},
        {"redshift-data", "cn-north-1", false, false,
         "https://redshift-data.cn-north-1.amazonaws.com.cn"},
        {"states", "cn-northwest-1", false, true,
         "https://states.cn-northwest-1.api.amazonwebservices.com.cn"},
        {"sts", "us-gov-west-1", false, false, "https://sts.us-gov-west-1.amazonaws.com"},
        {"s3", "eu-central-1", false, true, "https://s3.dualstack.eu-central-1.amazonaws.com"},
        {"s3", "us-east-1", true, true, "https://s3-fips.dualstack.us-east-1.amazonaws.com"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        awsorch__endpoint_params p = {cases[i].prefix,
                                      cases[i].region,
                                      cases[i].fips,
                                      cases[i].dualstack,
                                      NULL,
                                      NULL,
                                      NULL,
                                      false};
        cr_expect_str_eq(resolve(p), cases[i].want, "case %zu", i);
    }
}

Test(endpoint, host_prefix)
{
    awsorch__endpoint_params p = {"states", "eu-west-1", false, false, NULL, "sync-", NULL, false};
    cr_expect_str_eq(resolve(p), "https://sync-states.eu-west-1.amazonaws.com");
    p.configured_url = "https://vpce-123.states.eu-west-1.vpce.amazonaws.com/";
    cr_expect_str_eq(resolve(p), "https://sync-vpce-123.states.eu-west-1.vpce.amazonaws.com");
    p.configured_url = "http://localhost:4566";
    cr_expect_str_eq(resolve(p), "http://localhost:4566", "no prefix on a local emulator");
    p.configured_url = "http://127.0.0.1:4566/";
    cr_expect_str_eq(resolve(p), "http://127.0.0.1:4566");
}

Test(endpoint, s3_addressing)
{
    awsorch__endpoint e;
    awsorch__endpoint_params p = {"s3", "us-west-2", false, false, NULL, NULL, "etl-data", false};
    cr_assert_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_OK);
    cr_expect_str_eq(e.url, "https://etl-data.s3.us-west-2.amazonaws.com");
    cr_expect_not(e.path_style);
    static const char *const path_style[] = {"Etl_Data",    "etl.data", "ab",
                                             "192.168.1.1", "-etl",     "etl-"};
    for (size_t i = 0; i < sizeof(path_style) / sizeof(path_style[0]); i++) {
        p.bucket = path_style[i];
        cr_assert_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_OK);
        cr_expect(e.path_style, "%s", path_style[i]);
        cr_expect_str_eq(e.url, "https://s3.us-west-2.amazonaws.com");
    }
    p.bucket = "etl-data";
    p.force_path_style = true;
    cr_assert_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_OK);
    cr_expect(e.path_style);
    p.force_path_style = false;
    p.configured_url = "http://localhost:4566";
    cr_assert_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_OK);
    cr_expect(e.path_style, "custom endpoints use path style");
    cr_expect_str_eq(e.url, "http://localhost:4566");
}

Test(endpoint, bad_input_is_a_clear_error)
{
    awsorch__endpoint e;
    static const char *const bad[] = {"",  "US-EAST-1",  "us_east_1", "us-east-1.evil.com",
                                      "x", "us--east-1", "eu-west-1-"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        awsorch__endpoint_params p = {"states", bad[i], false, false, NULL, NULL, NULL, false};
        cr_expect_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_E_CONFIG, "'%s'", bad[i]);
    }
    awsorch__endpoint_params p = {"states", NULL, false, false, "ftp://x", NULL, NULL, false};
    cr_expect_eq(awsorch__endpoint_resolve(&p, &e), AWSORCH_E_CONFIG);
    cr_expect_not_null(strstr(awsorch_error_last()->message, "http://"));
}

Test(endpoint, global_services)
{
    const char *region = NULL;
    cr_expect_str_eq(awsorch__global_endpoint("sts", &region), "https://sts.amazonaws.com");
    cr_expect_str_eq(region, "us-east-1");
    cr_expect_null(awsorch__global_endpoint("states", &region));
}
