/* The Amazon States Language, evaluated for the emulator's Step Functions engine:
 * JSONPath paths, payload templates, intrinsic functions, Choice rules, error
 * matching, the context object ($$) and static checks of a definition.
 *
 * Pure functions over jansson values: no I/O, no threads, no emulator state, so
 * they are safe to call with or without e->lock held.
 *
 * Every function returning json_t * returns a new reference (the caller
 * json_decref's it) or NULL with err filled. Runtime failures carry the States
 * error name AWS reports in err->code ("States.Runtime", "States.NoChoiceMatched",
 * "States.IntrinsicFailure"), the cause text in err->message and err->status 400.
 * The engine prefixes the cause the way AWS does ("An error occurred while
 * executing the state 'X' (entered at the event id #N). ") since only it knows
 * the event id. */
#ifndef AWSORCH_EMULATOR_ASL_H
#define AWSORCH_EMULATOR_ASL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "emu.h"

/* ---- paths ---------------------------------------------------------------------- */

/* Evaluates a JSONPath against input, or against context when it starts with "$$".
 * Supports what AWS's JSONPath (Jayway) does in InputPath/OutputPath/ItemsPath/...:
 * "$", "$.a.b", "$['a b']", "$.a[0]", "$.a[-1]", "$.a[0:2]", "$.a[*].b", "$..b",
 * "$.a[?(@.x > 1)]", "$.a.length()". A path with a wildcard, slice, union, filter or
 * ".." returns the array of its matches ([] when none); any other path returns the
 * single value or fails with States.Runtime "Invalid path '$.x' : No results for
 * path: $['x']" as AWS does for InputPath and OutputPath. */
json_t *asl_path_get(json_t *input, const char *path, json_t *context, emu_error *err);

/* The same, for a payload-template field: a miss fails with AWS's message naming the
 * field ("The JSONPath '$.x' specified for the field 'x.$' could not be found in the
 * input '{...}'"). field NULL behaves as asl_path_get. */
json_t *asl_path_get_field(json_t *input, const char *path, json_t *context, const char *field,
                           emu_error *err);

/* True when path is a syntactically valid path ("$..." or "$$..."). */
bool asl_path_valid(const char *path);
/* True when path is a reference path (one node: only names and indexes), as
 * ResultPath requires. */
bool asl_reference_path_valid(const char *path);

/* A value for a field that takes a path or an intrinsic function (keys ending in ".$",
 * ErrorPath, CausePath): "$..."/"$$..." is a path, "States.X(...)" an intrinsic call.
 * field names the field in error messages (may be NULL). */
json_t *asl_resolve(const char *expr, json_t *input, json_t *context, const char *field,
                    emu_error *err);

/* ---- input and output processing ------------------------------------------------- */

/* The state's effective input: InputPath (absent: "$"; null: {}), then Parameters.
 * For a Map state only InputPath applies: ItemSelector/Parameters are per item (see
 * asl_map_item_input). */
json_t *asl_effective_input(json_t *state, json_t *raw_input, json_t *context, emu_error *err);

/* The state's output: ResultSelector on result, then ResultPath (absent: "$", the
 * result; null: raw_input unchanged; "$.a.b": result merged into a copy of raw_input,
 * creating objects on the way), then OutputPath (absent: "$"; null: {}).
 * result NULL means the state produces no result (Choice, Wait, Succeed): then only
 * OutputPath applies, to raw_input (pass the effective input after InputPath).
 * A catcher can be passed as state: only its ResultPath applies. */
json_t *asl_effective_output(json_t *state, json_t *raw_input, json_t *result, json_t *context,
                             emu_error *err);

/* ResultPath alone: result_path is the field's value (NULL: absent, JSON null, or a
 * reference path string). A non-object in the way fails with States.Runtime "Unable to
 * apply ReferencePath $.a.b to input ...". */
json_t *asl_apply_result_path(json_t *raw_input, json_t *result_path, json_t *result,
                              emu_error *err);

/* A Pass state's result: its Result field when present, else its effective input. */
json_t *asl_pass_result(json_t *state, json_t *effective_input);

/* A Map state's items: ItemsPath (default "$") applied to its effective input; must be
 * an array (States.Runtime otherwise). */
json_t *asl_map_items(json_t *state, json_t *effective_input, json_t *context, emu_error *err);

/* The input of one Map iteration: ItemSelector (or the legacy Parameters) evaluated
 * against the Map's effective input with $$.Map.Item.Index/Value set, or the item
 * itself when neither is present. context is not modified. */
json_t *asl_map_item_input(json_t *state, json_t *effective_input, json_t *context, size_t index,
                           json_t *item, emu_error *err);

/* A payload template (Parameters, ResultSelector, ItemSelector): copied recursively
 * (objects and arrays); a key ending in ".$" takes the value of its path ("$." input,
 * "$$." context) or intrinsic function, under the key without ".$". */
