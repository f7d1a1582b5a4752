/* malloc/calloc/realloc/free stress driven by a deterministic LCG: thousands of live blocks of
 * many sizes (including large ones that musl serves with mmap), content verified on every free
 * and realloc, checksum printed. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define SLOTS 1024
#define ROUNDS 6000

static unsigned char *blk[SLOTS];
static size_t sz[SLOTS];
static unsigned char tag[SLOTS];
static uint64_t st = 0x853c49e6748fea9bULL;

static uint32_t rnd(void) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(st >> 33);
}

static size_t pick_size(void) {
    uint32_t r = rnd() % 100;
    if (r < 50) return rnd() % 64;
    if (r < 80) return 64 + rnd() % 1024;
    if (r < 98) return 1024 + rnd() % 8192;
    return 100000 + rnd() % 150000; /* mmap-sized above ~128 KiB */
}

static void fill(int i) {
    size_t n = sz[i];
    unsigned char t = tag[i];
    if (n <= 256) {
        for (size_t k = 0; k < n; k++) blk[i][k] = (unsigned char)(t + k);
    } else {
        memset(blk[i], t, n);
        for (size_t k = 0; k < n; k += 61) blk[i][k] = (unsigned char)(t ^ k);
    }
}

static uint64_t hash_blk(int i, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    size_t step = n <= 256 ? 1 : 61;
    for (size_t k = 0; k < n; k += step) h = (h ^ blk[i][k]) * 1099511628211ULL;
    if (n) h = (h ^ blk[i][n - 1]) * 1099511628211ULL;
    return h;
}

static uint64_t expect_hash(int i, size_t n) {
    /* recompute what fill() wrote, for the first n bytes */
    uint64_t h = 1469598103934665603ULL;
    unsigned char t = tag[i];
    size_t full = sz[i];
    size_t step = n <= 256 ? 1 : 61;
    for (size_t k = 0; k < n; k += step) {
        unsigned char v = full <= 256 ? (unsigned char)(t + k) : (k % 61 == 0 ? (unsigned char)(t ^ k) : t);
        h = (h ^ v) * 1099511628211ULL;
    }
    if (n) {
        size_t k = n - 1;
        unsigned char v = full <= 256 ? (unsigned char)(t + k) : (k % 61 == 0 ? (unsigned char)(t ^ k) : t);
        h = (h ^ v) * 1099511628211ULL;
    }
    return h;
}

int main(void) {
    uint64_t sum = 0;
    unsigned errors = 0, mallocs = 0, frees = 0, reallocs = 0, callocs = 0;
    size_t live = 0, peak = 0;
    for (int r = 0; r < ROUNDS; r++) {
        int i = (int)(rnd() % SLOTS);
        uint32_t op = rnd() % 10;
        if (!blk[i]) {
            sz[i] = pick_size();
            tag[i] = (unsigned char)rnd();
            if (op < 2) {
                blk[i] = calloc(sz[i] ? sz[i] : 1, 1);
                callocs++;
                for (size_t k = 0; k < sz[i]; k += 97) if (blk[i][k]) errors++;
            } else {
                blk[i] = malloc(sz[i]);
                mallocs++;
            }
            if (!blk[i] && sz[i]) { printf("allocation failed\n"); return 1; }
            if (!blk[i]) { blk[i] = malloc(1); }
            fill(i);
            live += sz[i];
        } else if (op < 6) {
            if (hash_blk(i, sz[i]) != expect_hash(i, sz[i])) errors++;
            sum = sum * 31 + hash_blk(i, sz[i]);
            free(blk[i]);
            blk[i] = NULL;
            live -= sz[i];
            frees++;
        } else {
            size_t nsz = pick_size();
            size_t keep = nsz < sz[i] ? nsz : sz[i];
            uint64_t before = expect_hash(i, keep);
            unsigned char *p = realloc(blk[i], nsz ? nsz : 1);
            if (!p) { printf("realloc failed\n"); return 1; }
            blk[i] = p;
            if (hash_blk(i, keep) != before) errors++;
            live = live - sz[i] + nsz;
            sz[i] = nsz;
            tag[i] = (unsigned char)(tag[i] + 3);
            fill(i);
            reallocs++;
        }
        if (live > peak) peak = live;
    }
    unsigned still = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (blk[i]) {
            if (hash_blk(i, sz[i]) != expect_hash(i, sz[i])) errors++;
            sum = sum * 31 + hash_blk(i, sz[i]);
            free(blk[i]);
            still++;
        }
    }
    /* many tiny blocks in a linked list */
    struct node { struct node *next; int v; } *head = NULL;
    for (int k = 0; k < 5000; k++) {
        struct node *n = malloc(sizeof *n);
        n->v = k * 7 % 1001;
        n->next = head;
        head = n;
    }
    long total = 0;
    while (head) { struct node *n = head->next; total += head->v; free(head); head = n; }
    printf("mallocs %u callocs %u reallocs %u frees %u still %u\n", mallocs, callocs, reallocs, frees, still);
    printf("peak live bytes %zu list total %ld errors %u\n", peak, total, errors);
    printf("checksum %016llx\n", (unsigned long long)sum);
    return errors != 0;
}
