/* The profiler's depth limit: a recursion far deeper than the frames it records, then a leaf
 * called from main that must still be charged under main (test/profile.test.ts). */
#include <stdio.h>

__attribute__((noinline)) long down(long n) { return n == 0 ? 0 : 1 + down(n - 1); }

__attribute__((noinline)) long leaf(long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += i * i;
    return s;
}

int main(void) {
    long d = down(5000);
    long l = leaf(100000);
    printf("%ld %ld\n", d, l);
    return 0;
}
