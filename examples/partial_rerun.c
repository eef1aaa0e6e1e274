/* The partial re-run, end to end, with the library.
 *
 * An orders pipeline loads raw data with a Lambda function, builds the silver
 * table with a Glue job, then the two gold tables with two Glue jobs in
 * parallel; each Task sits behind a guard (a Choice on an input flag of its
 * own name; no flags means run everything). The silver job is started without
 * `.sync`, so the gold jobs start before silver has finished, and fail. Instead
 * of running the whole pipeline again, we plan from the execution's history,
 * wait for the silver job that is still running, and run only the gold jobs.
 *
 * Run it against awsorch-emulator (scripts/demo.sh does all of this):
 *   awsorch-emulator --config examples/partial_rerun.json &
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4566 ./build/examples/partial_rerun */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <awsorch/awsorch.h>
#include <jansson.h>

static const char definition[] =
    "{\"Comment\":\"Orders: raw, then silver, then two gold tables in parallel\","
    "\"StartAt\":\"CheckLoadRaw\",\"States\":{"
    "\"CheckLoadRaw\":{\"Type\":\"Choice\",\"Choices\":[{\"And\":["
    "{\"Variable\":\"$.LoadRaw\",\"IsPresent\":true},"
    "{\"Variable\":\"$.LoadRaw\",\"BooleanEquals\":false}],\"Next\":\"CheckSilver\"}],"
    "\"Default\":\"LoadRaw\"},"
    "\"LoadRaw\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
    "\"Parameters\":{\"FunctionName\":\"load_raw\",\"Payload.$\":\"$\"},"
    "\"ResultSelector\":{\"rows.$\":\"$.Payload.rows\"},\"ResultPath\":\"$.raw\","
    "\"Next\":\"CheckSilver\"},"
    "\"CheckSilver\":{\"Type\":\"Choice\",\"Choices\":[{\"And\":["
    "{\"Variable\":\"$.Silver\",\"IsPresent\":true},"
    "{\"Variable\":\"$.Silver\",\"BooleanEquals\":false}],\"Next\":\"Gold\"}],"
    "\"Default\":\"Silver\"},"
    "\"Silver\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::glue:startJobRun\","
    "\"Parameters\":{\"JobName\":\"silver_orders\"},\"ResultPath\":\"$.silver\","
    "\"Next\":\"Gold\"},"
    "\"Gold\":{\"Type\":\"Parallel\",\"ResultPath\":\"$.gold\",\"End\":true,\"Branches\":["
    "{\"StartAt\":\"CheckGoldOrders\",\"States\":{"
    "\"CheckGoldOrders\":{\"Type\":\"Choice\",\"Choices\":[{\"And\":["
    "{\"Variable\":\"$.GoldOrders\",\"IsPresent\":true},"
    "{\"Variable\":\"$.GoldOrders\",\"BooleanEquals\":false}],\"Next\":\"SkipGoldOrders\"}],"
    "\"Default\":\"GoldOrders\"},"
    "\"GoldOrders\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::glue:startJobRun.sync\","
    "\"Parameters\":{\"JobName\":\"gold_orders\"},\"End\":true},"
    "\"SkipGoldOrders\":{\"Type\":\"Pass\",\"End\":true}}},"
    "{\"StartAt\":\"CheckGoldCustomers\",\"States\":{"
    "\"CheckGoldCustomers\":{\"Type\":\"Choice\",\"Choices\":[{\"And\":["
    "{\"Variable\":\"$.GoldCustomers\",\"IsPresent\":true},"
    "{\"Variable\":\"$.GoldCustomers\",\"BooleanEquals\":false}],"
    "\"Next\":\"SkipGoldCustomers\"}],\"Default\":\"GoldCustomers\"},"
    "\"GoldCustomers\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::glue:startJobRun.sync\","
    "\"Parameters\":{\"JobName\":\"gold_customers\"},\"End\":true},"
    "\"SkipGoldCustomers\":{\"Type\":\"Pass\",\"End\":true}}}]}}}";

