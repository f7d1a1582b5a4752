/*
 * Native reference for the SSE differential test (x86-64 Linux only).
 *
 * Reads one case per line from stdin:
 *     <code hex> <mxcsr hex> <rflags hex> <rax hex16> <xmm0 hex32> <xmm1 hex32> <mem hex32>
 * (xmm/mem as little-endian byte strings), executes the instruction bytes once on the real CPU
 * with xmm0/xmm1/rax/mxcsr/arithmetic flags loaded and rsi pointing at a 16-byte aligned buffer
 * holding <mem>, and prints:
 *     <mxcsr hex> <rflags hex> <rax hex16> <xmm0 hex32> <xmm1 hex32> <mem hex32>
 *
 * The test only sends instructions that cannot fault (aligned memory, all exceptions masked).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct state {
  uint32_t mxcsr_in;   /* 0 */
  uint32_t mxcsr_out;  /* 4 */
  uint64_t rax;        /* 8 */
  uint64_t rflags;     /* 16 */
  uint64_t pad;        /* 24 */
  uint8_t x0[16];      /* 32 */
  uint8_t x1[16];      /* 48 */
  uint8_t mem[16];     /* 64 */
} __attribute__((aligned(16)));

void run_stub(struct state *s, void *code);
__asm__(
    ".text\n"
    ".globl run_stub\n"
    "run_stub:\n"
    "  push %rbx\n"
    "  push %rbp\n"
    "  mov %rdi, %rbx\n"
    "  mov %rsi, %r11\n"
    "  ldmxcsr 0(%rbx)\n"
    "  movdqu 32(%rbx), %xmm0\n"
    "  movdqu 48(%rbx), %xmm1\n"
    "  mov 8(%rbx), %rax\n"
    "  lea 64(%rbx), %rsi\n"
    "  mov %rsi, %rdi\n"
    "  pushq 16(%rbx)\n"
    "  popfq\n"
    "  call *%r11\n"
    "  pushfq\n"
    "  popq 16(%rbx)\n"
    "  stmxcsr 4(%rbx)\n"
    "  movdqu %xmm0, 32(%rbx)\n"
    "  movdqu %xmm1, 48(%rbx)\n"
    "  mov %rax, 8(%rbx)\n"
    "  mov $0x1f80, %eax\n"
    "  push %rax\n"
    "  ldmxcsr (%rsp)\n"
    "  pop %rax\n"
    "  pop %rbp\n"
    "  pop %rbx\n"
    "  ret\n");

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int parse_bytes(const char *tok, uint8_t *out, int max) {
  int n = (int)strlen(tok) / 2;
  if (n > max) return -1;
  for (int i = 0; i < n; i++) {
    int h = hexval(tok[2 * i]), l = hexval(tok[2 * i + 1]);
    if (h < 0 || l < 0) return -1;
    out[i] = (uint8_t)(h * 16 + l);
  }
  return n;
}

static void print_bytes(const uint8_t *b, int n) {
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  static char line[4096];
  static struct state st;
  while (fgets(line, sizeof line, stdin)) {
    char codehex[64], x0[64], x1[64], mem[64];
    unsigned mxcsr;
    unsigned long long rflags, rax;
    if (sscanf(line, "%63s %x %llx %llx %63s %63s %63s", codehex, &mxcsr, &rflags, &rax, x0, x1, mem) != 7) {
      fprintf(stderr, "bad line: %s", line);
      return 2;
    }
    int n = parse_bytes(codehex, code, 32);
    if (n <= 0) return 3;
    code[n] = 0xc3; /* ret */
    memset(&st, 0, sizeof st);
    st.mxcsr_in = mxcsr;
    st.rflags = rflags;
    st.rax = rax;
    if (parse_bytes(x0, st.x0, 16) != 16 || parse_bytes(x1, st.x1, 16) != 16 || parse_bytes(mem, st.mem, 16) != 16) return 4;
    __builtin___clear_cache((char *)code, (char *)code + n + 1);
    run_stub(&st, code);
    printf("%08x %016llx %016llx ", st.mxcsr_out, (unsigned long long)st.rflags, (unsigned long long)st.rax);
    print_bytes(st.x0, 16);
    putchar(' ');
    print_bytes(st.x1, 16);
    putchar(' ');
    print_bytes(st.mem, 16);
    putchar('\n');
  }
  return 0;
}
