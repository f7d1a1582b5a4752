/* Struct copies, struct passing/returning by value (small in registers, large in memory, mixed
 * int/float classification), unions, flexible arrays, and variadic functions (va_list with ints,
 * doubles, long doubles, structs; va_copy; many arguments spilling to the stack). */
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

struct small { int a, b; };
struct mixed { double x; int y; };
struct twod { double x, y; };
struct big { int64_t v[9]; char tag[13]; };
struct odd { char c[3]; };
union pun { double d; uint64_t u; unsigned char b[8]; float f[2]; };
struct flex { int n; int items[]; };

static struct small mk_small(int a, int b) { struct small s = {a, b}; return s; }
static struct mixed mk_mixed(double x, int y) { struct mixed m = {x * 2, y + 1}; return m; }
static struct twod add2(struct twod p, struct twod q) { struct twod r = {p.x + q.x, p.y + q.y}; return r; }
static struct big mk_big(int seed) {
    struct big b;
    for (int i = 0; i < 9; i++) b.v[i] = (int64_t)seed * (i + 1) - 1000;
    snprintf(b.tag, sizeof b.tag, "big-%d", seed);
    return b;
}
static int64_t sum_big(struct big b) { int64_t s = 0; for (int i = 0; i < 9; i++) s += b.v[i]; b.v[0] = 0; return s; }
static struct odd mk_odd(char x) { struct odd o = {{x, (char)(x + 1), (char)(x + 2)}}; return o; }

static long sum_ints(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static double mixed_args(const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    double s = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': s += va_arg(ap, int); break;
        case 'l': s += (double)va_arg(ap, long long); break;
        case 'd': s += va_arg(ap, double); break;
        case 'L': s += (double)va_arg(ap, long double); break;
        case 's': { struct small x = va_arg(ap, struct small); s += x.a * 10 + x.b; } break;
        case 'b': { struct big x = va_arg(ap, struct big); s += (double)x.v[8]; } break;
        case 't': { struct twod x = va_arg(ap, struct twod); s += x.x * x.y; } break;
        case 'p': s += (double)strlen(va_arg(ap, const char *)); break;
        }
    }
    /* walk the copy again, only counting */
    int count = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': (void)va_arg(ap2, int); break;
        case 'l': (void)va_arg(ap2, long long); break;
        case 'd': (void)va_arg(ap2, double); break;
        case 'L': (void)va_arg(ap2, long double); break;
        case 's': (void)va_arg(ap2, struct small); break;
        case 'b': (void)va_arg(ap2, struct big); break;
        case 't': (void)va_arg(ap2, struct twod); break;
        case 'p': (void)va_arg(ap2, const char *); break;
        }
        count++;
    }
    va_end(ap2);
    va_end(ap);
    return s + count * 1000;
}

static void vlog(char *out, size_t n, const char *fmt, va_list ap) { vsnprintf(out, n, fmt, ap); }
static void logf_(char *out, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(out, n, fmt, ap);
    va_end(ap);
}

static int many(int a, int b, int c, int d, int e, int f, int g, int h, double x0, double x1, double x2, double x3,
                double x4, double x5, double x6, double x7, double x8, double x9, int i, long double ld) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + (int)(x0 + x1 * 2 + x2 * 3 + x3 * 4 + x4 * 5 +
           x5 * 6 + x6 * 7 + x7 * 8 + x8 * 9 + x9 * 10) + 100 * i + (int)(ld * 1000);
}

int main(void) {
    struct small s = mk_small(3, 4), s2;
    s2 = s;
    s2.a = 99;
    printf("small %d %d copy %d %d\n", s.a, s.b, s2.a, s2.b);
    struct mixed m = mk_mixed(1.25, 7);
    printf("mixed %g %d\n", m.x, m.y);
    struct twod t = add2((struct twod){1.5, 2.5}, (struct twod){0.25, -4});
    printf("twod %g %g\n", t.x, t.y);
    struct big b = mk_big(5), b2 = b;
    b2.v[3] = 0;
    printf("big %s sum %lld copy-sum %lld orig v0 %lld\n", b.tag, (long long)sum_big(b), (long long)sum_big(b2),
           (long long)b.v[0]);
    struct big arr[4];
    for (int i = 0; i < 4; i++) arr[i] = mk_big(i * 10);
    struct big tmp = arr[0]; arr[0] = arr[3]; arr[3] = tmp;
    printf("swapped %s %s\n", arr[0].tag, arr[3].tag);
    struct odd o = mk_odd('x');
    printf("odd %c%c%c\n", o.c[0], o.c[1], o.c[2]);

    union pun u;
    u.d = -2.5;
    printf("union %016llx bytes %02x..%02x\n", (unsigned long long)u.u, u.b[0], u.b[7]);
    u.f[0] = 1.0f; u.f[1] = -0.0f;
    printf("union floats %016llx\n", (unsigned long long)u.u);

    struct flex *fl = malloc(sizeof *fl + 10 * sizeof(int));
    fl->n = 10;
    for (int i = 0; i < fl->n; i++) fl->items[i] = i * i;
    int fs = 0;
    for (int i = 0; i < fl->n; i++) fs += fl->items[i];
    printf("flex sum %d\n", fs);
    free(fl);

    printf("sum_ints %ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3),
           sum_ints(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12));
    printf("mixed_args %.6f\n", mixed_args("idlLsbtpdddddddddi", 1, 2.5, 3LL, (long double)4.25, s, b, t, "hello",
                                           1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10));
    char out[128];
    logf_(out, sizeof out, "%s|%5.2f|%Lg|%lld|%c", "v", 3.14159, (long double)1e100L, (long long)-7, 'z');
    printf("vsnprintf [%s]\n", out);
    printf("many %d\n", many(1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 11, 0.125L));

    /* struct assignment through pointers, memcmp of padded-free structs */
    struct small sa[100];
    for (int i = 0; i < 100; i++) sa[i] = mk_small(i, -i);
    struct small sb[100];
    memcpy(sb, sa, sizeof sa);
    printf("memcmp structs %d\n", memcmp(sa, sb, sizeof sa) == 0);
    return 0;
}