static void fail(const char *what)
{
    const awsorch_error *e = awsorch_error_last();
    (void)fprintf(stderr, "partial_rerun: %s failed: %s%s%s\n", what, e->message,
                  e->service_code[0] != '\0' ? " " : "", e->service_code);
    exit(1);
}

static void progress(void *userdata, const char *label, double elapsed_s)
{
    (void)userdata;
    (void)printf("   ... %-9s %5.1f s\n", label, elapsed_s);
}

/* Calls a declared operation with JSON in and out: Glue has no typed structs yet,
 * and the generic call is all a lookup needs. */
static char *call(awsorch_client *client, const awsorch_service_model *model,
                  const awsorch_operation *ops, size_t n, const char *op, const char *input)
{
    char *out = NULL;
    if (awsorch_invoke_json(&out, client, model, awsorch_operation_find(ops, n, op), input) !=
        AWSORCH_OK) {
        fail(op);
    }
    return out;
}

/* Starts an execution and follows it to its end; returns its final description. */
static awsorch_sfn_execution *run(awsorch_client *sfn, const char *machine_arn, const char *name,
                                  const char *input)
{
    awsorch_sfn_start_execution_input in = AWSORCH_SFN_START_EXECUTION_INPUT_INIT;
    in.state_machine_arn = machine_arn;
    in.name = name;
    in.input = input;
    awsorch_sfn_started_execution *started = NULL;
    if (awsorch_sfn_start_execution(&started, sfn, &in) != AWSORCH_OK) {
        fail("StartExecution");
    }
    (void)printf("   started %s\n   input   %s\n", started->execution_arn, input);
    awsorch_poll_options po = AWSORCH_POLL_OPTIONS_INIT;
    po.min_delay_s = 0.1;
    po.max_delay_s = 0.5;
    po.timeout_s = 120;
    po.progress = progress;
    awsorch_poll_result result;
    awsorch_sfn_execution *final = NULL;
    if (awsorch_sfn_wait_execution(&result, &final, sfn, started->execution_arn, &po) !=
        AWSORCH_OK) {
        fail("waiting for the execution");
    }
    awsorch_sfn_started_execution_free(started);
    (void)printf("   => %s", final->status_text);
    if (final->error != NULL) {
        (void)printf(": %s", final->error);
    }
    (void)printf("\n");
    if (final->cause != NULL) {
        /* A failed Glue .sync task's cause is the job run as JSON: show its message. */
        json_t *job_run = json_loads(final->cause, 0, NULL);
        const char *job = json_string_value(json_object_get(job_run, "JobName"));
        const char *why = json_string_value(json_object_get(job_run, "ErrorMessage"));
        if (job != NULL && why != NULL) {
            (void)printf("      Glue job %s: %s\n", job, why);
        } else {
            (void)printf("      cause: %.300s\n", final->cause);
        }
        json_decref(job_run);
    }
    return final;
}

static const char *outcome_name(awsorch_sfn_task_outcome o)
{
    return o == AWSORCH_SFN_TASK_SUCCEEDED ? "succeeded"
           : o == AWSORCH_SFN_TASK_FAILED  ? "FAILED"
           : o == AWSORCH_SFN_TASK_NOT_RUN ? "did not run"
                                           : "?";
}

