/* Recursive-descent JSON parser (RFC 8259) building a tree of nodes. */
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 512

struct json {
    json_type type;
    int b;
    double num;
    int64_t inum;
    int is_int;
    char *str; /* string value */
    size_t str_len;
    json **items; /* array elements / object values */
    char **keys;  /* object keys (NULL for arrays) */
    size_t n, cap;
};

typedef struct {
    const char *p, *end, *start;
    char *err;
    size_t err_cap;
    int failed;
} parser;

static void fail(parser *ps, const char *msg)
{
    if (!ps->failed && ps->err && ps->err_cap)
        snprintf(ps->err, ps->err_cap, "%s at offset %zu", msg, (size_t)(ps->p - ps->start));
    ps->failed = 1;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static json *node(json_type t)
{
    json *v = calloc(1, sizeof *v);
    if (v) v->type = t;
    return v;
}

void json_free(json *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static int push(json *c, char *key, json *item)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        json **items = realloc(c->items, cap * sizeof *items);
        if (!items) return 0;
        c->items = items;
        if (c->type == JSON_OBJECT) {
            char **keys = realloc(c->keys, cap * sizeof *keys);
            if (!keys) return 0;
            c->keys = keys;
        }
        c->cap = cap;
    }
    c->items[c->n] = item;
    if (c->type == JSON_OBJECT) c->keys[c->n] = key;
    c->n++;
    return 1;
}

static int hex4(parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4) {
        fail(ps, "short \\u escape");
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            fail(ps, "bad \\u escape");
            return 0;
        }
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Parses a string starting at the opening quote; the decoded text is never longer than the
 * source, so one allocation of the source length suffices. */
static char *parse_string(parser *ps, size_t *len_out)
{
    ps->p++; /* opening quote */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') {
        if (*q == '\\') q++;
        q++;
    }
    if (q >= ps->end) {
        fail(ps, "unterminated string");
        return NULL;
    }
    char *out = malloc((size_t)(q - ps->p) + 1);
    if (!out) {
        fail(ps, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            fail(ps, "control character in string");
            goto bad;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        char e = *ps->p++;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            out[n++] = e;
            break;
        case 'b':
            out[n++] = '\b';
            break;
        case 'f':
            out[n++] = '\f';
            break;
        case 'n':
            out[n++] = '\n';
            break;
        case 'r':
            out[n++] = '\r';
            break;
        case 't':
            out[n++] = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (!hex4(ps, &cp)) goto bad;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                /* a high surrogate must be followed by \u low surrogate */
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    fail(ps, "lone surrogate");
                    goto bad;
                }
                ps->p += 2;
                if (!hex4(ps, &lo)) goto bad;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    fail(ps, "bad surrogate pair");
                    goto bad;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                fail(ps, "lone surrogate");
                goto bad;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            fail(ps, "bad escape");
            goto bad;
        }
    }
    ps->p++; /* closing quote */
    out[n] = 0;
    *len_out = n;
    return out;
bad:
    free(out);
    return NULL;
}

static json *parse_number(parser *ps)
{
    const char *s = ps->p;
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        fail(ps, "bad number");
        return NULL;
    }
    if (*ps->p == '0')
        ps->p++;
    else
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    int integral = 1;
    if (ps->p < ps->end && *ps->p == '.') {
        integral = 0;
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            fail(ps, "bad fraction");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integral = 0;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            fail(ps, "bad exponent");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    /* strtod needs a terminated copy: the input need not be NUL-terminated */
    size_t len = (size_t)(ps->p - s);
    char buf[64], *tmp = len < sizeof buf ? buf : malloc(len + 1);
    json *v = node(JSON_NUMBER);
    if (!tmp || !v) {
        if (tmp != buf) free(tmp);
        free(v);
        fail(ps, "out of memory");
        return NULL;
    }
    memcpy(tmp, s, len);
    tmp[len] = 0;
    v->num = strtod(tmp, NULL);
    if (integral) {
        errno = 0;
        long long ll = strtoll(tmp, NULL, 10);
        if (errno == 0) {
            v->inum = ll;
            v->is_int = 1;
        }
    }
    if (tmp != buf) free(tmp);
    return v;
}

