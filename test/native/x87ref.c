/*
 * x87ref: reference oracle for QVM's x87 differential tests.
 *
 * Reads one operation per line from stdin and runs it on this machine's real x87 FPU, printing
 * the result bits and the FPU status word. Line format (all numbers hex):
 *
 *   OP CW A B          A, B: 20 hex digits (80-bit: sign/exponent 4 digits, significand 16 digits);
 *                      for 32/64-bit memory operands only the low 8/16 digits are used.
 *   seq CW CODE MEM    CODE: x87 instruction bytes run with RDI -> 512-byte buffer initialised
 *                      from MEM (hex, zero-padded); prints FXSAVE bytes 0..159, RFLAGS, buffer.
 *
 * Output for OP: "R1 R2 FSW FLAGS" (R1/R2 20 hex digits, FSW/FLAGS 4 hex digits).
 * Every operation starts from FNINIT + FLDCW CW.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct { uint64_t sig; uint16_t se; uint16_t pad[3]; } __attribute__((aligned(16))) f80;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

static f80 parse80(const char *s) {
  f80 v; memset(&v, 0, sizeof v);
  size_t n = strlen(s);
  /* right-align to 20 digits */
  char buf[21]; memset(buf, '0', 20); buf[20] = 0;
  if (n > 20) { s += n - 20; n = 20; }
  memcpy(buf + 20 - n, s, n);
  uint32_t se = 0; for (int i = 0; i < 4; i++) se = se * 16 + hexval(buf[i]);
  uint64_t sig = 0; for (int i = 4; i < 20; i++) sig = sig * 16 + hexval(buf[i]);
  v.se = (uint16_t)se; v.sig = sig;
  return v;
}

static void print80(const f80 *v) { printf("%04x%016llx", v->se, (unsigned long long)v->sig); }

static void init(uint16_t cw) {
  __asm__ volatile("fninit\n\tfldcw %0" : : "m"(cw));
}

#define BIN(opbytes)                                                                     \
  __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t.byte " opbytes "\n\tfnstsw %[sw]\n\t"      \
                   "fstpt %[r]\n\tfstp %%st(0)"                                            \
                   : [sw] "=m"(sw), [r] "=m"(r1) : [a] "m"(A), [b] "m"(B) : "memory")
#define UN(opbytes)                                                                      \
  __asm__ volatile("fldt %[a]\n\t.byte " opbytes "\n\tfnstsw %[sw]\n\tfstpt %[r]"         \
                   : [sw] "=m"(sw), [r] "=m"(r1) : [a] "m"(A) : "memory")
/* two results on the stack (fxtract, fsincos, fptan): r1 = ST0, r2 = ST1 */
#define UN2(opbytes)                                                                     \
  __asm__ volatile("fldt %[a]\n\t.byte " opbytes "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfstpt %[q]" \
                   : [sw] "=m"(sw), [r] "=m"(r1), [q] "=m"(r2) : [a] "m"(A) : "memory")
/* binary, result popped into ST0 (fpatan, fyl2x, fyl2xp1): ST0 = A, ST1 = B */
#define BINP(opbytes)                                                                    \
  __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t.byte " opbytes "\n\tfnstsw %[sw]\n\tfstpt %[r]" \
                   : [sw] "=m"(sw), [r] "=m"(r1) : [a] "m"(A), [b] "m"(B) : "memory")
#define CMP(opbytes)                                                                     \
  __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t.byte " opbytes "\n\tfnstsw %[sw]\n\t"      \
                   "pushfq\n\tpopq %[fl]\n\tfstp %%st(0)\n\tfstp %%st(0)"                 \
                   : [sw] "=m"(sw), [fl] "=r"(fl) : [a] "m"(A), [b] "m"(B) : "memory", "cc")
#define MEMOP(insn, ty)                                                                  \
  __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\tfstpt %[r]"             \
                   : [sw] "=m"(sw), [r] "=m"(r1) : [a] "m"(A), [m] "m"(*(ty *)&B.sig) : "memory")
#define MEMCMP(insn, ty)                                                                 \
  __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\tfstp %%st(0)"           \
                   : [sw] "=m"(sw) : [a] "m"(A), [m] "m"(*(ty *)&B.sig) : "memory")
#define LOAD(insn, ty)                                                                   \
  __asm__ volatile(insn " %[m]\n\tfnstsw %[sw]\n\tfstpt %[r]"                             \
                   : [sw] "=m"(sw), [r] "=m"(r1) : [m] "m"(*(ty *)&A.sig) : "memory")
#define STORE(insn, ty)                                                                  \
  __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]"                           \
                   : [sw] "=m"(sw), [m] "=m"(*(ty *)&r1.sig) : [a] "m"(A) : "memory")
