/* Thin helpers over libxml2, for the layers that speak XML (S3, STS). */
#ifndef AWSORCH_CORE_XML_H
#define AWSORCH_CORE_XML_H

#include <libxml/tree.h>

#include "internal.h"

/* Returns the first child element of node with this local name, or NULL. */
xmlNode *awsorch__xml_child(xmlNode *node, const char *name);

/* Returns a malloc'd copy of the text of the element at a path of child names
 * ("Error/Code") below node, or NULL. */
char *awsorch__xml_text_at(xmlNode *node, const char *path);

#endif
