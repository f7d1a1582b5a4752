/* Executes ud2 (0f 0b) at the global label qvm_bad_insn: must die of SIGILL (status 132) with a
 * reason naming that address. */
#include <stdio.h>

int main(void) {
    printf("about to execute ud2\n");
    fflush(stdout);
    __asm__ volatile(".globl qvm_bad_insn\nqvm_bad_insn:\n.byte 0x0f, 0x0b\n");
    printf("not reached\n");
    return 0;
}
