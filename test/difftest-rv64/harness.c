/* Instruction-level differential test harness for riscv64, run under qemu-riscv64 and under QVM
 * with the same stdin (test/difftest-rv64/run.ts compares their stdout byte for byte per case).
 *
 * stdin: a u32 case count, then per case: u32 code length, code bytes (padded to 4), the input
 * state (x0..x31, f0..f31, fcsr: 65 u64) and 256 bytes of data memory.
 * stdout per case: the output state (65 u64), the data memory, then u64 signal number, u64
 * si_addr and u64 pc offset from the code start (all 0 when the code ran to its end).
 *
 * Fixed layout (mapped MAP_FIXED, identical in both runs):
 *   STATE page 0x30000000: tp = 0x30000c00; input state at tp-2048, output at tp-1280
 *                          (tp+0: address to return to in run_case)
 *   CODE  page 0x30001000: the case's code, then `jal x0, save_stub`; save_stub at CODE+2048
 *   DATA  page 0x30002000: the case's 256 data bytes at DATA+0x700 (bases point at DATA+0x800)
 * x3 (gp) and x4 (tp) are reserved: the generator never writes them. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define STATE 0x30000000UL
#define TP (STATE + 0xc00)
#define IN (TP - 2048)
#define OUT (TP - 1280)
#define CODE 0x30001000UL
#define STUB (CODE + 2048)
#define DATA 0x30002000UL
#define DATA_AT (DATA + 0x700)
#define NSTATE 65

extern void run_case(void);
extern char save_stub_start[], save_stub_end[];

__asm__(
    ".text\n.globl run_case\nrun_case:\n"
    "addi sp, sp, -128\n"
    "sd ra, 0(sp)\n sd s0, 8(sp)\n sd s1, 16(sp)\n sd s2, 24(sp)\n sd s3, 32(sp)\n sd s4, 40(sp)\n"
    "sd s5, 48(sp)\n sd s6, 56(sp)\n sd s7, 64(sp)\n sd s8, 72(sp)\n sd s9, 80(sp)\n sd s10, 88(sp)\n"
    "sd s11, 96(sp)\n sd gp, 104(sp)\n sd tp, 112(sp)\n"
    "la t0, saved_sp\n sd sp, 0(t0)\n"
    "li tp, 0x30000c00\n"
    "la t0, 1f\n sd t0, 0(tp)\n"
    "ld t0, -2048+512(tp)\n fscsr t0\n"
#define F(n) "fld f" #n ", -2048+256+8*" #n "(tp)\n"
    F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)
    F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29) F(30) F(31)
#undef F
#define X(n) "ld x" #n ", -2048+8*" #n "(tp)\n"
    X(1) X(2) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18)
    X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
#undef X
    "jalr x0, 1024(tp)\n"
    "1:\n"
    "la t0, saved_sp\n ld sp, 0(t0)\n"
    "ld ra, 0(sp)\n ld s0, 8(sp)\n ld s1, 16(sp)\n ld s2, 24(sp)\n ld s3, 32(sp)\n ld s4, 40(sp)\n"
    "ld s5, 48(sp)\n ld s6, 56(sp)\n ld s7, 64(sp)\n ld s8, 72(sp)\n ld s9, 80(sp)\n ld s10, 88(sp)\n"
    "ld s11, 96(sp)\n ld gp, 104(sp)\n ld tp, 112(sp)\n"
    "addi sp, sp, 128\n ret\n"
    /* copied to STUB: stores every register relative to tp, then returns to run_case */
    ".globl save_stub_start\n.globl save_stub_end\nsave_stub_start:\n"
#define X(n) "sd x" #n ", -1280+8*" #n "(tp)\n"
    X(1) X(2) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18)
    X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
#undef X
#define F(n) "fsd f" #n ", -1280+256+8*" #n "(tp)\n"
    F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)
    F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29) F(30) F(31)
#undef F
    "frcsr t0\n sd t0, -1280+512(tp)\n"
    "ld t0, 0(tp)\n jr t0\n"
    "save_stub_end:\n");

uint64_t saved_sp;
static sigjmp_buf env;
static uint64_t saved_tp;
static volatile uint64_t fault[3];

static void on_fault(int sig, siginfo_t *si, void *ucv) {
    /* the test may have left anything in tp: C code below needs the real one */
    __asm__ volatile("mv tp, %0" ::"r"(saved_tp));
    ucontext_t *uc = ucv;
    uint64_t *out = (uint64_t *)OUT;
    for (int i = 1; i < 32; i++) out[i] = uc->uc_mcontext.__gregs[i];
    out[0] = 0;
    out[3] = 0;
    out[4] = 0;
    for (int i = 0; i < 32; i++) memcpy(&out[32 + i], &uc->uc_mcontext.__fpregs.__d.__f[i], 8);
    out[64] = uc->uc_mcontext.__fpregs.__d.__fcsr;
    fault[0] = (uint64_t)sig;
    fault[1] = (uint64_t)si->si_addr;
    fault[2] = uc->uc_mcontext.__gregs[0] - CODE;
    siglongjmp(env, 1);
}

static void read_all(void *p, size_t n) {
    if (fread(p, 1, n, stdin) != n) {
        fprintf(stderr, "harness: short input\n");
        exit(2);
    }
}

static uint32_t jal_x0(uint64_t from, uint64_t to) {
    int32_t off = (int32_t)(to - from);
    uint32_t imm = ((off >> 20) & 1) << 31 | ((off >> 1) & 0x3ff) << 21 | ((off >> 11) & 1) << 20 | ((off >> 12) & 0xff) << 12;
    return imm | 0x6f;
}

int main(void) {
    __asm__ volatile("mv %0, tp" : "=r"(saved_tp));
    if (mmap((void *)STATE, 0x3000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    memcpy((void *)STUB, save_stub_start, save_stub_end - save_stub_start);
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, 0);
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

    uint32_t n;
    read_all(&n, 4);
    for (uint32_t c = 0; c < n; c++) {
        uint32_t len;
        read_all(&len, 4);
        if (len > 1024) return 3;
        read_all((void *)CODE, (len + 3) & ~3u);
        *(uint32_t *)(CODE + len) = jal_x0(CODE + len, STUB);
        __builtin___clear_cache((char *)CODE, (char *)CODE + len + 4);
        read_all((void *)IN, NSTATE * 8);
        read_all((void *)DATA_AT, 256);
        memset((void *)OUT, 0, NSTATE * 8);
        fault[0] = fault[1] = fault[2] = 0;
        if (sigsetjmp(env, 1) == 0) run_case();
        fwrite((void *)OUT, 8, NSTATE, stdout);
        fwrite((void *)DATA_AT, 1, 256, stdout);
        uint64_t f[3] = {fault[0], fault[1], fault[2]};
        fwrite(f, 8, 3, stdout);
    }
    fflush(stdout);
    return 0;
}