json_t *asl_apply_parameters(json_t *tmpl, json_t *input, json_t *context, emu_error *err);

/* ---- intrinsic functions --------------------------------------------------------- */

/* Evaluates an intrinsic function call such as "States.Format('{}', $.x)": Format,
 * StringToJson, JsonToString, Array, ArrayPartition, ArrayContains, ArrayRange,
 * ArrayGetItem, ArrayLength, ArrayUnique, Base64Encode, Base64Decode, Hash,
 * JsonMerge, MathRandom, MathAdd, StringSplit, UUID. Arguments: 'string literals'
 * (with \' \{ \} \\ escapes), numbers, true, false, null, paths and nested calls (up
 * to 10 deep). A bad call fails with States.IntrinsicFailure. */
json_t *asl_intrinsic(const char *expr, json_t *input, json_t *context, emu_error *err);

/* True when expr parses as a call of a known intrinsic function. */
bool asl_intrinsic_valid(const char *expr);

/* ---- Choice ---------------------------------------------------------------------- */

/* Evaluates a Choice state's Choices in order against input (its effective input).
 * Returns 0 with *next set to the first matching rule's Next, else to Default
 * (a string borrowed from choice_state); -1 with err: States.NoChoiceMatched when
 * nothing matched and there is no Default, States.Runtime when a Variable's path is
 * missing (outside IsPresent). A comparison whose operand has the wrong type is
 * false, not an error. */
int asl_choose(json_t *choice_state, json_t *input, json_t *context, const char **next,
               emu_error *err);

/* One Choice rule (And/Or/Not/comparison): 1 true, 0 false, -1 with err. */
int asl_rule_matches(json_t *rule, json_t *input, json_t *context, emu_error *err);

/* ---- errors ---------------------------------------------------------------------- */

/* Whether a Retry/Catch ErrorEquals array matches an error name. "States.ALL" matches
 * every error except the terminal States.Runtime and States.DataLimitExceeded;
 * "States.TaskFailed" matches every error except those and States.Timeout
 * (States.HeartbeatTimeout included); "States.Timeout" also matches
 * States.HeartbeatTimeout. */
bool asl_error_matches(json_t *error_equals, const char *error);

/* The index of the first retrier or catcher of a Retry/Catch array whose ErrorEquals
 * matches error, or -1. */
int asl_find_handler(json_t *handlers, const char *error);

/* ---- definitions ----------------------------------------------------------------- */

/* Parses definition text. On failure: err->code "InvalidDefinition", status 400 and
 * AWS's message ("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ...'",
 * or SCHEMA_VALIDATION_FAILED when the JSON is not an object). */
int asl_parse_definition(const char *text, json_t **out, emu_error *err);

/* Static checks of a parsed definition. 0, or -1 with err->code "InvalidDefinition",
 * status 400 and "Invalid State Machine Definition: 'CODE: message at /States/X/Next,
 * CODE: ...'". Refuses, with a message saying so, what the emulator cannot run:
 * JSONata, workflow variables (Assign) and distributed Map. */
int asl_validate(json_t *definition, emu_error *err);

/* The same checks as ValidateStateMachineDefinition diagnostics: an array of
 * {"severity":"ERROR","code":...,"message":...,"location":...} ([] when valid). */
json_t *asl_validate_diagnostics(json_t *definition);

/* ---- the context object ---------------------------------------------------------- */

/* {"Execution":{"Id","Input","Name","RoleArn","StartTime","RedriveCount":0},
 *  "StateMachine":{"Id","Name"},"State":{}}. input is copied; NULL strings become "". */
json_t *asl_context_new(const char *execution_arn, const char *execution_name, json_t *input,
                        const char *state_machine_arn, const char *state_machine_name,
                        const char *start_time_iso, const char *role_arn);
/* Sets $$.State.Name/EnteredTime/RetryCount (and drops $$.Task of the previous state). */
void asl_context_enter(json_t *ctx, const char *state_name, const char *entered_time_iso,
                       int retry_count);
/* Sets $$.Map.Item.Index/Value (value copied). */
void asl_context_map_item(json_t *ctx, size_t index, json_t *value);
/* Sets $$.Task.Token (callback tasks, activities). */
void asl_context_set_task_token(json_t *ctx, const char *token);

/* ---- helpers --------------------------------------------------------------------- */

/* Parses an RFC 3339 timestamp as ASL accepts it (uppercase T, Z or a numeric offset,
 * optional fraction) into epoch seconds. */
bool asl_parse_timestamp(const char *s, double *epoch);

/* Compact JSON text (malloc'd) as AWS renders it: no spaces, members in order, reals in
 * their shortest form (1.1, not 1.1000000000000001). Any value, scalars included. */
char *asl_json_dumps(json_t *value);

#endif
