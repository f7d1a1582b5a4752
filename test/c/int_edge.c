/* Integer edge cases: __int128 arithmetic printed by a custom routine, signed division and
 * remainder (avoiding INT_MIN / -1), shifts by 0 and 63, unsigned wraparound, extremes,
 * popcount/clz/ctz builtins. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

static void print_u128(u128 v) {
    char buf[64];
    int i = 63;
    buf[i] = 0;
    if (v == 0) buf[--i] = '0';
    while (v) { buf[--i] = (char)('0' + (int)(v % 10)); v /= 10; }
    fputs(buf + i, stdout);
}

static void print_i128(i128 v) {
    if (v < 0) { putchar('-'); print_u128((u128)0 - (u128)v); }
    else print_u128((u128)v);
}

static void print_hex128(u128 v) {
    printf("0x%016llx%016llx", (unsigned long long)(v >> 64), (unsigned long long)v);
}

/* volatile to keep the compiler from folding everything at -O2 */
static volatile int64_t vs64[] = {0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 1000000007, -1000000007,
    INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 0x123456789abcdefLL, -0x123456789abcdefLL,
    4294967296LL, -4294967296LL, 4294967295LL, 65536, -65537};
static volatile int32_t vs32[] = {0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 1000007, -1000007,
    INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 65535, -65536, 12345678};

