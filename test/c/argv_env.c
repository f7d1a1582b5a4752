/* Echo of argc, every argv string and every environment variable, in the order given. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    printf("argv[argc] is %s\n", argv[argc] ? "non-null" : "null");
    int n = 0;
    for (char **e = environ; *e; e++) printf("env[%d]=[%s]\n", n++, *e);
    printf("envc=%d\n", n);
    const char *b = getenv("B");
    printf("getenv(B)=%s getenv(NOPE)=%s\n", b ? b : "(null)", getenv("NOPE") ? "set" : "(null)");
    return 0;
}
