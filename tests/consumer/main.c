/* Derives the documented SigV4 example key through the installed library. */
#include <stdio.h>
#include <string.h>

#include <awsorch/awsorch.h>

int main(void)
{
    unsigned char key[32];
    char hex[65];
    if (awsorch_sigv4_derive_key(key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                 "us-east-1", "iam") != AWSORCH_OK ||
        awsorch_hex_encode(key, sizeof(key), hex, sizeof(hex)) != AWSORCH_OK) {
        return 1;
    }
    (void)printf("awsorch %s: %s\n", awsorch_version(), hex);
    return strcmp(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d") == 0 ? 0
                                                                                                : 1;
}
