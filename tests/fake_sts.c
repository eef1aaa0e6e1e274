/* A fake STS for tests: GetCallerIdentity echoes the signing key id, AssumeRole*
 * hands out keys named after the role, roles named "denied" or "html" fail. */
#include "fake_sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsorch/core.h"

void form_value(const char *body, const char *key, char *out, size_t out_len)
{
    char needle[128];
    (void)snprintf(needle, sizeof(needle), "%s=", key);
    out[0] = '\0';
    for (const char *p = body; (p = strstr(p, needle)) != NULL; p++) {
        if (p == body || p[-1] == '&') {
            p += strlen(needle);
            size_t n = strcspn(p, "&");
            (void)snprintf(out, out_len, "%.*s", (int)n, p);
            return;
        }
    }
}

void signer_akid(const mock_request *r, char *out, size_t out_len)
{
    char auth[2048];
    mock_header(r, "authorization", auth, sizeof(auth));
    const char *c = strstr(auth, "Credential=");
    out[0] = '\0';
    if (c != NULL) {
        c += 11;
        (void)snprintf(out, out_len, "%.*s", (int)strcspn(c, "/"), c);
    }
}

void iso_in(int64_t seconds, char *out, size_t out_len)
{
    awsorch_time_format_epoch(awsorch_time_now() + seconds, AWSORCH_TIME_ISO8601_EXTENDED, out,
                              out_len);
}

void sts_handler(const mock_request *req, mock_reply *reply, void *ud)
{
    (void)ud;
    char action[64], role[256], akid[128], exp[32];
    form_value(req->body, "Action", action, sizeof(action));
    form_value(req->body, "RoleArn", role, sizeof(role));
    signer_akid(req, akid, sizeof(akid));
    iso_in(3600, exp, sizeof(exp));
    reply->content_type = "text/xml";
    if (strstr(role, "denied") != NULL) {
        reply->status = 403;
        (void)snprintf(reply->body, sizeof(reply->body),
                       "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                       "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User %s is "
                       "not authorized to perform: sts:AssumeRole</Message></Error>"
                       "<RequestId>req-403</RequestId></ErrorResponse>",
                       akid);
        return;
    }
    if (strstr(role, "html") != NULL) {
        reply->status = 502;
        reply->content_type = "text/html";
        (void)snprintf(reply->body, sizeof(reply->body), "<html><body>Bad gateway</body></html>");
        return;
    }
    if (strcmp(action, "GetCallerIdentity") == 0) {
        (void)snprintf(reply->body, sizeof(reply->body),
                       "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                       "2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:"
                       "user/test</Arn><UserId>%s</UserId><Account>123456789012</Account>"
                       "</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId>"
                       "</ResponseMetadata></GetCallerIdentityResponse>",
                       akid);
        return;
    }
    /* AssumeRole*: the new key names the role, so tests see which role was assumed. */
    const char *name = strrchr(role, '%');
    name = name ? name + 3 : role; /* after the encoded '/' */
    (void)snprintf(reply->body, sizeof(reply->body),
                   "<%sResponse><%sResult><Credentials><AccessKeyId>ASIA-%s</AccessKeyId>"
                   "<SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>token-%s"
                   "</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser>"
                   "<AssumedRoleId>AROA:%s</AssumedRoleId><Arn>arn:aws:sts::123456789012:"
                   "assumed-role/%s/s</Arn></AssumedRoleUser><PackedPolicySize>6"
                   "</PackedPolicySize></%sResult></%sResponse>",
                   action, action, name, name, name, exp, name, name, action, action);
}

mock_server *start_sts(void)
{
    mock_server *s = mock_start(sts_handler, NULL);
    char url[64];
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u", mock_port(s));
    setenv("AWS_ENDPOINT_URL_STS", url, 1);
    return s;
}
