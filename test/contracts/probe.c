/*
 * A test contract for the contract ABI tests (test/contract*.test.ts). argv[1] picks what it does:
 *
 *   env | construct     OUT=argc=N, OUT=argv[i]=…, OUT=env[i]=… for the whole environment,
 *                       OUT=cwd=…, OUT=stdin=<bytes of stdin>
 *   echo [ERR [CODE]]   copies stdin to stdout as it is, then writes ERR to stderr (if given and
 *                       not empty) and exits with CODE (default 0)
 *   exit CODE           prints one write and one event, then exits with CODE
 *   writes N [EACH]     prints DBW=K<i>=<i> for i < N, flushing after each (EACH=1) or at the end
 *   read KEY…           for each KEY: open /qvm/db/KEY; OUT=KEY:<value> or OUT=KEY:errno=<n>
 *   ls                  OUT=ls:<names of /qvm/db, comma-separated, in readdir order>
 *   rofs KEY            tries to write /qvm/db/KEY and to create /qvm/db/NEW: OUT=errno=<n>,<n>
 *   time                OUT=time=<what time() returns>
 *   loop                spins forever
 *   big N               prints N bytes of 'x' lines (not instructions)
 *   alloc MIB           touches MIB MiB of heap
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) exit(3);
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv) {
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "env") == 0 || strcmp(cmd, "construct") == 0) {
        printf("OUT=argc=%d\n", argc);
        for (int i = 0; i < argc; i++) printf("OUT=argv[%d]=%s\n", i, argv[i]);
        int n = 0;
        for (char **e = environ; *e; e++) printf("OUT=env[%d]=%s\n", n++, *e);
        char cwd[256];
        printf("OUT=cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
        char in[256];
        ssize_t r = read(0, in, sizeof in - 1);
        in[r > 0 ? r : 0] = 0;
        printf("OUT=stdin=%s\n", in);
        return 0;
    }
    if (strcmp(cmd, "echo") == 0) {
        char buf[4096];
        ssize_t r;
        while ((r = read(0, buf, sizeof buf)) > 0) write_all(1, buf, (size_t)r);
        if (argc > 2 && argv[2][0]) write_all(2, argv[2], strlen(argv[2]));
        return argc > 3 ? atoi(argv[3]) : 0;
    }
    if (strcmp(cmd, "exit") == 0) {
        printf("DBW=A=1\nOUT=bye\n");
        return argc > 2 ? atoi(argv[2]) : 0;
    }
    if (strcmp(cmd, "writes") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 0;
        int each = argc > 3 && atoi(argv[3]);
        for (int i = 0; i < n; i++) {
            printf("DBW=K%d=%d\n", i, i);
            if (each) fflush(stdout);
        }
        return 0;
    }
    if (strcmp(cmd, "read") == 0) {
        for (int i = 2; i < argc; i++) {
            char path[256], buf[256];
            snprintf(path, sizeof path, "/qvm/db/%s", argv[i]);
            int fd = open(path, O_RDONLY);
            if (fd < 0) {
                printf("OUT=%s:errno=%d\n", argv[i], errno);
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf - 1);
            buf[r > 0 ? r : 0] = 0;
            close(fd);
            printf("OUT=%s:%s\n", argv[i], buf);
        }
        return 0;
    }
    if (strcmp(cmd, "ls") == 0) {
        DIR *d = opendir("/qvm/db");
        if (!d) {
            printf("OUT=ls:errno=%d\n", errno);
            return 0;
        }
        struct dirent *e;
        printf("OUT=ls:");
        int first = 1;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            printf("%s%s", first ? "" : ",", e->d_name);
            first = 0;
        }
        printf("\n");
        closedir(d);
        return 0;
    }
    if (strcmp(cmd, "rofs") == 0 && argc > 2) {
        char path[256];
        snprintf(path, sizeof path, "/qvm/db/%s", argv[2]);
        int e1 = 0, e2 = 0;
        if (open(path, O_WRONLY) < 0) e1 = errno;
        if (open("/qvm/db/NEW", O_WRONLY | O_CREAT, 0644) < 0) e2 = errno;
        printf("OUT=errno=%d,%d\n", e1, e2);
        return 0;
    }
    if (strcmp(cmd, "time") == 0) {
        printf("OUT=time=%lld\n", (long long)time(NULL));
        return 0;
    }
    if (strcmp(cmd, "loop") == 0) {
        for (volatile unsigned long i = 0;; i++) {
        }
    }
    if (strcmp(cmd, "big") == 0) {
        long n = argc > 2 ? atol(argv[2]) : 0;
        char line[64];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 1] = '\n';
        while (n > 0) {
            size_t k = n < (long)sizeof line ? (size_t)n : sizeof line;
            write_all(1, line, k);
            n -= (long)k;
        }
        return 0;
    }
    if (strcmp(cmd, "alloc") == 0) {
        long mib = argc > 2 ? atol(argv[2]) : 0;
        for (long i = 0; i < mib; i++) {
            char *p = malloc(1 << 20);
            if (!p) return 4;
            memset(p, 1, 1 << 20);
        }
        return 0;
    }
    fprintf(stderr, "probe: unknown command\n");
    return 2;
}