int main(void)
{
    awsorch_client_options opts = AWSORCH_CLIENT_OPTIONS_INIT;
    awsorch_client *sfn = NULL;
    awsorch_client *glue = NULL;
    if (awsorch_client_new(&sfn, &awsorch_sfn_model.service, &opts) != AWSORCH_OK ||
        awsorch_client_new(&glue, &awsorch_glue_model.service, &opts) != AWSORCH_OK) {
        fail("creating the clients");
    }

    (void)printf("1. Create the pipeline: LoadRaw (Lambda) -> Silver (Glue, started without "
                 ".sync)\n   -> GoldOrders | GoldCustomers (Glue .sync, in parallel), each task "
                 "behind its guard\n");
    awsorch_sfn_create_state_machine_input create = AWSORCH_SFN_CREATE_STATE_MACHINE_INPUT_INIT;
    create.name = "orders-pipeline";
    create.definition = definition;
    create.role_arn = "arn:aws:iam::000000000000:role/orders-pipeline";
    awsorch_sfn_created_state_machine *created = NULL;
    if (awsorch_sfn_create_state_machine(&created, sfn, &create) != AWSORCH_OK) {
        fail("CreateStateMachine");
    }
    const char *machine = created->state_machine_arn;
    (void)printf("   %s\n", machine);

    (void)printf("\n2. Run the whole pipeline (no flags)\n");
    awsorch_sfn_execution *first = run(sfn, machine, "nightly-2026-12-03", "{}");
    if (first->status != AWSORCH_SFN_EXECUTION_FAILED) {
        (void)printf("   the first run was expected to fail; the emulator config decides that\n");
    }

    (void)printf("\n3. Plan the re-run from the execution's history\n");
    awsorch_sfn_rerun_plan *plan = NULL;
    if (awsorch_sfn_plan_rerun(&plan, sfn, first->execution_arn) != AWSORCH_OK) {
        fail("planning the re-run");
    }
    (void)printf("   %-15s %-12s %s\n", "task", "outcome", "in the re-run");
    for (size_t i = 0; i < plan->task_count; i++) {
        const awsorch_sfn_task_plan *t = &plan->tasks[i];
        (void)printf("   %-15s %-12s %s\n", t->name, outcome_name(t->outcome),
                     t->rerun ? "runs" : "skipped");
    }
    (void)printf("   re-run input: %s\n", plan->input_json);

    (void)printf("\n4. Silver was started without .sync: wait for its Glue job run\n");
    char *runs =
        call(glue, &awsorch_glue_model, awsorch_glue_operations, awsorch_glue_operation_count,
             "GetJobRuns", "{\"JobName\":\"silver_orders\",\"MaxResults\":1}");
    json_t *runs_doc = json_loads(runs, 0, NULL);
    const char *run_id = json_string_value(
        json_object_get(json_array_get(json_object_get(runs_doc, "JobRuns"), 0), "Id"));
    if (run_id == NULL) {
        fail("finding the silver job run");
    }
    char wait_in[256];
    (void)snprintf(wait_in, sizeof(wait_in), "{\"JobName\":\"silver_orders\",\"RunId\":\"%s\"}",
                   run_id);
    const awsorch_waiter *job_done = NULL;
    for (size_t i = 0; i < awsorch_glue_waiter_count; i++) {
        if (strcmp(awsorch_glue_waiters[i].name, "job-run-complete") == 0) {
            job_done = &awsorch_glue_waiters[i];
        }
    }
    awsorch_poll_options po = AWSORCH_POLL_OPTIONS_INIT;
    po.min_delay_s = 0.1;
    po.max_delay_s = 0.5;
    po.timeout_s = 120;
    po.progress = progress;
    awsorch_poll_result result;
    char *final_run = NULL;
    (void)printf("   %s\n", run_id);
    if (job_done == NULL ||
        awsorch_wait(&result, &final_run, glue, &awsorch_glue_model, awsorch_glue_operations,
                     awsorch_glue_operation_count, job_done, wait_in, &po) != AWSORCH_OK ||
        result != AWSORCH_POLL_ENDED_SUCCEEDED) {
        fail("waiting for the silver job");
    }
    (void)printf("   => SUCCEEDED\n");

    (void)printf("\n5. Run only what did not succeed\n");
    awsorch_sfn_execution *second = run(sfn, machine, "nightly-2026-12-03-rerun", plan->input_json);
    int rc = second->status == AWSORCH_SFN_EXECUTION_SUCCEEDED ? 0 : 1;
    (void)printf("\n%s\n", rc == 0 ? "Done: only the two gold jobs ran again, and they succeeded."
                                   : "The re-run did not succeed.");

    awsorch_sfn_execution_free(second);
    free(final_run);
    json_decref(runs_doc);
    free(runs);
    awsorch_sfn_rerun_plan_free(plan);
    awsorch_sfn_execution_free(first);
    awsorch_sfn_created_state_machine_free(created);
    awsorch_client_free(glue);
    awsorch_client_free(sfn);
    return rc;
}
