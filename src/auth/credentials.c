/* The default credentials chain, in the AWS CLI's order, and a cached,
 * thread-safe provider over it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth_internal.h"
#include "core/json.h"
#include "core/xml.h"

extern char **environ;

/* Temporary credentials are refreshed this long before they expire, as the SDKs do. */
#define REFRESH_AHEAD_S ((int64_t)5 * 60)
/* Role chains longer than this are misconfigurations, not chains. */
#define MAX_CHAIN 16

void awsorch_credentials_free(awsorch_credentials *creds)
{
    if (creds == NULL) {
        return;
    }
    awsorch__free_secret(creds->access_key_id);
    awsorch__free_secret(creds->secret_access_key);
    awsorch__free_secret(creds->session_token);
    OPENSSL_cleanse(creds, sizeof(*creds));
    free(creds);
}

awsorch_status awsorch__credentials_make(awsorch_credentials **out, const char *akid,
                                         const char *secret, const char *token,
                                         int64_t expiration_s, const char *source)
{
    awsorch_credentials *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot allocate credentials");
    }
    c->access_key_id = strdup(akid);
    c->secret_access_key = strdup(secret);
    c->session_token = (token != NULL && token[0] != '\0') ? strdup(token) : NULL;
    if (c->access_key_id == NULL || c->secret_access_key == NULL ||
        (token != NULL && token[0] != '\0' && c->session_token == NULL)) {
        awsorch_credentials_free(c);
        return awsorch__fail(AWSORCH_E_NOMEM, "cannot allocate credentials");
    }
    c->expiration_s = expiration_s;
    (void)snprintf(c->source, sizeof(c->source), "%s", source);
    *out = c;
    return AWSORCH_OK;
}

awsorch_status awsorch_credentials_new(awsorch_credentials **out, const char *access_key_id,
                                       const char *secret_access_key, const char *session_token)
{
    if (out == NULL || access_key_id == NULL || access_key_id[0] == '\0' ||
        secret_access_key == NULL || secret_access_key[0] == '\0') {
        return awsorch__fail(AWSORCH_E_INVALID_ARG,
                             "credentials need an access key id and a secret access key");
    }
    return awsorch__credentials_make(out, access_key_id, secret_access_key, session_token, 0,
                                     "explicit");
}

awsorch_status awsorch_credentials_copy(awsorch_credentials **out, const awsorch_credentials *c)
{
    if (out == NULL || c == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "credentials copy: NULL argument");
    }
    return awsorch__credentials_make(out, c->access_key_id, c->secret_access_key, c->session_token,
                                     c->expiration_s, c->source);
}

/* ---- the chain's bookkeeping ------------------------------------------------ */

typedef struct chain {
    const awsorch_settings *settings;
    char report[2048]; /* why each provider gave nothing */
} chain;

typedef enum outcome { FOUND, NOT_FOUND, FAILED } outcome;

static outcome skip(chain *c, const char *fmt, ...) AWSORCH_PRINTF(2, 3);

static outcome skip(chain *c, const char *fmt, ...)
{
    size_t used = strlen(c->report);
    if (used + 3 < sizeof(c->report)) {
        if (used > 0) {
            memcpy(c->report + used, "; ", 3);
            used += 2;
        }
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(c->report + used, sizeof(c->report) - used, fmt, ap);
        va_end(ap);
    }
    return NOT_FOUND;
}

static outcome from_status(awsorch_status st)
{
    return st == AWSORCH_OK ? FOUND : FAILED;
}

/* A profile's settings: the config file's section and the credentials file's. */
typedef struct profile {
    char name[256];
    awsorch__ini_section config;
    awsorch__ini_section creds;
} profile;

static awsorch_status profile_load(profile *p, const awsorch_settings *s, const char *name)
{
    memset(p, 0, sizeof(*p));
    (void)snprintf(p->name, sizeof(p->name), "%s", name);
    char section[512];
    bool found = false;
    if (strcmp(name, "default") == 0) {
        (void)snprintf(section, sizeof(section), "default");
    } else {
        (void)snprintf(section, sizeof(section), "profile %s", name);
    }
    awsorch_status st = awsorch__ini_load(&p->config, &found, s->config_file, section);
    if (st == AWSORCH_OK && !p->config.present && strcmp(name, "default") == 0) {
        awsorch__ini_free(&p->config);
        st = awsorch__ini_load(&p->config, &found, s->config_file, "profile default");
    }
    if (st == AWSORCH_OK) {
        st = awsorch__ini_load(&p->creds, &found, s->credentials_file, name);
    }
    return st;
}

static void profile_free(profile *p)
{
    awsorch__ini_free(&p->config);
    awsorch__ini_free(&p->creds);
}

static const char *pget(const profile *p, const char *key)
{
    const char *v = awsorch__ini_get(&p->config, key);
    return v ? v : NULL;
}

/* ---- static keys ------------------------------------------------------------- */

