/* Dereferences an unmapped address: must die of SIGSEGV (status 139). */
#include <stdio.h>
#include <stdint.h>

int main(void) {
    printf("about to fault\n");
    fflush(stdout);
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x00000dead0000000ULL;
    *p = 42;
    printf("not reached\n");
    return 0;
}
