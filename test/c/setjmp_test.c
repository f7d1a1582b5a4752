/* setjmp/longjmp: simple jumps, jumping out of deep recursion, values 0 (becomes 1) and others,
 * volatile locals preserved, nested jmp_bufs, sigsetjmp/siglongjmp. */
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>

static jmp_buf env, env2;
static int depth_reached;

static void dive(int n) {
    volatile char pad[64];
    pad[n % 64] = (char)n;
    depth_reached = n;
    if (n == 1000) longjmp(env, n + pad[n % 64] * 0);
    dive(n + 1);
    pad[0]++;
}

static int inner(int v) {
    if (setjmp(env2) == 0) {
        if (v > 2) longjmp(env2, v * 10);
        return v;
    }
    return -v;
}

static void thrower(int code) { longjmp(env, code); }

int main(void) {
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    printf("setjmp returned %d (counter %d)\n", r, counter);
    if (r == 0) longjmp(env, 0); /* longjmp with 0 makes setjmp return 1 */
    if (r == 1) longjmp(env, 42);
    if (r == 42) longjmp(env, -5);

    r = setjmp(env);
    if (r == 0) dive(0);
    printf("out of recursion with %d, depth %d\n", r, depth_reached);

    for (int i = 0; i < 5; i++) printf("inner(%d) = %d\n", i, inner(i));

    volatile long acc = 0;
    for (volatile int i = 0; i < 200; i++) {
        int c = setjmp(env);
        if (c == 0) thrower(i + 1);
        acc += c * 3;
    }
    printf("acc %ld\n", (long)acc);

    sigjmp_buf sj;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    int sr = sigsetjmp(sj, 1);
    if (sr == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(sj, 7);
    }
    sigprocmask(SIG_BLOCK, NULL, &old);
    printf("sigsetjmp returned %d, SIGUSR1 blocked after restore: %d\n", sr, sigismember(&old, SIGUSR1));
    return 0;
}
