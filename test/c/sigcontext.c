/* Signal handlers that read and change the interrupted context: a SIGSEGV handler skips the
 * faulting instruction by rewriting RIP in the ucontext, on an alternate signal stack; SIGFPE from
 * an integer division by zero is recovered with siglongjmp; SIGILL from ud2; the FP state and the
 * signal mask are restored by sigreturn; a handler changes a general register the program sees. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

static char altstack[65536];
static volatile int segv_hits, on_alt, fpe_hits, ill_hits;
static volatile uintptr_t fault_addr;
static sigjmp_buf jb;

static void segv(int sig, siginfo_t *si, void *ctx) {
    ucontext_t *uc = ctx;
    char here;
    (void)sig;
    segv_hits++;
    fault_addr = (uintptr_t)si->si_addr;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    /* the faulting instruction is "movl $7, (%rax)": 6 bytes (c7 00 07 00 00 00) */
    uc->uc_mcontext.gregs[REG_RIP] += 6;
    uc->uc_mcontext.gregs[REG_RBX] = 12345;
}

static void fpe(int sig, siginfo_t *si, void *ctx) {
    (void)ctx;
    fpe_hits++;
    if (si->si_code == FPE_INTDIV) fpe_hits += 10;
    siglongjmp(jb, sig);
}

static void ill(int sig, siginfo_t *si, void *ctx) {
    ucontext_t *uc = ctx;
    (void)sig; (void)si;
    ill_hits++;
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 */
}

static void usr1(int sig) {
    /* clobber FP state inside the handler; sigreturn must restore the program's */
    volatile double x = 1e300;
    x = x * x;
    (void)sig;
}

int main(void) {
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);

    long rbx_after;
    __asm__ volatile("mov $0, %%rbx\n\tmov $0x10, %%rax\n\tmovl $7, (%%rax)\n\tmov %%rbx, %0" : "=r"(rbx_after) : : "rax", "rbx", "memory");
    printf("segv hits %d addr 0x%lx on altstack %d rbx %ld\n", segv_hits, (unsigned long)fault_addr, on_alt, rbx_after);

    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("altstack flags %d size %zu\n", cur.ss_flags, cur.ss_size);

    sa.sa_sigaction = fpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    volatile int zero = 0;
    int r = sigsetjmp(jb, 1);
    if (r == 0) {
        printf("%d\n", 10 / zero);
    } else {
        printf("fpe recovered sig %d hits %d\n", r, fpe_hits);
    }
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("SIGFPE blocked after siglongjmp: %d\n", sigismember(&m, SIGFPE));

    sa.sa_sigaction = ill;
    sigaction(SIGILL, &sa, NULL);
    __asm__ volatile("ud2");
    printf("ill hits %d\n", ill_hits);

    signal(SIGUSR1, usr1);
    volatile double d = 1.0 / 3.0;
    raise(SIGUSR1);
    printf("fp after handler %.17g\n", d * 3.0);

    /* a fault with the default action ends the program: 128+11 */
    signal(SIGSEGV, SIG_DFL);
    fflush(stdout);
    *(volatile int *)8 = 1;
    return 0;
}
