/* `awsorch request`: signs and sends any AWS API request, for the APIs awsorch
 * has no typed wrapper for (an awscurl). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char usage[] =
    "usage: awsorch request [--service S] [-X METHOD] [-H 'Name: value']... [-d DATA|@FILE] URL\n";

static int usage_error(const char *what, const char *arg)
{
    (void)fprintf(stderr, "%s\nawsorch request: error: %s%s\n", usage, what, arg);
    return CLI_EXIT_USAGE;
}

/* "states.eu-west-1.amazonaws.com": the service is the first label (or "s3"
 * anywhere in a virtual-hosted S3 name); the region is the label after it
 * when it looks like one. */
static void infer(const char *host, char *service, size_t slen, char *region, size_t rlen)
{
    char labels[8][64];
    size_t n = 0;
    const char *p = host;
    while (*p && n < 8) {
        size_t l = strcspn(p, ".:");
        (void)snprintf(labels[n++], sizeof(labels[0]), "%.*s", (int)(l < 63 ? l : 63), p);
        p += l;
        if (*p != '.') {
            break;
        }
        p++;
    }
    size_t svc = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(labels[i], "s3") == 0 || strncmp(labels[i], "s3-", 3) == 0) {
            svc = i;
        }
    }
    (void)snprintf(service, slen, "%.63s", n ? labels[svc] : "");
    char *fips = strstr(service, "-fips");
    if (fips != NULL) {
        *fips = '\0';
    }
    region[0] = '\0';
    if (svc + 1 < n) {
        const char *r = labels[svc + 1];
        size_t dashes = 0;
        for (const char *q = r; *q; q++) {
            dashes += *q == '-';
        }
        if (dashes >= 2 && r[strlen(r) - 1] >= '0' && r[strlen(r) - 1] <= '9') {
            (void)snprintf(region, rlen, "%.63s", r);
        }
    }
}

int cli_request(int argc, char **argv, const cli_globals *g, FILE *out)
{
    const char *service = NULL;
    const char *method = NULL;
    const char *data = NULL;
    const char *url = NULL;
    const char *headers[64];
    size_t hn = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--service") == 0 && has) {
            service = argv[++i];
        } else if (strcmp(a, "-X") == 0 && has) {
            method = argv[++i];
        } else if (strcmp(a, "-H") == 0 && has) {
            if (hn == sizeof(headers) / sizeof(headers[0])) {
                return usage_error("too many -H options", "");
            }
            headers[hn++] = argv[++i];
            if (strchr(headers[hn - 1], ':') == NULL) {
                return usage_error("a header needs 'Name: value': ", headers[hn - 1]);
            }
        } else if (strcmp(a, "-d") == 0 && has) {
            data = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option or missing value: ", a);
        } else if (url == NULL) {
            url = a;
        } else {
            return usage_error("more than one URL: ", a);
        }
    }
    if (url == NULL) {
        return usage_error("the following arguments are required: URL", "");
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return usage_error("not a URL: ", url);
    }
    (void)curl_url_get(u, CURLUPART_PORT, &port, 0);
    (void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
    char inferred[64];
    char url_region[64];
    infer(host, inferred, sizeof(inferred), url_region, sizeof(url_region));
    char endpoint[1024];
    (void)snprintf(endpoint, sizeof(endpoint), "%s://%s%s%s", scheme, host, port ? ":" : "",
                   port ? port : "");

    awsorch_buf body = AWSORCH_BUF_INIT;
    int rc = CLI_EXIT_OK;
    if (data != NULL && data[0] == '@') {
        if (cli_read_all(data + 1, &body) != AWSORCH_OK) {
            rc = CLI_EXIT_USAGE;
        }
    } else if (data != NULL) {
        (void)awsorch_buf_puts(&body, data);
    }
    awsorch_client *client = NULL;
    awsorch_response *resp = NULL;
    awsorch_status st = AWSORCH_OK;
    if (rc == CLI_EXIT_OK) {
        const char *svc = service ? service : inferred;
        awsorch_service desc = {svc, svc, svc};
        awsorch_client_options o = AWSORCH_CLIENT_OPTIONS_INIT;
        o.profile = g->profile;
        o.region = g->region ? g->region : (url_region[0] ? url_region : NULL);
        o.endpoint_url = endpoint;
        o.connect_timeout_ms = g->connect_timeout_s * 1000;
        o.read_timeout_ms = g->read_timeout_s * 1000;
        o.no_sign_request = g->no_sign_request;
        o.no_verify_ssl = g->no_verify_ssl;
        st = awsorch_client_new(&client, &desc, &o);
    }
    if (rc == CLI_EXIT_OK && st == AWSORCH_OK) {
        awsorch_request req = AWSORCH_REQUEST_INIT;
        req.method = method ? method : (data ? "POST" : "GET");
        req.path = path;
        req.query = query;
        req.headers = headers;
        req.header_count = hn;
        req.body = data ? (body.data ? body.data : "") : NULL;
        req.body_len = body.len;
        st = awsorch_client_send(&resp, client, &req);
    }
    if (resp != NULL) {
        (void)fwrite(resp->body, 1, resp->body_len, out);
        (void)fflush(out);
    }
    if (rc == CLI_EXIT_OK && st != AWSORCH_OK) {
        char op[256];
        const char *target = NULL;
        for (size_t i = 0; i < hn; i++) {
            if (strncasecmp(headers[i], "x-amz-target:", 13) == 0) {
                target = strrchr(headers[i], '.');
            }
        }
        (void)snprintf(op, sizeof(op), "%s", target ? target + 1 : path);
        rc = cli_call_error(op, st);
    }
    awsorch_response_free(resp);
    awsorch_client_free(client);
    awsorch_buf_free(&body);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return rc;
}