static outcome static_keys(chain *c, const awsorch__ini_section *sec, const char *where,
                           const char *profile_name, const char *source, awsorch_credentials **out)
{
    const char *akid = awsorch__ini_get(sec, "aws_access_key_id");
    const char *secret = awsorch__ini_get(sec, "aws_secret_access_key");
    if (akid != NULL && secret != NULL) {
        return from_status(awsorch__credentials_make(
            out, akid, secret, awsorch__ini_get(sec, "aws_session_token"), 0, source));
    }
    if (akid != NULL || secret != NULL) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "%s: profile %s in %s has only one of aws_access_key_id and "
                            "aws_secret_access_key",
                            source, profile_name, where);
        return FAILED;
    }
    return skip(c, "%s: no keys for profile %s in %s", source, profile_name, where);
}

static outcome env_keys(chain *c, awsorch_credentials **out)
{
    const char *akid = awsorch__env("AWS_ACCESS_KEY_ID");
    const char *secret = awsorch__env("AWS_SECRET_ACCESS_KEY");
    if (akid != NULL && secret != NULL) {
        return from_status(awsorch__credentials_make(
            out, akid, secret, awsorch__env("AWS_SESSION_TOKEN"), 0, "environment"));
    }
    if (akid != NULL || secret != NULL) {
        return skip(c, "environment: only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                       "is set");
    }
    return skip(c, "environment: AWS_ACCESS_KEY_ID is not set");
}

/* ---- JSON credential documents (process, container, IMDS, SSO) ------------ */

static outcome json_credentials(const char *text, size_t len, const char *source,
                                const char *akid_key, const char *secret_key, const char *token_key,
                                awsorch_credentials **out)
{
    json_t *doc = NULL;
    if (awsorch__json_parse(&doc, text, len, source) != AWSORCH_OK) {
        return FAILED;
    }
    const char *akid = awsorch__json_string(doc, akid_key);
    const char *secret = awsorch__json_string(doc, secret_key);
    const char *token = awsorch__json_string(doc, token_key);
    const char *exp = awsorch__json_string(doc, "Expiration");
    int64_t exp_s = 0;
    outcome r = FAILED;
    if (akid == NULL || secret == NULL) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "%s: the reply has no %s and %s", source,
                            akid_key, secret_key);
    } else if (exp != NULL && awsorch_time_parse(exp, &exp_s) != AWSORCH_OK) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "%s: Expiration '%.40s' is not a time", source,
                            exp);
    } else {
        r = from_status(awsorch__credentials_make(out, akid, secret, token, exp_s, source));
    }
    json_decref(doc);
    return r;
}

/* ---- credential_process -------------------------------------------------- */

static awsorch_status drain(int fd, awsorch_buf *into, size_t max)
{
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        if (into->len + (size_t)n <= max) {
            (void)awsorch_buf_append(into, chunk, (size_t)n);
        }
    }
    return n < 0 ? AWSORCH_E_IO : AWSORCH_OK;
}

static outcome credential_process(const char *command, const char *profile_name,
                                  awsorch_credentials **out)
{
    int out_pipe[2] = {-1, -1};
    int err_file = -1;
    char err_path[] = "/tmp/awsorch-process-XXXXXX";
    if (pipe(out_pipe) != 0 || (err_file = mkstemp(err_path)) < 0) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "credential_process: cannot create a pipe: %s",
                            strerror(errno));
        if (out_pipe[0] >= 0) {
            close(out_pipe[0]);
            close(out_pipe[1]);
        }
        return FAILED;
    }
    (void)unlink(err_path);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_file, 2);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    if (rc != 0) {
        close(out_pipe[0]);
        close(err_file);
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "credential_process of profile %s: cannot run "
                            "/bin/sh: %s",
                            profile_name, strerror(rc));
        return FAILED;
    }
    awsorch_buf stdout_text = AWSORCH_BUF_INIT;
    (void)drain(out_pipe[0], &stdout_text, 1u << 20);
    close(out_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    awsorch_buf stderr_text = AWSORCH_BUF_INIT;
    (void)lseek(err_file, 0, SEEK_SET);
    (void)drain(err_file, &stderr_text, 4096);
    close(err_file);
    outcome r;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        size_t n = stderr_text.len;
        while (n > 0 && (stderr_text.data[n - 1] == '\n' || stderr_text.data[n - 1] == '\r')) {
            n--;
        }
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "credential_process of profile %s exited with %d: %.*s", profile_name,
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1, (int)(n > 900 ? 900 : n),
                            stderr_text.data ? stderr_text.data : "");
        r = FAILED;
    } else {
        json_t *doc = NULL;
        r = FAILED;
        if (awsorch__json_parse(&doc, stdout_text.data ? stdout_text.data : "", stdout_text.len,
                                "the output of credential_process") == AWSORCH_OK) {
            json_t *version = json_object_get(doc, "Version");
            if (!json_is_integer(version) || json_integer_value(version) != 1) {
                (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                                    "credential_process of profile %s: Version must be 1",
                                    profile_name);
            } else {
                r = json_credentials(stdout_text.data, stdout_text.len, "credential_process",
                                     "AccessKeyId", "SecretAccessKey", "SessionToken", out);
            }
            json_decref(doc);
        }
    }
    awsorch_buf_free_secret(&stdout_text);
    awsorch_buf_free(&stderr_text);
    return r;
}

/* ---- HTTP JSON providers: container, IMDS, SSO ------------------------------ */

