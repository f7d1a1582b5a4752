/* Never terminates: must end with "out of gas" at a deterministic instruction count. */
#include <stdio.h>

int main(void) {
    volatile unsigned long x = 0;
    printf("looping forever\n");
    fflush(stdout);
    for (;;) x++;
}
