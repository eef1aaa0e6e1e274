/* AWS Glue jobs and crawlers (awsJson 1.1, "AWSGlue"), declared once: the wire
 * binding, the JSON form and the CLI flags of every operation come from these
 * tables. */
#include "awsorch/glue.h"
#include "declare.h"

ENUM(worker_type, "Standard", "G.1X", "G.2X", "G.025X", "G.4X", "G.8X", "Z.2X");
ENUM(execution_class, "FLEX", "STANDARD");
ENUM(job_run_state, "STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT",
     "ERROR", "WAITING", "EXPIRED");
ENUM(job_mode, "SCRIPT", "VISUAL", "NOTEBOOK");
ENUM(crawler_state, "READY", "RUNNING", "STOPPING");
ENUM(last_crawl_status, "SUCCEEDED", "CANCELLED", "FAILED");

static const awsorch_member notification_m[] = {M("NotifyDelayAfter", integer, 0)};
STRUCT(notification, notification_m);

/* ---- jobs --------------------------------------------------------------------------- */

static const awsorch_member execution_property_m[] = {M("MaxConcurrentRuns", integer, 0)};
STRUCT(execution_property, execution_property_m);
static const awsorch_member command_m[] = {M("Name", str, 0), M("ScriptLocation", str, 0),
                                           M("PythonVersion", str, 0), M("Runtime", str, 0)};
STRUCT(command, command_m);
static const awsorch_member connections_m[] = {M("Connections", str_list, 0)};
STRUCT(connections, connections_m);
static const awsorch_member source_control_m[] = {
    M("Provider", str, 0),     M("Repository", str, 0), M("Owner", str, 0),
    M("Branch", str, 0),       M("Folder", str, 0),     M("LastCommitId", str, 0),
    M("AuthStrategy", str, 0), M("AuthToken", str, 0)};
STRUCT(source_control, source_control_m);
/* Glue Studio's visual graph is kept as it comes. */
MAP(codegen_nodes, opaque);

static const awsorch_member job_m[] = {M("Name", str, 0),
                                       M("JobMode", job_mode, 0),
                                       M("JobRunQueuingEnabled", boolean, 0),
                                       M("Description", str, 0),
                                       M("LogUri", str, 0),
                                       M("Role", str, 0),
                                       M("CreatedOn", ts, 0),
                                       M("LastModifiedOn", ts, 0),
                                       M("ExecutionProperty", execution_property, 0),
                                       M("Command", command, 0),
                                       M("DefaultArguments", str_map, 0),
                                       M("NonOverridableArguments", str_map, 0),
                                       M("Connections", connections, 0),
                                       M("MaxRetries", integer, 0),
                                       M("AllocatedCapacity", integer, 0),
                                       M("Timeout", integer, 0),
                                       M("MaxCapacity", dbl, 0),
                                       M("WorkerType", worker_type, 0),
                                       M("NumberOfWorkers", integer, 0),
                                       M("SecurityConfiguration", str, 0),
                                       M("NotificationProperty", notification, 0),
                                       M("GlueVersion", str, 0),
                                       M("CodeGenConfigurationNodes", codegen_nodes, 0),
                                       M("ExecutionClass", execution_class, 0),
                                       M("SourceControlDetails", source_control, 0),
                                       M("MaintenanceWindow", str, 0),
                                       M("ProfileName", str, 0)};
STRUCT(job, job_m);
LIST(jobs, job);

static const awsorch_member get_job_in_m[] = {M("JobName", str, AWSORCH_REQUIRED)};
STRUCT(get_job_in, get_job_in_m);
static const awsorch_member get_job_out_m[] = {M("Job", job, 0)};
STRUCT(get_job_out, get_job_out_m);

static const awsorch_member page_in_m[] = {M("NextToken", str, 0), M("MaxResults", integer, 0)};
STRUCT(page_in, page_in_m);
static const awsorch_member get_jobs_out_m[] = {M("Jobs", jobs, 0), M("NextToken", str, 0)};
STRUCT(get_jobs_out, get_jobs_out_m);

