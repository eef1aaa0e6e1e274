/* Operation models: one declaration per operation drives its wire binding,
 * its JSON form and its CLI flags. Services declare shapes and operations as
 * static tables; awsorch_invoke_json sends any of them. */
#ifndef AWSORCH_MODEL_H
#define AWSORCH_MODEL_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awsorch_type {
    AWSORCH_STRING,
    AWSORCH_INTEGER,
    AWSORCH_LONG,
    AWSORCH_BOOLEAN,
    AWSORCH_DOUBLE,
    AWSORCH_TIMESTAMP,
    AWSORCH_BLOB,
    AWSORCH_STRUCTURE,
    AWSORCH_LIST,
    AWSORCH_MAP
} awsorch_type;

/* Where a member travels in an HTTP request or reply (REST protocols). */
typedef enum awsorch_location {
    AWSORCH_IN_BODY = 0,
    AWSORCH_IN_URI, /* a {label} of the request URI ({label+}: '/' kept) */
    AWSORCH_IN_QUERY,
    AWSORCH_IN_HEADER,
    AWSORCH_IN_PAYLOAD, /* the whole body (blob, string or structure) */
    AWSORCH_IN_STATUS   /* the reply's HTTP status code */
} awsorch_location;

enum {
    AWSORCH_REQUIRED = 1u << 0,
    AWSORCH_IDEMPOTENCY_TOKEN = 1u << 1, /* generated (UUID v4) when left empty */
    AWSORCH_FLATTENED = 1u << 2,         /* XML/query lists without a wrapper element */
    AWSORCH_STREAMING = 1u << 3 /* a blob payload of any size (S3 Body): the CLI names its file */
};

typedef struct awsorch_shape awsorch_shape;

typedef struct awsorch_member {
    const char *name; /* the API's member name: "executionArn", "FunctionName" */
    const awsorch_shape *shape;
    awsorch_location location;
    const char *location_name; /* header, query key, URI label or XML name; NULL: name */
    unsigned flags;
} awsorch_member;

struct awsorch_shape {
    awsorch_type type;
    const awsorch_member *members; /* structure members */
    size_t member_count;
    const awsorch_shape *element;   /* list element or map value */
    const char *const *enum_values; /* NULL-terminated, or NULL */
};

typedef enum awsorch_protocol {
    AWSORCH_AWS_JSON_1_0,
    AWSORCH_AWS_JSON_1_1,
    AWSORCH_REST_JSON_1,
    AWSORCH_REST_XML,
    AWSORCH_AWS_QUERY
} awsorch_protocol;

typedef struct awsorch_service_model {
    awsorch_service service;
    const char *cli_name; /* "stepfunctions", "s3api" */
    awsorch_protocol protocol;
    const char *target_prefix; /* awsJson: X-Amz-Target prefix ("AWSStepFunctions") */
    const char *api_version;   /* awsQuery: Version ("2011-06-15") */
    const char *xml_namespace; /* restXml: request body namespace */
} awsorch_service_model;

typedef struct awsorch_operation {
    const char *name;   /* "DescribeExecution" */
    const char *method; /* REST protocols: "GET", ...; others POST */
    const char *uri;    /* REST: "/2015-03-31/functions/{FunctionName}/invocations" */
    const awsorch_shape *input;
    const awsorch_shape *output;
    const char *host_prefix; /* "sync-" */
    bool long_poll;
    const char *xml_root; /* restXml: the request body's root element, when it has one */
} awsorch_operation;

/* Finds a declared operation by its API name ("DescribeExecution"), or NULL. */
AWSORCH_API const awsorch_operation *awsorch_operation_find(const awsorch_operation *ops,
                                                            size_t count, const char *name);

/* How an operation pages: the token member it takes and returns, and the list
 * member that holds each page's items. */
typedef struct awsorch_paginator_spec {
    const char *operation;    /* "ListExecutions" */
    const char *input_token;  /* "nextToken" */
    const char *output_token; /* "nextToken" */
    const char *items;        /* "executions", or a path into the page: "ResultSet.Rows" */
} awsorch_paginator_spec;

/* An iterator over an operation's pages that the caller drives. */
typedef struct awsorch_paginator awsorch_paginator;

/* Starts paging an operation from its JSON input (no request is sent yet). */
AWSORCH_API awsorch_status awsorch_paginator_new(awsorch_paginator **out, awsorch_client *client,
                                                 const awsorch_service_model *model,
                                                 const awsorch_operation *op,
                                                 const awsorch_paginator_spec *spec,
                                                 const char *input_json);

/* Fetches the next page as JSON (free with free()); *page_json is NULL when done. */
AWSORCH_API awsorch_status awsorch_paginator_next(char **page_json, awsorch_paginator *p);

/* Frees a paginator; NULL is accepted. */
AWSORCH_API void awsorch_paginator_free(awsorch_paginator *p);

/* Calls an operation with its input as JSON text (member names as the API
 * spells them); *output_json receives the reply as JSON text (free with free()).
 * Timestamps travel as epoch seconds in both. Validation failures name the member. */
AWSORCH_API awsorch_status awsorch_invoke_json(char **output_json, awsorch_client *client,
                                               const awsorch_service_model *model,
                                               const awsorch_operation *op, const char *input_json);

/* Like awsorch_invoke_json, but a blob payload of the reply (S3 GetObject's Body,
 * Lambda Invoke's Payload) is streamed to write instead of the JSON. */
AWSORCH_API awsorch_status awsorch_invoke_json_stream(char **output_json, awsorch_client *client,
                                                      const awsorch_service_model *model,
                                                      const awsorch_operation *op,
                                                      const char *input_json,
                                                      awsorch_write_fn write, void *userdata);

/* Like awsorch_invoke_json, with the operation's blob payload (S3 PutObject's
 * Body) sent from a file, read in chunks, instead of from the JSON input. */
AWSORCH_API awsorch_status awsorch_invoke_json_upload(char **output_json, awsorch_client *client,
                                                      const awsorch_service_model *model,
                                                      const awsorch_operation *op,
                                                      const char *input_json,
                                                      const char *body_file);

/* Builds the HTTP request an operation would send, without sending it (for
 * tests and `--generate-request`); free the parts with awsorch_request_parts_free. */
typedef struct awsorch_request_parts {
    char *method;
    char *path;     /* percent-encoded */
    char *query;    /* percent-encoded, NULL when none */
    char **headers; /* "Name: value" */
    size_t header_count;
    char *body;
    size_t body_len;
    char *bucket; /* S3: the {Bucket} label's value, NULL otherwise */
} awsorch_request_parts;

/* Serializes an operation's JSON input into an HTTP request for its protocol. */
AWSORCH_API awsorch_status awsorch_serialize(awsorch_request_parts *out,
                                             const awsorch_service_model *model,
                                             const awsorch_operation *op, const char *input_json);

/* Frees what awsorch_serialize filled in. */
AWSORCH_API void awsorch_request_parts_free(awsorch_request_parts *parts);

/* Parses a successful reply into the operation's output as JSON text. */
AWSORCH_API awsorch_status awsorch_deserialize(char **output_json,
                                               const awsorch_service_model *model,
                                               const awsorch_operation *op,
                                               const awsorch_response *reply);

#ifdef __cplusplus
}
#endif

#endif
