#include "mock_server.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RECORDED 64

struct mock_server {
    struct MHD_Daemon *daemon;
    mock_handler handler;
    void *userdata;
    pthread_mutex_t lock;
    mock_request *recorded;
    size_t count;
};

typedef struct pending {
    mock_request req;
} pending;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    mock_request *r = cls;
    size_t used = strlen(r->headers);
    char line[2048];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s: %s\n", key, value ? value : "");
    for (size_t i = 0; i < n && line[i] != ':'; i++) {
        line[i] = (char)((line[i] >= 'A' && line[i] <= 'Z') ? line[i] + 32 : line[i]);
    }
    if (used + n < sizeof(r->headers)) {
        memcpy(r->headers + used, line, n + 1);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    mock_server *s = cls;
    pending *p = *con_cls;
    if (p == NULL) {
        p = calloc(1, sizeof(*p));
        if (p == NULL) {
            return MHD_NO;
        }
        (void)snprintf(p->req.method, sizeof(p->req.method), "%s", method);
        const char *q = NULL;
        (void)q;
        (void)snprintf(p->req.url, sizeof(p->req.url), "%s", url);
        MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &p->req);
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        size_t room = sizeof(p->req.body) - 1 - p->req.body_len;
        size_t n = *upload_size < room ? *upload_size : room;
        memcpy(p->req.body + p->req.body_len, upload_data, n);
        p->req.body_len += n;
        p->req.body[p->req.body_len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    mock_reply reply = {200, "text/plain", NULL, "", 0};
    s->handler(&p->req, &reply, s->userdata);
    pthread_mutex_lock(&s->lock);
    if (s->count < MAX_RECORDED) {
        s->recorded[s->count] = p->req;
    }
    s->count++;
    pthread_mutex_unlock(&s->lock);
    if (reply.drop) {
        return MHD_NO; /* libmicrohttpd closes the connection: a reset for the client */
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(reply.body), reply.body, MHD_RESPMEM_MUST_COPY);
    if (reply.content_type != NULL) {
        MHD_add_response_header(resp, "Content-Type", reply.content_type);
    }
    if (reply.extra_headers != NULL) {
        char copy[2048];
        (void)snprintf(copy, sizeof(copy), "%s", reply.extra_headers);
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *colon = strchr(line, ':');
            if (colon != NULL) {
                *colon = '\0';
                MHD_add_response_header(resp, line, colon + 1 + (colon[1] == ' '));
            }
        }
    }
    enum MHD_Result r = MHD_queue_response(conn, (unsigned)reply.status, resp);
    MHD_destroy_response(resp);
    return r;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    free(*con_cls);
    *con_cls = NULL;
}

mock_server *mock_start(mock_handler handler, void *userdata)
{
    mock_server *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->recorded = calloc(MAX_RECORDED, sizeof(mock_request));
    cr_assert_not_null(s->recorded);
    s->handler = handler;
    s->userdata = userdata;
    pthread_mutex_init(&s->lock, NULL);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = 0; /* the kernel picks a free port */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                                 NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &addr,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    cr_assert_not_null(s->daemon, "cannot start the mock server");
    return s;
}

unsigned short mock_port(const mock_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

size_t mock_count(mock_server *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->count;
    pthread_mutex_unlock(&s->lock);
    return n;
}

mock_request mock_get(mock_server *s, size_t i)
{
    pthread_mutex_lock(&s->lock);
    cr_assert(i < s->count && i < MAX_RECORDED, "no request %zu (have %zu)", i, s->count);
    mock_request r = s->recorded[i];
    pthread_mutex_unlock(&s->lock);
    return r;
}

const char *mock_header(const mock_request *r, const char *name, char *out, size_t out_len)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *p = r->headers; *p;) {
        const char *eol = strchr(p, '\n');
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 2;
            size_t len = (size_t)((eol ? eol : p + strlen(p)) - v);
            if (len >= out_len) {
                len = out_len - 1;
            }
            memcpy(out, v, len);
            out[len] = '\0';
            return out;
        }
        if (eol == NULL) {
            break;
        }
        p = eol + 1;
    }
    return out;
}

void mock_stop(mock_server *s)
{
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s->recorded);
    free(s);
}
