/* awsorch: the command-line tool. It speaks the AWS CLI's syntax for what it
 * covers and is built only on the public API. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: awsorch [GLOBAL OPTIONS] <command> [ARGUMENTS]\n"
    "\n"
    "commands:\n"
    "  sign       sign a raw HTTP request and print any signing stage\n"
    "  stepfunctions  AWS Step Functions (awsorch stepfunctions help lists the operations)\n"
    "  glue       AWS Glue jobs and crawlers (start-job-run, get-job-run, start-crawler, ...)\n"
    "  athena     Amazon Athena queries (start-query-execution, get-query-results, ...)\n"
    "  redshift-data  Amazon Redshift Data API (execute-statement, describe-statement, ...)\n"
    "  lambda     AWS Lambda (invoke, get-function, list-functions, ...)\n"
    "  logs       Amazon CloudWatch Logs (get-log-events, filter-log-events)\n"
    "  s3api      Amazon S3 objects (get-object, put-object, head-object, list-objects-v2, ...)\n"
    "  sts        AWS STS (awsorch sts help lists the operations)\n"
    "  request    sign and send any AWS API request (-X, -H, -d, URL)\n"
    "  version    print the version\n"
    "\n"
    "global options: --region R, --profile P, --endpoint-url URL, --output json|text,\n"
    "  --debug, --no-verify-ssl, --no-sign-request, --cli-connect-timeout S,\n"
    "  --cli-read-timeout S, --cli-binary-format base64|raw-in-base64-out\n";

static void log_to_stderr(awsorch_log_level level, const char *line, void *userdata)
{
    (void)userdata;
    static const char *const names[] = {"", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    (void)fprintf(stderr, "awsorch %s %s\n", names[level], line);
}

int main(int argc, char **argv)
{
    cli_globals g = {0};
    char err[256];
    if (!cli_take_globals(&argc, argv, &g, err, sizeof(err))) {
        (void)fprintf(stderr, "%s\nawsorch: error: %s\n", usage, err);
        return CLI_EXIT_USAGE;
    }
    if (g.debug) {
        awsorch_log_set(AWSORCH_LOG_DEBUG, log_to_stderr, NULL);
    }
    if (argc < 2) {
        (void)fprintf(stderr, "%s\nawsorch: error: the following arguments are required: command\n",
                      usage);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "sign") == 0) {
        return cli_sign(argc - 1, argv + 1, &g, stdout);
    }
    if (strcmp(cmd, "request") == 0) {
        return cli_request(argc - 1, argv + 1, &g, stdout);
    }
    const cli_service services[] = {
        {&awsorch_sfn_model, awsorch_sfn_operations, awsorch_sfn_operation_count,
         awsorch_sfn_waiters, awsorch_sfn_waiter_count, awsorch_sfn_paginators,
         awsorch_sfn_paginator_count},
        {&awsorch_glue_model, awsorch_glue_operations, awsorch_glue_operation_count,
         awsorch_glue_waiters, awsorch_glue_waiter_count, awsorch_glue_paginators,
         awsorch_glue_paginator_count},
        {&awsorch_athena_model, awsorch_athena_operations, awsorch_athena_operation_count,
         awsorch_athena_waiters, awsorch_athena_waiter_count, awsorch_athena_paginators,
         awsorch_athena_paginator_count},
        {&awsorch_redshift_data_model, awsorch_redshift_data_operations,
         awsorch_redshift_data_operation_count, awsorch_redshift_data_waiters,
         awsorch_redshift_data_waiter_count, awsorch_redshift_data_paginators,
         awsorch_redshift_data_paginator_count},
        {&awsorch_lambda_model, awsorch_lambda_operations, awsorch_lambda_operation_count,
         awsorch_lambda_waiters, awsorch_lambda_waiter_count, awsorch_lambda_paginators,
         awsorch_lambda_paginator_count},
        {&awsorch_logs_model, awsorch_logs_operations, awsorch_logs_operation_count, NULL, 0,
         awsorch_logs_paginators, awsorch_logs_paginator_count},
        {&awsorch_s3_model, awsorch_s3_operations, awsorch_s3_operation_count, NULL, 0,
         awsorch_s3_paginators, awsorch_s3_paginator_count},
        {&awsorch_sts_model, awsorch_sts_operations, awsorch_sts_operation_count, NULL, 0, NULL, 0},
    };
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (strcmp(cmd, services[i].model->cli_name) == 0 && argc > 2 &&
            strcmp(argv[2], "plan-rerun") == 0 && services[i].model == &awsorch_sfn_model) {
            return cli_plan_rerun(&services[i], argc - 1, argv + 1, &g, stdout);
        }
        if (strcmp(cmd, services[i].model->cli_name) == 0) {
            return cli_generic(&services[i], argc - 1, argv + 1, &g, stdout);
        }
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("awsorch/%s\n", awsorch_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        (void)fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    (void)fprintf(stderr, "%s\nawsorch: error: argument command: Invalid choice: '%s'\n", usage,
                  cmd);
    return CLI_EXIT_USAGE;
}