/* ---- job runs ----------------------------------------------------------------------- */

static const awsorch_member predecessor_m[] = {M("JobName", str, 0), M("RunId", str, 0)};
STRUCT(predecessor, predecessor_m);
LIST(predecessors, predecessor);

static const awsorch_member job_run_m[] = {M("Id", str, 0),
                                           M("Attempt", integer, 0),
                                           M("PreviousRunId", str, 0),
                                           M("TriggerName", str, 0),
                                           M("JobName", str, 0),
                                           M("JobMode", job_mode, 0),
                                           M("JobRunQueuingEnabled", boolean, 0),
                                           M("StartedOn", ts, 0),
                                           M("LastModifiedOn", ts, 0),
                                           M("CompletedOn", ts, 0),
                                           M("JobRunState", job_run_state, 0),
                                           M("Arguments", str_map, 0),
                                           M("ErrorMessage", str, 0),
                                           M("PredecessorRuns", predecessors, 0),
                                           M("AllocatedCapacity", integer, 0),
                                           M("ExecutionTime", integer, 0),
                                           M("Timeout", integer, 0),
                                           M("MaxCapacity", dbl, 0),
                                           M("WorkerType", worker_type, 0),
                                           M("NumberOfWorkers", integer, 0),
                                           M("SecurityConfiguration", str, 0),
                                           M("LogGroupName", str, 0),
                                           M("NotificationProperty", notification, 0),
                                           M("GlueVersion", str, 0),
                                           M("DPUSeconds", dbl, 0),
                                           M("ExecutionClass", execution_class, 0),
                                           M("MaintenanceWindow", str, 0),
                                           M("ProfileName", str, 0),
                                           M("StateDetail", str, 0),
                                           M("ExecutionRoleSessionPolicy", str, 0)};
STRUCT(job_run, job_run_m);
LIST(job_runs, job_run);

static const awsorch_member start_run_in_m[] = {M("JobName", str, AWSORCH_REQUIRED),
                                                M("JobRunQueuingEnabled", boolean, 0),
                                                M("JobRunId", str, 0),
                                                M("Arguments", str_map, 0),
                                                M("AllocatedCapacity", integer, 0),
                                                M("Timeout", integer, 0),
                                                M("MaxCapacity", dbl, 0),
                                                M("SecurityConfiguration", str, 0),
                                                M("NotificationProperty", notification, 0),
                                                M("WorkerType", worker_type, 0),
                                                M("NumberOfWorkers", integer, 0),
                                                M("ExecutionClass", execution_class, 0),
                                                M("ExecutionRoleSessionPolicy", str, 0)};
STRUCT(start_run_in, start_run_in_m);
static const awsorch_member start_run_out_m[] = {M("JobRunId", str, 0)};
STRUCT(start_run_out, start_run_out_m);

static const awsorch_member get_run_in_m[] = {M("JobName", str, AWSORCH_REQUIRED),
                                              M("RunId", str, AWSORCH_REQUIRED),
                                              M("PredecessorsIncluded", boolean, 0)};
STRUCT(get_run_in, get_run_in_m);
static const awsorch_member get_run_out_m[] = {M("JobRun", job_run, 0)};
STRUCT(get_run_out, get_run_out_m);

static const awsorch_member get_runs_in_m[] = {M("JobName", str, AWSORCH_REQUIRED),
                                               M("NextToken", str, 0), M("MaxResults", integer, 0)};
STRUCT(get_runs_in, get_runs_in_m);
static const awsorch_member get_runs_out_m[] = {M("JobRuns", job_runs, 0), M("NextToken", str, 0)};
STRUCT(get_runs_out, get_runs_out_m);

