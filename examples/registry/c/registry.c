/*
 * The registry sample of QAN's documentation, as a QVM contract in C.
 *
 *   contract construct [MAXUSERS]   stores the maximum number of users (default 100);
 *                                   refuses to run twice
 *   contract register NAME          registers NAME: prints the previous name as an event and
 *                                   stores NAME as the current and the n-th user
 *
 * Storage: QVM_INIT_MAXUSER, USER_CURRENT, USER_<n> (n = 1, 2, …), TOTALUSERS.
 * A key is read from the environment (DB_<KEY>, when the call lists it with --read) or, when it is
 * not there, lazily from /qvm/db/<KEY>, so the contract works with or without declared reads.
 *
 * Build: musl-gcc -static -O2 -o registry registry.c   (see build.sh)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAXUSERS 100

/* A storage value: DB_<key> from the environment, else the file /qvm/db/<key>, else NULL. */
static const char *db_get(const char *key) {
    char name[160];
    snprintf(name, sizeof name, "DB_%s", key);
    const char *v = getenv(name);
    if (v) return v;
    static char buf[4][65537];
    static int next;
    char path[160];
    snprintf(path, sizeof path, "/qvm/db/%s", key);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL; /* ENOENT: no such key */
    char *out = buf[next++ % 4];
    size_t n = fread(out, 1, sizeof buf[0] - 1, f);
    fclose(f);
    out[n] = 0;
    return out;
}

static long db_get_long(const char *key) {
    const char *v = db_get(key);
    return v ? strtol(v, NULL, 10) : 0;
}

static int initialized(void) {
    const char *v = getenv("DB_QVM_INITIALIZED");
    return v && strcmp(v, "true") == 0;
}

static int fail(const char *msg) {
    fprintf(stderr, "%s\n", msg);
    return 1;
}

static int construct(int argc, char **argv) {
    if (initialized()) return fail("contract is already initialized");
    long max = DEFAULT_MAXUSERS;
    if (argc > 2) {
        char *end;
        max = strtol(argv[2], &end, 10);
        if (*argv[2] == 0 || *end != 0 || max <= 0) return fail("construct: MAXUSERS must be a positive number");
    }
    printf("DBW=QVM_INIT_MAXUSER=%ld\n", max);
    printf("OUT=registry created for %ld users\n", max);
    return 0;
}

static int do_register(const char *name) {
    if (!initialized()) return fail("contract is not initialized");
    if (*name == 0 || strchr(name, '\n')) return fail("register: invalid name");
    long max = db_get_long("QVM_INIT_MAXUSER");
    long total = db_get_long("TOTALUSERS");
    if (total >= max) return fail("register: the registry is full");
    const char *prev = db_get("USER_CURRENT");
    if (prev == NULL || *prev == 0) prev = "unknown";
    printf("OUT=prevname: %s\n", prev);
    printf("DBW=USER_CURRENT=%s\n", name);
    printf("DBW=USER_%ld=%s\n", total + 1, name);
    printf("DBW=TOTALUSERS=%ld\n", total + 1);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "construct") == 0) return construct(argc, argv);
    if (argc == 3 && strcmp(argv[1], "register") == 0) return do_register(argv[2]);
    return fail("usage: construct [MAXUSERS] | register NAME");
}
