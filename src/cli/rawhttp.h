/* A parser for raw HTTP/1.1 requests as people capture and paste them. */
#ifndef AWSORCH_CLI_RAWHTTP_H
#define AWSORCH_CLI_RAWHTTP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rawhttp_header {
    char *name;
    size_t name_len;
    char *value; /* after the colon; folded lines joined by '\n' as they came */
    size_t value_len;
    char *line; /* the header as it appeared, for printing it back */
    size_t line_len;
    bool synthesized; /* added by the parser (Host from an absolute URL) */
} rawhttp_header;

typedef struct rawhttp_request {
    char *method;
    char *target; /* the request target as written */
    char *version;
    char *path; /* points into a copy of the target */
    size_t path_len;
    char *query; /* after '?', NULL when the target has no '?' */
    size_t query_len;
    rawhttp_header *headers;
    size_t header_count;
    char *body;
    size_t body_len;
    const char *eol; /* "\r\n" or "\n": the line ending the request used */
    char *storage;   /* owns every string above */
} rawhttp_request;

/* Parses a request: CRLF or LF line ends, optional final blank line, raw spaces
 * and UTF-8 in the target, folded header lines. On failure returns false and
 * writes a message naming the problem to err. */
bool rawhttp_parse(rawhttp_request *out, const char *data, size_t len, char *err, size_t err_len);

/* Frees what rawhttp_parse allocated. */
void rawhttp_free(rawhttp_request *req);

#endif
