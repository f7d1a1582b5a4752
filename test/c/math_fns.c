/* math.h on a table of inputs, results printed exactly with %a (double), %La (long double; musl
 * implements several of these with x87 instructions: fyl2x, f2xm1, fpatan, fprem, frndint, fsqrt)
 * and float functions. Also fenv rounding modes with rint/nearbyint/lrint. (At -O2 gcc inlines
 * rint() with its own add-and-subtract-2^52 sequence, which rounds negative halves differently
 * from musl's rint under directed rounding, so the -O0 and -O2 outputs differ on those lines;
 * each is compared with its own native run.) */
#include <stdio.h>
#include <math.h>
#include <fenv.h>
#include <float.h>

static const double in[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, 2.0, 2.5, -2.5, 3.0, 0.1, 0.7853981633974483,
                            1.5707963267948966, 3.141592653589793, 6.283185307179586, 10.0, -10.0, 100.5, 700.0,
                            -745.0, 1e-10, 1e-310, 1e10, 1e22, 1e300, -1e300, 123.456, -0.3333, 0.9999999,
                            1e6 + 0.5, 4503599627370495.5, INFINITY, -INFINITY, NAN};
#define NIN (sizeof in / sizeof in[0])

typedef double (*f1)(double);
typedef double (*f2)(double, double);
struct u { const char *name; f1 f; };
struct b { const char *name; f2 f; };

static double my_ldexp5(double x) { return ldexp(x, 5); }
static double my_frexp(double x) { int e; double m = frexp(x, &e); return m + e * 1024.0; }
static double my_modf(double x) { double ip; double fp = modf(x, &ip); return fp + ip * 0.0625; }
static double my_lrint(double x) { return fabs(x) < 1e18 ? (double)lrint(x) : -7.0; }
static double my_lround(double x) { return fabs(x) < 1e18 ? (double)lround(x) : -7.0; }
static double my_ilogb(double x) { return (double)ilogb(x); }

static const struct u unary[] = {
    {"sin", sin}, {"cos", cos}, {"tan", tan}, {"asin", asin}, {"acos", acos}, {"atan", atan}, {"sinh", sinh},
    {"cosh", cosh}, {"tanh", tanh}, {"asinh", asinh}, {"acosh", acosh}, {"atanh", atanh}, {"exp", exp},
    {"exp2", exp2}, {"expm1", expm1}, {"log", log}, {"log2", log2}, {"log10", log10}, {"log1p", log1p},
    {"sqrt", sqrt}, {"cbrt", cbrt}, {"floor", floor}, {"ceil", ceil}, {"round", round}, {"trunc", trunc},
    {"rint", rint}, {"nearbyint", nearbyint}, {"fabs", fabs}, {"erf", erf}, {"erfc", erfc}, {"lgamma", lgamma},
    {"tgamma", tgamma}, {"logb", logb}, {"ldexp5", my_ldexp5}, {"frexp", my_frexp}, {"modf", my_modf},
    {"lrint", my_lrint}, {"lround", my_lround}, {"ilogb", my_ilogb},
};
static const struct b binary[] = {
    {"pow", pow}, {"atan2", atan2}, {"fmod", fmod}, {"hypot", hypot}, {"remainder", remainder},
    {"fmin", fmin}, {"fmax", fmax}, {"fdim", fdim}, {"copysign", copysign}, {"nextafter", nextafter},
};