int main(void) {
    unsigned n64 = sizeof vs64 / sizeof vs64[0], n32 = sizeof vs32 / sizeof vs32[0];
    uint64_t acc = 0;

    /* signed 64-bit division and remainder */
    for (unsigned i = 0; i < n64; i++) {
        for (unsigned j = 0; j < n64; j++) {
            int64_t a = vs64[i], b = vs64[j];
            if (b == 0) continue;
            if (a == INT64_MIN && b == -1) { printf("skip INT64_MIN/-1\n"); continue; }
            int64_t q = a / b, r = a % b;
            if (i % 5 == 0) printf("%lld / %lld = %lld r %lld\n", (long long)a, (long long)b, (long long)q, (long long)r);
            acc = acc * 31 + (uint64_t)q * 7 + (uint64_t)r;
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            acc = acc * 31 + ua / ub + ua % ub;
        }
    }
    printf("div64 checksum %016llx\n", (unsigned long long)acc);

    acc = 0;
    for (unsigned i = 0; i < n32; i++) {
        for (unsigned j = 0; j < n32; j++) {
            int32_t a = vs32[i], b = vs32[j];
            if (b == 0) continue;
            if (a == INT32_MIN && b == -1) continue;
            int32_t q = a / b, r = a % b;
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            acc = acc * 131 + (uint32_t)q + ((uint64_t)(uint32_t)r << 32) + ua / ub + (ua % ub);
            int16_t sa = (int16_t)a, sb = (int16_t)b;
            if (sb != 0 && !(sa == INT16_MIN && sb == -1)) acc += (uint64_t)(int64_t)(sa / sb) ^ (uint64_t)(sa % sb);
            int8_t ca = (int8_t)a, cb = (int8_t)b;
            if (cb != 0 && !(ca == INT8_MIN && cb == -1)) acc += (uint64_t)(int64_t)(ca / cb) * 3 + (uint64_t)(ca % cb);
        }
    }
    printf("div32/16/8 checksum %016llx\n", (unsigned long long)acc);

    /* shifts */
    volatile int sh[] = {0, 1, 31, 32, 33, 62, 63};
    for (unsigned k = 0; k < sizeof sh / sizeof sh[0]; k++) {
        int s = sh[k];
        uint64_t u = 0x8123456789abcdefULL;
        int64_t v = (int64_t)0x8123456789abcdefULL;
        printf("shift %2d: shl %016llx shr %016llx sar %016llx\n", s,
               (unsigned long long)(u << s), (unsigned long long)(u >> s), (unsigned long long)(v >> s));
        if (s < 32) {
            uint32_t w = 0x89abcdefu;
            int32_t x = (int32_t)0x89abcdefu;
            printf("shift32 %2d: shl %08x shr %08x sar %08x\n", s, w << s, w >> s, (uint32_t)(x >> s));
        }
    }

    /* unsigned wraparound */
    volatile uint64_t umax = UINT64_MAX;
    volatile uint32_t u32max = UINT32_MAX;
    volatile uint16_t u16max = UINT16_MAX;
    volatile uint8_t u8max = UINT8_MAX;
    printf("wrap: %llu %llu %u %u %u %u\n", (unsigned long long)(umax + 1), (unsigned long long)(umax * umax),
           (unsigned)(u32max + 1u), (unsigned)(uint16_t)(u16max + 1), (unsigned)(uint8_t)(u8max + 1),
           (unsigned)(0u - 1u));
    uint64_t z = 0;
    printf("wrap sub: %llu\n", (unsigned long long)(z - 1));
    printf("extremes: %lld %lld %d %d %u %llu\n", (long long)INT64_MAX, (long long)INT64_MIN, INT_MAX, INT_MIN,
           UINT_MAX, (unsigned long long)UINT64_MAX);
    printf("abs-ish: %lld %lld\n", (long long)(vs64[13] - 1), (long long)(vs64[14] + 1));

    /* popcount/clz/ctz */
    uint64_t pc = 0;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 200; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t y = x >> (i % 64);
        if (y == 0) y = 1;
        pc = pc * 17 + (uint64_t)__builtin_popcountll(y) * 1 + (uint64_t)__builtin_clzll(y) * 64 +
             (uint64_t)__builtin_ctzll(y) * 4096;
        uint32_t w = (uint32_t)y | 1u << (i % 32);
        pc = pc * 13 + (uint64_t)__builtin_popcount(w) + (uint64_t)__builtin_clz(w) * 32 + (uint64_t)__builtin_ctz(w);
        pc += (uint64_t)__builtin_parityll(y) + (uint64_t)__builtin_ffsll((long long)y) + __builtin_clrsbll((long long)y);
    }
    printf("bits checksum %016llx\n", (unsigned long long)pc);
    printf("popcount(UINT64_MAX)=%d clz(1)=%d ctz(1<<63)=%d\n", __builtin_popcountll(umax),
           __builtin_clzll((uint64_t)vs64[1]), __builtin_ctzll((uint64_t)vs64[14]));

    /* __int128 */
    i128 vals[] = {0, 1, -1, (i128)INT64_MAX, (i128)INT64_MIN, (i128)UINT64_MAX,
                   (i128)UINT64_MAX * 1000003, -((i128)1 << 100), ((i128)1 << 126) + 12345,
                   (i128)0x0123456789abcdefLL * (i128)0x0fedcba987654321LL};
    unsigned nv = sizeof vals / sizeof vals[0];
    for (unsigned i = 0; i < nv; i++) {
        print_i128(vals[i]);
        putchar(' ');
        print_hex128((u128)vals[i]);
        putchar('\n');
    }
    u128 h = 0;
    for (unsigned i = 0; i < nv; i++) {
        for (unsigned j = 0; j < nv; j++) {
            i128 a = vals[i], b = vals[j];
            i128 p = (i128)((u128)a * (u128)b);
            h = h * 1000000007 + (u128)p;
            if (b != 0) {
                i128 q = a / b, r = a % b;
                u128 uq = (u128)a / (u128)b, ur = (u128)a % (u128)b;
                h ^= (u128)q + ((u128)r << 7) + uq * 3 + ur;
                if (i == 8 || i == 9) {
                    print_i128(a); fputs(" / ", stdout); print_i128(b); fputs(" = ", stdout);
                    print_i128(q); fputs(" r ", stdout); print_i128(r); putchar('\n');
                }
            }
        }
    }
    fputs("int128 checksum ", stdout);
    print_hex128(h);
    putchar('\n');
    u128 f = 1;
    for (int i = 1; i <= 34; i++) f *= (u128)i;
    fputs("34! = ", stdout); print_u128(f); putchar('\n');
    i128 m = (i128)((u128)1 << 127);
    fputs("int128 min = ", stdout); print_i128(m); putchar('\n');
    fputs("int128 max = ", stdout); print_i128((i128)(((u128)1 << 127) - 1)); putchar('\n');
    /* 64x64->128 multiply high part */
    uint64_t a = 0xfedcba9876543210ULL, b = 0x0123456789abcdefULL;
    u128 prod = (u128)a * b;
    printf("mulhi %016llx lo %016llx\n", (unsigned long long)(prod >> 64), (unsigned long long)prod);
    i128 sprod = (i128)(int64_t)a * (int64_t)b;
    printf("imulhi %016llx lo %016llx\n", (unsigned long long)((u128)sprod >> 64), (unsigned long long)sprod);
    return 0;
}
