/* strtod/strtof/strtold/strtol/strtoul/strtoll/strtoull/atoi: parsing edge cases (bases, signs,
 * overflow with errno, endptr positions, hex floats, inf/nan, denormals) and printf→strtod
 * round-trips of many doubles with %.17g and %a. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <math.h>

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

int main(void) {
    static const char *ints[] = {"0", "42", "-42", "+17", "  \t\n 99xyz", "0x1f", "0X1F", "017", "0b101", "z",
                                 "", "-", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                 "-9223372036854775809", "18446744073709551615", "18446744073709551616",
                                 "-1", "0x", "  -0x80000000", "123abc", "777777777777777777777777"};
    static const int bases[] = {0, 10, 16, 8, 2, 36};
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        printf("\"%s\":", ints[i]);
        for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *end;
            errno = 0;
            long l = strtol(ints[i], &end, bases[b]);
            int e1 = errno;
            errno = 0;
            unsigned long ul = strtoul(ints[i], &end, bases[b]);
            int e2 = errno;
            printf(" b%d=%ld/%d,%lu/%d@%ld", bases[b], l, e1 == ERANGE, ul, e2 == ERANGE, (long)(end - ints[i]));
        }
        errno = 0;
        long long ll = strtoll(ints[i], NULL, 0);
        int e3 = errno;
        errno = 0;
        unsigned long long ull = strtoull(ints[i], NULL, 0);
        printf(" ll=%lld/%d ull=%llu/%d atoi=%d\n", ll, e3 == ERANGE, ull, errno == ERANGE, atoi(ints[i]));
    }

    static const char *fl[] = {"0", "-0", "1", "1.5e3", "  -2.25E-2xyz", ".5", "5.", "1e", "1e+", "e5", "0x1p-2",
                               "0x1.8p1", "0X.8P0", "inf", "-INF", "infinity", "nan", "NAN(123)", "-nan",
                               "1e400", "-1e400", "1e-400", "4.9e-324", "2.4703282292062328e-324",
                               "2.4703282292062327e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
                               "1.7976931348623159e308", "0.1000000000000000055511151231257827",
                               "123456789012345678901234567890", "3.14159265358979323846264338327950288",
                               "9007199254740993", "1e23", "8.5e-5", "0.000000000000000000000000000000000001",
                               "1.0000000000000002", "1.00000000000000011102230246251565404236316680908203125",
                               "1.00000000000000011102230246251565404236316680908203124", "   +.e1", "0x", "-0x1.fffffffffffffp1023"};
    for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        char *end;
        errno = 0;
        double d = strtod(fl[i], &end);
        int e = errno;
        float f = strtof(fl[i], NULL);
        long double ld = strtold(fl[i], NULL);
        printf("\"%s\": d=%.17g (%016llx) erange=%d end=%ld f=%a ld=%La\n", fl[i], d,
               (unsigned long long)(isnan(d) ? bits(d) & 0xfff0000000000000ULL : bits(d)), e == ERANGE,
               (long)(end - fl[i]), (double)f, ld);
    }

    /* round trips */
    uint64_t s = 0x243f6a8885a308d3ULL;
    unsigned bad17 = 0, bada = 0, badg = 0;
    uint64_t h = 0;
    char buf[64];
    for (int i = 0; i < 300; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        uint64_t u = s;
        if (i % 4 == 1) u &= 0x000fffffffffffffULL; /* denormals */
        if (i % 4 == 2) u = (u & 0x800fffffffffffffULL) | ((uint64_t)(1023 + (int)(u % 40) - 20) << 52);
        double d;
        memcpy(&d, &u, 8);
        if (isnan(d) || isinf(d)) continue;
        snprintf(buf, sizeof buf, "%.17g", d);
        double r = strtod(buf, NULL);
        if (bits(r) != bits(d)) bad17++;
        for (const char *p = buf; *p; p++) h = h * 131 + (unsigned char)*p;
        snprintf(buf, sizeof buf, "%a", d);
        r = strtod(buf, NULL);
        if (bits(r) != bits(d)) bada++;
        for (const char *p = buf; *p; p++) h = h * 131 + (unsigned char)*p;
        snprintf(buf, sizeof buf, "%.6g", d);
        r = strtod(buf, NULL);
        snprintf(buf + 32, 32, "%.6g", r);
        if (strcmp(buf, buf + 32) != 0) badg++;
        h = h * 31 + bits(r);
    }
    printf("round trips: bad17=%u bada=%u badg=%u hash=%016llx\n", bad17, bada, badg, (unsigned long long)h);
    /* long double round trip */
    long double x = 1.0L / 7.0L;
    snprintf(buf, sizeof buf, "%.21Lg", x);
    printf("ld %s -> %d\n", buf, strtold(buf, NULL) == x);
    return 0;
}