int main(void) {
    for (unsigned k = 0; k < sizeof unary / sizeof unary[0]; k++) {
        printf("%s:", unary[k].name);
        for (unsigned i = 0; i < NIN; i++) printf(" %a", unary[k].f(in[i]));
        printf("\n");
    }
    static const double b2[] = {0.0, -0.0, 0.5, -1.0, 2.0, 3.0, -2.5, 10.0, 1e-300, 1e300, INFINITY, NAN, 0.1};
    for (unsigned k = 0; k < sizeof binary / sizeof binary[0]; k++) {
        printf("%s:", binary[k].name);
        for (unsigned i = 0; i < NIN; i += 2)
            for (unsigned j = 0; j < sizeof b2 / sizeof b2[0]; j++) printf(" %a", binary[k].f(in[i], b2[j]));
        printf("\n");
    }
    printf("fma: %a %a %a\n", fma(0.1, 10.0, -1.0), fma(1e308, 10.0, -1e308), fma(-0.0, 0.0, 0.0));
    int q;
    double r = remquo(10.3, 3.0, &q);
    printf("remquo: %a %d\n", r, q);
    printf("scalbn: %a %a %a\n", scalbn(1.0, 1023), scalbn(1.0, -1074), scalbn(3.0, -1080));

    /* float variants */
    static const float fin[] = {0.0f, 0.5f, 1.0f, 2.0f, 3.14159265f, 10.0f, -7.5f, 1e-40f, 88.0f, 1e30f};
    for (unsigned i = 0; i < sizeof fin / sizeof fin[0]; i++) {
        float x = fin[i];
        printf("f %a: %a %a %a %a %a %a %a %a\n", (double)x, (double)sinf(x), (double)cosf(x), (double)expf(x),
               (double)logf(x), (double)sqrtf(x), (double)powf(x, 1.5f), (double)atan2f(x, 2.0f),
               (double)floorf(x + 0.5f));
    }

    /* long double variants (several are x87 assembly in musl) */
    static const long double lin[] = {0.0L, 0.5L, 1.0L, 2.0L, 3.14159265358979323846L, 10.0L, -7.5L, 1e-10L,
                                      100.0L, 1e4000L, -1e-4000L};
    for (unsigned i = 0; i < sizeof lin / sizeof lin[0]; i++) {
        long double x = lin[i];
        /* The x87 transcendental instructions (f2xm1, fyl2x, fpatan, fsin...) behind expl, logl, sinl...
         * are not specified to the last bit: Intel and AMD differ there (docs/x87.md). Those results
         * are printed rounded to double; exactly specified ones (sqrt, fmod, rint, floor...) in full. */
        printf("L %La: exp %a log %a log2 %a log10 %a sqrt %La atan2 %a fmod %La rint %La exp2 %a expm1 %a log1p %a\n",
               x, (double)expl(x), (double)logl(x), (double)log2l(x), (double)log10l(x), sqrtl(x),
               (double)atan2l(x, 3.0L), fmodl(x, 0.7L), rintl(x * 3.3L), (double)exp2l(x), (double)expm1l(x),
               (double)log1pl(x));
        printf("L %La: sin %a cos %a tan %a pow %a cbrt %a floor %La ceil %La trunc %La atan %a asin %a\n", x,
               (double)sinl(x), (double)cosl(x), (double)tanl(x), (double)powl(x, 0.75L), (double)cbrtl(x),
               floorl(x * 1.7L), ceill(x * 1.7L), truncl(x * -1.7L), (double)atanl(x), (double)asinl(x / 4.0L));
    }

    /* rounding modes */
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    static const char *mn[] = {"nearest", "upward", "downward", "towardzero"};
    static volatile double rv[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 1e15 + 0.5};
    volatile double one = 1.0, three = 3.0;
    for (unsigned m = 0; m < 4; m++) {
        fesetround(modes[m]);
        printf("%s (get=%d):", mn[m], fegetround() == modes[m]);
        for (unsigned i = 0; i < sizeof rv / sizeof rv[0]; i++)
            { double x = rv[i]; printf(" %a/%a/%ld", rint(x), nearbyint(x), lrint(x)); }
        printf(" 1/3=%a -1/3=%a sqrt2=%a 1/3L=%La\n", one / three, -one / three, sqrt(2.0 * one),
               (long double)one / (long double)three);
    }
    fesetround(FE_TONEAREST);
    /* exception flags */
    feclearexcept(FE_ALL_EXCEPT);
    volatile double z = 0.0;
    volatile double t = one / z;
    printf("divbyzero=%d", fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    t = z / z;
    printf(" invalid=%d", fetestexcept(FE_INVALID) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    t = one / three;
    printf(" inexact=%d", fetestexcept(FE_INEXACT) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    t = DBL_MAX * (one + one);
    printf(" overflow=%d", fetestexcept(FE_OVERFLOW) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    t = DBL_MIN / (three * 1e10);
    printf(" underflow=%d\n", fetestexcept(FE_UNDERFLOW) != 0);
    (void)t;
    return 0;
}
