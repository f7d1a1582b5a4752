/* long double (x87 80-bit) arithmetic: + - * / sqrt, comparisons incl. unordered, precision
 * (64-bit mantissa), denormals, pseudo-overflow, series computations, conversions to and from
 * strings, and the x87 control word (precision control) set directly. */
#include <stdio.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <stdint.h>

static void dump(const char *name, long double x) {
    unsigned char b[16];
    memset(b, 0, sizeof b);
    memcpy(b, &x, 10);
    uint64_t mant;
    uint16_t se;
    memcpy(&mant, b, 8);
    memcpy(&se, b + 8, 2);
    printf("%-10s %04x:%016llx %La\n", name, se, (unsigned long long)mant, x);
}

static uint16_t getcw(void) { uint16_t cw; __asm__ volatile("fnstcw %0" : "=m"(cw)); return cw; }
static void setcw(uint16_t cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }

int main(void) {
    volatile long double one = 1.0L, three = 3.0L, ten = 10.0L, zero = 0.0L;
    dump("1/3", one / three);
    dump("2/3", (one + one) / three);
    dump("1/10", one / ten);
    dump("sqrt2", sqrtl(one + one));
    dump("eps", LDBL_EPSILON);
    dump("1+eps", one + LDBL_EPSILON);
    dump("1+eps/2", one + LDBL_EPSILON / 2);
    dump("max", LDBL_MAX);
    dump("min", LDBL_MIN);
    dump("denorm", LDBL_MIN / 1024);
    dump("tiny", LDBL_TRUE_MIN);
    dump("max*2", LDBL_MAX * (one + one));
    dump("-0", -zero);
    dump("0/0", zero / zero);
    dump("1/0", one / zero);
    dump("-1/0", -one / zero);

    /* comparisons */
    long double nan = zero / zero;
    printf("cmp: %d %d %d %d %d %d\n", one < three, one > three, nan < one, nan > one, nan == nan, nan != nan);
    printf("isnan %d isinf %d signbit(-0) %d fpclassify(denorm)=%d\n", isnan(nan), isinf(one / zero),
           signbit(-zero) != 0, fpclassify(LDBL_MIN / 4) == FP_SUBNORMAL);

    /* series: e, pi (Leibniz accelerated), harmonic numbers */
    long double e = 0, term = 1;
    for (int i = 1; i < 30; i++) { e += term; term /= i; }
    dump("e", e);
    long double pi = 0;
    for (int k = 0; k < 40; k++) {
        long double kk = k;
        long double p16 = powl(16.0L, -kk);
        pi += p16 * (4 / (8 * kk + 1) - 2 / (8 * kk + 4) - 1 / (8 * kk + 5) - 1 / (8 * kk + 6));
    }
    dump("pi", pi);
    long double h = 0;
    for (int i = 1; i <= 10000; i++) h += one / i;
    dump("H10000", h);
    double hd = 0;
    for (int i = 1; i <= 10000; i++) hd += 1.0 / i;
    printf("H10000 double %a diff %La\n", hd, h - hd);

    /* products and mixed-precision expressions */
    long double p = 1;
    for (int i = 1; i <= 25; i++) p *= i;
    dump("25!", p);
    dump("25!/24!", p / (p / 25));
    long double big = 1e4000L;
    dump("1e4000", big);
    dump("1e4000^-1", one / big);
    dump("fma-ish", (one / three) * three - one);
    long double x = 0.1L;
    long double acc = 0;
    for (int i = 0; i < 1000; i++) acc += x;
    dump("0.1*1000", acc);
    printf("strings: %.21Lg %.30Le %Lf\n", one / three, pi, big / 1e3990L);

    /* precision control via the x87 control word */
    uint16_t cw = getcw();
    printf("default cw %04x\n", cw);
    setcw((uint16_t)((cw & ~0x300) | 0x200)); /* 53-bit */
    dump("1/3 pc53", one / three);
    setcw((uint16_t)(cw & ~0x300)); /* 24-bit */
    dump("1/3 pc24", one / three);
    setcw((uint16_t)((cw & ~0xc00) | 0x400)); /* round down */
    dump("1/3 down", one / three);
    dump("-1/3 down", -one / three);
    setcw((uint16_t)((cw & ~0xc00) | 0xc00)); /* truncate */
    dump("2/3 trunc", (one + one) / three);
    setcw(cw);
    dump("1/3 again", one / three);

    /* float and double arithmetic through long double */
    float f1 = 16777216.0f, f2 = 1.0f;
    volatile float fs = f1 + f2;
    printf("float 2^24+1 = %a\n", (double)fs);
    volatile double d1 = 9007199254740992.0, d2 = 1.0;
    volatile double ds = d1 + d2;
    volatile long double ls = (long double)d1 + d2;
    printf("double 2^53+1 = %a long double = %La\n", ds, ls);
    return 0;
}
