/* Self-modifying and freshly generated code: QVM caches decoded instructions per page and must
 * notice when a page it decoded is written (the same call site then runs new code), when a page is
 * unmapped and mapped again, and when code is written just before a jump into it. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef int (*fn)(int);

/* mov eax, imm32 ; add eax, edi ; ret */
static void emit_add(unsigned char *p, int k) {
    p[0] = 0xb8; memcpy(p + 1, &k, 4);
    p[5] = 0x01; p[6] = 0xf8;
    p[7] = 0xc3;
}

/* lea eax, [rdi*2] ; ret  (8d 04 3f ; c3) */
static void emit_double(unsigned char *p) {
    p[0] = 0x8d; p[1] = 0x04; p[2] = 0x3f; p[3] = 0xc3;
}

int main(void) {
    unsigned char *code = mmap(0, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { puts("mmap failed"); return 1; }
    fn f = (fn)code;
    long sum = 0;
    for (int k = 0; k < 200; k++) {
        emit_add(code, k);            /* rewrite the same bytes with a new immediate */
        int r = f(1000);
        sum += r;
        if (k % 50 == 0) printf("k=%d f(1000)=%d\n", k, r);
    }
    printf("sum=%ld\n", sum);
    emit_double(code);                /* a different instruction at the same address */
    printf("double(21)=%d\n", f(21));
    /* code that straddles the page boundary, then the second page alone is rewritten */
    unsigned char *edge = code + 4096 - 3;
    emit_add(edge, 7);
    fn g = (fn)edge;
    printf("edge(5)=%d\n", g(5));
    int k2 = 0x01020304;
    memcpy(code + 4096 - 3 + 1 + 3, ((unsigned char *)&k2) + 3, 1); /* last immediate byte, on page 2 */
    printf("edge rewritten(5)=%d\n", g(5));
    munmap(code, 8192);
    code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_double(code);
    printf("remapped double(50)=%d\n", ((fn)code)(50));
    /* taking PROT_EXEC away must stop the already-decoded code from running: SIGSEGV */
    fflush(stdout);
    mprotect(code, 4096, PROT_READ);
    printf("after mprotect: %d\n", ((fn)code)(1));
    return 0;
}
