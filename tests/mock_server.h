/* A local HTTP server for tests, on a free loopback port, that records each
 * request and answers through a handler the test supplies. */
#ifndef AWSORCH_TEST_MOCK_SERVER_H
#define AWSORCH_TEST_MOCK_SERVER_H

#include <stddef.h>

typedef struct mock_request {
    char method[16];
    char url[2048];     /* path and query as received */
    char headers[8192]; /* "lowercase-name: value\n" per header */
    char body[16384];
    size_t body_len;
} mock_request;

typedef struct mock_reply {
    int status;
    const char *content_type;
    const char *extra_headers; /* "Name: value\n..." or NULL */
    char body[8192];
    int drop; /* close the connection without replying */
} mock_reply;

typedef void (*mock_handler)(const mock_request *req, mock_reply *reply, void *userdata);

typedef struct mock_server mock_server;

/* Starts a server on 127.0.0.1 with a port the kernel picks. */
mock_server *mock_start(mock_handler handler, void *userdata);

/* The port it listens on. */
unsigned short mock_port(const mock_server *s);

/* How many requests it has answered. */
size_t mock_count(mock_server *s);

/* A copy of the i-th request (0-based). */
mock_request mock_get(mock_server *s, size_t i);

/* Returns a header's value from a recorded request into out, or "" if absent. */
const char *mock_header(const mock_request *r, const char *name, char *out, size_t out_len);

/* Stops the server and frees it. */
void mock_stop(mock_server *s);

#endif
