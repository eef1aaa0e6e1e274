/* Internal pieces of the credentials layer: the STS calls the providers make
 * (also used by the public STS client) and the providers themselves. */
#ifndef AWSORCH_AUTH_INTERNAL_H
#define AWSORCH_AUTH_INTERNAL_H

#include <libxml/tree.h>

#include "awsorch/credentials.h"
#include "awsorch/settings.h"
#include "core/internal.h"

typedef struct awsorch__param {
    const char *name;
    const char *value;
} awsorch__param;

/* Where and how an STS call goes. */
typedef struct awsorch__sts_ctx {
    const awsorch_settings *settings; /* endpoint, CA bundle */
    const char *region;
    const awsorch_credentials *creds; /* NULL: unsigned (AssumeRoleWithWebIdentity) */
    long connect_timeout_ms;
    long timeout_ms;
} awsorch__sts_ctx;

/* Makes an awsQuery call to STS; on success *doc holds the reply (free it with
 * awsorch__xml_free_doc) and *result its <ActionResult> element. Service errors
 * fill the error record. */
awsorch_status awsorch__sts_call(const awsorch__sts_ctx *ctx, const char *action,
                                 const awsorch__param *params, size_t n, xmlDoc **doc,
                                 xmlNode **result);

/* Reads <Credentials> below an STS result into new credentials. */
awsorch_status awsorch__sts_credentials(xmlNode *result, const char *source,
                                        awsorch_credentials **out);

/* Makes credentials from parts, copying them. */
awsorch_status awsorch__credentials_make(awsorch_credentials **out, const char *akid,
                                         const char *secret, const char *token,
                                         int64_t expiration_s, const char *source);

/* Splits a URL with libcurl's parser: "host[:port]" for the Host header and
 * the path (with query) to sign. */
awsorch_status awsorch__url_parts(const char *url, char *host, size_t host_len, char *path,
                                  size_t path_len);

/* The default endpoint of a service in a region ("sts", "portal.sso"), with the
 * partition's DNS suffix. */
void awsorch__default_endpoint(const char *prefix, const char *region, bool fips, char *out,
                               size_t out_len);

#endif