static const awsorch_member batch_stop_in_m[] = {M("JobName", str, AWSORCH_REQUIRED),
                                                 M("JobRunIds", str_list, AWSORCH_REQUIRED)};
STRUCT(batch_stop_in, batch_stop_in_m);
static const awsorch_member stop_submission_m[] = {M("JobName", str, 0), M("JobRunId", str, 0)};
STRUCT(stop_submission, stop_submission_m);
LIST(stop_submissions, stop_submission);
static const awsorch_member error_detail_m[] = {M("ErrorCode", str, 0), M("ErrorMessage", str, 0)};
STRUCT(error_detail, error_detail_m);
static const awsorch_member stop_error_m[] = {M("JobName", str, 0), M("JobRunId", str, 0),
                                              M("ErrorDetail", error_detail, 0)};
STRUCT(stop_error, stop_error_m);
LIST(stop_errors, stop_error);
static const awsorch_member batch_stop_out_m[] = {M("SuccessfulSubmissions", stop_submissions, 0),
                                                  M("Errors", stop_errors, 0)};
STRUCT(batch_stop_out, batch_stop_out_m);

/* ---- crawlers ----------------------------------------------------------------------- */

static const awsorch_member s3_target_m[] = {
    M("Path", str, 0),           M("Exclusions", str_list, 0), M("ConnectionName", str, 0),
    M("SampleSize", integer, 0), M("EventQueueArn", str, 0),   M("DlqEventQueueArn", str, 0)};
STRUCT(s3_target, s3_target_m);
LIST(s3_targets, s3_target);
static const awsorch_member jdbc_target_m[] = {M("ConnectionName", str, 0), M("Path", str, 0),
                                               M("Exclusions", str_list, 0),
                                               M("EnableAdditionalMetadata", str_list, 0)};
STRUCT(jdbc_target, jdbc_target_m);
LIST(jdbc_targets, jdbc_target);
static const awsorch_member mongo_target_m[] = {M("ConnectionName", str, 0), M("Path", str, 0),
                                                M("ScanAll", boolean, 0)};
STRUCT(mongo_target, mongo_target_m);
LIST(mongo_targets, mongo_target);
static const awsorch_member dynamo_target_m[] = {M("Path", str, 0), M("scanAll", boolean, 0),
                                                 M("scanRate", dbl, 0)};
STRUCT(dynamo_target, dynamo_target_m);
LIST(dynamo_targets, dynamo_target);
static const awsorch_member catalog_target_m[] = {
    M("DatabaseName", str, 0), M("Tables", str_list, 0), M("ConnectionName", str, 0),
    M("EventQueueArn", str, 0), M("DlqEventQueueArn", str, 0)};
STRUCT(catalog_target, catalog_target_m);
LIST(catalog_targets, catalog_target);
static const awsorch_member delta_target_m[] = {
    M("DeltaTables", str_list, 0), M("ConnectionName", str, 0), M("WriteManifest", boolean, 0),
    M("CreateNativeDeltaTable", boolean, 0)};
STRUCT(delta_target, delta_target_m);
LIST(delta_targets, delta_target);
/* Iceberg and Hudi targets have the same members. */
static const awsorch_member table_format_target_m[] = {
    M("Paths", str_list, 0), M("ConnectionName", str, 0), M("Exclusions", str_list, 0),
    M("MaximumTraversalDepth", integer, 0)};
STRUCT(table_format_target, table_format_target_m);
LIST(table_format_targets, table_format_target);
static const awsorch_member targets_m[] = {M("S3Targets", s3_targets, 0),
                                           M("JdbcTargets", jdbc_targets, 0),
                                           M("MongoDBTargets", mongo_targets, 0),
                                           M("DynamoDBTargets", dynamo_targets, 0),
                                           M("CatalogTargets", catalog_targets, 0),
                                           M("DeltaTargets", delta_targets, 0),
                                           M("IcebergTargets", table_format_targets, 0),
                                           M("HudiTargets", table_format_targets, 0)};
