/* The Amazon States Language, evaluated: JSONPath paths and reference paths, payload
 * templates, intrinsic functions, Choice rules, error matching, the context object and
 * the static checks CreateStateMachine runs. Pure functions over jansson values (and
 * OpenSSL for States.Hash, States.UUID and States.MathRandom): no I/O, no threads, no
 * emulator state. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "asl.h"

#define ASL_RUNTIME "States.Runtime"
#define ASL_INTRINSIC "States.IntrinsicFailure"
#define ASL_MAX_NESTING 10

static int asl_fail(emu_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int asl_fail(emu_error *err, const char *code, const char *fmt, ...)
{
    if (err == NULL) {
        return -1;
    }
    err->status = 400;
    (void)snprintf(err->code, sizeof(err->code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- a growable string ------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->oom) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->len, s, n);
    }
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}
static void sb_addc(sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

static void sb_addf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(sbuf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof(small)) {
        sb_addn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_addn(b, big, (size_t)n);
    free(big);
}

/* The buffer's string (caller frees), "" when empty, NULL when memory ran out. */
static char *sb_take(sbuf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (b->p == NULL) {
        char *s = malloc(1);
        if (s != NULL) {
            s[0] = '\0';
        }
        return s;
    }
    return b->p;
}

static char *str_ndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ---- JSON text as AWS renders it --------------------------------------------------- */

/* The shortest text that reads back as d, with ".0" kept on integral values the way
 * Java prints doubles. */
static void format_real(double d, char out[40])
{
    if (!isfinite(d)) {
        (void)snprintf(out, 40, "null");
        return;
    }
    /* %g would write 10.0 as 1e+01; Java writes whole numbers below 1e7 plainly. */
    if (d == floor(d) && fabs(d) < 1e7) {
        (void)snprintf(out, 40, "%.1f", d);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        (void)snprintf(out, 40, "%.*g", prec, d);
        if (strtod(out, NULL) == d) {
            break;
        }
    }
    if (strpbrk(out, ".eEn") == NULL) {
        size_t n = strlen(out);
        if (n + 2 < 40) {
            memcpy(out + n, ".0", 3);
        }
    }
}

static void dump_string(sbuf *b, const char *s, size_t n)
{
    sb_addc(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                (void)snprintf(u, sizeof(u), "\\u%04x", c);
                esc = u;
            }
            break;
        }
        if (esc != NULL) {
            sb_addn(b, s + start, i - start);
            sb_add(b, esc);
            start = i + 1;
        }
    }
    sb_addn(b, s + start, n - start);
    sb_addc(b, '"');
}

static void dump_value(sbuf *b, json_t *v)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        sb_addc(b, '{');
        const char *key;
        json_t *val;
        bool first = true;
        json_object_foreach(v, key, val)
        {
            if (!first) {
                sb_addc(b, ',');
            }
            first = false;
            dump_string(b, key, strlen(key));
            sb_addc(b, ':');
            dump_value(b, val);
        }
        sb_addc(b, '}');
        break;
    }
    case JSON_ARRAY: {
        sb_addc(b, '[');
        size_t i;
        json_t *val;
        json_array_foreach(v, i, val)
        {
            if (i > 0) {
                sb_addc(b, ',');
            }
            dump_value(b, val);
        }
        sb_addc(b, ']');
        break;
    }
    case JSON_STRING: dump_string(b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: sb_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL:
        format_real(json_real_value(v), num);
        sb_add(b, num);
        break;
    case JSON_TRUE: sb_add(b, "true"); break;
    case JSON_FALSE: sb_add(b, "false"); break;
    case JSON_NULL: sb_add(b, "null"); break;
    }
}

char *asl_json_dumps(json_t *value)
{
    sbuf b = {0};
    if (value == NULL) {
        sb_add(&b, "null");
    } else {
        dump_value(&b, value);
    }
    return sb_take(&b);
}

/* Values equal as JSON data: numbers by value (1 == 1.0), objects regardless of order. */
static bool value_equal(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b)) {
            return json_integer_value(a) == json_integer_value(b);
        }
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b)) {
        return false;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) {
            return false;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (!value_equal(json_array_get(a, i), json_array_get(b, i))) {
                return false;
            }
        }
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) {
            return false;
        }
        const char *key;
        json_t *val;
        json_object_foreach(a, key, val)
        {
            json_t *other = json_object_get(b, key);
            if (other == NULL || !value_equal(val, other)) {
                return false;
            }
        }
        return true;
    }
    return json_equal(a, b) != 0;
}

/* ---- JSONPath ----------------------------------------------------------------------- */

typedef enum jp_kind {
    JP_NAME,
    JP_INDEX,
    JP_WILD,
    JP_SLICE,
    JP_NAMES,   /* ['a','b'] */
    JP_INDEXES, /* [0,2] */
    JP_FILTER,
    JP_LENGTH, /* .length() */
} jp_kind;

typedef struct jp_filter jp_filter;

typedef struct jp_seg {
    jp_kind kind;
    bool descend; /* preceded by ".." */
    char *name;
    long long index;
    long long start, end, step;
    bool has_start, has_end;
    char **names;
    long long *indexes;
    size_t count;
    jp_filter *filter;
} jp_seg;

typedef struct jp_path {
    bool context;  /* "$$" */
    bool relative; /* "@" inside a filter */
    jp_seg *segs;
    size_t n;
} jp_path;

typedef enum fx_kind { FX_OR, FX_AND, FX_NOT, FX_CMP, FX_EXISTS } fx_kind;
typedef enum fx_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } fx_op;

typedef struct fx_operand {
    bool is_path;
    jp_path path;
    json_t *lit;
} fx_operand;

struct jp_filter {
    fx_kind kind;
    jp_filter *a, *b;
    fx_op op;
    fx_operand l, r;
};

static void jp_path_clear(jp_path *p);

static void fx_operand_clear(fx_operand *o)
{
    if (o->is_path) {
        jp_path_clear(&o->path);
    }
    json_decref(o->lit);
    o->lit = NULL;
}

static void fx_free(jp_filter *f)
{
    if (f == NULL) {
        return;
    }
    fx_free(f->a);
    fx_free(f->b);
    fx_operand_clear(&f->l);
    fx_operand_clear(&f->r);
    free(f);
}

static void jp_seg_clear(jp_seg *s)
{
    free(s->name);
    for (size_t i = 0; s->names != NULL && i < s->count; i++) {
        free(s->names[i]);
    }
    free(s->names);
    free(s->indexes);
    fx_free(s->filter);
}

static void jp_path_clear(jp_path *p)
{
    for (size_t i = 0; i < p->n; i++) {
        jp_seg_clear(&p->segs[i]);
    }
    free(p->segs);
    p->segs = NULL;
    p->n = 0;
}

typedef struct jp_parser {
    const char *s;
    size_t pos;
    int depth;
} jp_parser;

static void jp_ws(jp_parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t') {
        p->pos++;
    }
}

static bool jp_push(jp_path *path, const jp_seg *seg)
{
    jp_seg *segs = realloc(path->segs, (path->n + 1) * sizeof(*segs));
    if (segs == NULL) {
        return false;
    }
    path->segs = segs;
    path->segs[path->n++] = *seg;
    return true;
}

static bool jp_parse_int(jp_parser *p, long long *out)
{
    const char *start = p->s + p->pos;
    char *end = NULL;
    if (!(isdigit((unsigned char)*start) || (*start == '-' && isdigit((unsigned char)start[1])))) {
        return false;
    }
    errno = 0;
    long long v = strtoll(start, &end, 10);
    if (errno != 0 || end == start) {
        return false;
    }
    p->pos += (size_t)(end - start);
    *out = v;
    return true;
}

/* A quoted name inside brackets or a filter: 'a b' or "a b", backslash escapes. */
static char *jp_parse_quoted(jp_parser *p)
{
    char q = p->s[p->pos];
    if (q != '\'' && q != '"') {
        return NULL;
    }
    p->pos++;
    sbuf b = {0};
    for (;;) {
        char c = p->s[p->pos];
        if (c == '\0') {
            free(b.p);
            return NULL;
        }
        p->pos++;
        if (c == q) {
            break;
        }
        if (c == '\\' && p->s[p->pos] != '\0') {
            c = p->s[p->pos++];
        }
        sb_addc(&b, c);
    }
    return sb_take(&b);
}

static jp_filter *fx_parse_or(jp_parser *p);
static bool jp_parse_segments(jp_parser *p, jp_path *path, bool in_filter);

static bool fx_parse_operand(jp_parser *p, fx_operand *o)
{
    memset(o, 0, sizeof(*o));
    jp_ws(p);
    const char *s = p->s + p->pos;
    if (*s == '@' || *s == '$') {
        o->is_path = true;
        if (*s == '@') {
            o->path.relative = true;
            p->pos++;
        } else if (s[1] == '$') {
            o->path.context = true;
            p->pos += 2;
        } else {
            p->pos++;
        }
        return jp_parse_segments(p, &o->path, true);
    }
    if (*s == '\'' || *s == '"') {
        char *str = jp_parse_quoted(p);
        if (str == NULL) {
            return false;
        }
        o->lit = json_string(str);
        free(str);
        return o->lit != NULL;
    }
    if (strncmp(s, "true", 4) == 0) {
        p->pos += 4;
        o->lit = json_true();
        return true;
    }
    if (strncmp(s, "false", 5) == 0) {
        p->pos += 5;
        o->lit = json_false();
        return true;
    }
    if (strncmp(s, "null", 4) == 0) {
        p->pos += 4;
        o->lit = json_null();
        return true;
    }
    if (isdigit((unsigned char)*s) || *s == '-') {
        char *end = NULL;
        errno = 0;
        double d = strtod(s, &end);
        if (end == s || errno != 0) {
            return false;
        }
        bool integral = true;
        for (const char *c = s; c < end; c++) {
            if (*c == '.' || *c == 'e' || *c == 'E') {
                integral = false;
            }
        }
        o->lit = integral ? json_integer((json_int_t)strtoll(s, NULL, 10)) : json_real(d);
        p->pos += (size_t)(end - s);
        return o->lit != NULL;
    }
    return false;
}

static jp_filter *fx_new(fx_kind kind)
{
    jp_filter *f = calloc(1, sizeof(*f));
    if (f != NULL) {
        f->kind = kind;
    }
    return f;
}

static jp_filter *fx_parse_unary(jp_parser *p)
{
    if (++p->depth > 32) {
        return NULL;
    }
    jp_ws(p);
    jp_filter *f = NULL;
    if (p->s[p->pos] == '!' && p->s[p->pos + 1] != '=') {
        p->pos++;
        jp_filter *inner = fx_parse_unary(p);
        if (inner == NULL) {
            return NULL;
        }
        f = fx_new(FX_NOT);
        if (f == NULL) {
            fx_free(inner);
            return NULL;
        }
        f->a = inner;
    } else if (p->s[p->pos] == '(') {
        p->pos++;
        f = fx_parse_or(p);
        jp_ws(p);
        if (f == NULL || p->s[p->pos] != ')') {
            fx_free(f);
            return NULL;
        }
        p->pos++;
    } else {
        f = fx_new(FX_EXISTS);
        if (f == NULL) {
            return NULL;
        }
        if (!fx_parse_operand(p, &f->l)) {
            fx_free(f);
            return NULL;
        }
        jp_ws(p);
        static const struct {
            const char *text;
            fx_op op;
        } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE},
                   {">=", OP_GE}, {"<", OP_LT},  {">", OP_GT}};
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
            size_t n = strlen(ops[i].text);
            if (strncmp(p->s + p->pos, ops[i].text, n) == 0) {
                p->pos += n;
                f->kind = FX_CMP;
                f->op = ops[i].op;
                if (!fx_parse_operand(p, &f->r)) {
                    fx_free(f);
                    return NULL;
                }
                break;
            }
        }
    }
    p->depth--;
    return f;
}

static jp_filter *fx_parse_binary(jp_parser *p, fx_kind kind)
{
    const char *token = kind == FX_OR ? "||" : "&&";
    jp_filter *a = kind == FX_OR ? fx_parse_binary(p, FX_AND) : fx_parse_unary(p);
    while (a != NULL) {
        jp_ws(p);
        if (strncmp(p->s + p->pos, token, 2) != 0) {
            break;
        }
        p->pos += 2;
        jp_filter *b = kind == FX_OR ? fx_parse_binary(p, FX_AND) : fx_parse_unary(p);
        jp_filter *node = b != NULL ? fx_new(kind) : NULL;
        if (node == NULL) {
            fx_free(a);
            fx_free(b);
            return NULL;
        }
        node->a = a;
        node->b = b;
        a = node;
    }
    return a;
}

static jp_filter *fx_parse_or(jp_parser *p)
{
    return fx_parse_binary(p, FX_OR);
}

/* The inside of [...] after '['. */
static bool jp_parse_bracket(jp_parser *p, jp_seg *seg)
{
    jp_ws(p);
    char c = p->s[p->pos];
    if (c == '*') {
        p->pos++;
        seg->kind = JP_WILD;
    } else if (c == '\'' || c == '"') {
        for (;;) {
            char *name = jp_parse_quoted(p);
            if (name == NULL) {
                return false;
            }
            char **names = realloc(seg->names, (seg->count + 1) * sizeof(*names));
            if (names == NULL) {
                free(name);
                return false;
            }
            seg->names = names;
            seg->names[seg->count++] = name;
            jp_ws(p);
            if (p->s[p->pos] != ',') {
                break;
            }
            p->pos++;
            jp_ws(p);
        }
        if (seg->count == 1) {
            seg->kind = JP_NAME;
            seg->name = seg->names[0];
            free(seg->names);
            seg->names = NULL;
            seg->count = 0;
        } else {
            seg->kind = JP_NAMES;
        }
    } else if (c == '?') {
        p->pos++;
        jp_ws(p);
        if (p->s[p->pos] != '(') {
            return false;
        }
        p->pos++;
        seg->kind = JP_FILTER;
        seg->filter = fx_parse_or(p);
        jp_ws(p);
        if (seg->filter == NULL || p->s[p->pos] != ')') {
            return false;
        }
        p->pos++;
    } else if (c == ':' || c == '-' || isdigit((unsigned char)c)) {
        long long first = 0;
        bool has_first = jp_parse_int(p, &first);
        jp_ws(p);
        if (p->s[p->pos] == ':') {
            seg->kind = JP_SLICE;
            seg->has_start = has_first;
            seg->start = first;
            seg->step = 1;
            p->pos++;
            jp_ws(p);
            seg->has_end = jp_parse_int(p, &seg->end);
            jp_ws(p);
            if (p->s[p->pos] == ':') {
                p->pos++;
                jp_ws(p);
                if (jp_parse_int(p, &seg->step) && seg->step <= 0) {
                    return false;
                }
            }
        } else if (!has_first) {
            return false;
        } else if (p->s[p->pos] == ',') {
            seg->kind = JP_INDEXES;
            long long v = first;
            for (;;) {
                long long *idx = realloc(seg->indexes, (seg->count + 1) * sizeof(*idx));
                if (idx == NULL) {
                    return false;
                }
                seg->indexes = idx;
                seg->indexes[seg->count++] = v;
                jp_ws(p);
                if (p->s[p->pos] != ',') {
                    break;
                }
                p->pos++;
                jp_ws(p);
                if (!jp_parse_int(p, &v)) {
                    return false;
                }
            }
        } else {
            seg->kind = JP_INDEX;
            seg->index = first;
        }
    } else {
        return false;
    }
    jp_ws(p);
    if (p->s[p->pos] != ']') {
        return false;
    }
    p->pos++;
    return true;
}

