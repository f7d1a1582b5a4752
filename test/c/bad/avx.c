/* Executes an AVX instruction (vaddps %ymm2,%ymm1,%ymm0 = c5 f4 58 c2) at the global label
 * qvm_bad_insn. QVM reports no AVX in CPUID, so it must raise SIGILL (status 132) with a reason
 * naming that address. (On an AVX-capable host this program simply exits 0.) */
#include <stdio.h>

int main(void) {
    printf("about to execute vaddps\n");
    fflush(stdout);
    __asm__ volatile(".globl qvm_bad_insn\nqvm_bad_insn:\n.byte 0xc5, 0xf4, 0x58, 0xc2\n" ::: "xmm0");
    printf("AVX instruction executed\n");
    return 0;
}
