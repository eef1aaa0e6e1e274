/* Amazon S3 (restXml), the operations data pipelines use most, declared once. */
#include "awsorch/s3.h"
#include "declare.h"

static const awsorch_member get_in_m[] = {
    AT("Bucket", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("Key", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("IfMatch", str, AWSORCH_IN_HEADER, "If-Match", 0),
    AT("IfNoneMatch", str, AWSORCH_IN_HEADER, "If-None-Match", 0),
    AT("Range", str, AWSORCH_IN_HEADER, "Range", 0),
    AT("VersionId", str, AWSORCH_IN_QUERY, "versionId", 0)};
STRUCT(get_in, get_in_m);
static const awsorch_member object_out_m[] = {
    AT("Body", blob, AWSORCH_IN_PAYLOAD, NULL, AWSORCH_STREAMING),
    AT("ContentLength", along, AWSORCH_IN_HEADER, "Content-Length", 0),
    AT("ContentType", str, AWSORCH_IN_HEADER, "Content-Type", 0),
    AT("ETag", str, AWSORCH_IN_HEADER, "ETag", 0),
    AT("LastModified", ts, AWSORCH_IN_HEADER, "Last-Modified", 0),
    AT("VersionId", str, AWSORCH_IN_HEADER, "x-amz-version-id", 0)};
STRUCT(get_out, object_out_m);
static const awsorch_member head_out_m[] = {
    AT("ContentLength", along, AWSORCH_IN_HEADER, "Content-Length", 0),
    AT("ContentType", str, AWSORCH_IN_HEADER, "Content-Type", 0),
    AT("ETag", str, AWSORCH_IN_HEADER, "ETag", 0),
    AT("LastModified", ts, AWSORCH_IN_HEADER, "Last-Modified", 0),
    AT("VersionId", str, AWSORCH_IN_HEADER, "x-amz-version-id", 0)};
STRUCT(head_out, head_out_m);
static const awsorch_member key_in_m[] = {AT("Bucket", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
                                          AT("Key", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
                                          AT("VersionId", str, AWSORCH_IN_QUERY, "versionId", 0)};
STRUCT(key_in, key_in_m);
static const awsorch_member put_in_m[] = {
    AT("Bucket", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("Key", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("Body", blob, AWSORCH_IN_PAYLOAD, NULL, AWSORCH_STREAMING),
    AT("ContentType", str, AWSORCH_IN_HEADER, "Content-Type", 0)};
STRUCT(put_in, put_in_m);
static const awsorch_member put_out_m[] = {
    AT("ETag", str, AWSORCH_IN_HEADER, "ETag", 0),
    AT("VersionId", str, AWSORCH_IN_HEADER, "x-amz-version-id", 0)};
STRUCT(put_out, put_out_m);
static const awsorch_member delete_out_m[] = {
    AT("DeleteMarker", boolean, AWSORCH_IN_HEADER, "x-amz-delete-marker", 0),
    AT("VersionId", str, AWSORCH_IN_HEADER, "x-amz-version-id", 0)};
STRUCT(delete_out, delete_out_m);

static const awsorch_member object_m[] = {M("Key", str, 0), M("LastModified", ts, 0),
                                          M("ETag", str, 0), M("Size", along, 0),
                                          M("StorageClass", str, 0)};
STRUCT(object, object_m);
static const awsorch_shape objects = {AWSORCH_LIST, NULL, 0, &object, NULL};
static const awsorch_member prefix_m[] = {M("Prefix", str, 0)};
STRUCT(common_prefix, prefix_m);
static const awsorch_shape common_prefixes = {AWSORCH_LIST, NULL, 0, &common_prefix, NULL};
static const awsorch_member list_in_m[] = {
    AT("Bucket", str, AWSORCH_IN_URI, NULL, AWSORCH_REQUIRED),
    AT("Delimiter", str, AWSORCH_IN_QUERY, "delimiter", 0),
    AT("MaxKeys", integer, AWSORCH_IN_QUERY, "max-keys", 0),
    AT("Prefix", str, AWSORCH_IN_QUERY, "prefix", 0),
    AT("ContinuationToken", str, AWSORCH_IN_QUERY, "continuation-token", 0),
    AT("StartAfter", str, AWSORCH_IN_QUERY, "start-after", 0)};
STRUCT(list_in, list_in_m);
static const awsorch_member list_out_m[] = {M("IsTruncated", boolean, 0),
                                            M("Contents", objects, AWSORCH_FLATTENED),
                                            M("Name", str, 0),
                                            M("Prefix", str, 0),
                                            M("Delimiter", str, 0),
                                            M("MaxKeys", integer, 0),
                                            M("CommonPrefixes", common_prefixes, AWSORCH_FLATTENED),
                                            M("KeyCount", integer, 0),
                                            M("ContinuationToken", str, 0),
                                            M("NextContinuationToken", str, 0),
                                            M("StartAfter", str, 0)};
STRUCT(list_out, list_out_m);

const awsorch_service_model awsorch_s3_model = {{"s3", "s3", "S3"},
                                                "s3api",
                                                AWSORCH_REST_XML,
                                                NULL,
                                                NULL,
                                                "http://s3.amazonaws.com/doc/2006-03-01/"};

const awsorch_operation awsorch_s3_operations[] = {
    {"DeleteObject", "DELETE", "/{Bucket}/{Key+}", &key_in, &delete_out, NULL, false, NULL},
    {"GetObject", "GET", "/{Bucket}/{Key+}", &get_in, &get_out, NULL, false, NULL},
    {"HeadObject", "HEAD", "/{Bucket}/{Key+}", &key_in, &head_out, NULL, false, NULL},
    {"ListObjectsV2", "GET", "/{Bucket}?list-type=2", &list_in, &list_out, NULL, false, NULL},
    {"PutObject", "PUT", "/{Bucket}/{Key+}", &put_in, &put_out, NULL, false, NULL},
};

const size_t awsorch_s3_operation_count =
    sizeof(awsorch_s3_operations) / sizeof(awsorch_s3_operations[0]);

const awsorch_paginator_spec awsorch_s3_paginators[] = {
    {"ListObjectsV2", "ContinuationToken", "NextContinuationToken", "Contents"},
};

const size_t awsorch_s3_paginator_count =
    sizeof(awsorch_s3_paginators) / sizeof(awsorch_s3_paginators[0]);