static bool jp_name_char(char c, bool in_filter)
{
    if (c == '\0' || c == '.' || c == '[') {
        return false;
    }
    if (in_filter) {
        return strchr(" \t)=!<>&|,", c) == NULL;
    }
    return true;
}

/* Segments after the root: .name .* ..name [..] .length() */
static bool jp_parse_segments(jp_parser *p, jp_path *path, bool in_filter)
{
    for (;;) {
        char c = p->s[p->pos];
        if (c != '.' && c != '[') {
            return true;
        }
        jp_seg seg;
        memset(&seg, 0, sizeof(seg));
        if (c == '.') {
            p->pos++;
            if (p->s[p->pos] == '.') {
                seg.descend = true;
                p->pos++;
            }
            if (p->s[p->pos] == '[') {
                if (!seg.descend) {
                    return false;
                }
                p->pos++;
                if (!jp_parse_bracket(p, &seg)) {
                    jp_seg_clear(&seg);
                    return false;
                }
            } else if (p->s[p->pos] == '*') {
                p->pos++;
                seg.kind = JP_WILD;
            } else if (!seg.descend && strncmp(p->s + p->pos, "length()", 8) == 0 &&
                       !jp_name_char(p->s[p->pos + 8], in_filter)) {
                p->pos += 8;
                seg.kind = JP_LENGTH;
            } else {
                size_t start = p->pos;
                while (jp_name_char(p->s[p->pos], in_filter)) {
                    p->pos++;
                }
                if (p->pos == start) {
                    return false;
                }
                seg.kind = JP_NAME;
                seg.name = str_ndup(p->s + start, p->pos - start);
                if (seg.name == NULL) {
                    return false;
                }
            }
        } else {
            p->pos++;
            if (!jp_parse_bracket(p, &seg)) {
                jp_seg_clear(&seg);
                return false;
            }
        }
        if (!jp_push(path, &seg)) {
            jp_seg_clear(&seg);
            return false;
        }
        if (path->segs[path->n - 1].kind == JP_LENGTH) {
            /* length() ends a path */
            c = p->s[p->pos];
            return c != '.' && c != '[';
        }
    }
}

/* Parses a whole path ("$..." or "$$..."); false on a syntax error. */
static bool jp_parse(const char *text, jp_path *out)
{
    memset(out, 0, sizeof(*out));
    if (text == NULL || text[0] != '$') {
        return false;
    }
    jp_parser p = {text, 1, 0};
    if (text[1] == '$') {
        out->context = true;
        p.pos = 2;
    }
    if (!jp_parse_segments(&p, out, false) || text[p.pos] != '\0') {
        jp_path_clear(out);
        return false;
    }
    return true;
}

static bool jp_definite(const jp_path *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const jp_seg *s = &p->segs[i];
        if (s->descend || s->kind == JP_WILD || s->kind == JP_SLICE || s->kind == JP_NAMES ||
            s->kind == JP_INDEXES || s->kind == JP_FILTER) {
            return false;
        }
    }
    return true;
}

typedef struct jp_env {
    json_t *root;    /* "$" inside filters */
    json_t *context; /* "$$" */
} jp_env;

static void jp_walk(json_t *node, const jp_path *p, size_t i, json_t *out, const jp_env *env);
static bool fx_eval(const jp_filter *f, json_t *item, const jp_env *env);

static void jp_walk_children(json_t *node, const jp_path *p, size_t i, json_t *out,
                             const jp_env *env)
{
    if (json_is_object(node)) {
        const char *key;
        json_t *val;
        json_object_foreach(node, key, val)
        {
            jp_walk(val, p, i, out, env);
        }
    } else if (json_is_array(node)) {
        size_t k;
        json_t *val;
        json_array_foreach(node, k, val)
        {
            jp_walk(val, p, i, out, env);
        }
    }
}

static void jp_walk_index(json_t *node, long long idx, const jp_path *p, size_t i, json_t *out,
                          const jp_env *env)
{
    if (!json_is_array(node)) {
        return;
    }
    long long size = (long long)json_array_size(node);
    if (idx < 0) {
        idx += size;
    }
    if (idx >= 0 && idx < size) {
        jp_walk(json_array_get(node, (size_t)idx), p, i, out, env);
    }
}

/* Applies segment i at node (no descent) and continues with i + 1. */
static void jp_apply(json_t *node, const jp_path *p, size_t i, json_t *out, const jp_env *env)
{
    const jp_seg *s = &p->segs[i];
    switch (s->kind) {
    case JP_NAME:
        if (json_is_object(node)) {
            json_t *child = json_object_get(node, s->name);
            if (child != NULL) {
                jp_walk(child, p, i + 1, out, env);
            }
        }
        break;
    case JP_INDEX: jp_walk_index(node, s->index, p, i + 1, out, env); break;
    case JP_WILD: jp_walk_children(node, p, i + 1, out, env); break;
    case JP_NAMES:
        for (size_t k = 0; k < s->count && json_is_object(node); k++) {
            json_t *child = json_object_get(node, s->names[k]);
            if (child != NULL) {
                jp_walk(child, p, i + 1, out, env);
            }
        }
        break;
    case JP_INDEXES:
        for (size_t k = 0; k < s->count; k++) {
            jp_walk_index(node, s->indexes[k], p, i + 1, out, env);
        }
        break;
    case JP_SLICE: {
        if (!json_is_array(node)) {
            break;
        }
        long long size = (long long)json_array_size(node);
        long long from = s->has_start ? s->start : 0;
        long long to = s->has_end ? s->end : size;
        if (from < 0) {
            from = from + size < 0 ? 0 : from + size;
        }
        if (to < 0) {
            to = to + size < 0 ? 0 : to + size;
        }
        if (to > size) {
            to = size;
        }
        for (long long k = from; k < to; k += s->step) {
            jp_walk(json_array_get(node, (size_t)k), p, i + 1, out, env);
        }
        break;
    }
    case JP_FILTER:
        if (json_is_array(node)) {
            size_t k;
            json_t *val;
            json_array_foreach(node, k, val)
            {
                if (fx_eval(s->filter, val, env)) {
                    jp_walk(val, p, i + 1, out, env);
                }
            }
        } else if (json_is_object(node)) {
            const char *key;
            json_t *val;
            json_object_foreach(node, key, val)
            {
                if (fx_eval(s->filter, val, env)) {
                    jp_walk(val, p, i + 1, out, env);
                }
            }
        }
        break;
    case JP_LENGTH: {
        json_t *len = NULL;
        if (json_is_array(node)) {
            len = json_integer((json_int_t)json_array_size(node));
        } else if (json_is_object(node)) {
            len = json_integer((json_int_t)json_object_size(node));
        } else if (json_is_string(node)) {
            len = json_integer((json_int_t)json_string_length(node));
        }
        if (len != NULL) {
            jp_walk(len, p, i + 1, out, env);
            json_decref(len);
        }
        break;
    }
    }
}

static void jp_walk(json_t *node, const jp_path *p, size_t i, json_t *out, const jp_env *env)
{
    if (i == p->n) {
        (void)json_array_append(out, node);
        return;
    }
    jp_apply(node, p, i, out, env);
    if (p->segs[i].descend) {
        jp_walk_children(node, p, i, out, env);
    }
}

/* All matches of p (relative paths start at item). */
static json_t *jp_matches(const jp_path *p, json_t *item, const jp_env *env)
{
    json_t *out = json_array();
    if (out == NULL) {
        return NULL;
    }
    json_t *start = p->relative ? item : (p->context ? env->context : env->root);
    if (start != NULL) {
        jp_walk(start, p, 0, out, env);
    }
    return out;
}

/* The value of a filter operand (new reference), or NULL when a path matches nothing. */
static json_t *fx_value(const fx_operand *o, json_t *item, const jp_env *env)
{
    if (!o->is_path) {
        return json_incref(o->lit);
    }
    json_t *m = jp_matches(&o->path, item, env);
    json_t *v = NULL;
    if (m != NULL && json_array_size(m) > 0) {
        v = jp_definite(&o->path) ? json_incref(json_array_get(m, 0)) : json_incref(m);
    }
    json_decref(m);
    return v;
}

static int utf16_compare(const char *a, const char *b);

static bool fx_compare(json_t *l, json_t *r, fx_op op)
{
    int cmp;
    if (json_is_number(l) && json_is_number(r)) {
        double x = json_number_value(l), y = json_number_value(r);
        cmp = x < y ? -1 : (x > y ? 1 : 0);
    } else if (json_is_string(l) && json_is_string(r)) {
        cmp = utf16_compare(json_string_value(l), json_string_value(r));
    } else {
        bool eq = value_equal(l, r);
        return op == OP_EQ ? eq : (op == OP_NE ? !eq : false);
    }
    switch (op) {
    case OP_EQ: return cmp == 0;
    case OP_NE: return cmp != 0;
    case OP_LT: return cmp < 0;
    case OP_LE: return cmp <= 0;
    case OP_GT: return cmp > 0;
    case OP_GE: return cmp >= 0;
    }
    return false;
}

static bool fx_eval(const jp_filter *f, json_t *item, const jp_env *env)
{
    switch (f->kind) {
    case FX_OR: return fx_eval(f->a, item, env) || fx_eval(f->b, item, env);
    case FX_AND: return fx_eval(f->a, item, env) && fx_eval(f->b, item, env);
    case FX_NOT: return !fx_eval(f->a, item, env);
    case FX_EXISTS: {
        json_t *v = fx_value(&f->l, item, env);
        bool ok = v != NULL && (f->l.is_path || !(json_is_false(v) || json_is_null(v)));
        json_decref(v);
        return ok;
    }
    case FX_CMP: {
        json_t *l = fx_value(&f->l, item, env);
        json_t *r = fx_value(&f->r, item, env);
        bool ok = false;
        if (l != NULL && r != NULL) {
            ok = fx_compare(l, r, f->op);
        } else if (f->op == OP_NE) {
            ok = l != r;
        }
        json_decref(l);
        json_decref(r);
        return ok;
    }
    }
    return false;
}

/* "$['a']['b'][0]": how Jayway names a definite path in its messages. */
static void jp_normalized(const jp_path *p, sbuf *b)
{
    sb_add(b, "$");
    for (size_t i = 0; i < p->n; i++) {
        const jp_seg *s = &p->segs[i];
        if (s->kind == JP_NAME) {
            sb_addf(b, "['%s']", s->name);
        } else if (s->kind == JP_INDEX) {
            sb_addf(b, "[%lld]", s->index);
        } else if (s->kind == JP_LENGTH) {
            sb_add(b, ".length()");
        }
    }
}

bool asl_path_valid(const char *path)
{
    jp_path p;
    if (!jp_parse(path, &p)) {
        return false;
    }
    jp_path_clear(&p);
    return true;
}

bool asl_reference_path_valid(const char *path)
{
    jp_path p;
    if (!jp_parse(path, &p)) {
        return false;
    }
    bool ok = !p.context;
    for (size_t i = 0; i < p.n && ok; i++) {
        ok = !p.segs[i].descend && (p.segs[i].kind == JP_NAME || p.segs[i].kind == JP_INDEX);
    }
    jp_path_clear(&p);
    return ok;
}

/* Fills err with the message AWS gives for a path that matched nothing. */
static void path_miss(const jp_path *p, const char *path, json_t *input, const char *field,
                      emu_error *err)
{
    if (field != NULL) {
        char *text = asl_json_dumps(input);
        (void)asl_fail(err, ASL_RUNTIME,
                       "The JSONPath '%s' specified for the field '%s' could not be found in "
                       "the input '%s'",
                       path, field, text != NULL ? text : "");
        free(text);
        return;
    }
    sbuf b = {0};
    jp_normalized(p, &b);
    (void)asl_fail(err, ASL_RUNTIME, "Invalid path '%s' : No results for path: %s", path,
                   b.p != NULL ? b.p : "$");
    free(b.p);
}

json_t *asl_path_get_field(json_t *input, const char *path, json_t *context, const char *field,
                           emu_error *err)
{
    jp_path p;
    if (!jp_parse(path, &p)) {
        if (field != NULL) {
            (void)asl_fail(err, ASL_RUNTIME,
                           "The value for the field '%s' must be a valid JSONPath or a valid "
                           "intrinsic function call",
                           field);
        } else {
            (void)asl_fail(err, ASL_RUNTIME, "Invalid path '%s': The path is not valid JSONPath",
                           path != NULL ? path : "");
        }
        return NULL;
    }
    json_t *empty = NULL;
    if (context == NULL) {
        context = empty = json_object();
    }
    if (input == NULL) {
        input = json_null();
    }
    jp_env env = {input, context};
    json_t *m = jp_matches(&p, NULL, &env);
    json_t *out = NULL;
    if (m == NULL) {
        (void)asl_fail(err, ASL_RUNTIME, "Out of memory evaluating '%s'", path);
    } else if (!jp_definite(&p)) {
        out = json_deep_copy(m);
    } else if (json_array_size(m) == 0) {
        path_miss(&p, path, p.context ? context : input, field, err);
    } else {
        out = json_deep_copy(json_array_get(m, 0));
    }
    json_decref(m);
    json_decref(empty);
    jp_path_clear(&p);
    return out;
}

json_t *asl_path_get(json_t *input, const char *path, json_t *context, emu_error *err)
{
    return asl_path_get_field(input, path, context, NULL, err);
}