#define CONST(opbytes)                                                                   \
  __asm__ volatile(".byte " opbytes "\n\tfnstsw %[sw]\n\tfstpt %[r]"                      \
                   : [sw] "=m"(sw), [r] "=m"(r1) : : "memory")

static uint8_t *codepage;

static void run_seq(uint16_t cw, const char *code, const char *mem) {
  static uint8_t buf[512] __attribute__((aligned(64)));
  static uint8_t fx[512] __attribute__((aligned(64)));
  memset(buf, 0, sizeof buf);
  memset(fx, 0, sizeof fx);
  size_t n = strlen(mem) / 2;
  if (n > sizeof buf) n = sizeof buf;
  for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(hexval(mem[2 * i]) * 16 + hexval(mem[2 * i + 1]));
  size_t cn = strlen(code) / 2, p = 0;
  for (size_t i = 0; i < cn && p < 3900; i++) codepage[p++] = (uint8_t)(hexval(code[2 * i]) * 16 + hexval(code[2 * i + 1]));
  /* pushfq; pop rax; fxsave [rsi]; ret */
  static const uint8_t tail[] = { 0x9c, 0x58, 0x0f, 0xae, 0x06, 0xc3 };
  memcpy(codepage + p, tail, sizeof tail);
  uint64_t (*fn)(uint8_t *, uint8_t *) = (uint64_t (*)(uint8_t *, uint8_t *))(void *)codepage;
  /* FNINIT does not clear the physical registers: zero them so that FXSAVE shows no stale data */
  __asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit");
  init(cw);
  /* clear the arithmetic flags so that RFLAGS only shows what the code set */
  __asm__ volatile("xor %%eax, %%eax\n\tpush %%rax\n\tpopfq" : : : "rax", "cc");
  uint64_t fl = fn(buf, fx);
  __asm__ volatile("fninit");
  for (int i = 0; i < 160; i++) printf("%02x", fx[i]);
  printf(" %04llx ", (unsigned long long)(fl & 0x8d5));
  for (size_t i = 0; i < 256; i++) printf("%02x", buf[i]);
  printf("\n");
}