static awsorch_status http_get(const awsorch_settings *s, const char *method, const char *url,
                               const char *const *headers, size_t header_count, long timeout_ms,
                               awsorch__fetch_resp *resp)
{
    awsorch__fetch_req req = {.method = method,
                              .url = url,
                              .headers = headers,
                              .header_count = header_count,
                              .connect_timeout_ms = timeout_ms,
                              .timeout_ms = timeout_ms * 2,
                              .ca_bundle = s ? s->ca_bundle : NULL,
                              .max_body = 1u << 20};
    return awsorch__fetch(&req, resp);
}

static bool allowed_full_uri_host(const char *url)
{
    char host[512];
    char path[1024];
    if (awsorch__url_parts(url, host, sizeof(host), path, sizeof(path)) != AWSORCH_OK) {
        return false;
    }
    if (strncmp(url, "https://", 8) == 0) {
        return true;
    }
    /* Plain HTTP only to loopback and the documented link-local hosts. */
    char *colon = strrchr(host, ':');
    if (colon != NULL && host[0] != '[') {
        *colon = '\0';
    } else if (host[0] == '[') {
        char *close = strchr(host, ']');
        if (close != NULL) {
            close[1] = '\0';
        }
    }
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0 ||
           strcmp(host, "[::1]") == 0 || strcmp(host, "169.254.170.2") == 0 ||
           strcmp(host, "169.254.170.23") == 0 || strcmp(host, "[fd00:ec2::23]") == 0;
}

/* Reads a token file (EKS, web identity) into buf without its final line break;
 * `what` names the setting in the error. */
static bool read_token_file(const char *path, size_t max, const char *what, awsorch_buf *buf)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "%s: cannot read %.300s: %s", what, path,
                            strerror(errno));
        return false;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && buf->len < max) {
        (void)awsorch_buf_append(buf, chunk, n);
    }
    (void)fclose(f);
    OPENSSL_cleanse(chunk, sizeof(chunk));
    (void)awsorch_buf_append(buf, "", 0);
    while (buf->len > 0 && (buf->data[buf->len - 1] == '\n' || buf->data[buf->len - 1] == '\r')) {
        buf->data[--buf->len] = '\0';
    }
    return true;
}

/* The role session name: the setting, else one the AWS CLI would also accept. */
static const char *session_name(const char *configured, char *buf, size_t len)
{
    if (configured != NULL) {
        return configured;
    }
    (void)snprintf(buf, len, "awsorch-session-%lld", (long long)awsorch_time_now());
    return buf;
}

static outcome container(chain *c, awsorch_credentials **out)
{
    const char *rel = awsorch__env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = awsorch__env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char url[2048];
    if (rel != NULL) {
        (void)snprintf(url, sizeof(url), "http://169.254.170.2%s", rel);
    } else if (full != NULL) {
        if (!allowed_full_uri_host(full)) {
            (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                                "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI must "
                                "use https or a loopback or ECS/EKS link-local host: %.200s",
                                full);
            return FAILED;
        }
        (void)snprintf(url, sizeof(url), "%s", full);
    } else {
        return skip(c, "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not "
                       "set");
    }
    char *auth = NULL;
    const char *token_file = awsorch__env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token = awsorch__env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    awsorch_buf file_token = AWSORCH_BUF_INIT;
    if (token_file != NULL) {
        if (!read_token_file(token_file, 65536,
                             "container credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                             &file_token)) {
            awsorch_buf_free_secret(&file_token);
            return FAILED;
        }
        token = file_token.data;
    }
    const char *headers[1];
    size_t hn = 0;
    if (token != NULL) {
        if (strpbrk(token, "\r\n") != NULL) {
            awsorch_buf_free_secret(&file_token);
            (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                                "container credentials: the authorization token has a line break");
            return FAILED;
        }
        size_t len = strlen(token) + 32;
        auth = malloc(len);
        if (auth == NULL) {
            awsorch_buf_free_secret(&file_token);
            return from_status(awsorch__fail(AWSORCH_E_NOMEM, "out of memory"));
        }
        (void)snprintf(auth, len, "Authorization: %s", token);
        headers[hn++] = auth;
    }
    awsorch__fetch_resp resp;
    awsorch_status st = http_get(c->settings, "GET", url, headers, hn, 2000, &resp);
    awsorch__free_secret(auth);
    awsorch_buf_free_secret(&file_token);
    if (st != AWSORCH_OK) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "container credentials: %s",
                            awsorch_error_last()->message);
        return FAILED;
    }
    outcome r;
    if (resp.status != 200) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "container credentials: %s answered HTTP %ld",
                            url, resp.status);
        r = FAILED;
    } else {
        r = json_credentials(resp.body.data, resp.body.len, "container", "AccessKeyId",
                             "SecretAccessKey", "Token", out);
    }
    awsorch__fetch_resp_free(&resp);
    return r;
}

static const char *setting(const profile *p, const char *env, const char *key)
{
    const char *v = awsorch__env(env);
    return v ? v : pget(p, key);
}

/* An instance metadata session: the endpoint, and the IMDSv2 token header when
 * the service gave a token (IMDSv1 otherwise, where the settings allow it). */
typedef struct imds_conn {
    char base[1024];
    char token_h[2048];
} imds_conn;

