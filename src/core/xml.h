/* Thin helpers over libxml2, for the layers that speak XML (S3, STS).
 *
 * The SDK does not link libxml2: only S3 and STS reply in XML, and libxml2
 * brings ICU, liblzma and libstdc++ along, which every process would pay for
 * at start. The first document parsed loads it (dlopen, once per process) and
 * initialises its parser; the rest of the SDK calls these wrappers, never
 * libxml2 itself. Its headers still give the types (xmlDoc, xmlNode) and their
 * fields, which need no linking. */
#ifndef AWSORCH_CORE_XML_H
#define AWSORCH_CORE_XML_H

#include <libxml/tree.h>

#include "internal.h"

/* Parses len bytes as an XML document, without network access and without
 * libxml2's own error output. Returns AWSORCH_OK with *out the document, or
 * *out NULL when the bytes are not well-formed XML (empty bytes never load
 * libxml2); when libxml2 cannot be loaded, records "cannot load libxml2 (...)"
 * and returns AWSORCH_E_UNSUPPORTED with *out NULL. Free the document with
 * awsorch__xml_free_doc. */
awsorch_status awsorch__xml_read_memory(xmlDoc **out, const char *buf, size_t len);

/* Frees a document from awsorch__xml_read_memory; NULL is fine (and never loads libxml2). */
void awsorch__xml_free_doc(xmlDoc *doc);

/* The root element of a document, or NULL (also for a NULL document). */
xmlNode *awsorch__xml_root(const xmlDoc *doc);

/* The text content of a node, to free with awsorch__xml_free, or NULL. */
xmlChar *awsorch__xml_node_content(const xmlNode *node);

/* Frees memory libxml2 allocated (awsorch__xml_node_content); NULL is fine. */
void awsorch__xml_free(void *p);

/* Returns the first child element of node with this local name, or NULL. */
xmlNode *awsorch__xml_child(xmlNode *node, const char *name);

/* Returns a malloc'd copy of the text of the element at a path of child names
 * ("Error/Code") below node, or NULL. */
char *awsorch__xml_text_at(xmlNode *node, const char *path);

/* Appends s to out as XML character data: & < > " escaped, and CR as &#xD; so a
 * parser keeps it. Needs no libxml2. */
void awsorch__xml_escape(awsorch_buf *out, const char *s);

#endif
