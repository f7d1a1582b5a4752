/*
 * qvm.h: the QVM contract SDK for C (header only, libc only). A contract is a static Linux
 * program; this wraps its ABI (SPEC §2, docs/chain.md):
 *
 *   storage reads   qvm_get(KEY): DB_<KEY> when the call declared the key (--read), else the
 *                   file /qvm/db/<KEY> (read lazily, metered), else NULL
 *   writes/deletes  qvm_set(KEY, VALUE) prints DBW=KEY=VALUE; qvm_del(KEY) prints DBP=KEY
 *   events          qvm_event("fmt", …) prints OUT=<text>
 *   errors          qvm_fail("fmt", …) writes the message to stderr and exits 1: the call fails
 *                   and none of its writes or events are kept
 *   context         qvm_sender(), qvm_contract(), qvm_value(), qvm_block_number(), …
 *
 * Keys are 1–128 bytes of [A-Za-z0-9_]; values up to 65536 bytes without '\n' (or NUL); event
 * texts up to 65536 bytes without '\n'. The functions check them and fail the call on a bad one,
 * so a contract never prints a broken protocol line.
 *
 * Build: musl-gcc -static -O2 -o contract main.c   (or gcc -static)
 */
#ifndef QVM_H
#define QVM_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QVM_MAX_KEY 128
#define QVM_MAX_VALUE 65536
#define QVM_MAX_EVENT 65536

/* Writes the message to stderr and exits 1: the call fails. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void qvm_fail(const char *fmt, ...) {
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* Is key 1–128 bytes of [A-Za-z0-9_]? */
static inline int qvm_valid_key(const char *key) {
    size_t n = 0;
    for (const char *p = key; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 0;
    }
    return n >= 1 && n <= QVM_MAX_KEY;
}

/* Is value at most 65536 bytes without a newline? */
static inline int qvm_valid_value(const char *value) {
    return strlen(value) <= QVM_MAX_VALUE && strchr(value, '\n') == NULL;
}

/* The value of KEY before the call, or NULL when it is not set. The string is malloc'd: free it or keep it. */
static inline char *qvm_get(const char *key) {
    if (!qvm_valid_key(key)) qvm_fail("qvm_get: invalid key \"%s\"", key);
    char name[QVM_MAX_KEY + 4];
    snprintf(name, sizeof name, "DB_%s", key);
    const char *v = getenv(name);
    if (v) return strdup(v);
    char path[QVM_MAX_KEY + 16];
    snprintf(path, sizeof path, "/qvm/db/%s", key);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *out = malloc(QVM_MAX_VALUE + 1);
    if (!out) qvm_fail("qvm_get: out of memory");
    size_t n = fread(out, 1, QVM_MAX_VALUE, f);
    fclose(f);
    out[n] = 0;
    return out;
}

/* Sets KEY to VALUE when the call succeeds. */
static inline void qvm_set(const char *key, const char *value) {
    if (!qvm_valid_key(key)) qvm_fail("qvm_set: invalid key \"%s\"", key);
    if (!qvm_valid_value(value)) qvm_fail("qvm_set: invalid value for %s (a newline or NUL, or longer than %d bytes)", key, QVM_MAX_VALUE);
    printf("DBW=%s=%s\n", key, value);
}

/* Deletes KEY when the call succeeds. */
static inline void qvm_del(const char *key) {
    if (!qvm_valid_key(key)) qvm_fail("qvm_del: invalid key \"%s\"", key);
    printf("DBP=%s\n", key);
}

/* Emits an event (a log of the transaction) when the call succeeds. */
__attribute__((format(printf, 1, 2))) static inline void qvm_event(const char *fmt, ...) {
    static char buf[QVM_MAX_EVENT + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || n > QVM_MAX_EVENT || strchr(buf, '\n')) qvm_fail("qvm_event: an event is at most %d bytes, without a newline", QVM_MAX_EVENT);
    printf("OUT=%s\n", buf);
}

static inline const char *qvm_env_(const char *name) {
    const char *v = getenv(name);
    return v ? v : "";
}

/* The call's context (SPEC §2): the caller and this contract (0x + 40 lowercase hex digits), … */
static inline const char *qvm_sender(void) { return qvm_env_("QVM_SENDER"); }
static inline const char *qvm_contract(void) { return qvm_env_("QVM_CONTRACT"); }
/* … the value sent in wei (decimal, may exceed 64 bits), the transaction hash (0x + 64 hex), … */
static inline const char *qvm_value(void) { return qvm_env_("QVM_VALUE"); }
static inline const char *qvm_tx_hash(void) { return qvm_env_("QVM_TX_HASH"); }
static inline const char *qvm_prev_block_hash(void) { return qvm_env_("QVM_PREV_BLOCK_HASH"); }
/* … and the block's number and time, and the chain id. */
static inline uint64_t qvm_block_number(void) { return strtoull(qvm_env_("QVM_BLOCK_NUMBER"), NULL, 10); }
static inline uint64_t qvm_block_timestamp(void) { return strtoull(qvm_env_("QVM_BLOCK_TIMESTAMP"), NULL, 10); }
static inline uint64_t qvm_chain_id(void) { return strtoull(qvm_env_("QVM_CHAIN_ID"), NULL, 10); }

/* Has the contract been constructed (a successful deploy sets QVM_INITIALIZED=true)? */
static inline int qvm_initialized(void) { return strcmp(qvm_env_("DB_QVM_INITIALIZED"), "true") == 0; }

#endif
