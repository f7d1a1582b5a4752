/*
 * Native side of QVM's instruction-level differential tester (x86-64 Linux only).
 *
 * Runs one instruction on the host CPU from a given architectural state and prints what changed.
 * Reads one case per line from stdin:
 *
 *     <code hex> <memory pattern 0-15> [key=value ...]
 *
 * Keys (values hex; unspecified ones keep the defaults below):
 *     r0..r15   general registers (rax rcx rdx rbx rsp rbp rsi rdi r8..r15), 16 digits
 *     fl        RFLAGS (only CF PF AF ZF SF DF OF and ID are taken; IF stays set)
 *     fcw fsw   x87 control / status word (fsw holds TOP)
 *     ftw       abridged x87 tag byte (bit i set: physical register i is valid)
 *     st0..st7  x87 registers in stack order, 20 digits: sign+exponent (4) then significand (16)
 *     mx        MXCSR
 *     x0..x15   xmm registers as 32 digits, little-endian byte string
 *     m<off>    bytes (hex string) written at data page offset <off> (hex)
 *
 * Fixed layout: the code page at CODE (the instruction at CODE+INSN_OFF, every other byte int3)
 * and one data page at DATA (the page after it is unmapped). Defaults: r<k> = DEFAULT_GPR(k)
 * except rsp = DATA+0xf80, RFLAGS = 0x202, FNINIT x87 state, MXCSR 0x1f80,
 * xmm<k> bytes = 16k+j, data page = pattern(mseed, offset).
 *
 * Execution ends at the first int3 reached (the byte after the instruction, or wherever a branch
 * lands) or at a fault. The output line is
 *
 *     <T | S<signo>:<si_code>> rip=<hex> fl=<hex> [key=value ...]
 *
 * with every register, x87/SSE field and data-page byte run that differs from the input state.
 * The state comes from the signal context (SIGTRAP of the int3 or the fault).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define CODE 0x10000000UL
#define DATA 0x20000000UL
#define INSN_OFF 0x800
#define PAGE 4096

struct state {
  uint64_t gpr[16];
  uint64_t rflags;
  uint64_t pad;
  uint8_t fx[512];
} __attribute__((aligned(64)));

struct state g_in, g_out;
uint64_t g_host_rsp;
uint64_t g_code_ptr;

/* Loads the whole input state and jumps to the instruction; never returns normally. */
void enter_case(void);
__asm__(
    ".text\n"
    ".globl enter_case\n"
    "enter_case:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, g_host_rsp(%rip)\n"
    "  fxrstor64 g_in+144(%rip)\n"
    "  pushq g_in+128(%rip)\n"
    "  popfq\n"
    "  mov g_in+0(%rip), %rax\n  mov g_in+8(%rip), %rcx\n  mov g_in+16(%rip), %rdx\n"
    "  mov g_in+24(%rip), %rbx\n  mov g_in+40(%rip), %rbp\n  mov g_in+48(%rip), %rsi\n"
    "  mov g_in+56(%rip), %rdi\n  mov g_in+64(%rip), %r8\n  mov g_in+72(%rip), %r9\n"
    "  mov g_in+80(%rip), %r10\n  mov g_in+88(%rip), %r11\n  mov g_in+96(%rip), %r12\n"
    "  mov g_in+104(%rip), %r13\n  mov g_in+112(%rip), %r14\n  mov g_in+120(%rip), %r15\n"
    "  mov g_in+32(%rip), %rsp\n"
    "  jmp *g_code_ptr(%rip)\n");

static sigjmp_buf g_jmp;
static int g_sig, g_code;
static uint64_t g_rip;

static const int greg_index[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                   REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};

static void on_signal(int sig, siginfo_t *si, void *uc_) {
  ucontext_t *uc = (ucontext_t *)uc_;
  for (int k = 0; k < 16; k++) g_out.gpr[k] = (uint64_t)uc->uc_mcontext.gregs[greg_index[k]];
  g_out.rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
  g_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
  if (uc->uc_mcontext.fpregs) memcpy(g_out.fx, uc->uc_mcontext.fpregs, 512);
  g_sig = sig;
  g_code = si->si_code;
  siglongjmp(g_jmp, 1);
}