STRUCT(targets, targets_m);

static const awsorch_member recrawl_m[] = {M("RecrawlBehavior", str, 0)};
STRUCT(recrawl, recrawl_m);
static const awsorch_member schema_change_m[] = {M("UpdateBehavior", str, 0),
                                                 M("DeleteBehavior", str, 0)};
STRUCT(schema_change, schema_change_m);
static const awsorch_member lineage_m[] = {M("CrawlerLineageSettings", str, 0)};
STRUCT(lineage, lineage_m);
static const awsorch_member schedule_m[] = {M("ScheduleExpression", str, 0), M("State", str, 0)};
STRUCT(schedule, schedule_m);
static const awsorch_member last_crawl_m[] = {M("Status", last_crawl_status, 0),
                                              M("ErrorMessage", str, 0),
                                              M("LogGroup", str, 0),
                                              M("LogStream", str, 0),
                                              M("MessagePrefix", str, 0),
                                              M("StartTime", ts, 0)};
STRUCT(last_crawl, last_crawl_m);
static const awsorch_member lake_formation_m[] = {M("UseLakeFormationCredentials", boolean, 0),
                                                  M("AccountId", str, 0)};
STRUCT(lake_formation, lake_formation_m);

static const awsorch_member crawler_m[] = {M("Name", str, 0),
                                           M("Role", str, 0),
                                           M("Targets", targets, 0),
                                           M("DatabaseName", str, 0),
                                           M("Description", str, 0),
                                           M("Classifiers", str_list, 0),
                                           M("RecrawlPolicy", recrawl, 0),
                                           M("SchemaChangePolicy", schema_change, 0),
                                           M("LineageConfiguration", lineage, 0),
                                           M("State", crawler_state, 0),
                                           M("TablePrefix", str, 0),
                                           M("Schedule", schedule, 0),
                                           M("CrawlElapsedTime", along, 0),
                                           M("CreationTime", ts, 0),
                                           M("LastUpdated", ts, 0),
                                           M("LastCrawl", last_crawl, 0),
                                           M("Version", along, 0),
                                           M("Configuration", str, 0),
                                           M("CrawlerSecurityConfiguration", str, 0),
                                           M("LakeFormationConfiguration", lake_formation, 0)};
STRUCT(crawler, crawler_m);
LIST(crawlers, crawler);

static const awsorch_member crawler_name_in_m[] = {M("Name", str, AWSORCH_REQUIRED)};
STRUCT(crawler_name_in, crawler_name_in_m);
static const awsorch_member get_crawler_out_m[] = {M("Crawler", crawler, 0)};
STRUCT(get_crawler_out, get_crawler_out_m);

static const awsorch_member crawlers_page_in_m[] = {M("MaxResults", integer, 0),
                                                    M("NextToken", str, 0)};
STRUCT(crawlers_page_in, crawlers_page_in_m);
static const awsorch_member get_crawlers_out_m[] = {M("Crawlers", crawlers, 0),
                                                    M("NextToken", str, 0)};
STRUCT(get_crawlers_out, get_crawlers_out_m);

static const awsorch_member metrics_in_m[] = {M("CrawlerNameList", str_list, 0),
                                              M("MaxResults", integer, 0), M("NextToken", str, 0)};
STRUCT(metrics_in, metrics_in_m);
static const awsorch_member metrics_m[] = {
    M("CrawlerName", str, 0),          M("TimeLeftSeconds", dbl, 0),
    M("StillEstimating", boolean, 0),  M("LastRuntimeSeconds", dbl, 0),
    M("MedianRuntimeSeconds", dbl, 0), M("TablesCreated", integer, 0),
    M("TablesUpdated", integer, 0),    M("TablesDeleted", integer, 0)};
