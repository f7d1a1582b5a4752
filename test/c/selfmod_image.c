/* Code of the program image itself rewritten at run time: the page of `answer` is made writable
 * with mprotect, its immediate is patched, and the function called again. QVM keeps decoded code of
 * a program across runs (the per-program cache); a run that rewrites an image page must see its
 * own bytes, and the next run must start from the pristine ones again (test/program-cache.test.ts
 * runs this binary several times in one process). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* mov eax, imm32 ; ret — an aligned, patchable function in .text */
__asm__(".text\n.p2align 4\n.globl answer\nanswer:\n.byte 0xb8\n.long 41\nret\n");
int answer(void);

int main(void) {
    unsigned char *p = (unsigned char *)(uintptr_t)answer;
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
    int before = answer();
    if (mprotect((void *)page, 8192, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) { puts("mprotect failed"); return 1; }
    int k = 1000;
    memcpy(p + 1, &k, 4);
    int after = answer();
    if (mprotect((void *)page, 8192, PROT_READ | PROT_EXEC) != 0) { puts("mprotect back failed"); return 1; }
    printf("before %d after %d\n", before, after);
    return 0;
}
