/* riscv64 signal frames: SIGSEGV and SIGILL handlers read the interrupted context (pc, registers,
 * FP registers, fcsr) from uc_mcontext, change it (skip the faulting instruction, set s1 and fs0)
 * and return through rt_sigreturn; the program then sees the changed registers. Also prints what
 * the auxiliary vector and uname say about the CPU. Compared with qemu-riscv64. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <ucontext.h>

static volatile int segv_hits, ill_hits;
static volatile uintptr_t fault_addr;

static void segv(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    segv_hits++;
    fault_addr = (uintptr_t)si->si_addr;
    uc->uc_mcontext.__gregs[0] += 4;          /* pc: skip the 4-byte load */
    uc->uc_mcontext.__gregs[9] = 12345;       /* s1 */
    double d = 2.5;
    memcpy(&uc->uc_mcontext.__fpregs.__d.__f[8], &d, 8); /* fs0 */
    uc->uc_mcontext.__fpregs.__d.__fcsr |= 0x1; /* NX */
    (void)sig;
}

static void ill(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    ill_hits++;
    printf("SIGILL code %d at the instruction: %d\n", si->si_code, (uintptr_t)si->si_addr == uc->uc_mcontext.__gregs[0]);
    uc->uc_mcontext.__gregs[0] += 2; /* c.unimp is 2 bytes */
    (void)sig;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    sa.sa_sigaction = ill;
    sigaction(SIGILL, &sa, 0);

    long s1_after;
    double fs0_after;
    unsigned fflags;
    __asm__ volatile(
        "csrw fflags, zero\n"
        "li t0, 0x10\n"
        ".4byte 0x0002b283\n" /* ld t0, 0(t0): faults */
        "mv %0, s1\n"
        "fmv.d %1, fs0\n"
        "frflags %2\n"
        : "=r"(s1_after), "=f"(fs0_after), "=r"(fflags)
        :
        : "t0", "s1", "fs0", "memory");
    printf("segv hits %d addr 0x%lx s1 %ld fs0 %g fflags %u\n", segv_hits, (unsigned long)fault_addr, s1_after, fs0_after, fflags);
    __asm__ volatile(".2byte 0x0000\n");
    printf("ill hits %d\n", ill_hits);

    struct utsname u;
    uname(&u);
    printf("machine %s, hwcap 0x%lx\n", u.machine, getauxval(AT_HWCAP));
    return 0;
}
