/* Floating point <-> integer conversions: double/float/long double to signed and unsigned 8..64
 * bit integers (in-range values only, plus the x86 "integer indefinite" results of cvttsd2si for
 * out-of-range inputs, produced via inline asm), integers to floating point incl. uint64 above
 * 2^63, float<->double<->long double narrowing and widening with rounding. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <float.h>

static int64_t cvtt64(double d) { int64_t r; __asm__("cvttsd2si %1, %0" : "=r"(r) : "x"(d)); return r; }
static int32_t cvtt32(double d) { int32_t r; __asm__("cvttsd2si %1, %0" : "=r"(r) : "x"(d)); return r; }
static int64_t cvt64(double d) { int64_t r; __asm__("cvtsd2si %1, %0" : "=r"(r) : "x"(d)); return r; }
static int32_t cvttss32(float f) { int32_t r; __asm__("cvttss2si %1, %0" : "=r"(r) : "x"(f)); return r; }
static int64_t fistp64(long double x) { int64_t r; __asm__("fistpll %0" : "=m"(r) : "t"(x) : "st"); return r; }

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(void) {
    volatile double dv[] = {0.0, -0.0, 0.4, 0.5, 0.6, 1.5, 2.5, -0.5, -1.5, -2.5, 127.9, -128.9, 255.5, 32767.5,
                            -32768.7, 65535.9, 2147483647.9, -2147483648.9, 4294967295.5, 1e15 + 0.5,
                            9223372036854774784.0, -9223372036854775808.0, 18446744073709549568.0, 3.7e-310};
    for (unsigned i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        double d = dv[i];
        printf("%a:", d);
        if (d > -129 && d < 128) printf(" i8=%d", (int8_t)d);
        if (d > -1 && d < 256) printf(" u8=%u", (uint8_t)d);
        if (d > -32769 && d < 32768) printf(" i16=%d", (int16_t)d);
        if (d > -1 && d < 65536) printf(" u16=%u", (uint16_t)d);
        if (d > -2147483649.0 && d < 2147483648.0) printf(" i32=%d", (int32_t)d);
        if (d > -1 && d < 4294967296.0) printf(" u32=%u", (uint32_t)d);
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) printf(" i64=%lld", (long long)(int64_t)d);
        if (d > -1 && d < 18446744073709551616.0) printf(" u64=%llu", (unsigned long long)(uint64_t)d);
        float f = (float)d;
        if (f > -2147483649.0f && f < 2147483648.0f) printf(" f->i32=%d", (int32_t)f);
        if (f > -1 && f < 18446744073709551616.0f) printf(" f->u64=%llu", (unsigned long long)(uint64_t)f);
        long double ld = d;
        if (ld > -1 && ld < 18446744073709551616.0L) printf(" ld->u64=%llu", (unsigned long long)(uint64_t)ld);
        if (ld >= -9223372036854775808.0L && ld < 9223372036854775808.0L) printf(" ld->i64=%lld", (long long)(int64_t)ld);
        printf(" float=%08x round=%lld\n", fbits(f), (long long)llround(d));
    }
    /* out of range: x86 defined results via the instructions themselves */
    volatile double oor[] = {1e20, -1e20, 9223372036854775808.0, 2147483648.0, -2147483649.0, INFINITY, -INFINITY,
                             NAN, 2.5, -2.5, 3.5};
    for (unsigned i = 0; i < sizeof oor / sizeof oor[0]; i++) {
        double d = oor[i];
        printf("asm %a: cvtt64=%llx cvtt32=%x cvt64=%llx cvttss=%x fistp=%llx\n", d, (unsigned long long)cvtt64(d),
               (unsigned)cvtt32(d), (unsigned long long)cvt64(d), (unsigned)cvttss32((float)d),
               (unsigned long long)fistp64((long double)d));
    }
    /* integers to floating point */
    volatile uint64_t uv[] = {0, 1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
                              0xffffffffffffffffULL, 0x20000000000001ULL, 0x20000000000003ULL, 0xfffffffffffff800ULL,
                              0xfffffffffffffc00ULL, 12345678901234567ULL};
    for (unsigned i = 0; i < sizeof uv / sizeof uv[0]; i++) {
        uint64_t u = uv[i];
        printf("u64 %llx: d=%a f=%a ld=%La sd=%a sf=%a u32d=%a\n", (unsigned long long)u, (double)u, (double)(float)u,
               (long double)u, (double)(int64_t)u, (double)(float)(int64_t)u, (double)(uint32_t)u);
    }
    volatile int32_t iv[] = {0, -1, 16777217, -16777217, 2147483647, -2147483647 - 1};
    for (unsigned i = 0; i < sizeof iv / sizeof iv[0]; i++)
        printf("i32 %d: f=%a d=%a\n", iv[i], (double)(float)iv[i], (double)iv[i]);
    /* narrowing / widening */
    volatile double nv[] = {0.1, 1.0 / 3.0, 1e39, -1e39, 1e-39, 1e-46, FLT_MAX, (double)FLT_MAX * (1 + DBL_EPSILON),
                            3.4028235677973366e38, 1.401298464324817e-45, 7.006492321624085e-46, NAN, -INFINITY};
    for (unsigned i = 0; i < sizeof nv / sizeof nv[0]; i++) {
        double d = nv[i];
        float f = (float)d;
        printf("narrow %a -> %08x -> %a (%016llx)\n", d, fbits(f), (double)f, (unsigned long long)dbits((double)f));
    }
    volatile long double lv[] = {0.1L, 1.0L / 3.0L, 1e309L, 1e-320L, 1e-4940L, 0x1.fffffffffffff8p0L, 0x1.00000000000008p0L,
                                 0x1.00000000000018p0L, LDBL_MAX};
    for (unsigned i = 0; i < sizeof lv / sizeof lv[0]; i++) {
        long double l = lv[i];
        double d = (double)l;
        printf("ld %La -> d %a -> f %a\n", l, d, (double)(float)l);
    }
    return 0;
}