/* FOUND: a session is open; NOT_FOUND: no usable service, with the reason in why. */
static outcome imds_open(const awsorch_settings *s, const profile *p, imds_conn *conn, char *why,
                         size_t why_len)
{
    memset(conn, 0, sizeof(*conn));
    const char *disabled = awsorch__env("AWS_EC2_METADATA_DISABLED");
    if (disabled != NULL && strcasecmp(disabled, "true") == 0) {
        (void)snprintf(why, why_len, "instance metadata: AWS_EC2_METADATA_DISABLED is true");
        return NOT_FOUND;
    }
    const char *endpoint =
        setting(p, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
    const char *mode =
        setting(p, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode");
    if (endpoint == NULL) {
        endpoint = (mode && strcasecmp(mode, "IPv6") == 0) ? "http://[fd00:ec2::254]"
                                                           : "http://169.254.169.254";
    }
    size_t elen = strlen(endpoint);
    while (elen > 0 && endpoint[elen - 1] == '/') {
        elen--;
    }
    (void)snprintf(conn->base, sizeof(conn->base), "%.*s", (int)elen, endpoint);
    const char *v1_off = setting(p, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled");
    bool v1_allowed = v1_off == NULL || strcasecmp(v1_off, "true") != 0;
    char url[1200];
    (void)snprintf(url, sizeof(url), "%s/latest/api/token", conn->base);
    /* One second and no retries, so a laptop never waits on a service that is not there. */
    const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600"};
    awsorch__fetch_resp resp;
    awsorch_status st = http_get(s, "PUT", url, ttl, 1, 1000, &resp);
    if (st == AWSORCH_E_TRANSPORT || st == AWSORCH_E_TIMEOUT) {
        (void)snprintf(why, why_len, "instance metadata: no service at %.200s", conn->base);
        return NOT_FOUND;
    }
    if (st != AWSORCH_OK) {
        return FAILED;
    }
    outcome r = FOUND;
    if (resp.status == 200 && resp.body.len > 0 && resp.body.len < 1900 &&
        strpbrk(resp.body.data, "\r\n") == NULL) {
        (void)snprintf(conn->token_h, sizeof(conn->token_h), "X-aws-ec2-metadata-token: %s",
                       resp.body.data);
    } else if (!v1_allowed) {
        (void)snprintf(why, why_len,
                       "instance metadata: no IMDSv2 token (HTTP %ld) and IMDSv1 is disabled",
                       resp.status);
        r = NOT_FOUND;
    }
    awsorch__fetch_resp_free(&resp);
    return r;
}

static awsorch_status imds_get(const awsorch_settings *s, const imds_conn *conn, const char *path,
                               awsorch__fetch_resp *resp)
{
    char url[1400];
    (void)snprintf(url, sizeof(url), "%s%s", conn->base, path);
    const char *hdr[] = {conn->token_h};
    return http_get(s, "GET", url, hdr, conn->token_h[0] ? 1 : 0, 1000, resp);
}

static void imds_close(imds_conn *conn)
{
    OPENSSL_cleanse(conn, sizeof(*conn));
}

static outcome imds(chain *c, const profile *p, awsorch_credentials **out)
{
    imds_conn conn;
    char why[512] = "";
    outcome r = imds_open(c->settings, p, &conn, why, sizeof(why));
    if (r != FOUND) {
        imds_close(&conn);
        return r == NOT_FOUND ? skip(c, "%s", why) : r;
    }
    awsorch__fetch_resp resp;
    awsorch_status st =
        imds_get(c->settings, &conn, "/latest/meta-data/iam/security-credentials/", &resp);
    if (st != AWSORCH_OK || resp.status != 200 || resp.body.len == 0) {
        long code = st == AWSORCH_OK ? resp.status : 0;
        if (st == AWSORCH_OK) {
            awsorch__fetch_resp_free(&resp);
        }
        imds_close(&conn);
        return skip(c, "instance metadata: no instance role (HTTP %ld)", code);
    }
    char path[512];
    size_t rl = strcspn(resp.body.data, "\r\n");
    int n = snprintf(path, sizeof(path), "/latest/meta-data/iam/security-credentials/%.*s",
                     (int)(rl < 255 ? rl : 255), resp.body.data);
    awsorch__fetch_resp_free(&resp);
    if (rl == 0 || n < 0 || strchr(path + 44, '/') != NULL) {
        imds_close(&conn);
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "instance metadata: bad role name");
        return FAILED;
    }
    st = imds_get(c->settings, &conn, path, &resp);
    imds_close(&conn);
    if (st != AWSORCH_OK) {
        return FAILED;
    }
    if (resp.status != 200) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "instance metadata: %s: HTTP %ld", path,
                            resp.status);
        r = FAILED;
    } else {
        r = json_credentials(resp.body.data, resp.body.len, "instance metadata", "AccessKeyId",
                             "SecretAccessKey", "Token", out);
    }
    awsorch__fetch_resp_free(&resp);
    return r;
}

