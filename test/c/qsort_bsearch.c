/* qsort and bsearch on ints, strings, structs (stable order forced by a tiebreak) and doubles. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint64_t st = 7;
static uint32_t rnd(void) {
    st = st * 2862933555777941757ULL + 3037000493ULL;
    return (uint32_t)(st >> 32);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct rec { int key; int seq; char name[12]; };
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

#define N 3000
static int arr[N];
static double darr[N];
static struct rec recs[N];
static char strs[N][16];
static char *sp[N];

int main(void) {
    for (int i = 0; i < N; i++) arr[i] = (int)(rnd() % 100000) - 50000;
    qsort(arr, N, sizeof arr[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++) if (arr[i - 1] > arr[i]) sorted = 0;
    uint64_t h = 0;
    for (int i = 0; i < N; i++) h = h * 31 + (uint32_t)arr[i];
    printf("ints sorted=%d min=%d max=%d median=%d hash=%016llx\n", sorted, arr[0], arr[N - 1], arr[N / 2],
           (unsigned long long)h);
    int found = 0, notfound = 0;
    for (int k = -50000; k < 50000; k += 37) {
        int *p = bsearch(&k, arr, N, sizeof arr[0], cmp_int);
        if (p) { if (*p != k) printf("bsearch wrong\n"); found++; } else notfound++;
    }
    printf("bsearch found=%d notfound=%d\n", found, notfound);
    qsort(arr, N, sizeof arr[0], cmp_int_desc);
    printf("desc first=%d last=%d\n", arr[0], arr[N - 1]);

    /* already sorted, reversed, all equal inputs */
    for (int i = 0; i < N; i++) arr[i] = i;
    qsort(arr, N, sizeof arr[0], cmp_int);
    for (int i = 0; i < N; i++) arr[i] = N - i;
    qsort(arr, N, sizeof arr[0], cmp_int);
    printf("reversed -> %d %d %d\n", arr[0], arr[1], arr[N - 1]);
    for (int i = 0; i < N; i++) arr[i] = 5;
    qsort(arr, N, sizeof arr[0], cmp_int);
    printf("equal -> %d %d\n", arr[0], arr[N - 1]);

    /* strings */
    for (int i = 0; i < N; i++) {
        int len = 1 + (int)(rnd() % 14);
        for (int j = 0; j < len; j++) strs[i][j] = (char)('a' + rnd() % 26);
        strs[i][len] = 0;
        sp[i] = strs[i];
    }
    qsort(sp, N, sizeof sp[0], cmp_str);
    printf("strings: %s %s %s ... %s\n", sp[0], sp[1], sp[2], sp[N - 1]);
    h = 0;
    for (int i = 0; i < N; i++) for (const char *c = sp[i]; *c; c++) h = h * 131 + (unsigned char)*c;
    printf("strings hash %016llx\n", (unsigned long long)h);
    char *key = strs[123];
    char **fp = bsearch(&key, sp, N, sizeof sp[0], cmp_str);
    printf("bsearch string %s -> %s\n", key, fp ? *fp : "(null)");

    /* structs */
    for (int i = 0; i < N; i++) {
        recs[i].key = (int)(rnd() % 50);
        recs[i].seq = i;
        snprintf(recs[i].name, sizeof recs[i].name, "r%d", i);
    }
    qsort(recs, N, sizeof recs[0], cmp_rec);
    h = 0;
    for (int i = 0; i < N; i++) h = h * 1000003 + (uint64_t)recs[i].key * 100000 + (uint64_t)recs[i].seq;
    printf("recs first %s(%d) last %s(%d) hash %016llx\n", recs[0].name, recs[0].key, recs[N - 1].name,
           recs[N - 1].key, (unsigned long long)h);

    /* doubles */
    for (int i = 0; i < N; i++) darr[i] = ((double)rnd() - 2147483648.0) / 65536.0;
    qsort(darr, N, sizeof darr[0], cmp_dbl);
    printf("doubles %.6f %.6f %.6f\n", darr[0], darr[N / 2], darr[N - 1]);
    return 0;
}
