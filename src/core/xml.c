#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "xml.h"

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
    xmlChar *content = xmlNodeGetContent(node);
    if (content == NULL) {
        return NULL;
    }
    char *copy = strdup((const char *)content);
    xmlFree(content);
    return copy;
}
