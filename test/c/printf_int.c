/* printf/snprintf of integers with every flag combination, widths, precisions and length
 * modifiers; snprintf truncation and return values; %n; positional arguments. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>
#include <inttypes.h>
#include <stddef.h>

int main(void) {
    static const long long vals[] = {0, 1, -1, 7, -42, 255, 65535, -32768, 2147483647, -2147483647 - 1,
                                     4294967295LL, 123456789012LL, LLONG_MAX, LLONG_MIN};
    static const char *flags[] = {"", "-", "+", " ", "0", "#", "-+", "+0", " 0", "-#", "#0", "+ ", "-0"};
    static const char *conv[] = {"d", "i", "u", "x", "X", "o"};
    static const char *wp[] = {"", "1", "5", "12", ".0", ".3", "8.3", "20.15", "*", ".*", "*.*"};
    char fmt[64], out[128];
    unsigned long h = 5381;
    int lines = 0;
    for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++) {
        for (unsigned f = 0; f < sizeof flags / sizeof flags[0]; f++) {
            for (unsigned w = 0; w < sizeof wp / sizeof wp[0]; w++) {
                for (unsigned c = 0; c < sizeof conv / sizeof conv[0]; c++) {
                    snprintf(fmt, sizeof fmt, "[%%%s%sll%s]", flags[f], wp[w], conv[c]);
                    int n;
                    if (wp[w][0] == '*' && wp[w][1] == '.')
                        n = snprintf(out, sizeof out, fmt, 9, 4, vals[v]);
                    else if (wp[w][0] == '*')
                        n = snprintf(out, sizeof out, fmt, -7, vals[v]);
                    else if (wp[w][0] == '.' && wp[w][1] == '*')
                        n = snprintf(out, sizeof out, fmt, 6, vals[v]);
                    else
                        n = snprintf(out, sizeof out, fmt, vals[v]);
                    for (const char *p = out; *p; p++) h = h * 33 + (unsigned char)*p;
                    h = h * 33 + (unsigned)n;
                    /* print a sample of them in full */
                    if ((v * 7 + f * 3 + w + c) % 23 == 0) { printf("%-14s %s\n", fmt, out); lines++; }
                }
            }
        }
    }
    printf("%d sample lines, hash %016lx\n", lines, h);

    /* length modifiers with proper types */
    printf("hh: %hhd %hhu %hhx\n", (signed char)-5, (unsigned char)250, (unsigned char)0xab);
    printf("h: %hd %hu %hx\n", (short)-12345, (unsigned short)54321, (unsigned short)0xbeef);
    printf("l: %ld %lu %lx\n", -1234567890123L, 18446744073709551615UL, 0xdeadbeefcafeUL);
    printf("j z t: %jd %zu %td %zx\n", (intmax_t)-99, (size_t)12345, (ptrdiff_t)-77, (size_t)0xffff);
    printf("inttypes: %" PRId64 " %" PRIu32 " %" PRIx16 " %" PRIo8 "\n", (int64_t)-5, (uint32_t)7, (uint16_t)0xff,
           (uint8_t)8);
    printf("chars: [%c] [%5c] [%-5c] [%%]\n", 'A', 'b', 'c');
    printf("strings: [%s] [%10s] [%-10s] [%.3s] [%10.2s] [%*s] [%-*.*s]\n", "hi", "right", "left", "truncate",
           "ab", 6, "st", 8, 3, "precise");
    /* %n */
    int cnt = 0;
    printf("count this%n|\n", &cnt);
    printf("n=%d\n", cnt);
    /* positional */
    printf("%2$s %1$s %3$05d\n", "world", "hello", 42);
    /* snprintf truncation and return value */
    char small[8];
    int r = snprintf(small, sizeof small, "%d-%d-%d", 12345, 67890, 11111);
    printf("snprintf ret=%d buf=[%s]\n", r, small);
    r = snprintf(NULL, 0, "%lld", LLONG_MIN);
    printf("snprintf(NULL,0) ret=%d\n", r);
    r = snprintf(small, 1, "abc");
    printf("snprintf size 1 ret=%d buf=[%s]\n", r, small);
    /* big widths */
    printf("[%40d]\n[%-40x]\n[%040o]\n", 1, 0xabc, 0777);
    return 0;
}