/* A path lookup that tells a miss apart: 1 found (*out set), 0 missing, -1 error. */
static int path_lookup(json_t *input, const char *path, json_t *context, json_t **out,
                       emu_error *err)
{
    *out = NULL;
    jp_path p;
    if (!jp_parse(path, &p)) {
        return asl_fail(err, ASL_RUNTIME, "Invalid path '%s': The path is not valid JSONPath",
                        path != NULL ? path : "");
    }
    json_t *empty = NULL;
    if (context == NULL) {
        context = empty = json_object();
    }
    jp_env env = {input != NULL ? input : json_null(), context};
    json_t *m = jp_matches(&p, NULL, &env);
    int rc = 0;
    if (m == NULL) {
        rc = asl_fail(err, ASL_RUNTIME, "Out of memory evaluating '%s'", path);
    } else if (!jp_definite(&p)) {
        *out = json_incref(m);
        rc = 1;
    } else if (json_array_size(m) > 0) {
        *out = json_incref(json_array_get(m, 0));
        rc = 1;
    }
    json_decref(m);
    json_decref(empty);
    jp_path_clear(&p);
    return rc;
}

/* ---- ResultPath --------------------------------------------------------------------- */

static json_t *result_path_fail(const char *path, json_t *raw_input, emu_error *err)
{
    char *text = asl_json_dumps(raw_input);
    (void)asl_fail(err, ASL_RUNTIME, "Unable to apply ReferencePath %s to input %s", path,
                   text != NULL ? text : "");
    free(text);
    return NULL;
}

json_t *asl_apply_result_path(json_t *raw_input, json_t *result_path, json_t *result,
                              emu_error *err)
{
    if (result == NULL) {
        result = json_null();
    }
    if (result_path == NULL) {
        return json_deep_copy(result);
    }
    if (json_is_null(result_path)) {
        return raw_input != NULL ? json_deep_copy(raw_input) : json_object();
    }
    const char *path = json_string_value(result_path);
    jp_path p;
    if (path == NULL || !asl_reference_path_valid(path) || !jp_parse(path, &p)) {
        (void)asl_fail(err, ASL_RUNTIME, "Invalid ResultPath '%s': it must be a reference path",
                       path != NULL ? path : "");
        return NULL;
    }
    if (p.n == 0) {
        jp_path_clear(&p);
        return json_deep_copy(result);
    }
    json_t *out = raw_input != NULL ? json_deep_copy(raw_input) : json_object();
    json_t *cur = out;
    bool ok = out != NULL;
    for (size_t i = 0; ok && i < p.n; i++) {
        const jp_seg *s = &p.segs[i];
        bool last = i + 1 == p.n;
        if (s->kind == JP_NAME) {
            if (!json_is_object(cur)) {
                ok = false;
            } else if (last) {
                ok = json_object_set_new(cur, s->name, json_deep_copy(result)) == 0;
            } else {
                json_t *child = json_object_get(cur, s->name);
                if (child == NULL) {
                    child = json_object();
                    ok = json_object_set_new(cur, s->name, child) == 0;
                }
                cur = child;
            }
        } else {
            long long size = json_is_array(cur) ? (long long)json_array_size(cur) : 0;
            long long idx = s->index < 0 ? s->index + size : s->index;
            if (!json_is_array(cur) || idx < 0 || idx >= size) {
                ok = false;
            } else if (last) {
                ok = json_array_set_new(cur, (size_t)idx, json_deep_copy(result)) == 0;
            } else {
                cur = json_array_get(cur, (size_t)idx);
            }
        }
    }
    jp_path_clear(&p);
    if (!ok) {
        json_decref(out);
        return result_path_fail(path, raw_input, err);
    }
    return out;
}

/* ---- intrinsic functions ------------------------------------------------------------ */

typedef enum ia_kind { IA_LIT, IA_PATH, IA_CALL } ia_kind;

typedef struct iarg {
    ia_kind kind;
    json_t *lit; /* IA_LIT */
    char *raw;   /* IA_LIT strings: the text between the quotes, escapes kept */
    char *text;  /* IA_PATH: the path; IA_CALL: the function name */
    struct iarg *args;
    size_t nargs;
} iarg;

static void iarg_clear(iarg *a)
{
    json_decref(a->lit);
    free(a->raw);
    free(a->text);
    for (size_t i = 0; i < a->nargs; i++) {
        iarg_clear(&a->args[i]);
    }
    free(a->args);
    memset(a, 0, sizeof(*a));
}

typedef struct iparser {
    const char *s;
    size_t pos;
    char why[160]; /* what went wrong */
} iparser;

static void ip_ws(iparser *p)
{
    while (isspace((unsigned char)p->s[p->pos])) {
        p->pos++;
    }
}

static bool ip_error(iparser *p, const char *what)
{
    if (p->why[0] == '\0') {
        (void)snprintf(p->why, sizeof(p->why), "%s at position %zu", what, p->pos);
    }
    return false;
}

/* A 'string literal': value with \' \{ \} \\ resolved, raw with escapes kept. */
static bool ip_string(iparser *p, iarg *a)
{
    p->pos++; /* opening quote */
    sbuf raw = {0}, val = {0};
    for (;;) {
        char c = p->s[p->pos];
        if (c == '\0') {
            free(raw.p);
            free(val.p);
            return ip_error(p, "Unterminated string literal");
        }
        p->pos++;
        if (c == '\'') {
            break;
        }
        if (c == '\\') {
            char e = p->s[p->pos];
            if (e != '\'' && e != '{' && e != '}' && e != '\\') {
                free(raw.p);
                free(val.p);
                return ip_error(p, "Open escape backslash in string literal");
            }
            p->pos++;
            sb_addc(&raw, '\\');
            sb_addc(&raw, e);
            sb_addc(&val, e);
            continue;
        }
        sb_addc(&raw, c);
        sb_addc(&val, c);
    }
    a->kind = IA_LIT;
    a->raw = sb_take(&raw);
    char *v = sb_take(&val);
    a->lit = v != NULL ? json_string(v) : NULL;
    free(v);
    if (a->raw == NULL || a->lit == NULL) {
        return ip_error(p, "Invalid string literal (not UTF-8?)");
    }
    return true;
}

/* A path argument: up to the ',' or ')' that ends it, brackets and quotes respected. */
static bool ip_path(iparser *p, iarg *a)
{
    size_t start = p->pos;
    int depth = 0;
    char quote = 0;
    for (;;) {
        char c = p->s[p->pos];
        if (c == '\0') {
            break;
        }
        if (quote != 0) {
            if (c == '\\' && p->s[p->pos + 1] != '\0') {
                p->pos++;
            } else if (c == quote) {
                quote = 0;
            }
        } else if (c == '\'' || c == '"') {
            if (depth == 0) {
                break;
            }
            quote = c;
        } else if (c == '[' || c == '(') {
            depth++;
        } else if (c == ']' || c == ')') {
            if (depth == 0) {
                break;
            }
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
        p->pos++;
    }
    size_t end = p->pos;
    while (end > start && isspace((unsigned char)p->s[end - 1])) {
        end--;
    }
    a->kind = IA_PATH;
    a->text = str_ndup(p->s + start, end - start);
    if (a->text == NULL || !asl_path_valid(a->text)) {
        return ip_error(p, "Invalid path argument");
    }
    return true;
}

static bool ip_call(iparser *p, iarg *a, int depth);

static bool ip_arg(iparser *p, iarg *a, int depth)
{
    ip_ws(p);
    const char *s = p->s + p->pos;
    if (*s == '\'') {
        return ip_string(p, a);
    }
    if (*s == '$') {
        return ip_path(p, a);
    }
    if (strncmp(s, "States.", 7) == 0) {
        return ip_call(p, a, depth + 1);
    }
    static const struct {
        const char *word;
        json_t *(*make)(void);
    } words[] = {{"null", json_null}, {"true", json_true}, {"false", json_false}};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i].word);
        if (strncmp(s, words[i].word, n) == 0 && !isalnum((unsigned char)s[n])) {
            p->pos += n;
            a->kind = IA_LIT;
            a->lit = words[i].make();
            return true;
        }
    }
    if (*s == '-' || isdigit((unsigned char)*s)) {
        char *end = NULL;
        errno = 0;
        double d = strtod(s, &end);
        if (end == s || errno != 0) {
            return ip_error(p, "Invalid number");
        }
        bool integral = true;
        for (const char *c = s; c < end; c++) {
            if (*c == '.' || *c == 'e' || *c == 'E') {
                integral = false;
            }
        }
        a->kind = IA_LIT;
        if (integral) {
            errno = 0;
            long long v = strtoll(s, NULL, 10);
            a->lit = errno == 0 ? json_integer((json_int_t)v) : json_real(d);
        } else {
            a->lit = json_real(d);
        }
        p->pos += (size_t)(end - s);
        return a->lit != NULL;
    }
    return ip_error(p, "Unexpected argument");
}

static bool ip_call(iparser *p, iarg *a, int depth)
{
    if (depth > ASL_MAX_NESTING) {
        return ip_error(p, "Too many nested intrinsic functions (at most 10)");
    }
    size_t start = p->pos;
    if (strncmp(p->s + start, "States.", 7) != 0) {
        return ip_error(p, "Expected an intrinsic function");
    }
    p->pos += 7;
    while (isalnum((unsigned char)p->s[p->pos])) {
        p->pos++;
    }
    a->kind = IA_CALL;
    a->text = str_ndup(p->s + start, p->pos - start);
    if (a->text == NULL) {
        return ip_error(p, "Out of memory");
    }
    ip_ws(p);
    if (p->s[p->pos] != '(') {
        return ip_error(p, "Expected '('");
    }
    p->pos++;
    ip_ws(p);
    if (p->s[p->pos] == ')') {
        p->pos++;
        return true;
    }
    for (;;) {
        iarg *args = realloc(a->args, (a->nargs + 1) * sizeof(*args));
        if (args == NULL) {
            return ip_error(p, "Out of memory");
        }
        a->args = args;
        memset(&a->args[a->nargs], 0, sizeof(iarg));
        a->nargs++;
        if (!ip_arg(p, &a->args[a->nargs - 1], depth)) {
            return false;
        }
        ip_ws(p);
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == ')') {
            p->pos++;
            return true;
        }
        return ip_error(p, "Expected ',' or ')'");
    }
}

static bool ip_parse(const char *expr, iarg *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof(*out));
    iparser p = {expr != NULL ? expr : "", 0, {0}};
    ip_ws(&p);
    bool ok = ip_call(&p, out, 1);
    if (ok) {
        ip_ws(&p);
        if (p.s[p.pos] != '\0') {
            ok = ip_error(&p, "Unexpected text after the function call");
        }
    }
    if (!ok) {
        if (why != NULL) {
            (void)snprintf(why, why_len, "%s", p.why);
        }
        iarg_clear(out);
    }
    return ok;
}

/* Evaluation context shared by nested calls. */
typedef struct ieval {
    json_t *input;
    json_t *context;
    const char *field;
    emu_error *err;
} ieval;

typedef json_t *(*intrinsic_fn)(const ieval *ev, const iarg *call, json_t **v, size_t n);

static json_t *ifail(const ieval *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *ifail(const ieval *ev, const char *fmt, ...)
{
    if (ev->err != NULL) {
        ev->err->status = 400;
        (void)snprintf(ev->err->code, sizeof(ev->err->code), "%s", ASL_INTRINSIC);
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(ev->err->message, sizeof(ev->err->message), fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static bool need_args(const ieval *ev, const iarg *call, size_t n, size_t min, size_t max)
{
    if (n < min || n > max) {
        if (min == max) {
            (void)ifail(ev, "The function '%s' requires %zu argument%s, but %zu %s given",
                        call->text, min, min == 1 ? "" : "s", n, n == 1 ? "was" : "were");
        } else {
            (void)ifail(ev, "The function '%s' requires %zu to %zu arguments, but %zu %s given",
                        call->text, min, max, n, n == 1 ? "was" : "were");
        }
        return false;
    }
    return true;
}

static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "value";
}

static bool need_type(const ieval *ev, const iarg *call, json_t **v, size_t i, json_type type)
{
    bool ok = type == JSON_INTEGER ? json_is_number(v[i]) : json_typeof(v[i]) == type;
    if (type == JSON_TRUE) {
        ok = json_is_boolean(v[i]);
    }
    if (!ok) {
        const char *want = type == JSON_ARRAY    ? "an array"
                           : type == JSON_OBJECT ? "a JSON object"
                           : type == JSON_STRING ? "a string"
                           : type == JSON_TRUE   ? "a boolean"
                                                 : "a number";
        (void)ifail(ev, "The argument %zu of the function '%s' must be %s, not %s", i + 1,
                    call->text, want, type_name(v[i]));
    }
    return ok;
}

/* An integer argument (an integral number); false with err otherwise. */
static bool need_int(const ieval *ev, const iarg *call, json_t **v, size_t i, long long *out)
{
    if (json_is_integer(v[i])) {
        *out = (long long)json_integer_value(v[i]);
        return true;
    }
    if (json_is_real(v[i])) {
        double d = json_real_value(v[i]);
        if (isfinite(d) && d == floor(d) && fabs(d) < 9.0e15) {
            *out = (long long)d;
            return true;
        }
    }
    (void)ifail(ev, "The argument %zu of the function '%s' must be an integer, not %s", i + 1,
                call->text, json_is_number(v[i]) ? "a decimal number" : type_name(v[i]));
    return false;
}

/* Renders a value into a States.Format result. */
static void format_value(sbuf *b, json_t *v)
{
    if (json_is_string(v)) {
        sb_addn(b, json_string_value(v), json_string_length(v));
    } else {
        char *text = asl_json_dumps(v);
        if (text != NULL) {
            sb_add(b, text);
        }
        free(text);
    }
}

static json_t *fn_format(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (n < 1) {
        return ifail(ev, "The function 'States.Format' requires at least 1 argument");
    }
    if (!need_type(ev, call, v, 0, JSON_STRING)) {
        return NULL;
    }
    /* A literal template keeps its escapes so that \{ is a brace, not a placeholder. */
    bool literal = call->args[0].kind == IA_LIT && call->args[0].raw != NULL;
    const char *t = literal ? call->args[0].raw : json_string_value(v[0]);
    sbuf b = {0};
    size_t used = 0;
    for (size_t i = 0; t[i] != '\0'; i++) {
        if (literal && t[i] == '\\' && t[i + 1] != '\0') {
            sb_addc(&b, t[++i]);
        } else if (t[i] == '{' && t[i + 1] == '}') {
            used++;
            if (used < n) {
                format_value(&b, v[used]);
            }
            i++;
        } else {
            sb_addc(&b, t[i]);
        }
    }
    if (used != n - 1) {
        free(b.p);
        return ifail(ev,
                     "The function 'States.Format' has %zu placeholder%s but %zu value%s to "
                     "format",
                     used, used == 1 ? "" : "s", n - 1, n - 1 == 1 ? "" : "s");
    }
    char *s = sb_take(&b);
    json_t *out = s != NULL ? json_string(s) : NULL;
    free(s);
    if (out == NULL) {
        return ifail(ev, "The function 'States.Format' produced an invalid string");
    }
    return out;
}

static json_t *fn_string_to_json(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1) || !need_type(ev, call, v, 0, JSON_STRING)) {
        return NULL;
    }
    json_error_t jerr;
    json_t *out =
        json_loadb(json_string_value(v[0]), json_string_length(v[0]), JSON_DECODE_ANY, &jerr);
    if (out == NULL) {
        return ifail(ev, "The function 'States.StringToJson' could not parse its argument: %s",
                     jerr.text);
    }
    return out;
}

static json_t *fn_json_to_string(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1)) {
        return NULL;
    }
    char *text = asl_json_dumps(v[0]);
    json_t *out = text != NULL ? json_string(text) : NULL;
    free(text);
    return out != NULL ? out : ifail(ev, "Out of memory");
}