awsorch_status awsorch_region_resolve(const char **region, awsorch_settings *s)
{
    if (region == NULL || s == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "region resolve: NULL argument");
    }
    if (awsorch_settings_require_region(s, region) == AWSORCH_OK) {
        return AWSORCH_OK;
    }
    char looked[1200];
    (void)snprintf(looked, sizeof(looked), "%s", awsorch_error_last()->message);
    profile p;
    imds_conn conn;
    char why[512] = "";
    outcome r = FAILED;
    if (profile_load(&p, s, s->profile) == AWSORCH_OK) {
        r = imds_open(s, &p, &conn, why, sizeof(why));
    }
    profile_free(&p);
    awsorch__fetch_resp resp;
    if (r == FOUND &&
        imds_get(s, &conn, "/latest/meta-data/placement/region", &resp) == AWSORCH_OK) {
        size_t n = strcspn(resp.body.data, "\r\n");
        bool ok = resp.status == 200 && n > 0 && n < 64;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = resp.body.data[i];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
        }
        if (ok) {
            resp.body.data[n] = '\0';
            free(s->region);
            s->region = strdup(resp.body.data);
            (void)snprintf(s->region_source, sizeof(s->region_source), "instance metadata");
        }
        awsorch__fetch_resp_free(&resp);
    }
    if (r == FOUND) {
        imds_close(&conn);
    }
    if (s->region != NULL) {
        *region = s->region;
        return AWSORCH_OK;
    }
    return awsorch__fail(AWSORCH_E_CONFIG, "%s Instance metadata gave none (%s).", looked,
                         why[0] ? why : "no region there");
}

/* ---- SSO --------------------------------------------------------------------- */

static awsorch_status sha1_hex(const char *text, char out[41])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(text, strlen(text), digest, &n, EVP_sha1(), NULL) != 1 || n != 20) {
        return awsorch__fail(AWSORCH_E_INTERNAL, "SHA-1 failed");
    }
    return awsorch_hex_encode(digest, n, out, 41);
}

static outcome sso(chain *c, const profile *p, awsorch_credentials **out)
{
    const char *session = pget(p, "sso_session");
    const char *account = pget(p, "sso_account_id");
    const char *role = pget(p, "sso_role_name");
    const char *start_url = pget(p, "sso_start_url");
    const char *region = pget(p, "sso_region");
    if (session == NULL && start_url == NULL) {
        return skip(c, "sso: profile %s has no sso_session or sso_start_url", p->name);
    }
    awsorch__ini_section sess = {0};
    bool found = false;
    if (session != NULL) {
        char section[512];
        (void)snprintf(section, sizeof(section), "sso-session %s", session);
        if (awsorch__ini_load(&sess, &found, c->settings->config_file, section) != AWSORCH_OK) {
            return FAILED;
        }
        if (!sess.present) {
            awsorch__ini_free(&sess);
            (void)awsorch__fail(AWSORCH_E_CONFIG,
                                "profile %s names sso_session %s, but there is no [sso-session "
                                "%s] in %s",
                                p->name, session, session, c->settings->config_file);
            return FAILED;
        }
        start_url = awsorch__ini_get(&sess, "sso_start_url");
        region = awsorch__ini_get(&sess, "sso_region");
    }
    outcome r = FAILED;
    if (account == NULL || role == NULL || start_url == NULL || region == NULL) {
        (void)awsorch__fail(AWSORCH_E_CONFIG,
                            "SSO profile %s needs sso_account_id, sso_role_name, sso_start_url "
                            "and sso_region",
                            p->name);
        awsorch__ini_free(&sess);
        return FAILED;
    }
    char hash[41];
    char path[4096];
    const char *home = awsorch__env("HOME");
    if (sha1_hex(session ? session : start_url, hash) != AWSORCH_OK) {
        awsorch__ini_free(&sess);
        return FAILED;
    }
    (void)snprintf(path, sizeof(path), "%s/.aws/sso/cache/%s.json", home ? home : "", hash);
    json_error_t jerr;
    json_t *cache = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    const char *token = awsorch__json_string(cache, "accessToken");
    const char *expires = awsorch__json_string(cache, "expiresAt");
    int64_t exp_s = 0;
    if (token == NULL || expires == NULL || awsorch_time_parse(expires, &exp_s) != AWSORCH_OK ||
        exp_s <= awsorch_time_now()) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "The SSO session associated with profile %s has expired or is "
                            "otherwise invalid. To refresh this SSO session run aws sso login "
                            "with the corresponding profile.",
                            p->name);
        json_decref(cache);
        awsorch__ini_free(&sess);
        return FAILED;
    }
    char base[1024];
    char url[2048];
    if (!awsorch_settings_endpoint(c->settings, "SSO", base, sizeof(base))) {
        awsorch__default_endpoint("portal.sso", region, false, base, sizeof(base));
    }
    char *acc_enc = curl_easy_escape(NULL, account, 0);
    char *role_enc = curl_easy_escape(NULL, role, 0);
    (void)snprintf(url, sizeof(url), "%s/federation/credentials?account_id=%s&role_name=%s", base,
                   acc_enc ? acc_enc : "", role_enc ? role_enc : "");
    curl_free(acc_enc);
    curl_free(role_enc);
    size_t hl = strlen(token) + 40;
    char *hdr = malloc(hl);
    if (hdr == NULL || strpbrk(token, "\r\n") != NULL) {
        free(hdr);
        json_decref(cache);
        awsorch__ini_free(&sess);
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "the cached SSO token is unusable");
        return FAILED;
    }
    (void)snprintf(hdr, hl, "x-amz-sso_bearer_token: %s", token);
    json_decref(cache);
    const char *headers[] = {hdr};
    awsorch__fetch_resp resp;
    awsorch_status st = http_get(c->settings, "GET", url, headers, 1, 5000, &resp);
    awsorch__free_secret(hdr);
    awsorch__ini_free(&sess);
    if (st != AWSORCH_OK) {
        return FAILED;
    }
    json_t *doc = NULL;
    if (resp.status != 200) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "SSO GetRoleCredentials for profile %s: HTTP %ld", p->name,
                            resp.status);
    } else if (awsorch__json_parse(&doc, resp.body.data, resp.body.len, "the SSO reply") ==
               AWSORCH_OK) {
        json_t *rc = json_object_get(doc, "roleCredentials");
        const char *akid = awsorch__json_string(rc, "accessKeyId");
        const char *secret = awsorch__json_string(rc, "secretAccessKey");
        const char *tok = awsorch__json_string(rc, "sessionToken");
        json_t *exp = json_object_get(rc, "expiration");
        if (akid == NULL || secret == NULL || !json_is_integer(exp)) {
            (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "the SSO reply lacks roleCredentials");
        } else {
            r = from_status(awsorch__credentials_make(
                out, akid, secret, tok, (int64_t)(json_integer_value(exp) / 1000), "sso"));
        }
        json_decref(doc);
    }
    awsorch__fetch_resp_free(&resp);
    return r;
}

