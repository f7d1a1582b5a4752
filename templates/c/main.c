/*
 * __NAME__: a counter contract (see README.md). Build: ./build.sh
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "qvm.h"

/* A decimal uint64, or fail. */
static uint64_t parse_count(const char *what, const char *s) {
    uint64_t v = 0;
    if (*s == 0) qvm_fail("%s: \"%s\" is not a non-negative integer", what, s);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) qvm_fail("%s: \"%s\" is not a non-negative integer", what, s);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    return v;
}

static uint64_t count(void) {
    char *v = qvm_get("COUNT");
    uint64_t n = v ? parse_count("COUNT", v) : 0;
    free(v);
    return n;
}

static void set_count(uint64_t n) {
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, n);
    qvm_set("COUNT", buf);
}

int main(int argc, char **argv) {
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "construct") == 0) {
        if (qvm_initialized()) qvm_fail("already constructed");
        uint64_t start = argc > 2 ? parse_count("construct", argv[2]) : 0;
        set_count(start);
        qvm_set("OWNER", qvm_sender());
        qvm_event("created %" PRIu64 " by %s", start, qvm_sender());
    } else if (strcmp(cmd, "add") == 0 && argc == 3) {
        uint64_t n = parse_count("add", argv[2]), c = count();
        if (c > UINT64_MAX - n) qvm_fail("add: the count would overflow");
        set_count(c + n);
        qvm_event("count %" PRIu64, c + n);
    } else if (strcmp(cmd, "get") == 0) {
        qvm_event("count %" PRIu64, count());
    } else if (strcmp(cmd, "reset") == 0) {
        char *owner = qvm_get("OWNER");
        if (!owner || strcmp(owner, qvm_sender()) != 0) qvm_fail("reset: only the owner (%s) can reset", owner ? owner : "none");
        free(owner);
        qvm_del("COUNT");
        qvm_event("reset");
    } else if (strcmp(cmd, "whoami") == 0) {
        qvm_event("sender %s block %" PRIu64, qvm_sender(), qvm_block_number());
    } else {
        qvm_fail("usage: construct [START] | add N | get | reset | whoami");
    }
    return 0;
}
