/*
 * A fungible token as a QVM contract in C.
 *
 *   contract construct [SUPPLY]     mints SUPPLY (default 1000000) to the deployer (QVM_SENDER)
 *   contract transfer TO AMOUNT     moves AMOUNT from the sender to TO; fails on insufficient funds
 *   contract balance ADDR           emits ADDR's balance as an event
 *
 * Storage: TOTAL_SUPPLY and BAL_<address> (address in 0x-prefixed lowercase hex). Balances are
 * read from DB_<KEY> when the call declares them (--read) and lazily from /qvm/db/<KEY> otherwise.
 * Amounts are unsigned 64-bit integers.
 *
 * Build: musl-gcc -static -O2 -o token token.c   (see build.sh)
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SUPPLY 1000000ULL

static const char *db_get(const char *key) {
    char name[160];
    snprintf(name, sizeof name, "DB_%s", key);
    const char *v = getenv(name);
    if (v) return v;
    static char buf[4][128];
    static int next;
    char path[160];
    snprintf(path, sizeof path, "/qvm/db/%s", key);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *out = buf[next++ % 4];
    size_t n = fread(out, 1, sizeof buf[0] - 1, f);
    fclose(f);
    out[n] = 0;
    return out;
}

static int fail(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 1;
}

/* Parses a decimal uint64 ("0" … "18446744073709551615"); 0 on success. */
static int parse_u64(const char *s, uint64_t *out) {
    if (*s == 0) return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Lowercases a 0x + 40 hex digit address into out (43 bytes); 0 on success. */
static int parse_address(const char *s, char *out) {
    if (strlen(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return -1;
    out[0] = '0';
    out[1] = 'x';
    for (int i = 2; i < 42; i++) {
        if (!isxdigit((unsigned char)s[i])) return -1;
        out[i] = (char)tolower((unsigned char)s[i]);
    }
    out[42] = 0;
    return 0;
}

static uint64_t balance_of(const char *addr) {
    char key[64];
    snprintf(key, sizeof key, "BAL_%s", addr);
    const char *v = db_get(key);
    uint64_t b = 0;
    if (v && parse_u64(v, &b) != 0) b = 0;
    return b;
}

static int initialized(void) {
    const char *v = getenv("DB_QVM_INITIALIZED");
    return v && strcmp(v, "true") == 0;
}

static int construct(int argc, char **argv) {
    if (initialized()) return fail("contract is already initialized", "", "");
    uint64_t supply = DEFAULT_SUPPLY;
    if (argc > 2 && parse_u64(argv[2], &supply) != 0) return fail("construct: invalid supply %s", argv[2], "");
    char owner[43];
    const char *sender = getenv("QVM_SENDER");
    if (!sender || parse_address(sender, owner) != 0) return fail("construct: no sender", "", "");
    printf("DBW=TOTAL_SUPPLY=%llu\n", (unsigned long long)supply);
    printf("DBW=BAL_%s=%llu\n", owner, (unsigned long long)supply);
    printf("OUT=mint %s %llu\n", owner, (unsigned long long)supply);
    return 0;
}

static int transfer(const char *to_arg, const char *amount_arg) {
    if (!initialized()) return fail("contract is not initialized", "", "");
    char from[43], to[43];
    uint64_t amount;
    const char *sender = getenv("QVM_SENDER");
    if (!sender || parse_address(sender, from) != 0) return fail("transfer: no sender", "", "");
    if (parse_address(to_arg, to) != 0) return fail("transfer: invalid address %s", to_arg, "");
    if (parse_u64(amount_arg, &amount) != 0) return fail("transfer: invalid amount %s", amount_arg, "");
    uint64_t have = balance_of(from);
    if (have < amount) {
        char need[32], got[32];
        snprintf(got, sizeof got, "%llu", (unsigned long long)have);
        snprintf(need, sizeof need, "%llu", (unsigned long long)amount);
        return fail("transfer: insufficient funds (balance %s, amount %s)", got, need);
    }
    if (strcmp(from, to) != 0) {
        uint64_t dest = balance_of(to);
        if (dest > UINT64_MAX - amount) return fail("transfer: balance overflow", "", "");
        printf("DBW=BAL_%s=%llu\n", from, (unsigned long long)(have - amount));
        printf("DBW=BAL_%s=%llu\n", to, (unsigned long long)(dest + amount));
    }
    printf("OUT=transfer %s %s %llu\n", from, to, (unsigned long long)amount);
    return 0;
}

static int balance(const char *addr_arg) {
    char addr[43];
    if (parse_address(addr_arg, addr) != 0) return fail("balance: invalid address %s", addr_arg, "");
    printf("OUT=balance %s %llu\n", addr, (unsigned long long)balance_of(addr));
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "construct") == 0) return construct(argc, argv);
    if (argc == 4 && strcmp(argv[1], "transfer") == 0) return transfer(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "balance") == 0) return balance(argv[2]);
    return fail("usage: construct [SUPPLY] | transfer TO AMOUNT | balance ADDR", "", "");
}