/* ---- assume role and web identity ---------------------------------------- */

static awsorch_status region_for_sts(const chain *c, const profile *p, const char **region)
{
    *region = c->settings->region;
    if (*region == NULL) {
        *region = pget(p, "region");
    }
    if (*region == NULL) {
        *region = "us-east-1"; /* the global STS endpoint's signing region */
    }
    return AWSORCH_OK;
}

static outcome assume_role(chain *c, const profile *p, const awsorch_credentials *source,
                           awsorch_credentials **out)
{
    const char *role_arn = pget(p, "role_arn");
    if (pget(p, "mfa_serial") != NULL) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                            "profile %s needs an MFA code (mfa_serial); awsorch cannot prompt for "
                            "one. Assume the role with `aws sts assume-role --serial-number ... "
                            "--token-code ...` and export the result.",
                            p->name);
        return FAILED;
    }
    char session[128];
    const char *name = session_name(pget(p, "role_session_name"), session, sizeof(session));
    const char *region = NULL;
    (void)region_for_sts(c, p, &region);
    awsorch__param params[] = {{"RoleArn", role_arn},
                               {"RoleSessionName", name},
                               {"ExternalId", pget(p, "external_id")},
                               {"DurationSeconds", pget(p, "duration_seconds")}};
    awsorch__sts_ctx ctx = {c->settings, region, source, 3000, 10000};
    xmlDoc *doc = NULL;
    xmlNode *result = NULL;
    awsorch_status st = awsorch__sts_call(&ctx, "AssumeRole", params, 4, &doc, &result);
    if (st == AWSORCH_OK) {
        st = awsorch__sts_credentials(result, "assume-role", out);
        awsorch__xml_free_doc(doc);
    }
    return from_status(st);
}

/* EKS (IRSA) sets AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; a profile can
 * name web_identity_token_file and role_arn. The environment is read only for
 * the profile in use, never for a source profile. */
static outcome web_identity(chain *c, const profile *p, bool use_env, awsorch_credentials **out)
{
    const char *token_file = use_env ? awsorch__env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *role_arn = use_env ? awsorch__env("AWS_ROLE_ARN") : NULL;
    if (token_file == NULL) {
        token_file = pget(p, "web_identity_token_file");
    }
    if (role_arn == NULL) {
        role_arn = pget(p, "role_arn");
    }
    if (token_file == NULL || role_arn == NULL) {
        return skip(c, "web identity: no web_identity_token_file with role_arn");
    }
    awsorch_buf token = AWSORCH_BUF_INIT;
    if (!read_token_file(token_file, 1u << 20, "web identity token file", &token)) {
        awsorch_buf_free_secret(&token);
        return FAILED;
    }
    char session[128];
    const char *name = use_env ? awsorch__env("AWS_ROLE_SESSION_NAME") : NULL;
    name = session_name(name ? name : pget(p, "role_session_name"), session, sizeof(session));
    const char *region = NULL;
    (void)region_for_sts(c, p, &region);
    awsorch__param params[] = {{"RoleArn", role_arn},
                               {"RoleSessionName", name},
                               {"WebIdentityToken", token.data ? token.data : ""},
                               {"DurationSeconds", pget(p, "duration_seconds")}};
    awsorch__sts_ctx ctx = {c->settings, region, NULL, 3000, 10000};
    xmlDoc *doc = NULL;
    xmlNode *result = NULL;
    awsorch_status st =
        awsorch__sts_call(&ctx, "AssumeRoleWithWebIdentity", params, 4, &doc, &result);
    awsorch_buf_free_secret(&token);
    if (st == AWSORCH_OK) {
        st = awsorch__sts_credentials(result, "web identity", out);
        awsorch__xml_free_doc(doc);
    }
    return from_status(st);
}

/* ---- the profile part of the chain --------------------------------------- */