int main(void) {
  codepage = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (codepage == MAP_FAILED) { perror("mmap"); return 1; }
  char line[4096];
  char op[32], s1[1100], s2[1100];
  unsigned cwv;
  while (fgets(line, sizeof line, stdin)) {
    s1[0] = s2[0] = 0;
    if (sscanf(line, "%31s %x %1099s %1099s", op, &cwv, s1, s2) < 2) continue;
    uint16_t cw = (uint16_t)cwv;
    if (!strcmp(op, "seq")) { run_seq(cw, s1, s2); fflush(stdout); continue; }
    f80 A = parse80(s1), B = parse80(s2), r1, r2;
    memset(&r1, 0, sizeof r1); memset(&r2, 0, sizeof r2);
    uint16_t sw = 0; uint64_t fl = 0;
    init(cw);
    if (!strcmp(op, "add")) BIN("0xd8,0xc1");
    else if (!strcmp(op, "mul")) BIN("0xd8,0xc9");
    else if (!strcmp(op, "sub")) BIN("0xd8,0xe1");
    else if (!strcmp(op, "subr")) BIN("0xd8,0xe9");
    else if (!strcmp(op, "div")) BIN("0xd8,0xf1");
    else if (!strcmp(op, "divr")) BIN("0xd8,0xf9");
    else if (!strcmp(op, "scale")) BIN("0xd9,0xfd");
    else if (!strcmp(op, "prem")) BIN("0xd9,0xf8");
    else if (!strcmp(op, "prem1")) BIN("0xd9,0xf5");
    else if (!strcmp(op, "sqrt")) UN("0xd9,0xfa");
    else if (!strcmp(op, "rndint")) UN("0xd9,0xfc");
    else if (!strcmp(op, "chs")) UN("0xd9,0xe0");
    else if (!strcmp(op, "abs")) UN("0xd9,0xe1");
    else if (!strcmp(op, "tst")) UN("0xd9,0xe4");
    else if (!strcmp(op, "xam")) UN("0xd9,0xe5");
    else if (!strcmp(op, "sin")) UN("0xd9,0xfe");
    else if (!strcmp(op, "cos")) UN("0xd9,0xff");
    else if (!strcmp(op, "f2xm1")) UN("0xd9,0xf0");
    else if (!strcmp(op, "xtract")) UN2("0xd9,0xf4");
    else if (!strcmp(op, "sincos")) UN2("0xd9,0xfb");
    else if (!strcmp(op, "ptan")) UN2("0xd9,0xf2");
    else if (!strcmp(op, "patan")) BINP("0xd9,0xf3");
    else if (!strcmp(op, "yl2x")) BINP("0xd9,0xf1");
    else if (!strcmp(op, "yl2xp1")) BINP("0xd9,0xf9");
    else if (!strcmp(op, "com")) CMP("0xd8,0xd1");
    else if (!strcmp(op, "ucom")) CMP("0xdd,0xe1");
    else if (!strcmp(op, "comi")) CMP("0xdb,0xf1");
    else if (!strcmp(op, "ucomi")) CMP("0xdb,0xe9");
    else if (!strcmp(op, "ld32")) LOAD("flds", uint32_t);
    else if (!strcmp(op, "ld64")) LOAD("fldl", uint64_t);
    else if (!strcmp(op, "ild16")) LOAD("filds", uint16_t);
    else if (!strcmp(op, "ild32")) LOAD("fildl", uint32_t);
    else if (!strcmp(op, "ild64")) LOAD("fildll", uint64_t);
    else if (!strcmp(op, "bld")) { f80 t = A; __asm__ volatile("fbld %[m]\n\tfnstsw %[sw]\n\tfstpt %[r]" : [sw] "=m"(sw), [r] "=m"(r1) : [m] "m"(t) : "memory"); }
    else if (!strcmp(op, "st32")) STORE("fstps", uint32_t);
    else if (!strcmp(op, "st64")) STORE("fstpl", uint64_t);
    else if (!strcmp(op, "ist16")) STORE("fistps", uint16_t);
    else if (!strcmp(op, "ist32")) STORE("fistpl", uint32_t);
    else if (!strcmp(op, "ist64")) STORE("fistpll", uint64_t);
    else if (!strcmp(op, "istt16")) STORE("fisttps", uint16_t);
    else if (!strcmp(op, "istt32")) STORE("fisttpl", uint32_t);
    else if (!strcmp(op, "istt64")) STORE("fisttpll", uint64_t);
    else if (!strcmp(op, "bstp")) { __asm__ volatile("fldt %[a]\n\tfbstp %[m]\n\tfnstsw %[sw]" : [sw] "=m"(sw), [m] "=m"(r1) : [a] "m"(A) : "memory"); }
    else if (!strcmp(op, "add32")) MEMOP("fadds", uint32_t);
    else if (!strcmp(op, "mul32")) MEMOP("fmuls", uint32_t);
    else if (!strcmp(op, "sub32")) MEMOP("fsubs", uint32_t);
    else if (!strcmp(op, "subr32")) MEMOP("fsubrs", uint32_t);
    else if (!strcmp(op, "div32")) MEMOP("fdivs", uint32_t);
    else if (!strcmp(op, "divr32")) MEMOP("fdivrs", uint32_t);
    else if (!strcmp(op, "add64")) MEMOP("faddl", uint64_t);
    else if (!strcmp(op, "mul64")) MEMOP("fmull", uint64_t);
    else if (!strcmp(op, "sub64")) MEMOP("fsubl", uint64_t);
    else if (!strcmp(op, "subr64")) MEMOP("fsubrl", uint64_t);
    else if (!strcmp(op, "div64")) MEMOP("fdivl", uint64_t);
    else if (!strcmp(op, "divr64")) MEMOP("fdivrl", uint64_t);
    else if (!strcmp(op, "iadd16")) MEMOP("fiadds", uint16_t);
    else if (!strcmp(op, "imul32")) MEMOP("fimull", uint32_t);
    else if (!strcmp(op, "isub32")) MEMOP("fisubl", uint32_t);
    else if (!strcmp(op, "idivr16")) MEMOP("fidivrs", uint16_t);
    else if (!strcmp(op, "com32")) MEMCMP("fcoms", uint32_t);
    else if (!strcmp(op, "com64")) MEMCMP("fcoml", uint64_t);
    else if (!strcmp(op, "icom16")) MEMCMP("ficoms", uint16_t);
    else if (!strcmp(op, "icom32")) MEMCMP("ficoml", uint32_t);
    else if (!strcmp(op, "c1")) CONST("0xd9,0xe8");
    else if (!strcmp(op, "cl2t")) CONST("0xd9,0xe9");
    else if (!strcmp(op, "cl2e")) CONST("0xd9,0xea");
    else if (!strcmp(op, "cpi")) CONST("0xd9,0xeb");
    else if (!strcmp(op, "clg2")) CONST("0xd9,0xec");
    else if (!strcmp(op, "cln2")) CONST("0xd9,0xed");
    else if (!strcmp(op, "cz")) CONST("0xd9,0xee");
    else { printf("? %s\n", op); fflush(stdout); continue; }
    __asm__ volatile("fninit");
    print80(&r1); printf(" "); print80(&r2);
    printf(" %04x %04llx\n", sw, (unsigned long long)(fl & 0x8d5));
    fflush(stdout);
  }
  return 0;
}
