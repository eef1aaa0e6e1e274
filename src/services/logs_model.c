/* Amazon CloudWatch Logs (awsJson 1.1, "Logs_20140328"): reading the log events
 * jobs and functions write, declared once. Times are epoch milliseconds (longs),
 * as the API has them. */
#include "awsorch/logs.h"
#include "declare.h"

static const awsorch_member get_in_m[] = {M("logGroupName", str, 0),
                                          M("logGroupIdentifier", str, 0),
                                          M("logStreamName", str, AWSORCH_REQUIRED),
                                          M("startTime", along, 0),
                                          M("endTime", along, 0),
                                          M("nextToken", str, 0),
                                          M("limit", integer, 0),
                                          M("startFromHead", boolean, 0),
                                          M("unmask", boolean, 0)};
STRUCT(get_in, get_in_m);
static const awsorch_member output_event_m[] = {M("timestamp", along, 0), M("message", str, 0),
                                                M("ingestionTime", along, 0)};
STRUCT(output_event, output_event_m);
LIST(output_events, output_event);
static const awsorch_member get_out_m[] = {
    M("events", output_events, 0), M("nextForwardToken", str, 0), M("nextBackwardToken", str, 0)};
STRUCT(get_out, get_out_m);

static const awsorch_member filter_in_m[] = {
    M("logGroupName", str, 0),        M("logGroupIdentifier", str, 0),
    M("logStreamNames", str_list, 0), M("logStreamNamePrefix", str, 0),
    M("startTime", along, 0),         M("endTime", along, 0),
    M("filterPattern", str, 0),       M("nextToken", str, 0),
    M("limit", integer, 0),           M("interleaved", boolean, 0),
    M("unmask", boolean, 0)};
STRUCT(filter_in, filter_in_m);
static const awsorch_member filtered_event_m[] = {
    M("logStreamName", str, 0), M("timestamp", along, 0), M("message", str, 0),
    M("ingestionTime", along, 0), M("eventId", str, 0)};
STRUCT(filtered_event, filtered_event_m);
LIST(filtered_events, filtered_event);
static const awsorch_member searched_stream_m[] = {M("logStreamName", str, 0),
                                                   M("searchedCompletely", boolean, 0)};
STRUCT(searched_stream, searched_stream_m);
LIST(searched_streams, searched_stream);
static const awsorch_member filter_out_m[] = {M("events", filtered_events, 0),
                                              M("searchedLogStreams", searched_streams, 0),
                                              M("nextToken", str, 0)};
STRUCT(filter_out, filter_out_m);

const awsorch_service_model awsorch_logs_model = {
    {"logs", "logs", "CloudWatch Logs"}, "logs", AWSORCH_AWS_JSON_1_1, "Logs_20140328", NULL, NULL};

const awsorch_operation awsorch_logs_operations[] = {
    {"FilterLogEvents", "POST", "/", &filter_in, &filter_out, NULL, false, NULL},
    {"GetLogEvents", "POST", "/", &get_in, &get_out, NULL, false, NULL},
};

const size_t awsorch_logs_operation_count =
    sizeof(awsorch_logs_operations) / sizeof(awsorch_logs_operations[0]);

/* GetLogEvents is not declared: at the end of a stream it hands back the token
 * it was given, which a paginator takes for a service fault. */
const awsorch_paginator_spec awsorch_logs_paginators[] = {
    {"FilterLogEvents", "nextToken", "nextToken", "events"},
};

const size_t awsorch_logs_paginator_count =
    sizeof(awsorch_logs_paginators) / sizeof(awsorch_logs_paginators[0]);
