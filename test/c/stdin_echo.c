/* Copies stdin to stdout and counts bytes, lines and NUL bytes; the summary goes to stdout too. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    unsigned char buf[7]; /* small buffer: many reads */
    unsigned long bytes = 0, lines = 0, nuls = 0, sum = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') lines++;
            if (buf[i] == 0) nuls++;
            sum = sum * 31 + buf[i];
        }
        bytes += (unsigned long)n;
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return 2;
    }
    if (n < 0) { perror("read"); return 1; }
    printf("\n--\nbytes=%lu lines=%lu nuls=%lu sum=%lx\n", bytes, lines, nuls, sum);
    /* a second read at EOF returns 0 again */
    printf("eof read=%ld\n", (long)read(0, buf, sizeof buf));
    return 0;
}
