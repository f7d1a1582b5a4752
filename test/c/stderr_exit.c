/* Writes to stdout and stderr (buffered and unbuffered, interleaved) and exits with status 3. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static void bye(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
    atexit(bye);
    printf("to stdout 1\n");
    fprintf(stderr, "to stderr 1: %s\n", argc > 1 ? argv[1] : "-");
    const char *raw = "raw write to fd 2\n";
    write(2, raw, strlen(raw));
    printf("to stdout 2 (unterminated)");
    fputs("error: something failed\n", stderr);
    exit(3);
}
