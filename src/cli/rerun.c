/* `awsorch stepfunctions plan-rerun --execution-arn ARN [--start [--name N]]
 * [--wait] [--timeout S] [--delay S]`: prints the input that re-runs only what
 * did not succeed (stdout) and a table of each task's outcome (stderr). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *outcome_name(awsorch_sfn_task_outcome o)
{
    switch (o) {
    case AWSORCH_SFN_TASK_SUCCEEDED: return "SUCCEEDED";
    case AWSORCH_SFN_TASK_FAILED: return "FAILED";
    case AWSORCH_SFN_TASK_NOT_RUN: return "NOT_RUN";
    case AWSORCH_SFN_TASK_UNKNOWN: break;
    }
    return "?";
}

int cli_plan_rerun(const cli_service *svc, int argc, char **argv, const cli_globals *g, FILE *out)
{
    wait_flags f = {false, 0.0, 0.0};
    int n = argc - 2;
    char **args = argv + 2;
    int rc = cli_take_wait_flags(&n, args, true, &f);
    if (rc != 0) {
        return rc;
    }
    const char *arn = NULL;
    const char *name = NULL;
    bool start = false;
    for (int i = 0; i < n; i++) {
        if (strcmp(args[i], "--execution-arn") == 0 && i + 1 < n) {
            arn = args[++i];
        } else if (strcmp(args[i], "--name") == 0 && i + 1 < n) {
            name = args[++i];
        } else if (strcmp(args[i], "--start") == 0) {
            start = true;
        } else {
            (void)fprintf(stderr, "\nUnknown options: %s\n", args[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (arn == NULL) {
        (void)fprintf(stderr,
                      "\naws: error: the following arguments are required: --execution-arn\n");
        return CLI_EXIT_USAGE;
    }
    if (f.wait && !start) {
        (void)fprintf(stderr, "\naws: error: --wait follows the new execution: add --start\n");
        return CLI_EXIT_USAGE;
    }
    awsorch_client *client = NULL;
    awsorch_sfn_rerun_plan *plan = NULL;
    awsorch_status st = cli_make_client(svc, g, &client);
    if (st == AWSORCH_OK) {
        st = awsorch_sfn_plan_rerun(&plan, client, arn);
    }
    if (st != AWSORCH_OK) {
        awsorch_client_free(client);
        return cli_call_error("GetExecutionHistory", st);
    }
    (void)fprintf(stderr, "execution %s (%s)\n%-40s %-10s %-6s %s\n", plan->execution_arn,
                  plan->status, "TASK", "OUTCOME", "RERUN", "NOTE");
    size_t to_run = 0;
    for (size_t i = 0; i < plan->task_count; i++) {
        const awsorch_sfn_task_plan *t = &plan->tasks[i];
        to_run += t->rerun;
        (void)fprintf(stderr, "%-40s %-10s %-6s %s\n", t->name, outcome_name(t->outcome),
                      t->rerun ? "yes" : "no",
                      t->guarded ? "" : "no Choice reads this flag: it runs regardless");
    }
    if (!start) {
        (void)fprintf(out, "%s\n", plan->input_json);
        awsorch_sfn_rerun_plan_free(plan);
        awsorch_client_free(client);
        return CLI_EXIT_OK;
    }
    if (to_run == 0) {
        (void)fprintf(stderr, "\nEvery task succeeded: nothing to re-run.\n");
        awsorch_sfn_rerun_plan_free(plan);
        awsorch_client_free(client);
        return CLI_EXIT_OK;
    }
    json_t *in = json_pack("{s:s, s:s}", "stateMachineArn", plan->state_machine_arn, "input",
                           plan->input_json);
    if (name != NULL) {
        (void)json_object_set_new(in, "name", json_string(name));
    }
    char *input = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    const awsorch_operation *op = awsorch_operation_find(svc->ops, svc->op_count, "StartExecution");
    char *output = NULL;
    st = awsorch_invoke_json(&output, client, svc->model, op, input);
    free(input);
    awsorch_sfn_rerun_plan_free(plan);
    if (st != AWSORCH_OK) {
        awsorch_client_free(client);
        return cli_call_error("StartExecution", st);
    }
    if (!f.wait) {
        rc = cli_print_output(out, output, op, g);
    } else {
        json_t *started = json_loads(output, 0, NULL);
        json_t *describe =
            json_pack("{s:O}", "executionArn", json_object_get(started, "executionArn"));
        char *describe_input = describe ? json_dumps(describe, JSON_COMPACT) : NULL;
        rc = describe_input
                 ? cli_run_wait(svc, &svc->waiters[0], client, describe_input, &f, g, out)
                 : CLI_EXIT_OTHER;
        free(describe_input);
        json_decref(describe);
        json_decref(started);
    }
    free(output);
    awsorch_client_free(client);
    return rc;
}