static json_t *fn_array(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    (void)call;
    json_t *out = json_array();
    for (size_t i = 0; out != NULL && i < n; i++) {
        (void)json_array_append(out, v[i]);
    }
    return out != NULL ? out : ifail(ev, "Out of memory");
}

static json_t *fn_array_partition(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    long long size = 0;
    if (!need_args(ev, call, n, 2, 2) || !need_type(ev, call, v, 0, JSON_ARRAY) ||
        !need_int(ev, call, v, 1, &size)) {
        return NULL;
    }
    if (size <= 0) {
        return ifail(ev, "The chunk size of the function 'States.ArrayPartition' must be a "
                         "positive integer");
    }
    json_t *out = json_array();
    json_t *chunk = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(v[0], i, item)
    {
        if (chunk == NULL) {
            chunk = json_array();
            (void)json_array_append_new(out, chunk);
        }
        (void)json_array_append(chunk, item);
        if ((long long)json_array_size(chunk) == size) {
            chunk = NULL;
        }
    }
    return out;
}

static json_t *fn_array_contains(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 2, 2) || !need_type(ev, call, v, 0, JSON_ARRAY)) {
        return NULL;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v[0], i, item)
    {
        if (value_equal(item, v[1])) {
            return json_true();
        }
    }
    return json_false();
}

static json_t *fn_array_range(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    long long start = 0, end = 0, step = 0;
    if (!need_args(ev, call, n, 3, 3) || !need_int(ev, call, v, 0, &start) ||
        !need_int(ev, call, v, 1, &end) || !need_int(ev, call, v, 2, &step)) {
        return NULL;
    }
    if (step == 0) {
        return ifail(ev, "The step of the function 'States.ArrayRange' must not be 0");
    }
    long long count = 0;
    if ((step > 0 && end >= start) || (step < 0 && end <= start)) {
        count = (end - start) / step + 1;
    }
    if (count > 1000) {
        return ifail(ev,
                     "The function 'States.ArrayRange' would return %lld items; at most 1000 "
                     "are allowed",
                     count);
    }
    json_t *out = json_array();
    for (long long k = 0; out != NULL && k < count; k++) {
        (void)json_array_append_new(out, json_integer((json_int_t)(start + k * step)));
    }
    return out;
}

static json_t *fn_array_get_item(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    long long idx = 0;
    if (!need_args(ev, call, n, 2, 2) || !need_type(ev, call, v, 0, JSON_ARRAY) ||
        !need_int(ev, call, v, 1, &idx)) {
        return NULL;
    }
    if (idx < 0 || idx >= (long long)json_array_size(v[0])) {
        return ifail(ev,
                     "The index %lld is out of bounds for the function 'States.ArrayGetItem' "
                     "(array of %zu items)",
                     idx, json_array_size(v[0]));
    }
    return json_deep_copy(json_array_get(v[0], (size_t)idx));
}

static json_t *fn_array_length(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1) || !need_type(ev, call, v, 0, JSON_ARRAY)) {
        return NULL;
    }
    return json_integer((json_int_t)json_array_size(v[0]));
}

static json_t *fn_array_unique(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1) || !need_type(ev, call, v, 0, JSON_ARRAY)) {
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v[0], i, item)
    {
        bool seen = false;
        for (size_t k = 0; k < json_array_size(out) && !seen; k++) {
            seen = value_equal(json_array_get(out, k), item);
        }
        if (!seen) {
            (void)json_array_append(out, item);
        }
    }
    return out;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *fn_base64_encode(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1) || !need_type(ev, call, v, 0, JSON_STRING)) {
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)json_string_value(v[0]);
    size_t len = json_string_length(v[0]);
    if (len > 10000) {
        return ifail(ev, "The input of the function 'States.Base64Encode' is longer than 10000 "
                         "characters");
    }
    char *text = emu_base64_encode(s, len);
    json_t *out = text != NULL ? json_string(text) : NULL;
    free(text);
    return out;
}

static int b64_value(char c)
{
    const char *at = c != '\0' ? strchr(b64_alphabet, c) : NULL;
    return at != NULL ? (int)(at - b64_alphabet) : -1;
}

static json_t *fn_base64_decode(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 1, 1) || !need_type(ev, call, v, 0, JSON_STRING)) {
        return NULL;
    }
    const char *s = json_string_value(v[0]);
    size_t len = json_string_length(v[0]);
    if (len > 10000) {
        return ifail(ev, "The input of the function 'States.Base64Decode' is longer than 10000 "
                         "characters");
    }
    if (len % 4 != 0) {
        return ifail(ev, "The input of the function 'States.Base64Decode' is not valid base64");
    }
    sbuf b = {0};
    for (size_t i = 0; i < len; i += 4) {
        int q[4];
        size_t pad = 0;
        for (int k = 0; k < 4; k++) {
            if (s[i + (size_t)k] == '=' && i + 4 == len && k >= 2) {
                q[k] = 0;
                pad++;
            } else {
                q[k] = pad > 0 ? -1 : b64_value(s[i + (size_t)k]);
            }
            if (q[k] < 0) {
                free(b.p);
                return ifail(ev,
                             "The input of the function 'States.Base64Decode' is not valid base64");
            }
        }
        unsigned int x = ((unsigned int)q[0] << 18) | ((unsigned int)q[1] << 12) |
                         ((unsigned int)q[2] << 6) | (unsigned int)q[3];
        sb_addc(&b, (char)((x >> 16) & 0xff));
        if (pad < 2) {
            sb_addc(&b, (char)((x >> 8) & 0xff));
        }
        if (pad < 1) {
            sb_addc(&b, (char)(x & 0xff));
        }
    }
    json_t *out = b.oom ? NULL : json_stringn(b.p != NULL ? b.p : "", b.len);
    free(b.p);
    if (out == NULL) {
        return ifail(ev, "The decoded value of the function 'States.Base64Decode' is not UTF-8 "
                         "text");
    }
    return out;
}

static json_t *fn_hash(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 2, 2) || !need_type(ev, call, v, 1, JSON_STRING)) {
        return NULL;
    }
    static const struct {
        const char *asl;
        const char *openssl;
    } algos[] = {{"MD5", "MD5"},
                 {"SHA-1", "SHA1"},
                 {"SHA-256", "SHA256"},
                 {"SHA-384", "SHA384"},
                 {"SHA-512", "SHA512"}};
    const char *name = json_string_value(v[1]);
    const EVP_MD *md = NULL;
    for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
        if (strcmp(name, algos[i].asl) == 0) {
            md = EVP_get_digestbyname(algos[i].openssl);
        }
    }
    if (md == NULL) {
        return ifail(ev,
                     "The algorithm '%s' of the function 'States.Hash' is not one of MD5, SHA-1, "
                     "SHA-256, SHA-384, SHA-512",
                     name);
    }
    char *owned = NULL;
    const char *data;
    size_t len;
    if (json_is_string(v[0])) {
        data = json_string_value(v[0]);
        len = json_string_length(v[0]);
    } else {
        owned = asl_json_dumps(v[0]);
        data = owned != NULL ? owned : "";
        len = strlen(data);
    }
    if (len > 10000) {
        free(owned);
        return ifail(ev, "The data of the function 'States.Hash' is longer than 10000 characters");
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    int ok = EVP_Digest(data, len, digest, &dlen, md, NULL);
    free(owned);
    if (ok != 1) {
        return ifail(ev, "The function 'States.Hash' failed");
    }
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < dlen; i++) {
        (void)snprintf(hex + (size_t)2 * i, 3, "%02x", digest[i]);
    }
    hex[(size_t)2 * dlen] = '\0';
    return json_string(hex);
}

static json_t *fn_json_merge(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 3, 3) || !need_type(ev, call, v, 0, JSON_OBJECT) ||
        !need_type(ev, call, v, 1, JSON_OBJECT) || !need_type(ev, call, v, 2, JSON_TRUE)) {
        return NULL;
    }
    if (json_is_true(v[2])) {
        return ifail(ev, "The function 'States.JsonMerge' supports only the shallow merge: its "
                         "third argument must be false");
    }
    json_t *out = json_deep_copy(v[0]);
    json_t *add = json_deep_copy(v[1]);
    if (out == NULL || add == NULL || json_object_update(out, add) != 0) {
        json_decref(out);
        json_decref(add);
        return ifail(ev, "Out of memory");
    }
    json_decref(add);
    return out;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static json_t *fn_math_random(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    long long start = 0, end = 0, seed = 0;
    if (!need_args(ev, call, n, 2, 3) || !need_int(ev, call, v, 0, &start) ||
        !need_int(ev, call, v, 1, &end) || (n == 3 && !need_int(ev, call, v, 2, &seed))) {
        return NULL;
    }
    if (llabs(start) > 9007199254740991LL || llabs(end) > 9007199254740991LL) {
        return ifail(ev, "The arguments of the function 'States.MathRandom' are out of range");
    }
    if (end <= start) {
        return ifail(ev,
                     "The end (%lld) of the function 'States.MathRandom' must be greater than "
                     "its start (%lld)",
                     end, start);
    }
    uint64_t r = 0;
    if (n == 3) {
        r = splitmix64((uint64_t)seed);
    } else if (RAND_bytes((unsigned char *)&r, (int)sizeof(r)) != 1) {
        return ifail(ev, "The function 'States.MathRandom' could not get random bytes");
    }
    uint64_t span = (uint64_t)end - (uint64_t)start;
    return json_integer((json_int_t)(start + (long long)(r % span)));
}

static json_t *fn_math_add(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    long long a = 0, b = 0;
    if (!need_args(ev, call, n, 2, 2) || !need_int(ev, call, v, 0, &a) ||
        !need_int(ev, call, v, 1, &b)) {
        return NULL;
    }
    if (a < INT32_MIN || a > INT32_MAX || b < INT32_MIN || b > INT32_MAX) {
        return ifail(ev, "The arguments of the function 'States.MathAdd' must be between "
                         "-2147483648 and 2147483647");
    }
    return json_integer((json_int_t)(a + b));
}

static json_t *fn_string_split(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    if (!need_args(ev, call, n, 2, 2) || !need_type(ev, call, v, 0, JSON_STRING) ||
        !need_type(ev, call, v, 1, JSON_STRING)) {
        return NULL;
    }
    /* Every character of the splitter is a delimiter; empty pieces are dropped. */
    const char *s = json_string_value(v[0]);
    size_t len = json_string_length(v[0]);
    const char *delims = json_string_value(v[1]);
    json_t *out = json_array();
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        bool delim = i == len || (s[i] != '\0' && strchr(delims, s[i]) != NULL);
        if (delim) {
            if (i > start) {
                json_t *piece = json_stringn(s + start, i - start);
                if (piece != NULL) {
                    (void)json_array_append_new(out, piece);
                }
            }
            start = i + 1;
        }
    }
    return out;
}

static json_t *fn_uuid(const ieval *ev, const iarg *call, json_t **v, size_t n)
{
    (void)v;
    if (!need_args(ev, call, n, 0, 0)) {
        return NULL;
    }
    unsigned char r[16];
    if (RAND_bytes(r, (int)sizeof(r)) != 1) {
        return ifail(ev, "The function 'States.UUID' could not get random bytes");
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    char out[37];
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        (void)snprintf(out + o, 3, "%02x", r[i]);
        o += 2;
    }
    out[o] = '\0';
    return json_string(out);
}

static const struct intrinsic {
    const char *name;
    intrinsic_fn fn;
} intrinsics[] = {
    {"States.Format", fn_format},
    {"States.StringToJson", fn_string_to_json},
    {"States.JsonToString", fn_json_to_string},
    {"States.Array", fn_array},
    {"States.ArrayPartition", fn_array_partition},
    {"States.ArrayContains", fn_array_contains},
    {"States.ArrayRange", fn_array_range},
    {"States.ArrayGetItem", fn_array_get_item},
    {"States.ArrayLength", fn_array_length},
    {"States.ArrayUnique", fn_array_unique},
    {"States.Base64Encode", fn_base64_encode},
    {"States.Base64Decode", fn_base64_decode},
    {"States.Hash", fn_hash},
    {"States.JsonMerge", fn_json_merge},
    {"States.MathRandom", fn_math_random},
    {"States.MathAdd", fn_math_add},
    {"States.StringSplit", fn_string_split},
    {"States.UUID", fn_uuid},
};

static intrinsic_fn intrinsic_find(const char *name)
{
    for (size_t i = 0; i < sizeof(intrinsics) / sizeof(intrinsics[0]); i++) {
        if (strcmp(intrinsics[i].name, name) == 0) {
            return intrinsics[i].fn;
        }
    }
    return NULL;
}

static bool iarg_known(const iarg *a)
{
    if (a->kind != IA_CALL) {
        return true;
    }
    if (intrinsic_find(a->text) == NULL) {
        return false;
    }
    for (size_t i = 0; i < a->nargs; i++) {
        if (!iarg_known(&a->args[i])) {
            return false;
        }
    }
    return true;
}

