#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

/* Files larger than this are not AWS config files; refusing them bounds memory. */
#define INI_MAX_BYTES ((size_t)4 * 1024 * 1024)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

/* "[ profile  dev ]" names section "profile dev": inner runs of blanks count as one. */
static bool section_is(const char *header, const char *want)
{
    const char *w = want;
    const char *h = header;
    while (*h && *w) {
        if ((*h == ' ' || *h == '\t') && *w == ' ') {
            while (*h == ' ' || *h == '\t') {
                h++;
            }
            w++;
            continue;
        }
        if (*h != *w) {
            return false;
        }
        h++;
        w++;
    }
    return *h == '\0' && *w == '\0';
}

static awsorch_status add_pair(awsorch__ini_section *sec, const char *key, const char *value)
{
    for (size_t i = 0; i < sec->count; i++) {
        if (strcmp(sec->pairs[i].key, key) == 0) {
            char *v = strdup(value);
            if (v == NULL) {
                return awsorch__fail(AWSORCH_E_NOMEM, "out of memory reading a config file");
            }
            OPENSSL_cleanse(sec->pairs[i].value, strlen(sec->pairs[i].value));
            free(sec->pairs[i].value);
            sec->pairs[i].value = v; /* the last assignment wins, as in the AWS CLI */
            return AWSORCH_OK;
        }
    }
    awsorch__ini_pair *p = realloc(sec->pairs, (sec->count + 1) * sizeof(*p));
    if (p == NULL) {
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory reading a config file");
    }
    sec->pairs = p;
    p[sec->count].key = strdup(key);
    p[sec->count].value = strdup(value);
    if (p[sec->count].key == NULL || p[sec->count].value == NULL) {
        free(p[sec->count].key);
        free(p[sec->count].value);
        return awsorch__fail(AWSORCH_E_NOMEM, "out of memory reading a config file");
    }
    sec->count++;
    return AWSORCH_OK;
}

static awsorch_status read_file(const char *path, awsorch_buf *text, bool *found)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *found = false;
            return AWSORCH_OK;
        }
        return awsorch__fail(AWSORCH_E_CONFIG, "cannot open %s: %s", path, strerror(errno));
    }
    *found = true;
    char chunk[4096];
    size_t n;
    awsorch_status st = AWSORCH_OK;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (text->len + n > INI_MAX_BYTES) {
            st = awsorch__fail(AWSORCH_E_CONFIG, "%s is larger than 4 MiB", path);
            break;
        }
        if ((st = awsorch_buf_append(text, chunk, n)) != AWSORCH_OK) {
            break;
        }
    }
    if (st == AWSORCH_OK && ferror(f)) {
        st = awsorch__fail(AWSORCH_E_CONFIG, "cannot read %s", path);
    }
    OPENSSL_cleanse(chunk, sizeof(chunk));
    (void)fclose(f);
    if (st == AWSORCH_OK && text->data == NULL) {
        st = awsorch_buf_append(text, "", 0);
    }
    return st;
}

awsorch_status awsorch__ini_load(awsorch__ini_section *out, bool *found, const char *path,
                                 const char *section)
{
    memset(out, 0, sizeof(*out));
    awsorch_buf text = AWSORCH_BUF_INIT;
    awsorch_status st = read_file(path, &text, found);
    if (st != AWSORCH_OK || !*found) {
        awsorch_buf_free_secret(&text);
        return st;
    }
    if (memchr(text.data, '\0', text.len) != NULL) {
        awsorch_buf_free_secret(&text);
        return awsorch__fail(AWSORCH_E_CONFIG, "%s contains a NUL byte; it is not a text file",
                             path);
    }
    bool in_section = false;
    bool in_subsection = false;
    char parent[128] = "";
    size_t lineno = 0;
    for (char *line = text.data, *next = NULL; line != NULL; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl != NULL) {
            *nl = '\0';
        }
        lineno++;
        bool indented = line[0] == ' ' || line[0] == '\t';
        char *t = trim(line);
        if (*t == '\0' || *t == '#' || *t == ';') {
            continue;
        }
        if (*t == '[') {
            char *end = strchr(t, ']');
            if (end == NULL) {
                st = awsorch__fail(AWSORCH_E_CONFIG, "%s:%zu: section header has no ']'", path,
                                   lineno);
                break;
            }
            *end = '\0';
            in_section = section_is(trim(t + 1), section);
            out->present = out->present || in_section;
            in_subsection = false;
            continue;
        }
        if (!in_section) {
            continue;
        }
        char *eq = strchr(t, '=');
        if (indented && in_subsection && eq != NULL) {
            /* a line of a sub-section such as "s3 =": stored as "s3.key" */
            *eq = '\0';
            char full[256];
            int n = snprintf(full, sizeof(full), "%s.%s", parent, trim(t));
            if (n > 0 && (size_t)n < sizeof(full) &&
                (st = add_pair(out, full, trim(eq + 1))) != AWSORCH_OK) {
                break;
            }
            continue;
        }
        if (eq == NULL) {
            if (indented) {
                continue; /* continuation of the previous value */
            }
            st = awsorch__fail(AWSORCH_E_CONFIG, "%s:%zu: expected 'key = value'", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(t);
        char *value = trim(eq + 1);
        in_subsection = *value == '\0';
        if (*key == '\0') {
            st = awsorch__fail(AWSORCH_E_CONFIG, "%s:%zu: empty key", path, lineno);
            break;
        }
        if (in_subsection) {
            (void)snprintf(parent, sizeof(parent), "%s", key);
        }
        if (!in_subsection && (st = add_pair(out, key, value)) != AWSORCH_OK) {
            break;
        }
    }
    awsorch_buf_free_secret(&text);
    if (st != AWSORCH_OK) {
        awsorch__ini_free(out);
    }
    return st;
}

const char *awsorch__ini_get(const awsorch__ini_section *sec, const char *key)
{
    for (size_t i = 0; i < sec->count; i++) {
        if (strcmp(sec->pairs[i].key, key) == 0) {
            return sec->pairs[i].value;
        }
    }
    return NULL;
}

void awsorch__ini_free(awsorch__ini_section *sec)
{
    for (size_t i = 0; i < sec->count; i++) {
        OPENSSL_cleanse(sec->pairs[i].value, strlen(sec->pairs[i].value));
        free(sec->pairs[i].key);
        free(sec->pairs[i].value);
    }
    free(sec->pairs);
    memset(sec, 0, sizeof(*sec));
}
