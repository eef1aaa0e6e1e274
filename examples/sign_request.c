/* Signs a Step Functions StartExecution request with the credentials of the
 * default chain and prints the headers to send, the way a transport would
 * use awsorch_sigv4_sign. Run it with AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY set (or a profile in ~/.aws/credentials). */
#include <stdio.h>
#include <string.h>

#include <awsorch/awsorch.h>

int main(void)
{
    static const char body[] = "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:"
                               "stateMachine:nightly-etl\",\"input\":\"{}\"}";
    awsorch_credentials *creds = NULL;
    awsorch_status st = awsorch_credentials_resolve(&creds, NULL);
    if (st != AWSORCH_OK) {
        (void)fprintf(stderr, "credentials: %s\n", awsorch_error_last()->message);
        return 1;
    }

    const awsorch_sigv4_header headers[] = {
        {{"Host", 4}, {"states.us-east-1.amazonaws.com", 30}},
        {{"Content-Type", 12}, {"application/x-amz-json-1.0", 26}},
        {{"X-Amz-Target", 12}, {"AWSStepFunctions.StartExecution", 31}},
    };
    awsorch_sigv4_request req = AWSORCH_SIGV4_REQUEST_INIT;
    req.method = "POST";
    req.path = (awsorch_sigv4_str){"/", 1};
    req.headers = headers;
    req.header_count = 3;
    req.body = body;
    req.body_len = strlen(body);

    awsorch_sigv4_params params = AWSORCH_SIGV4_PARAMS_INIT;
    params.region = "us-east-1";
    params.service = "states";
    params.access_key_id = creds->access_key_id;
    params.secret_access_key = creds->secret_access_key;
    params.session_token = creds->session_token;
    params.time_s = awsorch_time_now();

    /* A stack buffer is enough for ordinary requests; the signer says so
     * (AWSORCH_E_BUFFER_TOO_SMALL) when it is not. */
    char scratch[8192];
    awsorch_sigv4_result res;
    st = awsorch_sigv4_sign(&res, &req, &params, scratch, sizeof(scratch));
    if (st == AWSORCH_OK) {
        for (size_t i = 0; i < res.add_header_count; i++) {
            (void)printf("%.*s: %.*s\n", (int)res.add_headers[i].name.len,
                         res.add_headers[i].name.ptr, (int)res.add_headers[i].value.len,
                         res.add_headers[i].value.ptr);
        }
    } else {
        (void)fprintf(stderr, "sign: %s\n", awsorch_error_last()->message);
    }
    awsorch_credentials_free(creds);
    return st == AWSORCH_OK ? 0 : 1;
}
