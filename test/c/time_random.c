/* Not compared with a native run: prints what QVM derives from the block context.
 *   time <time(NULL)>
 *   realtime <CLOCK_REALTIME seconds>
 *   monotonic_nondecreasing <0|1>
 *   random <32 hex digits from getrandom(16 bytes)>
 * The test checks these against the block timestamp and the keccak-based generator. */
#include <stdio.h>
#include <time.h>
#include <sys/random.h>

int main(void) {
    time_t t = time(NULL);
    struct timespec rt, m1, m2;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    volatile unsigned long spin = 0;
    for (int i = 0; i < 1000; i++) spin += (unsigned long)i;
    clock_gettime(CLOCK_MONOTONIC, &m2);
    int nondec = m2.tv_sec > m1.tv_sec || (m2.tv_sec == m1.tv_sec && m2.tv_nsec >= m1.tv_nsec);
    unsigned char buf[16];
    ssize_t n = getrandom(buf, sizeof buf, 0);
    printf("time %lld\n", (long long)t);
    printf("realtime %lld\n", (long long)rt.tv_sec);
    printf("monotonic_nondecreasing %d\n", nondec);
    printf("random ");
    for (ssize_t i = 0; i < n; i++) printf("%02x", buf[i]);
    printf("\n");
    return n == 16 ? 0 : 1;
}
