/* A small JSON reader for tests (RFC 8259): parse text or a file into a tree, then walk it.
 * Strings are decoded (escapes, \u surrogate pairs to UTF-8) and NUL-terminated; numbers keep
 * both a double and, when integral, an exact int64. Accessors are NULL/0-safe, so lookups can
 * be chained without checks: json_str(json_get(json_at(arr, 3), "name")). */
#ifndef CTLS_TEST_JSON_H
#define CTLS_TEST_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    JSON_NULL = 0,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_type;

typedef struct json json;

/* Parses len bytes; NULL on a syntax error (err, if non-NULL, receives a message with the byte
 * offset). Nesting deeper than 512 levels is an error. Free the tree with json_free. */
json *json_parse(const char *text, size_t len, char *err, size_t err_cap);
/* Reads and parses a whole file; NULL if unreadable or invalid. */
json *json_parse_file(const char *path, char *err, size_t err_cap);
void json_free(json *v);

json_type json_typeof(const json *v); /* JSON_NULL for a NULL v */
/* Object member by key (the first one with that key); NULL if absent or v is not an object. */
const json *json_get(const json *v, const char *key);
/* Number of elements of an array or members of an object; 0 otherwise. */
size_t json_len(const json *v);
/* Array element i, or object member i's value; NULL when out of range. */
const json *json_at(const json *v, size_t i);
/* Object member i's key; NULL when out of range or not an object. */
const char *json_key_at(const json *v, size_t i);
/* String value (NUL-terminated; may contain embedded NULs, see json_str_len); NULL if not a
 * string. */
const char *json_str(const json *v);
size_t json_str_len(const json *v);
/* Number value; 0 if not a number. json_int is exact for integral numbers within int64 and
 * sets *ok (if non-NULL) to 1 then, else 0. */
double json_num(const json *v);
int64_t json_int(const json *v, int *ok);
/* 1 for true, 0 for false or anything else. */
int json_bool(const json *v);

#endif
