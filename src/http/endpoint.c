#include "endpoint.h"

#include <stdio.h>
#include <string.h>

#include "core/internal.h"

typedef struct partition {
    const char *name;
    const char *dns_suffix;
    const char *dualstack_suffix;
} partition;

static const partition aws = {"aws", "amazonaws.com", "api.aws"};
static const partition aws_cn = {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"};
static const partition aws_us_gov = {"aws-us-gov", "amazonaws.com", "api.aws"};

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A region is "<area>-<name>-<digits>", lowercase: eu-west-1, us-gov-west-1, cn-north-1. */
static bool region_shape(const char *r)
{
    size_t n = strlen(r);
    if (n < 5 || n > 32 || r[0] == '-' || r[n - 1] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_lower_alnum(r[i]) && r[i] != '-') {
            return false;
        }
        if (r[i] == '-' && r[i + 1] == '-') {
            return false;
        }
    }
    return true;
}

static const partition *partition_of(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0) {
        return &aws_cn;
    }
    if (strncmp(region, "us-gov-", 7) == 0) {
        return &aws_us_gov;
    }
    return &aws;
}

const char *awsorch__global_endpoint(const char *prefix, const char **signing_region)
{
    if (strcmp(prefix, "sts") == 0) {
        *signing_region = "us-east-1";
        return "https://sts.amazonaws.com";
    }
    return NULL;
}

bool awsorch__s3_bucket_is_dns_safe(const char *bucket, bool https)
{
    size_t n = strlen(bucket);
    if (n < 3 || n > 63 || !is_lower_alnum(bucket[0]) || !is_lower_alnum(bucket[n - 1])) {
        return false;
    }
    bool all_digits_and_dots = true;
    for (size_t i = 0; i < n; i++) {
        char c = bucket[i];
        if (!is_lower_alnum(c) && c != '-' && c != '.') {
            return false;
        }
        if (c == '.' &&
            (https || bucket[i + 1] == '.' || bucket[i + 1] == '-' || bucket[i - 1] == '-')) {
            return false; /* a dotted name breaks the TLS wildcard certificate */
        }
        all_digits_and_dots = all_digits_and_dots && (c == '.' || (c >= '0' && c <= '9'));
    }
    return !all_digits_and_dots; /* not an IP address */
}

static bool host_is_local(const char *url)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    return strncmp(h, "localhost", 9) == 0 || strncmp(h, "127.", 4) == 0 || h[0] == '[' ||
           (h[0] >= '0' && h[0] <= '9');
}

/* Inserts the host prefix after the scheme of a URL. */
static awsorch_status with_prefix(char *url, size_t cap, const char *prefix)
{
    char *h = strstr(url, "://");
    if (h == NULL || prefix == NULL || prefix[0] == '\0') {
        return AWSORCH_OK;
    }
    h += 3;
    size_t plen = strlen(prefix);
    size_t rest = strlen(h);
    if ((size_t)(h - url) + plen + rest + 1 > cap) {
        return awsorch__fail(AWSORCH_E_CONFIG, "endpoint URL too long");
    }
    memmove(h + plen, h, rest + 1);
    for (size_t i = 0; i < plen; i++) {
        h[i] = prefix[i];
    }
    return AWSORCH_OK;
}

awsorch_status awsorch__endpoint_resolve(const awsorch__endpoint_params *p, awsorch__endpoint *out)
{
    memset(out, 0, sizeof(*out));
    bool s3 = strcmp(p->prefix, "s3") == 0;
    if (p->configured_url != NULL) {
        const char *u = p->configured_url;
        if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) {
            return awsorch__fail(AWSORCH_E_CONFIG,
                                 "endpoint URL '%.200s' must start with http:// or https://", u);
        }
        int n = snprintf(out->url, sizeof(out->url), "%s", u);
        if (n < 0 || (size_t)n >= sizeof(out->url)) {
            return awsorch__fail(AWSORCH_E_CONFIG, "endpoint URL is too long");
        }
        size_t len = strlen(out->url);
        while (len > 0 && out->url[len - 1] == '/') {
            out->url[--len] = '\0';
        }
        (void)snprintf(out->partition, sizeof(out->partition), "custom");
        /* Custom endpoints (local emulators, VPC endpoints) take S3 buckets in the
         * path, and a host prefix only when the host is a name. */
        out->path_style = s3;
        if (!host_is_local(out->url)) {
            return with_prefix(out->url, sizeof(out->url), p->host_prefix);
        }
        return AWSORCH_OK;
    }
    if (p->region == NULL || !region_shape(p->region)) {
        return awsorch__fail(AWSORCH_E_CONFIG,
                             "region '%.40s' is not a valid region name (like eu-west-1)",
                             p->region ? p->region : "");
    }
    const partition *part = partition_of(p->region);
    (void)snprintf(out->partition, sizeof(out->partition), "%s", part->name);
    const char *fips = p->fips ? "-fips" : "";
    int n;
    if (s3 && p->dualstack) {
        n = snprintf(out->url, sizeof(out->url), "https://s3%s.dualstack.%s.%s", fips, p->region,
                     part->dns_suffix);
    } else if (p->dualstack) {
        n = snprintf(out->url, sizeof(out->url), "https://%s%s.%s.%s", p->prefix, fips, p->region,
                     part->dualstack_suffix);
    } else {
        n = snprintf(out->url, sizeof(out->url), "https://%s%s.%s.%s", p->prefix, fips, p->region,
                     part->dns_suffix);
    }
    if (n < 0 || (size_t)n >= sizeof(out->url)) {
        return awsorch__fail(AWSORCH_E_CONFIG, "endpoint URL is too long");
    }
    if (s3 && p->bucket != NULL) {
        out->path_style = p->force_path_style || !awsorch__s3_bucket_is_dns_safe(p->bucket, true);
        if (!out->path_style) {
            char bucket_prefix[80];
            (void)snprintf(bucket_prefix, sizeof(bucket_prefix), "%s.", p->bucket);
            return with_prefix(out->url, sizeof(out->url), bucket_prefix);
        }
        return AWSORCH_OK;
    }
    return with_prefix(out->url, sizeof(out->url), p->host_prefix);
}
