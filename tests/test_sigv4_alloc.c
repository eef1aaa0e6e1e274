/* Signing with a cached key must not touch the heap. The test interposes
 * malloc and friends for the whole process and counts calls made while the
 * signer runs; under AddressSanitizer, which owns malloc, it is skipped. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "awsorch/sigv4.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_INTERPOSER 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_INTERPOSER 0
#endif
#endif
#ifndef HAVE_INTERPOSER
#define HAVE_INTERPOSER 1
#endif

#if HAVE_INTERPOSER
/* glibc's own allocator entry points, which an interposer forwards to. */
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

static volatile bool counting;
static volatile size_t allocations;

void *malloc(size_t n)
{
    if (counting) {
        allocations++;
    }
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (counting) {
        allocations++;
    }
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (counting) {
        allocations++;
    }
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}
#endif

Test(sigv4_alloc, no_heap_allocation_once_the_key_is_cached)
{
#if !HAVE_INTERPOSER
    cr_skip_test("AddressSanitizer owns malloc; run the plain build for this check");
#else
    static char scratch[16384];
    awsorch_sigv4_header h[] = {
        {{"Host", 4}, {"states.us-east-1.amazonaws.com", 30}},
        {{"Content-Type", 12}, {"application/x-amz-json-1.0", 26}},
        {{"X-Amz-Target", 12}, {"AWSStepFunctions.StartExecution", 31}},
    };
    const char *body = "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:"
                       "stateMachine:etl\",\"input\":\"{}\"}";
    awsorch_sigv4_request r = AWSORCH_SIGV4_REQUEST_INIT;
    r.method = "POST";
    r.path = (awsorch_sigv4_str){"/", 1};
    r.query = (awsorch_sigv4_str){"b=2&a=%20", 9};
    r.headers = h;
    r.header_count = 3;
    r.body = body;
    r.body_len = strlen(body);
    awsorch_sigv4_params p = AWSORCH_SIGV4_PARAMS_INIT;
    p.region = "us-east-1";
    p.service = "states";
    p.access_key_id = "AKIDEXAMPLE";
    p.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    p.session_token = "token";
    p.time_s = 1440938160;
    awsorch_sigv4_result res;
    cr_assert_eq(awsorch_sigv4_sign(&res, &r, &p, scratch, sizeof(scratch)), AWSORCH_OK);
    /* The interposer itself must see allocations, or the check proves nothing. */
    counting = true;
    void *probe = malloc(16);
    counting = false;
    free(probe);
    cr_assert_eq(allocations, 1, "the malloc interposer is not in effect");
    allocations = 0;
    counting = true;
    awsorch_status st = awsorch_sigv4_sign(&res, &r, &p, scratch, sizeof(scratch));
    p.mode = AWSORCH_SIGV4_QUERY;
    awsorch_status st2 = awsorch_sigv4_sign(&res, &r, &p, scratch, sizeof(scratch));
    counting = false;
    cr_expect_eq(st, AWSORCH_OK);
    cr_expect_eq(st2, AWSORCH_OK);
    cr_expect_eq(allocations, 0, "signing allocated %zu times", (size_t)allocations);
#endif
}