static outcome resolve_profile(chain *c, const char *name, const char **visited, size_t depth,
                               awsorch_credentials **out);

/* Source credentials for a role: the credential_source, or the source profile's
 * own credentials (its static keys first, so a profile can be its own source). */
static outcome role_source(chain *c, const profile *p, const char **visited, size_t depth,
                           awsorch_credentials **out)
{
    const char *cs = pget(p, "credential_source");
    const char *sp = pget(p, "source_profile");
    if (cs != NULL && sp != NULL) {
        (void)awsorch__fail(AWSORCH_E_CONFIG,
                            "profile %s has both source_profile and credential_source; use one",
                            p->name);
        return FAILED;
    }
    if (cs != NULL) {
        chain sub = {c->settings, ""};
        outcome r;
        if (strcmp(cs, "Environment") == 0) {
            r = env_keys(&sub, out);
        } else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
            r = imds(&sub, p, out);
        } else if (strcmp(cs, "EcsContainer") == 0) {
            r = container(&sub, out);
        } else {
            (void)awsorch__fail(AWSORCH_E_CONFIG,
                                "profile %s: credential_source '%.40s' is not Environment, "
                                "Ec2InstanceMetadata or EcsContainer",
                                p->name, cs);
            return FAILED;
        }
        if (r == NOT_FOUND) {
            (void)awsorch__fail(AWSORCH_E_CREDENTIALS,
                                "profile %s: credential_source %s gave no credentials (%s)",
                                p->name, cs, sub.report);
            return FAILED;
        }
        return r;
    }
    for (size_t i = 0; i < depth; i++) {
        bool self = strcmp(visited[i], sp) == 0 && i + 1 == depth;
        bool self_static = self && awsorch__ini_get(&p->creds, "aws_access_key_id") != NULL;
        if (strcmp(visited[i], sp) == 0 && !self_static) {
            (void)awsorch__fail(AWSORCH_E_CONFIG,
                                "profile %s: source_profile %s makes a loop of role profiles",
                                p->name, sp);
            return FAILED;
        }
    }
    if (strcmp(sp, p->name) == 0) {
        chain sub = {c->settings, ""};
        outcome r = static_keys(&sub, &p->creds, c->settings->credentials_file, p->name,
                                "shared credentials file", out);
        if (r == NOT_FOUND) {
            r = static_keys(&sub, &p->config, c->settings->config_file, p->name, "config file",
                            out);
        }
        if (r == NOT_FOUND) {
            (void)awsorch__fail(AWSORCH_E_CONFIG,
                                "profile %s is its own source_profile but has no static keys",
                                p->name);
            return FAILED;
        }
        return r;
    }
    return resolve_profile(c, sp, visited, depth, out);
}

static outcome resolve_profile(chain *c, const char *name, const char **visited, size_t depth,
                               awsorch_credentials **out)
{
    if (depth >= MAX_CHAIN) {
        (void)awsorch__fail(AWSORCH_E_CONFIG, "role profiles chain more than %d deep at %s",
                            MAX_CHAIN, name);
        return FAILED;
    }
    profile p;
    if (profile_load(&p, c->settings, name) != AWSORCH_OK) {
        profile_free(&p);
        return FAILED;
    }
    outcome r = NOT_FOUND;
    bool is_source = depth > 0;
    if (is_source && !p.config.present && !p.creds.present) {
        (void)awsorch__fail(AWSORCH_E_CONFIG, "source_profile %s could not be found in %s or %s",
                            name, c->settings->config_file, c->settings->credentials_file);
        profile_free(&p);
        return FAILED;
    }
    visited[depth] = name;
    bool has_static = awsorch__ini_get(&p.creds, "aws_access_key_id") != NULL ||
                      awsorch__ini_get(&p.config, "aws_access_key_id") != NULL;
    bool has_role = pget(&p, "role_arn") != NULL &&
                    (pget(&p, "source_profile") != NULL || pget(&p, "credential_source") != NULL);
    if (pget(&p, "role_arn") != NULL && !has_role && pget(&p, "web_identity_token_file") == NULL &&
        (is_source || awsorch__env("AWS_WEB_IDENTITY_TOKEN_FILE") == NULL)) {
        (void)awsorch__fail(AWSORCH_E_CONFIG,
                            "The profile \"%s\" has role_arn but neither source_profile, "
                            "credential_source nor web_identity_token_file",
                            name);
        profile_free(&p);
        return FAILED;
    }
    /* A source profile with static keys gives those keys, as botocore does. */
    if (has_role && !(is_source && has_static)) {
        awsorch_credentials *source = NULL;
        r = role_source(c, &p, visited, depth + 1, &source);
        if (r == FOUND) {
            r = assume_role(c, &p, source, out);
            awsorch_credentials_free(source);
        }
        profile_free(&p);
        return r;
    }
    if (!is_source) {
        (void)skip(c, "assume role: profile %s has no role_arn with a source", name);
    }
    r = web_identity(c, &p, !is_source, out);
    if (r == NOT_FOUND) {
        r = sso(c, &p, out);
    }
    if (r == NOT_FOUND) {
        r = static_keys(c, &p.creds, c->settings->credentials_file, name, "shared credentials file",
                        out);
    }
    const char *process = pget(&p, "credential_process");
    if (r == NOT_FOUND && process != NULL) {
        r = credential_process(process, name, out);
    } else if (r == NOT_FOUND) {
        (void)skip(c, "credential_process: profile %s has none", name);
    }
    if (r == NOT_FOUND) {
        r = static_keys(c, &p.config, c->settings->config_file, name, "config file", out);
    }
    if (r == NOT_FOUND && is_source) {
        (void)awsorch__fail(AWSORCH_E_CREDENTIALS, "source_profile %s has no credentials (%s)",
                            name, c->report);
        r = FAILED;
    }
    profile_free(&p);
    return r;
}