static json_t *ieval_arg(const ieval *ev, const iarg *a)
{
    switch (a->kind) {
    case IA_LIT: return json_incref(a->lit);
    case IA_PATH: return asl_path_get_field(ev->input, a->text, ev->context, ev->field, ev->err);
    case IA_CALL: break;
    }
    intrinsic_fn fn = intrinsic_find(a->text);
    if (fn == NULL) {
        return ifail(ev, "The intrinsic function '%s' is not supported", a->text);
    }
    json_t **vals = calloc(a->nargs + 1, sizeof(json_t *));
    if (vals == NULL) {
        return ifail(ev, "Out of memory");
    }
    json_t *out = NULL;
    size_t got = 0;
    for (; got < a->nargs; got++) {
        vals[got] = ieval_arg(ev, &a->args[got]);
        if (vals[got] == NULL) {
            break;
        }
    }
    if (got == a->nargs) {
        out = fn(ev, a, vals, a->nargs);
    }
    for (size_t i = 0; i < got; i++) {
        json_decref(vals[i]);
    }
    free(vals);
    return out;
}

static json_t *intrinsic_eval(const char *expr, json_t *input, json_t *context, const char *field,
                              emu_error *err)
{
    iarg call;
    char why[200];
    ieval ev = {input != NULL ? input : json_null(), context, field, err};
    if (!ip_parse(expr, &call, why, sizeof(why))) {
        return ifail(&ev, "Invalid intrinsic function call '%s': %s", expr != NULL ? expr : "",
                     why);
    }
    json_t *empty = NULL;
    if (context == NULL) {
        ev.context = empty = json_object();
    }
    json_t *out = ieval_arg(&ev, &call);
    json_decref(empty);
    iarg_clear(&call);
    return out;
}

json_t *asl_intrinsic(const char *expr, json_t *input, json_t *context, emu_error *err)
{
    return intrinsic_eval(expr, input, context, NULL, err);
}

bool asl_intrinsic_valid(const char *expr)
{
    iarg call;
    if (!ip_parse(expr, &call, NULL, 0)) {
        return false;
    }
    bool ok = iarg_known(&call);
    iarg_clear(&call);
    return ok;
}

json_t *asl_resolve(const char *expr, json_t *input, json_t *context, const char *field,
                    emu_error *err)
{
    if (expr != NULL && expr[0] == '$') {
        return asl_path_get_field(input, expr, context, field, err);
    }
    if (expr != NULL && strncmp(expr, "States.", 7) == 0) {
        return intrinsic_eval(expr, input, context, field, err);
    }
    (void)asl_fail(err, ASL_RUNTIME,
                   "The value for the field '%s' must be a valid JSONPath or a valid intrinsic "
                   "function call",
                   field != NULL ? field : "");
    return NULL;
}

/* ---- payload templates and input/output processing --------------------------------- */

static bool dollar_key(const char *key)
{
    size_t n = strlen(key);
    return n > 2 && key[n - 2] == '.' && key[n - 1] == '$';
}

json_t *asl_apply_parameters(json_t *tmpl, json_t *input, json_t *context, emu_error *err)
{
    if (json_is_array(tmpl)) {
        json_t *out = json_array();
        size_t i;
        json_t *val;
        json_array_foreach(tmpl, i, val)
        {
            json_t *v = asl_apply_parameters(val, input, context, err);
            if (v == NULL) {
                json_decref(out);
                return NULL;
            }
            (void)json_array_append_new(out, v);
        }
        return out;
    }
    if (!json_is_object(tmpl)) {
        return tmpl != NULL ? json_deep_copy(tmpl) : json_null();
    }
    json_t *out = json_object();
    const char *key;
    json_t *val;
    json_object_foreach(tmpl, key, val)
    {
        json_t *v;
        char *name = NULL;
        if (dollar_key(key)) {
            const char *expr = json_string_value(val);
            if (expr == NULL) {
                (void)asl_fail(err, ASL_RUNTIME,
                               "The value for the field '%s' must be a valid JSONPath or a valid "
                               "intrinsic function call",
                               key);
                json_decref(out);
                return NULL;
            }
            v = asl_resolve(expr, input, context, key, err);
            name = str_ndup(key, strlen(key) - 2);
        } else {
            v = asl_apply_parameters(val, input, context, err);
        }
        if (v == NULL) {
            free(name);
            json_decref(out);
            return NULL;
        }
        (void)json_object_set_new(out, name != NULL ? name : key, v);
        free(name);
    }
    return out;
}

static const char *state_type(json_t *state)
{
    const char *t = json_string_value(json_object_get(state, "Type"));
    return t != NULL ? t : "";
}

/* InputPath / OutputPath: absent "$", null {}, else a path. */
static json_t *filter_path(json_t *field, json_t *value, json_t *context, emu_error *err)
{
    if (field == NULL) {
        return json_deep_copy(value != NULL ? value : json_null());
    }
    if (json_is_null(field)) {
        return json_object();
    }
    if (!json_is_string(field)) {
        (void)asl_fail(err, ASL_RUNTIME, "InputPath and OutputPath must be strings or null");
        return NULL;
    }
    return asl_path_get(value, json_string_value(field), context, err);
}

json_t *asl_effective_input(json_t *state, json_t *raw_input, json_t *context, emu_error *err)
{
    json_t *in = filter_path(json_object_get(state, "InputPath"), raw_input, context, err);
    if (in == NULL || strcmp(state_type(state), "Map") == 0) {
        return in;
    }
    json_t *params = json_object_get(state, "Parameters");
    if (params == NULL) {
        return in;
    }
    json_t *out = asl_apply_parameters(params, in, context, err);
    json_decref(in);
    return out;
}

json_t *asl_effective_output(json_t *state, json_t *raw_input, json_t *result, json_t *context,
                             emu_error *err)
{
    json_t *cur;
    if (result == NULL) {
        cur = json_deep_copy(raw_input != NULL ? raw_input : json_null());
    } else {
        json_t *selector = json_object_get(state, "ResultSelector");
        json_t *effective = selector != NULL ? asl_apply_parameters(selector, result, context, err)
                                             : json_incref(result);
        if (effective == NULL) {
            return NULL;
        }
        cur =
            asl_apply_result_path(raw_input, json_object_get(state, "ResultPath"), effective, err);
        json_decref(effective);
    }
    if (cur == NULL) {
        return NULL;
    }
    json_t *out = filter_path(json_object_get(state, "OutputPath"), cur, context, err);
    json_decref(cur);
    return out;
}

json_t *asl_pass_result(json_t *state, json_t *effective_input)
{
    json_t *result = json_object_get(state, "Result");
    if (result != NULL) {
        return json_deep_copy(result);
    }
    return json_deep_copy(effective_input != NULL ? effective_input : json_null());
}

json_t *asl_map_items(json_t *state, json_t *effective_input, json_t *context, emu_error *err)
{
    const char *path = json_string_value(json_object_get(state, "ItemsPath"));
    json_t *items = asl_path_get(effective_input, path != NULL ? path : "$", context, err);
    if (items != NULL && !json_is_array(items)) {
        char *text = asl_json_dumps(items);
        (void)asl_fail(err, ASL_RUNTIME,
                       "Invalid path '%s': The Map state's ItemsPath must point to a JSON array, "
                       "but it selected '%s'",
                       path != NULL ? path : "$", text != NULL ? text : "");
        free(text);
        json_decref(items);
        return NULL;
    }
    return items;
}

json_t *asl_map_item_input(json_t *state, json_t *effective_input, json_t *context, size_t index,
                           json_t *item, emu_error *err)
{
    json_t *selector = json_object_get(state, "ItemSelector");
    if (selector == NULL) {
        selector = json_object_get(state, "Parameters");
    }
    if (selector == NULL) {
        return json_deep_copy(item != NULL ? item : json_null());
    }
    /* Shallow: only the top-level "Map" member changes, and the rest (the execution's
     * input among it) is not copied once per item. */
    json_t *ctx = context != NULL ? json_copy(context) : json_object();
    asl_context_map_item(ctx, index, item);
    json_t *out = asl_apply_parameters(selector, effective_input, ctx, err);
    json_decref(ctx);
    return out;
}

/* ---- timestamps and strings ---------------------------------------------------------- */

typedef struct ts {
    long long sec;  /* epoch seconds */
    long long nsec; /* 0..999999999 */
} ts;

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* RFC 3339 as ASL wants it: "2016-08-18T17:33:00Z", uppercase T and Z, optional
 * fraction, or a numeric offset. */
static bool parse_ts(const char *s, ts *out)
{
    int y, mo, d, h, mi, se;
    if (s == NULL || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se)) {
        return false;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 ||
        mi > 59 || se > 60) {
        return false;
    }
    const char *p = s + 19;
    long long nsec = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (isdigit((unsigned char)*p)) {
            if (nd < 9) {
                nsec = nsec * 10 + (*p - '0');
            }
            nd++;
            p++;
        }
        if (nd == 0) {
            return false;
        }
        for (int k = nd; k < 9; k++) {
            nsec *= 10;
        }
    }
    long long offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59) {
            return false;
        }
        offset = (long long)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p != '\0') {
        return false;
    }
    out->sec =
        days_from_civil(y, mo, d) * 86400 + (long long)h * 3600 + (long long)mi * 60 + se - offset;
    out->nsec = nsec;
    return true;
}

static int ts_cmp(const ts *a, const ts *b)
{
    if (a->sec != b->sec) {
        return a->sec < b->sec ? -1 : 1;
    }
    return a->nsec < b->nsec ? -1 : (a->nsec > b->nsec ? 1 : 0);
}

bool asl_parse_timestamp(const char *s, double *epoch)
{
    ts t;
    if (!parse_ts(s, &t)) {
        return false;
    }
    if (epoch != NULL) {
        *epoch = (double)t.sec + (double)t.nsec / 1e9;
    }
    return true;
}

/* The next code point of UTF-8 text (invalid bytes read as themselves). */
static uint32_t utf8_next(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = p[0];
    int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (extra > 0) {
        uint32_t v = c & (0x3fU >> extra);
        int k = 1;
        for (; k <= extra && (p[k] & 0xc0) == 0x80; k++) {
            v = (v << 6) | (p[k] & 0x3fU);
        }
        if (k == extra + 1) {
            *s = p + k;
            return v;
        }
    }
    *s = p + 1;
    return c;
}

/* The first UTF-16 unit of a code point: what Java's String.compareTo looks at. */
static uint32_t utf16_lead(uint32_t cp, uint32_t *trail)
{
    if (cp >= 0x10000) {
        *trail = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        return 0xd800 + ((cp - 0x10000) >> 10);
    }
    *trail = 0;
    return cp;
}

/* Java's String.compareTo: UTF-16 code units, shorter prefix first. */
static int utf16_compare(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p != '\0' && *q != '\0') {
        uint32_t ta, tb;
        uint32_t ua = utf16_lead(utf8_next(&p), &ta);
        uint32_t ub = utf16_lead(utf8_next(&q), &tb);
        if (ua != ub) {
            return ua < ub ? -1 : 1;
        }
        if (ta != tb) {
            if (ta == 0 || tb == 0) {
                /* one side continues with the next code point's unit */
                return ta == 0 ? -1 : 1;
            }
            return ta < tb ? -1 : 1;
        }
    }
    if (*p == '\0' && *q == '\0') {
        return 0;
    }
    return *p == '\0' ? -1 : 1;
}

/* StringMatches: '*' matches any run, "\*" a star, "\\" a backslash. */
static bool glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    for (;;) {
        if (*pat == '*') {
            star = ++pat;
            resume = s;
            continue;
        }
        char want = *pat;
        size_t adv = 1;
        if (want == '\\' && (pat[1] == '*' || pat[1] == '\\')) {
            want = pat[1];
            adv = 2;
        }
        if (*s == '\0' && want == '\0') {
            return true;
        }
        if (*s != '\0' && want != '\0' && *s == want) {
            pat += adv;
            s++;
            continue;
        }
        if (star == NULL || *resume == '\0') {
            return false;
        }
        pat = star;
        s = ++resume;
    }
}

/* ---- Choice rules ---------------------------------------------------------------------- */

typedef enum op_type {
    T_STRING,
    T_NUMERIC,
    T_BOOLEAN,
    T_TIMESTAMP,
    T_MATCHES,
    T_IS_PRESENT,
    T_IS_NULL,
    T_IS_STRING,
    T_IS_NUMERIC,
    T_IS_BOOLEAN,
    T_IS_TIMESTAMP,
} op_type;

typedef enum op_cmp { C_EQ, C_LT, C_GT, C_LE, C_GE } op_cmp;

typedef struct choice_op {
    const char *name;
    op_type type;
    op_cmp cmp;
    bool path;
} choice_op;

#define CMP_OPS(prefix, type)                                                                      \
    {prefix "Equals", type, C_EQ, false}, {prefix "EqualsPath", type, C_EQ, true},                 \
        {prefix "LessThan", type, C_LT, false}, {prefix "LessThanPath", type, C_LT, true},         \
        {prefix "GreaterThan", type, C_GT, false}, {prefix "GreaterThanPath", type, C_GT, true},   \
        {prefix "LessThanEquals", type, C_LE, false},                                              \
        {prefix "LessThanEqualsPath", type, C_LE, true},                                           \
        {prefix "GreaterThanEquals", type, C_GE, false},                                           \
    {                                                                                              \
        prefix "GreaterThanEqualsPath", type, C_GE, true                                           \
    }

static const choice_op choice_ops[] = {
    CMP_OPS("String", T_STRING),
    CMP_OPS("Numeric", T_NUMERIC),
    CMP_OPS("Timestamp", T_TIMESTAMP),
    {"BooleanEquals", T_BOOLEAN, C_EQ, false},
    {"BooleanEqualsPath", T_BOOLEAN, C_EQ, true},
    {"StringMatches", T_MATCHES, C_EQ, false},
    {"IsPresent", T_IS_PRESENT, C_EQ, false},
    {"IsNull", T_IS_NULL, C_EQ, false},
    {"IsString", T_IS_STRING, C_EQ, false},
    {"IsNumeric", T_IS_NUMERIC, C_EQ, false},
    {"IsBoolean", T_IS_BOOLEAN, C_EQ, false},
    {"IsTimestamp", T_IS_TIMESTAMP, C_EQ, false},
};

static const choice_op *choice_op_find(const char *name)
{
    for (size_t i = 0; i < sizeof(choice_ops) / sizeof(choice_ops[0]); i++) {
        if (strcmp(choice_ops[i].name, name) == 0) {
            return &choice_ops[i];
        }
    }
    return NULL;
}

static int invalid_choice_path(const char *path, emu_error *err)
{
    return asl_fail(err, ASL_RUNTIME,
                    "Invalid path '%s': The choice state's condition path references an invalid "
                    "value.",
                    path);
}