static uint64_t default_gpr(int k) {
  /* distinct, with both halves non-trivial */
  return 0x0123456789abcdefULL * (uint64_t)(k + 1) ^ 0x5a5a0000a5a5ULL;
}

static uint8_t pattern_byte(uint32_t seed, uint32_t i) {
  uint32_t x = seed * 0x9e3779b1u ^ (i * 0x85ebca6bu + 0x1234567u);
  x ^= x >> 15;
  x *= 0x2c1b3c6du;
  x ^= x >> 12;
  return (uint8_t)x;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int parse_bytes(const char *s, uint8_t *out, int max) {
  int n = 0;
  while (s[0] && s[1] && n < max) {
    int h = hexval(s[0]), l = hexval(s[1]);
    if (h < 0 || l < 0) break;
    out[n++] = (uint8_t)(h * 16 + l);
    s += 2;
  }
  return n;
}

static void print_bytes(const uint8_t *b, int n) {
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  uint8_t *code = mmap((void *)CODE, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  uint8_t *data = mmap((void *)DATA, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (code != (uint8_t *)CODE || data != (uint8_t *)DATA) {
    fprintf(stderr, "difftest: cannot map the fixed pages\n");
    return 1;
  }
  /* the page after DATA must be unmapped (accesses running off the data page fault with SEGV_MAPERR) */
  void *guard = mmap((void *)(DATA + PAGE), PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (guard != (void *)(DATA + PAGE)) {
    fprintf(stderr, "difftest: the page after the data page is in use\n");
    return 1;
  }
  munmap(guard, PAGE);

  static uint8_t altstack[65536] __attribute__((aligned(64)));
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
  for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);

  static uint8_t pattern[16][PAGE];
  for (int s = 0; s < 16; s++)
    for (int i = 0; i < PAGE; i++) pattern[s][i] = pattern_byte((uint32_t)s, (uint32_t)i);

  static struct state in0;
  static uint8_t mem_in[PAGE];
  static char line[1 << 16];
  memset(code, 0xcc, PAGE);
  while (fgets(line, sizeof line, stdin)) {
    char *save = NULL;
    char *tok = strtok_r(line, " \n", &save);
    if (!tok) continue;
    uint8_t insn[32];
    int n = parse_bytes(tok, insn, 32);
    tok = strtok_r(NULL, " \n", &save);
    int mseed = tok ? atoi(tok) & 15 : 0;

    memset(&in0, 0, sizeof in0);
    for (int k = 0; k < 16; k++) in0.gpr[k] = default_gpr(k);
    in0.gpr[4] = DATA + 0xf80;
    in0.rflags = 0x202;
    in0.fx[0] = 0x7f; in0.fx[1] = 0x03; /* fcw */
    in0.fx[24] = 0x80; in0.fx[25] = 0x1f; /* mxcsr */
    for (int k = 0; k < 16; k++)
      for (int j = 0; j < 16; j++) in0.fx[160 + 16 * k + j] = (uint8_t)(16 * k + j);
    memcpy(mem_in, pattern[mseed], PAGE);

    while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
      char *eq = strchr(tok, '=');
      if (!eq) continue;
      *eq = 0;
      const char *v = eq + 1;
      if (tok[0] == 'r') in0.gpr[atoi(tok + 1) & 15] = strtoull(v, NULL, 16);
      else if (!strcmp(tok, "fl")) in0.rflags = (strtoull(v, NULL, 16) & 0x200cd5) | 0x202;
      else if (!strcmp(tok, "fcw")) { unsigned w = (unsigned)strtoul(v, NULL, 16); in0.fx[0] = (uint8_t)w; in0.fx[1] = (uint8_t)(w >> 8); }
      else if (!strcmp(tok, "fsw")) { unsigned w = (unsigned)strtoul(v, NULL, 16); in0.fx[2] = (uint8_t)w; in0.fx[3] = (uint8_t)(w >> 8); }
      else if (!strcmp(tok, "ftw")) in0.fx[4] = (uint8_t)strtoul(v, NULL, 16);
      else if (!strcmp(tok, "mx")) { uint32_t w = (uint32_t)strtoul(v, NULL, 16); memcpy(in0.fx + 24, &w, 4); }
      else if (tok[0] == 's' && tok[1] == 't') {
        int k = atoi(tok + 2) & 7;
        uint8_t b[10];
        if (parse_bytes(v, b, 10) == 10) {
          /* big-endian digits → little-endian register bytes */
          uint8_t *dst = in0.fx + 32 + 16 * k;
          for (int j = 0; j < 10; j++) dst[j] = b[9 - j];
        }
      } else if (tok[0] == 'x') parse_bytes(v, in0.fx + 160 + 16 * (atoi(tok + 1) & 15), 16);
      else if (tok[0] == 'm') {
        unsigned off = (unsigned)strtoul(tok + 1, NULL, 16);
        if (off < PAGE) parse_bytes(v, mem_in + off, PAGE - (int)off);
      }
    }

    memcpy(code + INSN_OFF, insn, (size_t)n);
    memcpy(data, mem_in, PAGE);
    g_in = in0;
    g_code_ptr = CODE + INSN_OFF;
    g_sig = 0;
    if (sigsetjmp(g_jmp, 1) == 0) enter_case();
    __asm__ volatile("fninit\n\tpushq $0x1f80\n\tldmxcsr (%%rsp)\n\tpopq %%rax" ::: "rax", "memory");
    memset(code + INSN_OFF, 0xcc, (size_t)n);

    uint64_t rip = g_rip;
    if (g_sig == SIGTRAP && g_code == 0x80 /* SI_KERNEL: int3 */) {
      printf("T rip=%llx", (unsigned long long)(rip - 1));
    } else {
      printf("S%d:%d rip=%llx", g_sig, g_code, (unsigned long long)rip);
    }
    printf(" fl=%llx", (unsigned long long)(g_out.rflags & 0x200cd5));
    for (int k = 0; k < 16; k++)
      if (g_out.gpr[k] != in0.gpr[k]) printf(" r%d=%016llx", k, (unsigned long long)g_out.gpr[k]);
    uint16_t fcw = (uint16_t)(g_out.fx[0] | g_out.fx[1] << 8), fcw0 = (uint16_t)(in0.fx[0] | in0.fx[1] << 8);
    uint16_t fsw = (uint16_t)(g_out.fx[2] | g_out.fx[3] << 8), fsw0 = (uint16_t)(in0.fx[2] | in0.fx[3] << 8);
    if (fcw != fcw0) printf(" fcw=%x", fcw);
    if (fsw != fsw0) printf(" fsw=%x", fsw);
    if (g_out.fx[4] != in0.fx[4]) printf(" ftw=%x", g_out.fx[4]);
    uint32_t mx, mx0;
    memcpy(&mx, g_out.fx + 24, 4);
    memcpy(&mx0, in0.fx + 24, 4);
    if (mx != mx0) printf(" mx=%x", mx);
    for (int k = 0; k < 8; k++) {
      const uint8_t *a = g_out.fx + 32 + 16 * k, *b = in0.fx + 32 + 16 * k;
      if (memcmp(a, b, 10) != 0) {
        printf(" st%d=", k);
        for (int j = 9; j >= 0; j--) printf("%02x", a[j]);
      }
    }
    for (int k = 0; k < 16; k++) {
      const uint8_t *a = g_out.fx + 160 + 16 * k, *b = in0.fx + 160 + 16 * k;
      if (memcmp(a, b, 16) != 0) { printf(" x%d=", k); print_bytes(a, 16); }
    }
    for (int i = 0; i < PAGE;) {
      if (data[i] == mem_in[i]) { i++; continue; }
      int j = i;
      while (j < PAGE && data[j] != mem_in[j]) j++;
      printf(" m%x=", i);
      print_bytes(data + i, j - i);
      i = j;
    }
    putchar('\n');
  }
  return 0;
}
