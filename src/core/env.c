#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "internal.h"

const char *awsorch__env(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

awsorch_status awsorch__parse_bool(const char *text, const char *what, bool *out)
{
    if (strcasecmp(text, "true") == 0) {
        *out = true;
        return AWSORCH_OK;
    }
    if (strcasecmp(text, "false") == 0) {
        *out = false;
        return AWSORCH_OK;
    }
    return awsorch__fail(AWSORCH_E_CONFIG, "%s must be true or false, not '%.40s'", what, text);
}

awsorch_status awsorch__strdup(char **out, const char *s)
{
    *out = NULL;
    if (s == NULL) {
        return AWSORCH_OK;
    }
    *out = strdup(s);
    return *out ? AWSORCH_OK : awsorch__fail(AWSORCH_E_NOMEM, "out of memory");
}

void awsorch__free_secret(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}
