/* Partial re-runs of Step Functions pipelines built with task guards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsorch/sfn.h"
#include "core/internal.h"
#include "services/sfn_internal.h"

/* A history this long is not a pipeline run; refusing it bounds memory. */
#define MAX_EVENTS 200000
#define MAX_CHAIN 64

/* Task state names of a definition, Parallel branches and Map iterators included. */
static void collect_tasks(json_t *states, json_t *tasks)
{
    const char *name;
    json_t *st;
    json_object_foreach(states, name, st)
    {
        const char *type = json_string_value(json_object_get(st, "Type"));
        if (type == NULL) {
            continue;
        }
        if (strcmp(type, "Task") == 0) {
            (void)json_array_append_new(tasks, json_string(name));
        } else if (strcmp(type, "Parallel") == 0) {
            size_t i;
            json_t *branch;
            json_array_foreach(json_object_get(st, "Branches"), i, branch)
            {
                collect_tasks(json_object_get(branch, "States"), tasks);
            }
        } else if (strcmp(type, "Map") == 0) {
            json_t *proc = json_object_get(st, "ItemProcessor");
            if (proc == NULL) {
                proc = json_object_get(st, "Iterator");
            }
            collect_tasks(json_object_get(proc, "States"), tasks);
        }
    }
}

/* True when a Choice rule (with And/Or/Not nesting) reads the variable. */
static bool rule_reads(json_t *rule, const char *var)
{
    const char *v = json_string_value(json_object_get(rule, "Variable"));
    if (v != NULL && strcmp(v, var) == 0) {
        return true;
    }
    static const char *const nests[] = {"And", "Or"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *sub;
        json_array_foreach(json_object_get(rule, nests[k]), i, sub)
        {
            if (rule_reads(sub, var)) {
                return true;
            }
        }
    }
    json_t *not_rule = json_object_get(rule, "Not");
    return not_rule != NULL && rule_reads(not_rule, var);
}

