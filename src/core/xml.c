#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xml.h"

/* libxml2's SONAME ("libxml2.so.2"), from the library the build found. */
#ifndef AWSORCH_LIBXML2_SONAME
#error "AWSORCH_LIBXML2_SONAME must name libxml2's shared library (CMakeLists.txt sets it)"
#endif

/* ---- libxml2, loaded on first use ----------------------------------------- */

typedef void (*init_fn)(void);
typedef xmlDoc *(*read_memory_fn)(const char *, int, const char *, const char *, int);
typedef void (*free_doc_fn)(xmlDoc *);
typedef xmlNode *(*root_fn)(const xmlDoc *);
typedef xmlChar *(*content_fn)(const xmlNode *);

/* The headers' xmlFree is a variable, or, when libxml2 keeps its allocator per
 * thread, a macro over the accessor __xmlFree(): use what these headers use. */
#ifdef xmlFree
typedef xmlFreeFunc *(*free_slot_fn)(void);
#define FREE_SYMBOL "__xmlFree"
#define FREE_FUNC() (*lib.free_slot())
#else
typedef xmlFreeFunc *free_slot_fn;
#define FREE_SYMBOL "xmlFree"
#define FREE_FUNC() (*lib.free_slot)
#endif

/* The pointer types above must be the headers' own: a mismatch fails here
 * rather than at run time. __typeof__ does not evaluate, so nothing links. */
#if defined(__GNUC__)
#define SAME_TYPE(fn, type)                                                                        \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&(fn)), type),                          \
                   #fn " does not have the expected type")
SAME_TYPE(xmlInitParser, init_fn);
SAME_TYPE(xmlReadMemory, read_memory_fn);
SAME_TYPE(xmlFreeDoc, free_doc_fn);
SAME_TYPE(xmlDocGetRootElement, root_fn);
SAME_TYPE(xmlNodeGetContent, content_fn);
#ifdef xmlFree
SAME_TYPE(__xmlFree, free_slot_fn);
#else
SAME_TYPE(xmlFree, free_slot_fn);
#endif
#endif

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* Written once, under lib_once; read only after it. read_memory is non-NULL
 * when everything loaded; error says why not otherwise. */
static struct {
    read_memory_fn read_memory;
    free_doc_fn free_doc;
    root_fn root;
    content_fn content;
    free_slot_fn free_slot;
    char error[512];
} lib;

static void load_failed(void *handle)
{
    const char *why = dlerror();
    (void)snprintf(lib.error, sizeof(lib.error), "%s", why ? why : "unknown error");
    if (handle != NULL) {
        (void)dlclose(handle);
    }
}

static void load(void)
{
    (void)dlerror();
    void *h = dlopen(AWSORCH_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        load_failed(NULL);
        return;
    }
    enum { INIT, READ_MEMORY, FREE_DOC, ROOT, CONTENT, FREE_SLOT, SYMBOLS };
    static const char *const names[SYMBOLS] = {"xmlInitParser",     "xmlReadMemory",
                                               "xmlFreeDoc",        "xmlDocGetRootElement",
                                               "xmlNodeGetContent", FREE_SYMBOL};
    void *sym[SYMBOLS];
    for (size_t i = 0; i < SYMBOLS; i++) {
        if ((sym[i] = dlsym(h, names[i])) == NULL) {
            load_failed(h); /* dlerror() names the first symbol missing */
            return;
        }
    }
    /* Once, before any thread parses: libxml2 needs it to be thread-safe. */
    ((init_fn)sym[INIT])();
    /* POSIX guarantees that dlsym's result converts to a function pointer. */
    lib.free_doc = (free_doc_fn)sym[FREE_DOC];
    lib.root = (root_fn)sym[ROOT];
    lib.content = (content_fn)sym[CONTENT];
    lib.free_slot = (free_slot_fn)sym[FREE_SLOT];
    lib.read_memory = (read_memory_fn)sym[READ_MEMORY];
    /* The handle stays open for the life of the process: documents outlive
     * any caller, and other code in the process may share the library. */
}

static bool loaded(void)
{
    (void)pthread_once(&lib_once, load);
    return lib.read_memory != NULL;
}

awsorch_status awsorch__xml_read_memory(xmlDoc **out, const char *buf, size_t len)
{
    *out = NULL;
    if (buf == NULL || len == 0 || len > INT_MAX) {
        return AWSORCH_OK; /* not a document libxml2 can take: no need to load it */
    }
    if (!loaded()) {
        return awsorch__fail(AWSORCH_E_UNSUPPORTED, "cannot load libxml2 (%s): %s",
                             AWSORCH_LIBXML2_SONAME, lib.error);
    }
    *out = lib.read_memory(buf, (int)len, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    return AWSORCH_OK;
}

/* A document or node exists only once libxml2 loaded, so the calls below
 * cannot find it missing; loaded() also orders their reads after load(). */

void awsorch__xml_free_doc(xmlDoc *doc)
{
    if (doc != NULL && loaded()) {
        lib.free_doc(doc);
    }
}

xmlNode *awsorch__xml_root(const xmlDoc *doc)
{
    return doc != NULL && loaded() ? lib.root(doc) : NULL;
}

xmlChar *awsorch__xml_node_content(const xmlNode *node)
{
    return node != NULL && loaded() ? lib.content(node) : NULL;
}

void awsorch__xml_free(void *p)
{
    if (p != NULL && loaded()) {
        FREE_FUNC()(p);
    }
}

/* ---- helpers ---------------------------------------------------------------- */

xmlNode *awsorch__xml_child(xmlNode *node, const char *name)
{
    if (node == NULL) {
        return NULL;
    }
    for (xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

char *awsorch__xml_text_at(xmlNode *node, const char *path)
{
    char part[128];
    const char *p = path;
    while (node != NULL && *p != '\0') {
        size_t n = strcspn(p, "/");
        if (n == 0 || n >= sizeof(part)) {
            return NULL;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        node = awsorch__xml_child(node, part);
        p += n;
        if (*p == '/') {
            p++;
        }
    }
    if (node == NULL) {
        return NULL;
    }
    xmlChar *content = awsorch__xml_node_content(node);
    if (content == NULL) {
        return NULL;
    }
    char *copy = strdup((const char *)content);
    awsorch__xml_free(content);
    return copy;
}

void awsorch__xml_escape(awsorch_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': (void)awsorch_buf_puts(out, "&amp;"); break;
        case '<': (void)awsorch_buf_puts(out, "&lt;"); break;
        case '>': (void)awsorch_buf_puts(out, "&gt;"); break;
        case '"': (void)awsorch_buf_puts(out, "&quot;"); break;
        case '\r': (void)awsorch_buf_puts(out, "&#xD;"); break;
        default: (void)awsorch_buf_append(out, s, 1); break;
        }
    }
}