static bool cmp_result(int c, op_cmp cmp)
{
    switch (cmp) {
    case C_EQ: return c == 0;
    case C_LT: return c < 0;
    case C_GT: return c > 0;
    case C_LE: return c <= 0;
    case C_GE: return c >= 0;
    }
    return false;
}

/* Compares a Variable's value with the operand; false on a type mismatch. */
static bool compare_typed(const choice_op *op, json_t *var, json_t *operand)
{
    switch (op->type) {
    case T_STRING:
        return json_is_string(var) && json_is_string(operand) &&
               cmp_result(utf16_compare(json_string_value(var), json_string_value(operand)),
                          op->cmp);
    case T_NUMERIC: {
        if (!json_is_number(var) || !json_is_number(operand)) {
            return false;
        }
        int c;
        if (json_is_integer(var) && json_is_integer(operand)) {
            json_int_t x = json_integer_value(var), y = json_integer_value(operand);
            c = x < y ? -1 : (x > y ? 1 : 0);
        } else {
            double x = json_number_value(var), y = json_number_value(operand);
            c = x < y ? -1 : (x > y ? 1 : 0);
        }
        return cmp_result(c, op->cmp);
    }
    case T_BOOLEAN:
        return json_is_boolean(var) && json_is_boolean(operand) &&
               json_is_true(var) == json_is_true(operand);
    case T_TIMESTAMP: {
        ts a, b;
        return json_is_string(var) && json_is_string(operand) &&
               parse_ts(json_string_value(var), &a) && parse_ts(json_string_value(operand), &b) &&
               cmp_result(ts_cmp(&a, &b), op->cmp);
    }
    case T_MATCHES:
        return json_is_string(var) && json_is_string(operand) &&
               glob_match(json_string_value(operand), json_string_value(var));
    default: break;
    }
    return false;
}

int asl_rule_matches(json_t *rule, json_t *input, json_t *context, emu_error *err)
{
    if (!json_is_object(rule)) {
        return asl_fail(err, ASL_RUNTIME, "A Choice rule must be a JSON object");
    }
    json_t *list = json_object_get(rule, "And");
    bool is_and = list != NULL;
    if (list == NULL) {
        list = json_object_get(rule, "Or");
    }
    if (list != NULL) {
        if (!json_is_array(list)) {
            return asl_fail(err, ASL_RUNTIME, "And and Or take an array of Choice rules");
        }
        size_t i;
        json_t *sub;
        json_array_foreach(list, i, sub)
        {
            int r = asl_rule_matches(sub, input, context, err);
            if (r < 0) {
                return -1;
            }
            if (is_and && r == 0) {
                return 0;
            }
            if (!is_and && r == 1) {
                return 1;
            }
        }
        return is_and ? 1 : 0;
    }
    json_t *not_rule = json_object_get(rule, "Not");
    if (not_rule != NULL) {
        int r = asl_rule_matches(not_rule, input, context, err);
        return r < 0 ? -1 : !r;
    }
    const choice_op *op = NULL;
    json_t *operand = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(rule, key, val)
    {
        op = choice_op_find(key);
        if (op != NULL) {
            operand = val;
            break;
        }
    }
    const char *variable = json_string_value(json_object_get(rule, "Variable"));
    if (op == NULL || variable == NULL) {
        return asl_fail(err, ASL_RUNTIME,
                        "A Choice rule needs a Variable and a comparison operator");
    }
    json_t *var = NULL;
    int found = path_lookup(input, variable, context, &var, err);
    if (found < 0) {
        return -1;
    }
    if (op->type == T_IS_PRESENT) {
        json_decref(var);
        return (found == 1) == json_is_true(operand);
    }
    if (found == 0) {
        return invalid_choice_path(variable, err);
    }
    bool result;
    switch (op->type) {
    case T_IS_NULL: result = json_is_null(var) == json_is_true(operand); break;
    case T_IS_STRING: result = json_is_string(var) == json_is_true(operand); break;
    case T_IS_NUMERIC: result = json_is_number(var) == json_is_true(operand); break;
    case T_IS_BOOLEAN: result = json_is_boolean(var) == json_is_true(operand); break;
    case T_IS_TIMESTAMP: {
        ts t;
        bool is_ts = json_is_string(var) && parse_ts(json_string_value(var), &t);
        result = is_ts == json_is_true(operand);
        break;
    }
    default:
        if (op->path) {
            const char *other_path = json_string_value(operand);
            json_t *other = NULL;
            int got = other_path != NULL ? path_lookup(input, other_path, context, &other, err) : 0;
            if (got <= 0) {
                json_decref(var);
                return got < 0 ? -1 : invalid_choice_path(other_path ? other_path : "", err);
            }
            result = compare_typed(op, var, other);
            json_decref(other);
        } else {
            result = compare_typed(op, var, operand);
        }
        break;
    }
    json_decref(var);
    return result ? 1 : 0;
}

int asl_choose(json_t *choice_state, json_t *input, json_t *context, const char **next,
               emu_error *err)
{
    *next = NULL;
    json_t *choices = json_object_get(choice_state, "Choices");
    size_t i;
    json_t *rule;
    json_array_foreach(choices, i, rule)
    {
        int r = asl_rule_matches(rule, input, context, err);
        if (r < 0) {
            return -1;
        }
        if (r == 1) {
            *next = json_string_value(json_object_get(rule, "Next"));
            if (*next == NULL) {
                return asl_fail(err, ASL_RUNTIME, "The matching Choice rule has no Next");
            }
            return 0;
        }
    }
    *next = json_string_value(json_object_get(choice_state, "Default"));
    if (*next == NULL) {
        return asl_fail(err, "States.NoChoiceMatched",
                        "No Choice rule matched the input and the Choice state has no Default");
    }
    return 0;
}

/* ---- errors --------------------------------------------------------------------------- */

static bool terminal_error(const char *error)
{
    return strcmp(error, "States.Runtime") == 0 || strcmp(error, "States.DataLimitExceeded") == 0;
}

