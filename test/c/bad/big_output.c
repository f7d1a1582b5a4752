/* Writes far more than any stdout limit (8 MiB in 4 KiB chunks, then keeps going). */
#include <string.h>
#include <unistd.h>

int main(void) {
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    buf[sizeof buf - 1] = '\n';
    for (long i = 0;; i++) {
        if (write(1, buf, sizeof buf) < 0) return 1;
        if (i > 1000000) return 0;
    }
}
