/* Deep recursion: 100k frames (non-tail, so the stack really grows), mutual recursion, Ackermann,
 * and recursion with large frames. */
#include <stdio.h>
#include <stdint.h>

static uint64_t deep(uint32_t n, volatile uint64_t *sink) {
    volatile uint64_t local = n * 2654435761u;
    if (n == 0) return 1;
    uint64_t r = deep(n - 1, sink);
    *sink += local;
    return r * 3 + (local & 7);
}

static int is_even(unsigned n);
static int is_odd(unsigned n) { volatile unsigned m = n; return m == 0 ? 0 : is_even(m - 1); }
static int is_even(unsigned n) { volatile unsigned m = n; return m == 0 ? 1 : is_odd(m - 1); }

static unsigned long ack(unsigned long m, unsigned long n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static uint64_t big_frames(int n) {
    volatile unsigned char buf[4000];
    for (int i = 0; i < 4000; i += 500) buf[i] = (unsigned char)(n + i);
    if (n == 0) return buf[0];
    return big_frames(n - 1) * 31 + buf[500] + buf[3500];
}

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
    volatile uint64_t sink = 0;
    uint64_t r = deep(100000, &sink);
    printf("deep(100000) = %016llx sink %016llx\n", (unsigned long long)r, (unsigned long long)sink);
    printf("is_even(20001) = %d is_odd(30001) = %d\n", is_even(20001), is_odd(30001));
    printf("ack(2, 300) = %lu ack(3, 5) = %lu\n", ack(2, 300), ack(3, 5));
    printf("big_frames(500) = %016llx\n", (unsigned long long)big_frames(500));
    printf("fib(22) = %ld\n", fib(22));
    return 0;
}