bool asl_error_matches(json_t *error_equals, const char *error)
{
    if (!json_is_array(error_equals) || error == NULL) {
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(error_equals, i, v)
    {
        const char *name = json_string_value(v);
        if (name == NULL) {
            continue;
        }
        if (strcmp(name, error) == 0) {
            return true;
        }
        if (strcmp(name, "States.ALL") == 0 && !terminal_error(error)) {
            return true;
        }
        if (strcmp(name, "States.TaskFailed") == 0 && !terminal_error(error) &&
            strcmp(error, "States.Timeout") != 0 && strcmp(error, "States.HeartbeatTimeout") != 0) {
            return true;
        }
        if (strcmp(name, "States.Timeout") == 0 && strcmp(error, "States.HeartbeatTimeout") == 0) {
            return true;
        }
    }
    return false;
}

int asl_find_handler(json_t *handlers, const char *error)
{
    size_t i;
    json_t *h;
    json_array_foreach(handlers, i, h)
    {
        if (asl_error_matches(json_object_get(h, "ErrorEquals"), error)) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- the context object ----------------------------------------------------------------- */

json_t *asl_context_new(const char *execution_arn, const char *execution_name, json_t *input,
                        const char *state_machine_arn, const char *state_machine_name,
                        const char *start_time_iso, const char *role_arn)
{
#define S(x) ((x) != NULL ? (x) : "")
    json_t *in = input != NULL ? json_deep_copy(input) : json_object();
    return json_pack("{s:{s:s,s:o,s:s,s:s,s:s,s:i},s:{s:s,s:s},s:{}}", "Execution", "Id",
                     S(execution_arn), "Input", in, "Name", S(execution_name), "RoleArn",
                     S(role_arn), "StartTime", S(start_time_iso), "RedriveCount", 0, "StateMachine",
                     "Id", S(state_machine_arn), "Name", S(state_machine_name), "State");
#undef S
}

void asl_context_enter(json_t *ctx, const char *state_name, const char *entered_time_iso,
                       int retry_count)
{
    if (!json_is_object(ctx)) {
        return;
    }
    (void)json_object_set_new(
        ctx, "State",
        json_pack("{s:s,s:s,s:i}", "EnteredTime", entered_time_iso != NULL ? entered_time_iso : "",
                  "Name", state_name != NULL ? state_name : "", "RetryCount", retry_count));
    (void)json_object_del(ctx, "Task");
}

void asl_context_map_item(json_t *ctx, size_t index, json_t *value)
{
    if (!json_is_object(ctx)) {
        return;
    }
    json_t *v = value != NULL ? json_deep_copy(value) : json_null();
    (void)json_object_set_new(
        ctx, "Map", json_pack("{s:{s:I,s:o}}", "Item", "Index", (json_int_t)index, "Value", v));
}

void asl_context_set_task_token(json_t *ctx, const char *token)
{
    if (!json_is_object(ctx)) {
        return;
    }
    (void)json_object_set_new(ctx, "Task", json_pack("{s:s}", "Token", token != NULL ? token : ""));
}

/* ---- static checks of a definition ------------------------------------------------------ */

typedef struct vctx {
    json_t *diags;
    json_t *seen; /* every state name of the machine, branches included */
} vctx;

static void diag(vctx *v, const char *code, const char *location, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void diag(vctx *v, const char *code, const char *location, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *m = json_string(msg);
    /* a name cut in the middle of a UTF-8 sequence by the buffer */
    for (size_t n = strlen(msg); m == NULL && n > 0; n--) {
        msg[n - 1] = '\0';
        m = json_string(msg);
    }
    json_t *d = json_pack("{s:s,s:s,s:o*}", "severity", "ERROR", "code", code, "message", m);
    if (d == NULL) {
        return;
    }
    if (location != NULL) {
        json_t *l = json_string(location);
        if (l != NULL) {
            (void)json_object_set_new(d, "location", l);
        }
    }
    (void)json_array_append_new(v->diags, d);
}

#define SCHEMA "SCHEMA_VALIDATION_FAILED"
#define TARGET "MISSING_TRANSITION_TARGET"

typedef char loc_t[1024];

static void locf(loc_t out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void locf(loc_t out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, sizeof(loc_t), fmt, ap);
    va_end(ap);
    if (n < 0) {
        out[0] = '\0';
    }
}

static const char *json_kind(json_type t)
{
    switch (t) {
    case JSON_OBJECT: return "OBJECT";
    case JSON_ARRAY: return "ARRAY";
    case JSON_STRING: return "STRING";
    case JSON_INTEGER: return "INTEGER";
    case JSON_REAL: return "NUMBER";
    case JSON_TRUE:
    case JSON_FALSE: return "BOOLEAN";
    case JSON_NULL: return "NULL";
    }
    return "VALUE";
}

/* Reports a value of the wrong JSON type; true when it has the right one. */
static bool want_type(vctx *v, json_t *val, json_type t, const char *loc)
{
    bool ok = t == JSON_TRUE ? json_is_boolean(val) : json_typeof(val) == t;
    if (t == JSON_REAL) {
        ok = json_is_number(val);
    }
    if (!ok) {
        diag(v, SCHEMA, loc, "Expected value of type [%s]", json_kind(t));
    }
    return ok;
}

static bool in_list(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* An integer field within [min, max]. */
static void want_int(vctx *v, json_t *obj, const char *field, long long min, long long max,
                     const char *state_loc)
{
    json_t *val = json_object_get(obj, field);
    if (val == NULL) {
        return;
    }
    loc_t loc;
    locf(loc, "%s/%s", state_loc, field);
    if (!json_is_integer(val)) {
        diag(v, SCHEMA, loc, "Expected value of type [INTEGER]");
    } else if (json_integer_value(val) < min || json_integer_value(val) > max) {
        diag(v, SCHEMA, loc, "The value for the field '%s' must be between %lld and %lld", field,
             min, max);
    }
}

/* InputPath, OutputPath, ItemsPath, ...: a path, or null where allowed. */
static void want_path(vctx *v, json_t *obj, const char *field, bool nullable, bool reference,
                      const char *state_loc)
{
    json_t *val = json_object_get(obj, field);
    if (val == NULL || (nullable && json_is_null(val))) {
        return;
    }
    loc_t loc;
    locf(loc, "%s/%s", state_loc, field);
    if (!want_type(v, val, JSON_STRING, loc)) {
        return;
    }
    const char *path = json_string_value(val);
    if (reference ? !asl_reference_path_valid(path) : !asl_path_valid(path)) {
        diag(v, SCHEMA, loc, "The value for the field '%s' must be a valid %s", field,
             reference ? "reference path" : "JSONPath");
    }
}

/* Parameters, ResultSelector, ItemSelector: ".$" keys need a path or intrinsic call. */
static void want_template(vctx *v, json_t *tmpl, const char *loc)
{
    if (json_is_array(tmpl)) {
        size_t i;
        json_t *val;
        json_array_foreach(tmpl, i, val)
        {
            loc_t sub;
            locf(sub, "%s[%zu]", loc, i);
            want_template(v, val, sub);
        }
        return;
    }
    if (!json_is_object(tmpl)) {
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(tmpl, key, val)
    {
        loc_t sub;
        locf(sub, "%s/%s", loc, key);
        if (!dollar_key(key)) {
            want_template(v, val, sub);
            continue;
        }
        const char *expr = json_string_value(val);
        bool ok = expr != NULL && ((expr[0] == '$' && asl_path_valid(expr)) ||
                                   (strncmp(expr, "States.", 7) == 0 && asl_intrinsic_valid(expr)));
        if (!ok) {
            diag(v, SCHEMA, sub,
                 "The value for the field '%s' must be a valid JSONPath or a valid intrinsic "
                 "function call",
                 key);
        }
    }
}

static void want_target(vctx *v, json_t *obj, const char *field, json_t *states, const char *loc)
{
    json_t *val = json_object_get(obj, field);
    if (val == NULL) {
        return;
    }
    loc_t at;
    locf(at, "%s/%s", loc, field);
    if (!want_type(v, val, JSON_STRING, at)) {
        return;
    }
    if (json_object_get(states, json_string_value(val)) == NULL) {
        diag(v, TARGET, at, "Missing 'Next' target: %s", json_string_value(val));
    }
}

/* ErrorEquals of retriers and catchers; States.ALL alone and in the last one. */
static void want_handlers(vctx *v, json_t *st, const char *field, json_t *states,
                          const char *state_loc)
{
    json_t *list = json_object_get(st, field);
    if (list == NULL) {
        return;
    }
    loc_t loc;
    locf(loc, "%s/%s", state_loc, field);
    if (!want_type(v, list, JSON_ARRAY, loc)) {
        return;
    }
    bool retry = strcmp(field, "Retry") == 0;
    static const char *const retry_fields[] = {
        "ErrorEquals",     "IntervalSeconds", "MaxAttempts", "BackoffRate",
        "MaxDelaySeconds", "JitterStrategy",  "Comment",     NULL};
    static const char *const catch_fields[] = {"ErrorEquals", "Next", "ResultPath", "Comment",
                                               NULL};
    size_t i;
    json_t *h;
    json_array_foreach(list, i, h)
    {
        loc_t hl;
        locf(hl, "%s[%zu]", loc, i);
        if (!want_type(v, h, JSON_OBJECT, hl)) {
            continue;
        }
        const char *key;
        json_t *val;
        json_object_foreach(h, key, val)
        {
            if (!in_list(key, retry ? retry_fields : catch_fields)) {
                diag(v, SCHEMA, hl, "Field '%s' is not supported", key);
            }
        }
        json_t *eq = json_object_get(h, "ErrorEquals");
        loc_t el;
        locf(el, "%s/ErrorEquals", hl);
        if (eq == NULL) {
            diag(v, SCHEMA, hl, "These fields are required: [ErrorEquals]");
        } else if (want_type(v, eq, JSON_ARRAY, el)) {
            if (json_array_size(eq) == 0) {
                diag(v, SCHEMA, el, "The field 'ErrorEquals' must not be empty");
            }
            size_t k;
            json_t *name;
            json_array_foreach(eq, k, name)
            {
                loc_t nl;
                locf(nl, "%s[%zu]", el, k);
                if (!want_type(v, name, JSON_STRING, nl)) {
                    continue;
                }
                if (strcmp(json_string_value(name), "States.ALL") != 0) {
                    continue;
                }
                if (json_array_size(eq) > 1) {
                    diag(v, SCHEMA, el, "'States.ALL' must appear alone in 'ErrorEquals'");
                }
                if (i + 1 != json_array_size(list)) {
                    diag(v, SCHEMA, el, "'States.ALL' must appear in the last %s",
                         retry ? "retrier" : "catcher");
                }
            }
        }
        if (retry) {
            want_int(v, h, "IntervalSeconds", 1, 99999999, hl);
            want_int(v, h, "MaxAttempts", 0, 99999999, hl);
            want_int(v, h, "MaxDelaySeconds", 1, 31622400, hl);
            json_t *rate = json_object_get(h, "BackoffRate");
            loc_t rl;
            locf(rl, "%s/BackoffRate", hl);
            if (rate != NULL && want_type(v, rate, JSON_REAL, rl) &&
                json_number_value(rate) < 1.0) {
                diag(v, SCHEMA, rl, "The value for the field 'BackoffRate' must be at least 1.0");
            }
            json_t *jitter = json_object_get(h, "JitterStrategy");
            const char *js = json_string_value(jitter);
            if (jitter != NULL &&
                (js == NULL || (strcmp(js, "FULL") != 0 && strcmp(js, "NONE") != 0))) {
                locf(rl, "%s/JitterStrategy", hl);
                diag(v, SCHEMA, rl, "Value should be one of the following: [FULL, NONE]");
            }
        } else {
            if (json_object_get(h, "Next") == NULL) {
                diag(v, SCHEMA, hl, "These fields are required: [Next]");
            }
            want_target(v, h, "Next", states, hl);
            want_path(v, h, "ResultPath", true, true, hl);
        }
    }
}

static void want_rule(vctx *v, json_t *rule, const char *loc, bool top, json_t *states)
{
    if (!want_type(v, rule, JSON_OBJECT, loc)) {
        return;
    }
    int operators = 0;
    const choice_op *op = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(rule, key, val)
    {
        loc_t sub;
        locf(sub, "%s/%s", loc, key);
        if (strcmp(key, "Next") == 0) {
            if (!top) {
                diag(v, SCHEMA, loc, "Field 'Next' is not supported");
            }
        } else if (strcmp(key, "Comment") == 0 || strcmp(key, "Variable") == 0) {
            continue;
        } else if (strcmp(key, "And") == 0 || strcmp(key, "Or") == 0) {
            operators++;
            if (want_type(v, val, JSON_ARRAY, sub)) {
                if (json_array_size(val) == 0) {
                    diag(v, SCHEMA, sub, "The field '%s' must not be empty", key);
                }
                size_t i;
                json_t *r;
                json_array_foreach(val, i, r)
                {
                    loc_t rl;
                    locf(rl, "%s[%zu]", sub, i);
                    want_rule(v, r, rl, false, states);
                }
            }
        } else if (strcmp(key, "Not") == 0) {
            operators++;
            want_rule(v, val, sub, false, states);
        } else if ((op = choice_op_find(key)) != NULL) {
            operators++;
            if (op->path) {
                if (want_type(v, val, JSON_STRING, sub) &&
                    !asl_path_valid(json_string_value(val))) {
                    diag(v, SCHEMA, sub, "The value for the field '%s' must be a valid JSONPath",
                         key);
                }
                continue;
            }
            switch (op->type) {
            case T_STRING:
            case T_MATCHES: (void)want_type(v, val, JSON_STRING, sub); break;
            case T_NUMERIC: (void)want_type(v, val, JSON_REAL, sub); break;
            case T_TIMESTAMP:
                if (want_type(v, val, JSON_STRING, sub) &&
                    !asl_parse_timestamp(json_string_value(val), NULL)) {
                    diag(v, SCHEMA, sub,
                         "The value for the field '%s' must be a valid RFC 3339 timestamp "
                         "(e.g. 2016-08-18T17:33:00Z)",
                         key);
                }
                break;
            default: (void)want_type(v, val, JSON_TRUE, sub); break;
            }
        } else if (strcmp(key, "Condition") == 0) {
            diag(v, SCHEMA, loc,
                 "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported "
                 "for the 'JSONata' QueryLanguage");
        } else {
            diag(v, SCHEMA, loc, "Field '%s' is not supported", key);
        }
    }
    if (top && json_object_get(rule, "Next") == NULL) {
        diag(v, SCHEMA, loc, "These fields are required: [Next]");
    }
    if (top) {
        want_target(v, rule, "Next", states, loc);
    }
    if (operators != 1) {
        diag(v, SCHEMA, loc,
             operators == 0 ? "A Choice Rule must have a comparison operator, And, Or or Not"
                            : "A Choice Rule must have exactly one comparison operator, And, Or "
                              "or Not");
        return;
    }
    bool comparison = json_object_get(rule, "And") == NULL && json_object_get(rule, "Or") == NULL &&
                      json_object_get(rule, "Not") == NULL;
    json_t *variable = json_object_get(rule, "Variable");
    loc_t vl;
    locf(vl, "%s/Variable", loc);
    if (comparison && variable == NULL) {
        diag(v, SCHEMA, loc, "These fields are required: [Variable]");
    } else if (variable != NULL && !comparison) {
        diag(v, SCHEMA, loc, "Field 'Variable' is not supported");
    } else if (variable != NULL && want_type(v, variable, JSON_STRING, vl) &&
               !asl_path_valid(json_string_value(variable))) {
        diag(v, SCHEMA, vl, "The value for the field 'Variable' must be a valid JSONPath");
    }
}

static void want_machine(vctx *v, json_t *m, const char *base, int kind);

static const char *const jsonata_fields[] = {"Arguments", "Output", "Items", NULL};
static const char *const distributed_fields[] = {"ItemReader",
                                                 "ResultWriter",
                                                 "ItemBatcher",
                                                 "ToleratedFailurePercentage",
                                                 "ToleratedFailurePercentagePath",
                                                 "ToleratedFailureCount",
                                                 "ToleratedFailureCountPath",
                                                 "Label",
                                                 NULL};

static const char *const *fields_of(const char *type)
{
    static const char *const task[] = {"Resource",
                                       "Parameters",
                                       "ResultSelector",
                                       "ResultPath",
                                       "InputPath",
                                       "OutputPath",
                                       "Next",
                                       "End",
                                       "Retry",
                                       "Catch",
                                       "TimeoutSeconds",
                                       "TimeoutSecondsPath",
                                       "HeartbeatSeconds",
                                       "HeartbeatSecondsPath",
                                       "Credentials",
                                       NULL};
    static const char *const pass[] = {"InputPath", "OutputPath", "Parameters", "ResultPath",
                                       "Result",    "Next",       "End",        NULL};
    static const char *const choice[] = {"Choices", "Default", "InputPath", "OutputPath", NULL};
    static const char *const wait[] = {"Seconds",       "SecondsPath", "Timestamp",
                                       "TimestampPath", "InputPath",   "OutputPath",
                                       "Next",          "End",         NULL};
    static const char *const succeed[] = {"InputPath", "OutputPath", NULL};
    static const char *const fail[] = {"Error", "ErrorPath", "Cause", "CausePath", NULL};
    static const char *const parallel[] = {
        "Branches", "Parameters", "ResultSelector", "ResultPath", "InputPath", "OutputPath",
        "Next",     "End",        "Retry",          "Catch",      NULL};
    static const char *const map[] = {"ItemProcessor",
                                      "Iterator",
                                      "ItemsPath",
                                      "ItemSelector",
                                      "Parameters",
                                      "MaxConcurrency",
                                      "MaxConcurrencyPath",
                                      "ResultSelector",
                                      "ResultPath",
                                      "InputPath",
                                      "OutputPath",
                                      "Next",
                                      "End",
                                      "Retry",
                                      "Catch",
                                      NULL};
    static const struct {
        const char *type;
        const char *const *fields;
    } types[] = {{"Task", task},       {"Pass", pass}, {"Choice", choice},     {"Wait", wait},
                 {"Succeed", succeed}, {"Fail", fail}, {"Parallel", parallel}, {"Map", map}};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(types[i].type, type) == 0) {
            return types[i].fields;
        }
    }
    return NULL;
}

static void want_query_language(vctx *v, json_t *obj, const char *loc)
{
    json_t *ql = json_object_get(obj, "QueryLanguage");
    if (ql == NULL) {
        return;
    }
    loc_t at;
    locf(at, "%s/QueryLanguage", loc);
    const char *s = json_string_value(ql);
    if (!want_type(v, ql, JSON_STRING, at)) {
        return;
    }
    if (strcmp(s, "JSONata") == 0) {
        diag(v, SCHEMA, at,
             "QueryLanguage 'JSONata' is not supported: the emulator runs JSONPath state "
             "machines only");
    } else if (strcmp(s, "JSONPath") != 0) {
        diag(v, SCHEMA, at, "Value should be one of the following: [JSONPath, JSONata]");
    }
}

static void want_state(vctx *v, const char *name, json_t *st, const char *states_loc,
                       json_t *states)
{
    loc_t loc;
    locf(loc, "%s/%s", states_loc, name);
    if (json_object_get(v->seen, name) != NULL) {
        diag(v, "DUPLICATE_STATE_NAME", loc, "Duplicate State name: %s", name);
    } else {
        (void)json_object_set_new(v->seen, name, json_true());
    }
    if (strlen(name) > 80) {
        diag(v, SCHEMA, loc, "State names must be at most 80 characters long");
    }
    if (!want_type(v, st, JSON_OBJECT, loc)) {
        return;
    }
    json_t *type_v = json_object_get(st, "Type");
    loc_t tl;
    locf(tl, "%s/Type", loc);
    if (type_v == NULL) {
        diag(v, SCHEMA, loc, "These fields are required: [Type]");
        return;
    }
    if (!want_type(v, type_v, JSON_STRING, tl)) {
        return;
    }
    const char *type = json_string_value(type_v);
    const char *const *allowed = fields_of(type);
    if (allowed == NULL) {
        diag(v, SCHEMA, tl,
             "Value should be one of the following: [Task, Pass, Choice, Wait, Succeed, Fail, "
             "Parallel, Map]");
        return;
    }
    want_query_language(v, st, loc);

    const char *key;
    json_t *val;
    json_object_foreach(st, key, val)
    {
        if (strcmp(key, "Type") == 0 || strcmp(key, "Comment") == 0 ||
            strcmp(key, "QueryLanguage") == 0 || in_list(key, allowed)) {
            continue;
        }
        if (in_list(key, jsonata_fields)) {
            diag(v, SCHEMA, loc,
                 "The QueryLanguage is set to 'JSONPath', but field '%s' is only supported for "
                 "the 'JSONata' QueryLanguage",
                 key);
        } else if (strcmp(key, "Assign") == 0) {
            diag(v, SCHEMA, loc,
                 "Field 'Assign' is not supported: the emulator does not run workflow variables");
        } else if (strcmp(type, "Map") == 0 && in_list(key, distributed_fields)) {
            diag(v, SCHEMA, loc,
                 "Field '%s' is not supported: the emulator runs inline Map states only (no "
                 "distributed Map)",
                 key);
        } else {
            diag(v, SCHEMA, loc, "Field '%s' is not supported", key);
        }
    }

    /* Next / End */
    bool transitions =
        strcmp(type, "Choice") != 0 && strcmp(type, "Succeed") != 0 && strcmp(type, "Fail") != 0;
    if (transitions) {
        json_t *next = json_object_get(st, "Next");
        json_t *end = json_object_get(st, "End");
        loc_t el;
        locf(el, "%s/End", loc);
        if (end != NULL && !want_type(v, end, JSON_TRUE, el)) {
            end = NULL;
        }
        bool ends = json_is_true(end);
        if (next != NULL && ends) {
            diag(v, SCHEMA, loc, "A state cannot have both 'Next' and 'End': true");
        } else if (next == NULL && !ends) {
            diag(v, SCHEMA, loc, "A %s state must have either a 'Next' field or 'End': true", type);
        }
        want_target(v, st, "Next", states, loc);
    }

    want_path(v, st, "InputPath", true, false, loc);
    want_path(v, st, "OutputPath", true, false, loc);
    want_path(v, st, "ResultPath", true, true, loc);
    static const char *const templates[] = {"Parameters", "ResultSelector", "ItemSelector", NULL};
    for (size_t i = 0; templates[i] != NULL; i++) {
        json_t *tmpl = json_object_get(st, templates[i]);
        loc_t pl;
        locf(pl, "%s/%s", loc, templates[i]);
        if (tmpl != NULL &&
            (strcmp(templates[i], "Parameters") == 0 || want_type(v, tmpl, JSON_OBJECT, pl))) {
            want_template(v, tmpl, pl);
        }
    }
    if (in_list("Retry", allowed)) {
        want_handlers(v, st, "Retry", states, loc);
        want_handlers(v, st, "Catch", states, loc);
    }

    if (strcmp(type, "Task") == 0) {
        json_t *res = json_object_get(st, "Resource");
        loc_t rl;
        locf(rl, "%s/Resource", loc);
        if (res == NULL) {
            diag(v, SCHEMA, loc, "These fields are required: [Resource]");
        } else if (want_type(v, res, JSON_STRING, rl) && json_string_length(res) == 0) {
            diag(v, SCHEMA, rl, "The field 'Resource' must not be empty");
        }
        want_int(v, st, "TimeoutSeconds", 1, 99999999, loc);
        want_int(v, st, "HeartbeatSeconds", 1, 99999999, loc);
        want_path(v, st, "TimeoutSecondsPath", false, true, loc);
        want_path(v, st, "HeartbeatSecondsPath", false, true, loc);
        if (json_object_get(st, "TimeoutSeconds") && json_object_get(st, "TimeoutSecondsPath")) {
            diag(v, SCHEMA, loc,
                 "A Task state cannot include both field 'TimeoutSeconds' and "
                 "'TimeoutSecondsPath'");
        }
        if (json_object_get(st, "HeartbeatSeconds") &&
            json_object_get(st, "HeartbeatSecondsPath")) {
            diag(v, SCHEMA, loc,
                 "A Task state cannot include both field 'HeartbeatSeconds' and "
                 "'HeartbeatSecondsPath'");
        }
        json_t *timeout = json_object_get(st, "TimeoutSeconds");
        json_t *heartbeat = json_object_get(st, "HeartbeatSeconds");
        if (json_is_integer(timeout) && json_is_integer(heartbeat) &&
            json_integer_value(heartbeat) >= json_integer_value(timeout)) {
            locf(rl, "%s/HeartbeatSeconds", loc);
            diag(v, SCHEMA, rl, "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'");
        }
    } else if (strcmp(type, "Choice") == 0) {
        json_t *choices = json_object_get(st, "Choices");
        loc_t cl;
        locf(cl, "%s/Choices", loc);
        if (choices == NULL) {
            diag(v, SCHEMA, loc, "These fields are required: [Choices]");
        } else if (want_type(v, choices, JSON_ARRAY, cl)) {
            if (json_array_size(choices) == 0) {
                diag(v, SCHEMA, cl, "The field 'Choices' must not be empty");
            }
            size_t i;
            json_t *rule;
            json_array_foreach(choices, i, rule)
            {
                loc_t rl;
                locf(rl, "%s[%zu]", cl, i);
                want_rule(v, rule, rl, true, states);
            }
        }
        want_target(v, st, "Default", states, loc);
    } else if (strcmp(type, "Wait") == 0) {
        static const char *const waits[] = {"Seconds", "SecondsPath", "Timestamp", "TimestampPath",
                                            NULL};
        int count = 0;
        for (size_t i = 0; waits[i] != NULL; i++) {
            count += json_object_get(st, waits[i]) != NULL;
        }
        if (count != 1) {
            diag(v, SCHEMA, loc,
                 "A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or "
                 "'TimestampPath'");
        }
        want_int(v, st, "Seconds", 0, 99999999, loc);
        want_path(v, st, "SecondsPath", false, true, loc);
        want_path(v, st, "TimestampPath", false, true, loc);
        json_t *stamp = json_object_get(st, "Timestamp");
        loc_t sl;
        locf(sl, "%s/Timestamp", loc);
        if (stamp != NULL && want_type(v, stamp, JSON_STRING, sl) &&
            !asl_parse_timestamp(json_string_value(stamp), NULL)) {
            diag(v, SCHEMA, sl,
                 "The value for the field 'Timestamp' must be a valid RFC 3339 timestamp");
        }
    } else if (strcmp(type, "Fail") == 0) {
        static const char *const pairs[][2] = {{"Error", "ErrorPath"}, {"Cause", "CausePath"}};
        for (size_t i = 0; i < 2; i++) {
            json_t *lit = json_object_get(st, pairs[i][0]);
            json_t *path = json_object_get(st, pairs[i][1]);
            loc_t fl;
            if (lit != NULL && path != NULL) {
                diag(v, SCHEMA, loc, "A Fail state cannot include both field '%s' and '%s'",
                     pairs[i][0], pairs[i][1]);
            }
            locf(fl, "%s/%s", loc, pairs[i][0]);
            if (lit != NULL) {
                (void)want_type(v, lit, JSON_STRING, fl);
            }
            locf(fl, "%s/%s", loc, pairs[i][1]);
            if (path != NULL && want_type(v, path, JSON_STRING, fl)) {
                const char *expr = json_string_value(path);
                bool ok = (expr[0] == '$' && asl_path_valid(expr)) ||
                          (strncmp(expr, "States.", 7) == 0 && asl_intrinsic_valid(expr));
                if (!ok) {
                    diag(v, SCHEMA, fl,
                         "The value for the field '%s' must be a valid JSONPath or a valid "
                         "intrinsic function call",
                         pairs[i][1]);
                }
            }
        }
    } else if (strcmp(type, "Parallel") == 0) {
        json_t *branches = json_object_get(st, "Branches");
        loc_t bl;
        locf(bl, "%s/Branches", loc);
        if (branches == NULL) {
            diag(v, SCHEMA, loc, "These fields are required: [Branches]");
        } else if (want_type(v, branches, JSON_ARRAY, bl)) {
            if (json_array_size(branches) == 0) {
                diag(v, SCHEMA, bl, "The field 'Branches' must not be empty");
            }
            size_t i;
            json_t *branch;
            json_array_foreach(branches, i, branch)
            {
                loc_t one;
                locf(one, "%s[%zu]", bl, i);
                want_machine(v, branch, one, 1);
            }
        }
    } else if (strcmp(type, "Map") == 0) {
        json_t *proc = json_object_get(st, "ItemProcessor");
        json_t *iter = json_object_get(st, "Iterator");
        if (proc != NULL && iter != NULL) {
            diag(v, SCHEMA, loc,
                 "A Map state cannot include both field 'ItemProcessor' and 'Iterator'");
        } else if (proc == NULL && iter == NULL) {
            diag(v, SCHEMA, loc, "These fields are required: [ItemProcessor]");
        } else {
            loc_t pl;
            locf(pl, "%s/%s", loc, proc != NULL ? "ItemProcessor" : "Iterator");
            want_machine(v, proc != NULL ? proc : iter, pl, proc != NULL ? 2 : 1);
        }
        if (json_object_get(st, "ItemSelector") != NULL &&
            json_object_get(st, "Parameters") != NULL) {
            diag(v, SCHEMA, loc,
                 "A Map state cannot include both field 'ItemSelector' and 'Parameters'");
        }
        want_int(v, st, "MaxConcurrency", 0, 99999999, loc);
        want_path(v, st, "MaxConcurrencyPath", false, true, loc);
        want_path(v, st, "ItemsPath", false, false, loc);
    }
}

/* Every state the machine can reach from StartAt through Next, Default, Choices and Catch
 * (a worklist, not recursion: chains of thousands of states are legal). */
static void reach(json_t *states, const char *start, json_t *seen)
{
    json_t *todo = json_array();
    if (todo == NULL || start == NULL) {
        json_decref(todo);
        return;
    }
    (void)json_array_append_new(todo, json_string(start));
    while (json_array_size(todo) > 0) {
        size_t last = json_array_size(todo) - 1;
        const char *name = json_string_value(json_array_get(todo, last));
        json_t *st = name != NULL ? json_object_get(states, name) : NULL;
        if (st == NULL || json_object_get(seen, name) != NULL) {
            (void)json_array_remove(todo, last);
            continue;
        }
        (void)json_object_set_new(seen, name, json_true());
        (void)json_array_remove(todo, last);
        json_t *targets[2] = {json_object_get(st, "Next"), json_object_get(st, "Default")};
        for (size_t k = 0; k < 2; k++) {
            if (json_is_string(targets[k])) {
                (void)json_array_append(todo, targets[k]);
            }
        }
        static const char *const lists[] = {"Choices", "Catch"};
        for (size_t k = 0; k < 2; k++) {
            size_t i;
            json_t *item;
            json_array_foreach(json_object_get(st, lists[k]), i, item)
            {
                json_t *next = json_object_get(item, "Next");
                if (json_is_string(next)) {
                    (void)json_array_append(todo, next);
                }
            }
        }
    }
    json_decref(todo);
}

/* A state machine, a Parallel branch (kind 1) or a Map ItemProcessor (kind 2). */
static void want_machine(vctx *v, json_t *m, const char *base, int kind)
{
    const char *root = base[0] != '\0' ? base : "/";
    if (!json_is_object(m)) {
        diag(v, SCHEMA, root,
             kind == 0 ? "Definition must be a valid JSON object"
                       : "Expected value of type [OBJECT]");
        return;
    }
    json_t *states = json_object_get(m, "States");
    json_t *start = json_object_get(m, "StartAt");
    if (states == NULL || start == NULL) {
        diag(v, SCHEMA, root, "These fields are required: [%s]",
             states == NULL && start == NULL ? "States, StartAt"
             : states == NULL                ? "States"
                                             : "StartAt");
    }
    static const char *const top_fields[] = {"Comment", "StartAt",       "States", "TimeoutSeconds",
                                             "Version", "QueryLanguage", NULL};
    static const char *const branch_fields[] = {"Comment", "StartAt", "States", NULL};
    static const char *const processor_fields[] = {"Comment", "StartAt", "States",
                                                   "ProcessorConfig", NULL};
    const char *const *allowed = kind == 0   ? top_fields
                                 : kind == 1 ? branch_fields
                                             : processor_fields;
    const char *key;
    json_t *val;
    json_object_foreach(m, key, val)
    {
        if (!in_list(key, allowed)) {
            diag(v, SCHEMA, root, "Field '%s' is not supported", key);
        }
    }
    loc_t at;
    if (kind == 0) {
        want_query_language(v, m, "");
        want_int(v, m, "TimeoutSeconds", 1, 99999999, "");
        json_t *version = json_object_get(m, "Version");
        if (version != NULL) {
            (void)want_type(v, version, JSON_STRING, "/Version");
        }
    }
    if (kind == 2) {
        json_t *config = json_object_get(m, "ProcessorConfig");
        locf(at, "%s/ProcessorConfig", base);
        if (config != NULL && want_type(v, config, JSON_OBJECT, at)) {
            json_t *mode = json_object_get(config, "Mode");
            const char *ms = json_string_value(mode);
            locf(at, "%s/ProcessorConfig/Mode", base);
            if (ms != NULL && strcmp(ms, "DISTRIBUTED") == 0) {
                diag(v, SCHEMA, at,
                     "Mode 'DISTRIBUTED' is not supported: the emulator runs inline Map states "
                     "only (no distributed Map)");
            } else if (mode != NULL && (ms == NULL || strcmp(ms, "INLINE") != 0)) {
                diag(v, SCHEMA, at, "Value should be one of the following: [INLINE, DISTRIBUTED]");
            }
        }
    }
    locf(at, "%s/StartAt", base);
    if (start != NULL && !want_type(v, start, JSON_STRING, at)) {
        start = NULL;
    }
    locf(at, "%s/States", base);
    if (states == NULL || !want_type(v, states, JSON_OBJECT, at)) {
        return;
    }
    json_object_foreach(states, key, val)
    {
        want_state(v, key, val, at, states);
    }
    const char *start_name = json_string_value(start);
    if (start_name != NULL && json_object_get(states, start_name) == NULL) {
        locf(at, "%s/StartAt", base);
        diag(v, TARGET, at, "Missing 'Next' target: %s", start_name);
        return;
    }
    if (kind == 0) {
        bool terminal = false;
        json_object_foreach(states, key, val)
        {
            const char *t = json_string_value(json_object_get(val, "Type"));
            if ((t != NULL && (strcmp(t, "Succeed") == 0 || strcmp(t, "Fail") == 0)) ||
                json_is_true(json_object_get(val, "End"))) {
                terminal = true;
            }
        }
        if (!terminal && json_object_size(states) > 0) {
            diag(v, "MISSING_END_STATE", NULL, "Workflow has no terminal state");
            return;
        }
    }
    if (start_name == NULL) {
        return;
    }
    json_t *seen = json_object();
    reach(states, start_name, seen);
    json_object_foreach(states, key, val)
    {
        if (json_object_get(seen, key) == NULL) {
            locf(at, "%s/States/%s", base, key);
            diag(v, TARGET, at, "State \"%s\" is not reachable.", key);
        }
    }
    json_decref(seen);
}

json_t *asl_validate_diagnostics(json_t *definition)
{
    vctx v = {json_array(), json_object()};
    if (v.diags == NULL || v.seen == NULL) {
        json_decref(v.seen);
        return v.diags;
    }
    want_machine(&v, definition, "", 0);
    json_decref(v.seen);
    return v.diags;
}

int asl_validate(json_t *definition, emu_error *err)
{
    json_t *diags = asl_validate_diagnostics(definition);
    if (diags != NULL && json_array_size(diags) == 0) {
        json_decref(diags);
        return 0;
    }
    sbuf b = {0};
    sb_add(&b, "Invalid State Machine Definition: '");
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d)
    {
        const char *location = json_string_value(json_object_get(d, "location"));
        sb_addf(&b, "%s%s: %s", i > 0 ? ", " : "", json_string_value(json_object_get(d, "code")),
                json_string_value(json_object_get(d, "message")));
        if (location != NULL) {
            sb_addf(&b, " at %s", location);
        }
    }
    sb_addc(&b, '\'');
    (void)asl_fail(err, "InvalidDefinition", "%s",
                   b.p != NULL ? b.p : "Invalid State Machine Definition");
    free(b.p);
    json_decref(diags);
    return -1;
}

int asl_parse_definition(const char *text, json_t **out, emu_error *err)
{
    *out = NULL;
    const char *p = text != NULL ? text : "";
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p == '\0') {
        return asl_fail(err, "InvalidDefinition",
                        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition "
                        "must be a valid JSON object'");
    }
    json_error_t jerr;
    json_t *def = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (def == NULL) {
        return asl_fail(err, "InvalidDefinition",
                        "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: %s at line "
                        "%d, column %d'",
                        jerr.text, jerr.line, jerr.column);
    }
    if (!json_is_object(def)) {
        json_decref(def);
        return asl_fail(err, "InvalidDefinition",
                        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition "
                        "must be a valid JSON object at /'");
    }
    *out = def;
    return 0;
}