static bool guarded(json_t *states, const char *var)
{
    const char *name;
    json_t *st;
    json_object_foreach(states, name, st)
    {
        const char *type = json_string_value(json_object_get(st, "Type"));
        if (type == NULL) {
            continue;
        }
        if (strcmp(type, "Choice") == 0) {
            size_t i;
            json_t *rule;
            json_array_foreach(json_object_get(st, "Choices"), i, rule)
            {
                if (rule_reads(rule, var)) {
                    return true;
                }
            }
        } else if (strcmp(type, "Parallel") == 0) {
            size_t i;
            json_t *branch;
            json_array_foreach(json_object_get(st, "Branches"), i, branch)
            {
                if (guarded(json_object_get(branch, "States"), var)) {
                    return true;
                }
            }
        }
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The Task state an event belongs to: follow previousEventId back to its
 * TaskStateEntered (tasks in parallel branches interleave in the history). */
static const char *task_of(json_t *by_id, json_int_t id)
{
    for (int step = 0; step < MAX_CHAIN && id > 0; step++) {
        char key[32];
        (void)snprintf(key, sizeof(key), "%lld", (long long)id);
        json_t *e = json_object_get(by_id, key);
        if (e == NULL) {
            return NULL;
        }
        const char *type = json_string_value(json_object_get(e, "type"));
        if (type != NULL && strcmp(type, "TaskStateEntered") == 0) {
            return json_string_value(
                json_object_get(json_object_get(e, "stateEnteredEventDetails"), "name"));
        }
        id = json_integer_value(json_object_get(e, "previousEventId"));
    }
    return NULL;
}

static awsorch_status read_history(awsorch_client *c, const char *arn, json_t *events)
{
    char *token = NULL;
    awsorch_status st = AWSORCH_OK;
    do {
        json_t *in = json_pack("{s:s, s:i, s:b}", "executionArn", arn, "maxResults", 1000,
                               "includeExecutionData", 0);
        if (token != NULL) {
            (void)json_object_set_new(in, "nextToken", json_string(token));
        }
        json_t *page = NULL;
        st = awsorch__sfn_call(&page, c, "GetExecutionHistory", in);
        json_decref(in);
        free(token);
        token = NULL;
        if (st != AWSORCH_OK) {
            break;
        }
        (void)json_array_extend(events, json_object_get(page, "events"));
        const char *next = json_string_value(json_object_get(page, "nextToken"));
        token = next ? strdup(next) : NULL;
        json_decref(page);
        if (json_array_size(events) > MAX_EVENTS) {
            st = awsorch__fail(AWSORCH_E_UNSUPPORTED, "the history has more than %d events",
                               MAX_EVENTS);
        }
    } while (st == AWSORCH_OK && token != NULL);
    free(token);
    return st;
}

/* Events that end one attempt of a Task's work. Parallel and Map events are not:
 * AWS links their Succeeded events to a branch's last event, which would credit
 * (or blame) whichever Task happened to run last in that branch. */
static bool is_attempt(const char *type)
{
    return (strncmp(type, "Task", 4) == 0 && strncmp(type, "TaskState", 9) != 0) ||
           strncmp(type, "LambdaFunction", 14) == 0 || strncmp(type, "Activity", 8) == 0;
}

/* Outcome per Task from the history: exited after a success, failed, or never entered. */
static void task_outcomes(json_t *events, json_t *outcomes)
{
    json_t *by_id = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        char key[32];
        (void)snprintf(key, sizeof(key), "%lld",
                       (long long)json_integer_value(json_object_get(e, "id")));
        (void)json_object_set(by_id, key, e);
    }
    json_array_foreach(events, i, e)
    {
        const char *type = json_string_value(json_object_get(e, "type"));
        if (type == NULL) {
            continue;
        }
        const char *name = NULL;
        const char *outcome = NULL;
        if (strcmp(type, "TaskStateEntered") == 0) {
            name = json_string_value(
                json_object_get(json_object_get(e, "stateEnteredEventDetails"), "name"));
            outcome = "FAILED"; /* until it exits after a success */
            if (json_object_get(outcomes, name ? name : "") != NULL) {
                continue; /* entered again (a loop): keep what we know */
            }
        } else if (strcmp(type, "TaskStateExited") == 0) {
            name = json_string_value(
                json_object_get(json_object_get(e, "stateExitedEventDetails"), "name"));
            const char *so_far = json_string_value(json_object_get(outcomes, name ? name : ""));
            outcome =
                so_far != NULL && strcmp(so_far, "FAILED_ATTEMPT") == 0 ? "FAILED" : "SUCCEEDED";
        } else if (!is_attempt(type)) {
            continue;
        } else if (ends_with(type, "Succeeded")) {
            name = task_of(by_id, json_integer_value(json_object_get(e, "previousEventId")));
            outcome = "SUCCEEDED_ATTEMPT";
        } else if (ends_with(type, "Failed") || ends_with(type, "TimedOut")) {
            name = task_of(by_id, json_integer_value(json_object_get(e, "previousEventId")));
            outcome = "FAILED_ATTEMPT";
        }
        if (name != NULL && outcome != NULL) {
            (void)json_object_set_new(outcomes, name, json_string(outcome));
        }
    }
    json_decref(by_id);
}

awsorch_status awsorch_sfn_plan_rerun(awsorch_sfn_rerun_plan **out, awsorch_client *client,
                                      const char *execution_arn)
{
    if (out == NULL || client == NULL || execution_arn == NULL) {
        return awsorch__fail(AWSORCH_E_INVALID_ARG, "plan_rerun: NULL argument");
    }
    *out = NULL;
    json_t *in = json_pack("{s:s}", "executionArn", execution_arn);
    json_t *exec = NULL;
    json_t *sm = NULL;
    json_t *definition = NULL;
    json_t *events = json_array();
    json_t *outcomes = json_object();
    json_t *input = NULL;
    awsorch_sfn_rerun_plan *plan = calloc(1, sizeof(*plan));
    awsorch_status st = plan ? awsorch__sfn_call(&exec, client, "DescribeExecution", in)
                             : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
    if (st == AWSORCH_OK) {
        st = awsorch__sfn_call(&sm, client, "DescribeStateMachineForExecution", in);
    }
    if (st == AWSORCH_OK) {
        const char *text = json_string_value(json_object_get(sm, "definition"));
        definition = text ? json_loads(text, 0, NULL) : NULL;
        const char *in_text = json_string_value(json_object_get(exec, "input"));
        input = json_loads(in_text ? in_text : "{}", 0, NULL);
        if (!json_is_object(json_object_get(definition, "States"))) {
            st = awsorch__fail(AWSORCH_E_PARSE, "the state machine's definition is unreadable");
        } else if (!json_is_object(input)) {
            st = awsorch__fail(AWSORCH_E_UNSUPPORTED,
                               "the execution's input is not a JSON object, so it has no flags "
                               "to set");
        }
    }
    if (st == AWSORCH_OK) {
        st = read_history(client, execution_arn, events);
    }
    if (st == AWSORCH_OK) {
        task_outcomes(events, outcomes);
        json_t *tasks = json_array();
        collect_tasks(json_object_get(definition, "States"), tasks);
        plan->task_count = json_array_size(tasks);
        plan->tasks = calloc(plan->task_count ? plan->task_count : 1, sizeof(*plan->tasks));
        size_t i;
        json_t *t;
        json_array_foreach(tasks, i, t)
        {
            const char *name = json_string_value(t);
            const char *o = json_string_value(json_object_get(outcomes, name));
            awsorch_sfn_task_plan *tp = &plan->tasks[i];
            tp->name = strdup(name);
            tp->outcome = o == NULL                     ? AWSORCH_SFN_TASK_NOT_RUN
                          : strcmp(o, "SUCCEEDED") == 0 ? AWSORCH_SFN_TASK_SUCCEEDED
                                                        : AWSORCH_SFN_TASK_FAILED;
            char var[300];
            (void)snprintf(var, sizeof(var), "$.%s", name);
            tp->guarded = guarded(json_object_get(definition, "States"), var);
            tp->rerun = tp->outcome != AWSORCH_SFN_TASK_SUCCEEDED;
            (void)json_object_set_new(input, name, json_boolean(tp->rerun));
        }
        json_decref(tasks);
        plan->execution_arn = strdup(execution_arn);
        const char *sm_arn = json_string_value(json_object_get(exec, "stateMachineArn"));
        const char *status = json_string_value(json_object_get(exec, "status"));
        plan->state_machine_arn = strdup(sm_arn ? sm_arn : "");
        plan->status = strdup(status ? status : "");
        plan->input_json = json_dumps(input, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (plan->input_json == NULL || plan->status == NULL) {
            st = awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
        }
    }
    json_decref(in);
    json_decref(exec);
    json_decref(sm);
    json_decref(definition);
    json_decref(events);
    json_decref(outcomes);
    json_decref(input);
    if (st != AWSORCH_OK) {
        awsorch_sfn_rerun_plan_free(plan);
        return st;
    }
    *out = plan;
    return AWSORCH_OK;
}

void awsorch_sfn_rerun_plan_free(awsorch_sfn_rerun_plan *plan)
{
    if (plan == NULL) {
        return;
    }
    for (size_t i = 0; plan->tasks != NULL && i < plan->task_count; i++) {
        free(plan->tasks[i].name);
    }
    free(plan->tasks);
    free(plan->execution_arn);
    free(plan->state_machine_arn);
    free(plan->status);
    free(plan->input_json);
    free(plan);
}