STRUCT(metrics, metrics_m);
LIST(metrics_list, metrics);
static const awsorch_member metrics_out_m[] = {M("CrawlerMetricsList", metrics_list, 0),
                                               M("NextToken", str, 0)};
STRUCT(metrics_out, metrics_out_m);

/* ---- the service -------------------------------------------------------------------- */

const awsorch_service_model awsorch_glue_model = {
    {"glue", "glue", "Glue"}, "glue", AWSORCH_AWS_JSON_1_1, "AWSGlue", NULL, NULL};

#define OP(name, in, out)                                                                          \
    {                                                                                              \
        (name), "POST", "/", (in), (out), NULL, false, NULL                                        \
    }

const awsorch_operation awsorch_glue_operations[] = {
    OP("BatchStopJobRun", &batch_stop_in, &batch_stop_out),
    OP("GetCrawler", &crawler_name_in, &get_crawler_out),
    OP("GetCrawlerMetrics", &metrics_in, &metrics_out),
    OP("GetCrawlers", &crawlers_page_in, &get_crawlers_out),
    OP("GetJob", &get_job_in, &get_job_out),
    OP("GetJobRun", &get_run_in, &get_run_out),
    OP("GetJobRuns", &get_runs_in, &get_runs_out),
    OP("GetJobs", &page_in, &get_jobs_out),
    OP("StartCrawler", &crawler_name_in, NULL),
    OP("StartJobRun", &start_run_in, &start_run_out),
    OP("StopCrawler", &crawler_name_in, NULL),
};

const size_t awsorch_glue_operation_count =
    sizeof(awsorch_glue_operations) / sizeof(awsorch_glue_operations[0]);

const awsorch_paginator_spec awsorch_glue_paginators[] = {
    {"GetCrawlerMetrics", "NextToken", "NextToken", "CrawlerMetricsList"},
    {"GetCrawlers", "NextToken", "NextToken", "Crawlers"},
    {"GetJobRuns", "NextToken", "NextToken", "JobRuns"},
    {"GetJobs", "NextToken", "NextToken", "Jobs"},
};

const size_t awsorch_glue_paginator_count =
    sizeof(awsorch_glue_paginators) / sizeof(awsorch_glue_paginators[0]);

static const char *const job_run_success[] = {"SUCCEEDED", NULL};
/* EXPIRED ends a queued run that never started: waiting on would never end. */
static const char *const job_run_failure[] = {"FAILED",  "TIMEOUT", "ERROR",
                                              "STOPPED", "EXPIRED", NULL};
static const char *const crawl_success[] = {"SUCCEEDED", NULL};
static const char *const crawl_failure[] = {"FAILED", "CANCELLED", NULL};

const awsorch_waiter awsorch_glue_waiters[] = {
    /* `glue wait job-run-complete --job-name J --run-id R`; `start-job-run --wait`
     * takes the job name from its own input and the run id from its output. */
    {.name = "job-run-complete",
     .operation = "GetJobRun",
     .state_member = "JobRun.JobRunState",
     .success = job_run_success,
     .failure = job_run_failure,
     .reason_members = {"JobRun.ErrorMessage", NULL, NULL},
     .delay_s = 10.0,
     .start_operation = "StartJobRun",
     .id_member = "JobRunId",
     .id_input_member = "RunId"},
    /* A crawler's run has ended when the crawler is READY again; its last
     * crawl's status then says how it went. */
    {.name = "crawler-complete",
     .operation = "GetCrawler",
     .state_member = "Crawler.LastCrawl.Status",
     .success = crawl_success,
     .failure = crawl_failure,
     .reason_members = {"Crawler.LastCrawl.ErrorMessage", NULL, NULL},
     .delay_s = 10.0,
     .start_operation = "StartCrawler",
     .ended_member = "Crawler.State",
     .ended_value = "READY"},
};

const size_t awsorch_glue_waiter_count =
    sizeof(awsorch_glue_waiters) / sizeof(awsorch_glue_waiters[0]);
