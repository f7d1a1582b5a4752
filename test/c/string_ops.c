/* string.h on every length 0..300 and every source alignment 0..15 (destination alignment
 * derived from it), printing one checksum per function family. The byte-at-a-time comparison
 * functions (memcmp, strcmp, strncmp, strstr, strrchr) run on 4 of the 16 alignments per length (all 16 over
 * the lengths) to keep the instruction count down for the interpreter. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define MAXLEN 300
#define BUFSZ 1024

typedef uint64_t __attribute__((may_alias, aligned(1))) u64u;

static unsigned char src[BUFSZ], dst[BUFSZ], tmp[BUFSZ], base[BUFSZ];
static uint64_t sums[16];
enum { S_MEMCPY, S_MEMMOVE, S_MEMSET, S_MEMCMP, S_STRLEN, S_STRCHR, S_STRRCHR, S_STRCMP, S_STRNCMP,
       S_STRSTR, S_STRCPY, S_STRNCPY, S_STRCAT, S_N };
static const char *names[S_N] = {"memcpy", "memmove", "memset", "memcmp", "strlen", "strchr", "strrchr",
                                 "strcmp", "strncmp", "strstr", "strcpy", "strncpy", "strcat"};

/* hash a window of a buffer 8 bytes at a time (the window is padded to a multiple of 8) */
static uint64_t hwin(const unsigned char *p, size_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    size_t i;
    for (i = 0; i + 8 <= n; i += 8) h = (h ^ *(const u64u *)(p + i)) * 0x100000001b3ULL;
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h ^ n;
}

static void mix(int which, uint64_t v) { sums[which] = (sums[which] ^ v) * 0x9e3779b97f4a7c15ULL + 1; }

static uint64_t lcg = 12345;
static unsigned char rnd_nonzero(void) {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned char c = (unsigned char)(lcg >> 56);
    return c ? c : 0x5a;
}

static int sgn(int v) { return v < 0 ? -1 : v > 0; }

static long off(const void *p, const void *base) { return p ? (long)((const char *)p - (const char *)base) : -1; }

