#!/bin/sh
# The signing demo: builds awsorch and signs a Step Functions StartExecution request, showing
# each stage. The keys are the AWS documentation's example keys, so the demo
# needs no account; with real credentials in the environment or ~/.aws it
# signs with those instead.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-AKIDEXAMPLE}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY}"
req=examples/requests/start-execution.http
when=20261203T020000Z
for show in canonical-request string-to-sign request; do
    printf '\n== %s\n' "$show"
    ./build/awsorch sign --region us-east-1 --service states --time "$when" --show "$show" "$req"
    echo
done
printf '\n== presigned (S3 GetObject, 1 hour)\n'
printf 'GET /nightly/orders.csv HTTP/1.1\nHost: etl-bucket.s3.us-east-1.amazonaws.com\n' |
    ./build/awsorch sign --region us-east-1 --service s3 --time "$when" --presign 3600
echo
