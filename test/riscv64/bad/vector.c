/* Executes a vector instruction (vsetvli a0, a0, e8 = 0x00057557): QVM has no V extension, so the
 * run ends with SIGILL and a reason that names it. */
#include <stdio.h>

int main(void) {
    printf("about to execute vsetvli\n");
    fflush(stdout);
    __asm__ volatile(".globl qvm_bad_insn\nqvm_bad_insn:\n.word 0x00057557\n" ::: "a0");
    printf("not reached\n");
    return 0;
}