int main(void) {
    for (size_t len = 0; len <= MAXLEN; len++) {
        /* fresh source for this length: nonzero bytes, NUL at len, garbage after */
        for (size_t i = 0; i < len + 40; i++) base[i] = rnd_nonzero();
        base[len] = 0;
        unsigned char missing = 0;
        {
            unsigned char seen[256] = {0};
            for (size_t i = 0; i < len; i++) seen[base[i]] = 1;
            for (int k = 1; k < 256; k++) if (!seen[k]) { missing = (unsigned char)k; break; }
        }
        for (size_t al = 0; al < 16; al++) {
            int cmp = (al & 3) == (len & 3);
            size_t ad = (al * 5 + 3) & 15;
            size_t win = ad + len + 24;
            unsigned char *s = src + al + 16, *d = dst + ad + 16;
            memcpy(s, base, len + 40);

            /* memcpy */
            memset(dst, 0xAA, win + 32);
            memcpy(d, s, len);
            mix(S_MEMCPY, hwin(dst, win + 32));

            /* memmove, overlapping both ways and disjoint */
            memcpy(tmp, src, al + len + 64);
            size_t sh = len % 7 + 1;
            memmove(tmp + al + 16 + sh, tmp + al + 16, len);
            mix(S_MEMMOVE, hwin(tmp, al + len + 48));
            memmove(tmp + al + 16, tmp + al + 16 + sh + 3, len);
            mix(S_MEMMOVE, hwin(tmp, al + len + 48));
            memmove(d, s, len);
            mix(S_MEMMOVE, hwin(dst, win + 32));

            /* memset */
            memset(d, (int)(0x100 + len), len);
            mix(S_MEMSET, hwin(dst, win + 32));

            /* memcmp: equal, differs at the end (both signs), differs at the start */
            memcpy(d, s, len + 1);
            if (cmp) {
            mix(S_MEMCMP, (uint64_t)sgn(memcmp(s, d, len)) + 3);
            if (len) {
                d[len - 1] ^= 0x80;
                mix(S_MEMCMP, (uint64_t)sgn(memcmp(s, d, len)) + 5);
                mix(S_MEMCMP, (uint64_t)sgn(memcmp(d, s, len)) + 7);
                mix(S_MEMCMP, (uint64_t)sgn(memcmp(s, d, len - 1)) + 9);
                d[len - 1] ^= 0x80;
                d[0]++;
                mix(S_MEMCMP, (uint64_t)sgn(memcmp(s, d, len)) + 11);
                d[0]--;
            }
            }

            /* strlen */
            mix(S_STRLEN, strlen((char *)s));
            mix(S_STRLEN, strlen((char *)s + (len ? len - 1 : 0)));

            /* strchr / strrchr: a char from the middle, a missing char, NUL */
            int c = len ? s[len / 2] : 'x';
            mix(S_STRCHR, (uint64_t)off(strchr((char *)s, c), s));
            mix(S_STRCHR, (uint64_t)off(strchr((char *)s, missing), s));
            mix(S_STRCHR, (uint64_t)off(strchr((char *)s, 0), s));
            mix(S_STRCHR, (uint64_t)off(strchr((char *)s, c + 256), s));
            if (cmp) {
                mix(S_STRRCHR, (uint64_t)off(strrchr((char *)s, c), s));
                mix(S_STRRCHR, (uint64_t)off(strrchr((char *)s, missing), s));
            }
            mix(S_STRRCHR, (uint64_t)off(strrchr((char *)s, 0), s));

            /* strcmp / strncmp */
            memcpy(d, s, len + 1);
            if (cmp) {
            mix(S_STRCMP, (uint64_t)sgn(strcmp((char *)s, (char *)d)) + 1);
            mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)s, (char *)d, len + 5)) + 1);
            if (len) {
                d[len - 1] = (unsigned char)(d[len - 1] == 0xff ? 0x01 : 0xff);
                mix(S_STRCMP, (uint64_t)sgn(strcmp((char *)s, (char *)d)) + 3);
                mix(S_STRCMP, (uint64_t)sgn(strcmp((char *)d, (char *)s)) + 5);
                mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)s, (char *)d, len)) + 3);
                mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)s, (char *)d, len - 1)) + 5);
                mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)s, (char *)d, len / 2)) + 7);
                d[len - 1] = 0;
                mix(S_STRCMP, (uint64_t)sgn(strcmp((char *)s, (char *)d)) + 7);
                mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)d, (char *)s, len + 1)) + 9);
            }
            mix(S_STRNCMP, (uint64_t)sgn(strncmp((char *)s, (char *)d, 0)) + 11);
            }

            /* strstr: needle from the tail, from the middle, a missing needle, empty needle */
            if (cmp) {
                char needle[8];
                size_t nl = len < 5 ? len : 5;
                memcpy(needle, s + len - nl, nl);
                needle[nl] = 0;
                mix(S_STRSTR, (uint64_t)off(strstr((char *)s, needle), s));
                if (len >= 3) {
                    memcpy(needle, s + len / 3, 3);
                    needle[3] = 0;
                    mix(S_STRSTR, (uint64_t)off(strstr((char *)s, needle), s));
                }
                needle[0] = (char)missing; needle[1] = 'q'; needle[2] = 0;
                mix(S_STRSTR, (uint64_t)off(strstr((char *)s, needle), s));
                mix(S_STRSTR, (uint64_t)off(strstr((char *)s, ""), s));
            }

            /* strcpy / strncpy / strcat */
            memset(dst, 0xAA, win + 32);
            mix(S_STRCPY, (uint64_t)off(strcpy((char *)d, (char *)s), d));
            mix(S_STRCPY, hwin(dst, win + 32));
            memset(dst, 0xAA, win + 32);
            mix(S_STRNCPY, (uint64_t)off(strncpy((char *)d, (char *)s, len + 10), d));
            mix(S_STRNCPY, hwin(dst, win + 32));
            if (cmp) {
                memset(dst, 0xAA, win + 32);
                strncpy((char *)d, (char *)s, len / 2);
                mix(S_STRNCPY, hwin(dst, win + 32));
            }
            memset(dst, 0xBB, win + 64);
            memset(d, 'p', al);
            d[al] = 0;
            mix(S_STRCAT, (uint64_t)off(strcat((char *)d, (char *)s), d));
            mix(S_STRCAT, hwin(dst, win + 48));
        }
        if (len % 50 == 0) {
            printf("len %3zu:", len);
            for (int k = 0; k < S_N; k++) printf(" %04x", (unsigned)(sums[k] >> 48));
            printf("\n");
        }
    }
    uint64_t all = 0;
    for (int k = 0; k < S_N; k++) {
        printf("%-8s %016llx\n", names[k], (unsigned long long)sums[k]);
        all = all * 31 + sums[k];
    }
    printf("total %016llx\n", (unsigned long long)all);
    return 0;
}