static awsorch_status run_chain(const awsorch_settings *s, awsorch_credentials **out)
{
    chain c = {s, ""};
    const char *visited[MAX_CHAIN + 1];
    outcome r = NOT_FOUND;
    /* The AWS CLI ignores environment keys when a profile is named explicitly. */
    if (!s->profile_explicit) {
        r = env_keys(&c, out);
    } else {
        (void)skip(&c, "environment: skipped because profile %s was named", s->profile);
    }
    if (r == NOT_FOUND) {
        r = resolve_profile(&c, s->profile, visited, 0, out);
    }
    if (r == NOT_FOUND) {
        r = container(&c, out);
    }
    if (r == NOT_FOUND) {
        profile p;
        if (profile_load(&p, s, s->profile) == AWSORCH_OK) {
            r = imds(&c, &p, out);
        } else {
            r = FAILED;
        }
        profile_free(&p);
    }
    if (r == FOUND) {
        awsorch__log(AWSORCH_LOG_DEBUG, "credentials from %s", (*out)->source);
        return AWSORCH_OK;
    }
    if (r == FAILED) {
        const awsorch_error *e = awsorch_error_last();
        return e->status != AWSORCH_OK ? e->status : AWSORCH_E_CREDENTIALS;
    }
    return awsorch__fail(AWSORCH_E_CREDENTIALS, "Unable to locate credentials for profile %s (%s)",
                         s->profile, c.report);
}

awsorch_status awsorch_credentials_resolve(awsorch_credentials **out,
                                           const awsorch_credentials_options *opts)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "credentials out-parameter is NULL");
    }
    *out = NULL;
    awsorch_settings_options so = AWSORCH_SETTINGS_OPTIONS_INIT;
    so.profile = opts ? opts->profile : NULL;
    awsorch_settings *s = NULL;
    awsorch_status st = awsorch_settings_load(&s, &so);
    if (st == AWSORCH_OK) {
        st = run_chain(s, out);
    }
    awsorch_settings_free(s);
    return st;
}

/* ---- the cached provider ----------------------------------------------------- */

struct awsorch_credentials_provider {
    pthread_mutex_t lock; /* held across a refresh, so one thread refreshes and the rest wait */
    awsorch_settings *settings;
    awsorch_credentials *cached;
    unsigned refreshes;
};

awsorch_status awsorch_credentials_provider_new(awsorch_credentials_provider **out,
                                                const awsorch_credentials_options *opts)
{
    if (out == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "provider out-parameter is NULL");
    }
    *out = NULL;
    awsorch_credentials_provider *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    }
    awsorch_settings_options so = AWSORCH_SETTINGS_OPTIONS_INIT;
    so.profile = opts ? opts->profile : NULL;
    awsorch_status st = awsorch_settings_load(&p->settings, &so);
    if (st != AWSORCH_OK) {
        free(p);
        return st;
    }
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        awsorch_settings_free(p->settings);
        free(p);
        return awsorch__fail(AWSORCH_E_INTERNAL, "cannot initialise a mutex");
    }
    *out = p;
    return AWSORCH_OK;
}

static bool fresh(const awsorch_credentials *c, int64_t now)
{
    return c != NULL && (c->expiration_s == 0 || c->expiration_s - now > REFRESH_AHEAD_S);
}

awsorch_status awsorch_credentials_provider_get(awsorch_credentials **out,
                                                awsorch_credentials_provider *p)
{
    if (out == NULL || p == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "provider get: NULL argument");
    }
    *out = NULL;
    pthread_mutex_lock(&p->lock);
    int64_t now = awsorch_time_now();
    awsorch_status st = AWSORCH_OK;
    if (!fresh(p->cached, now)) {
        awsorch_credentials *next = NULL;
        st = run_chain(p->settings, &next);
        p->refreshes++;
        if (st == AWSORCH_OK) {
            awsorch_credentials_free(p->cached);
            p->cached = next;
        } else if (p->cached != NULL && p->cached->expiration_s > now) {
            /* Still valid for a while: keep using them and try again next time. */
            awsorch__log(AWSORCH_LOG_WARN, "credential refresh failed; using current ones");
            st = AWSORCH_OK;
        }
    }
    if (st == AWSORCH_OK) {
        st = awsorch_credentials_copy(out, p->cached);
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

unsigned awsorch_credentials_provider_refreshes(awsorch_credentials_provider *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->refreshes;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void awsorch_credentials_provider_free(awsorch_credentials_provider *p)
{
    if (p == NULL) {
        return;
    }
    pthread_mutex_destroy(&p->lock);
    awsorch_credentials_free(p->cached);
    awsorch_settings_free(p->settings);
    free(p);
}