static int literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static json *parse_value(parser *ps, int depth);

static json *parse_container(parser *ps, int depth, int is_object)
{
    json *v = node(is_object ? JSON_OBJECT : JSON_ARRAY);
    if (!v) {
        fail(ps, "out of memory");
        return NULL;
    }
    char close = is_object ? '}' : ']';
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (is_object) {
            size_t kl;
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected a member name");
                goto bad;
            }
            key = parse_string(ps, &kl);
            if (!key) goto bad;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                fail(ps, "expected ':'");
                goto bad;
            }
            ps->p++;
        }
        json *item = parse_value(ps, depth + 1);
        if (!item || !push(v, key, item)) {
            if (item) fail(ps, "out of memory");
            free(key);
            json_free(item);
            goto bad;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return v;
        }
        fail(ps, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto bad;
    }
bad:
    json_free(v);
    return NULL;
}

static json *parse_value(parser *ps, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting too deep");
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end");
        return NULL;
    }
    char c = *ps->p;
    if (c == '{' || c == '[') return parse_container(ps, depth, c == '{');
    if (c == '"') {
        json *v = node(JSON_STRING);
        if (!v) {
            fail(ps, "out of memory");
            return NULL;
        }
        v->str = parse_string(ps, &v->str_len);
        if (!v->str) {
            free(v);
            return NULL;
        }
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps);
    json *v = NULL;
    if (literal(ps, "true")) {
        v = node(JSON_BOOL);
        if (v) v->b = 1;
    } else if (literal(ps, "false")) {
        v = node(JSON_BOOL);
    } else if (literal(ps, "null")) {
        v = node(JSON_NULL);
    } else {
        fail(ps, "unexpected character");
        return NULL;
    }
    if (!v) fail(ps, "out of memory");
    return v;
}

json *json_parse(const char *text, size_t len, char *err, size_t err_cap)
{
    if (err && err_cap) err[0] = 0;
    if (!text) return NULL;
    parser ps = {text, text + len, text, err, err_cap, 0};
    json *v = parse_value(&ps, 0);
    if (!v) return NULL;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing data");
        json_free(v);
        return NULL;
    }
    return v;
}

json *json_parse_file(const char *path, char *err, size_t err_cap)
{
    if (err && err_cap) err[0] = 0;
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        if (err && err_cap) snprintf(err, err_cap, "cannot open %s", path ? path : "(null)");
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    json *v = bad ? NULL : json_parse(buf, len, err, err_cap);
    free(buf);
    return v;
}

json_type json_typeof(const json *v)
{
    return v ? v->type : JSON_NULL;
}

const json *json_get(const json *v, const char *key)
{
    if (!v || v->type != JSON_OBJECT || !key) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0) return v->items[i];
    return NULL;
}

size_t json_len(const json *v)
{
    return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->n : 0;
}

const json *json_at(const json *v, size_t i)
{
    return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) && i < v->n ? v->items[i] : NULL;
}

const char *json_key_at(const json *v, size_t i)
{
    return v && v->type == JSON_OBJECT && i < v->n ? v->keys[i] : NULL;
}

const char *json_str(const json *v)
{
    return v && v->type == JSON_STRING ? v->str : NULL;
}
size_t json_str_len(const json *v)
{
    return v && v->type == JSON_STRING ? v->str_len : 0;
}
double json_num(const json *v)
{
    return v && v->type == JSON_NUMBER ? v->num : 0;
}

int64_t json_int(const json *v, int *ok)
{
    int good = v && v->type == JSON_NUMBER && v->is_int;
    if (ok) *ok = good;
    return good ? v->inum : 0;
}

int json_bool(const json *v)
{
    return v && v->type == JSON_BOOL && v->b;
}
