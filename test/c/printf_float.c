/* printf of doubles and long doubles: %f %e %g %a %.17g %Lf %La %Le %Lg with widths, precisions
 * and flags, on a table including tiny, huge, denormal, negative zero, inf and nan. */
#include <stdio.h>
#include <float.h>
#include <math.h>
#include <string.h>

int main(void) {
    volatile double zero = 0.0;
    double vals[] = {0.0, -zero, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 3.14159265358979323846, 1e-300, 1e300,
                     DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, DBL_MIN / 3.0, DBL_EPSILON, 123456789.125,
                     0.000123456789, 9.999999999999999e22, 1e23, 5e-324, 2.2250738585072009e-308,
                     1.0 / 3.0, 2.0 / 3.0, 100.0, 1e15 + 0.3, 4503599627370497.0, 0.3, 1e21, 999999.5,
                     1.0 / zero, -1.0 / zero, zero / zero, -(zero / zero)};
    unsigned n = sizeof vals / sizeof vals[0];
    static const char *fmts[] = {"%f", "%e", "%g", "%a", "%.17g", "%.0f", "%.3e", "%.10g", "%+12.4f", "%-14.2e|",
                                 "%#g", "%#.0f", "%#.0e", "%013.5f", "% .6a", "%.0a", "%A", "%G", "%E", "%F",
                                 "%.20e", "%.30f"};
    char buf[512];
    for (unsigned i = 0; i < n; i++) {
        printf("v%u:", i);
        for (unsigned f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
            snprintf(buf, sizeof buf, fmts[f], vals[i]);
            if (strlen(buf) > 60) printf(" [%.60s...]", buf);
            else printf(" [%s]", buf);
        }
        printf("\n");
    }
    /* full expansion of a few */
    printf("%.0f\n%.0f\n%.330f\n", DBL_MAX, 1e300, DBL_TRUE_MIN);
    printf("%.70e\n", 0.1);

    volatile long double lz = 0.0L;
    long double lvals[] = {0.0L, -lz, 1.0L, -1.0L, 0.1L, 1.0L / 3.0L, 3.14159265358979323846264338327950288L,
                           LDBL_MAX, LDBL_MIN, LDBL_MIN / 7.0L, LDBL_EPSILON, 1e4000L, 1e-4000L, 12345678901234567890.0L,
                           (long double)DBL_MAX * 4.0L, 1.0L / lz, -1.0L / lz, lz / lz, 0.5L, 2.5L, 1e-20L};
    unsigned ln = sizeof lvals / sizeof lvals[0];
    static const char *lfmts[] = {"%Lf", "%La", "%Le", "%Lg", "%.21Lg", "%.25Le", "%+.3La", "%20.10Lf", "%LA", "%#.0Lf"};
    for (unsigned i = 0; i < ln; i++) {
        printf("L%u:", i);
        for (unsigned f = 0; f < sizeof lfmts / sizeof lfmts[0]; f++) {
            snprintf(buf, sizeof buf, lfmts[f], lvals[i]);
            if (strlen(buf) > 60) printf(" [%.60s...]", buf);
            else printf(" [%s]", buf);
        }
        printf("\n");
    }
    printf("%.0Lf\n", 1e30L);
    printf("%.40Le\n", 1.0L / 3.0L);
    printf("float: %f %e %a\n", (double)1.1f, (double)FLT_MAX, (double)FLT_MIN);
    return 0;
}
