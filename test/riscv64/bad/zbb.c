/* Executes a Zbb instruction (clz a0, a0 = 0x60051513), which RV64GC does not have, at the global
 * label qvm_bad_insn: QVM must end the run with SIGILL (status 132) naming the encoding, the
 * address and the reason. */
#include <stdio.h>

int main(void) {
    printf("about to execute clz\n");
    fflush(stdout);
    __asm__ volatile(".globl qvm_bad_insn\nqvm_bad_insn:\n.word 0x60051513\n" ::: "a0");
    printf("not reached\n");
    return 0;
}
