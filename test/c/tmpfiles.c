/* Files in /tmp: create, write, seek (SET/CUR/END, past the end making a hole), read back,
 * pread/pwrite, O_APPEND, ftruncate, stat sizes, rename, dup/dup2, stdio on files, mkdir/rmdir,
 * error numbers, opendir/readdir of the entries it created (sorted), unlink. Works inside a
 * private directory /tmp/qvm-corpus-<pid> so that concurrent native runs do not collide; the pid
 * is never printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

static char dir[64];
static char pathbuf[4][128];
static int pathidx;

/* path inside our directory; a small ring of buffers so two can be used in one call */
static const char *P(const char *name) {
    char *b = pathbuf[pathidx++ & 3];
    snprintf(b, sizeof pathbuf[0], "%s/%s", dir, name);
    return b;
}

static const char *ename(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EISDIR: return "EISDIR";
    case EPERM: return "EPERM";
    case ENOTDIR: return "ENOTDIR";
    case EACCES: return "EACCES";
    default: return "E?";
    }
}

/* print a call's result, and errno's name when it failed (the call is sequenced before errno is read) */
#define R(label, call) do { errno = 0; long r_ = (long)(call); int e_ = errno; \
    if (r_ < 0) printf("%s: %ld %s\n", label, r_, ename(e_)); else printf("%s: %ld\n", label, r_); } while (0)

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *title) {
    DIR *d = opendir(dir);
    if (!d) { printf("opendir failed: %s\n", strerror(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        char kind = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_UNKNOWN ? 'f' : '?';
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            char p[320];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (stat(p, &st) == 0) kind = S_ISDIR(st.st_mode) ? 'd' : 'f';
        }
        size_t l = strlen(e->d_name);
        names[n] = malloc(l + 3);
        names[n][0] = kind;
        names[n][1] = ' ';
        memcpy(names[n] + 2, e->d_name, l + 1);
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("%s:", title);
    for (int i = 0; i < n; i++) { printf(" [%s]", names[i]); free(names[i]); }
    printf("\n");
}

static long fsize(const char *p) {
    struct stat st;
    if (stat(p, &st) != 0) return -errno;
    return (long)st.st_size;
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/qvm-corpus-%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0) { printf("mkdir failed: %s\n", strerror(errno)); return 1; }
    struct stat st;
    printf("dir is dir: %d\n", stat(dir, &st) == 0 && S_ISDIR(st.st_mode));

    /* /tmp itself lists our directory */
    DIR *t = opendir("/tmp");
    int seen = 0;
    struct dirent *e;
    while (t && (e = readdir(t)) != NULL) if (strcmp(e->d_name, strrchr(dir, '/') + 1) == 0) seen++;
    if (t) closedir(t);
    printf("our dir listed in /tmp: %d\n", seen);

    int fd = open(P("data.bin"), O_CREAT | O_EXCL | O_RDWR, 0644);
    printf("open new: %s\n", fd >= 0 ? "ok" : strerror(errno));
    R("open O_EXCL again", open(P("data.bin"), O_CREAT | O_EXCL | O_RDWR, 0644));
    char buf[4096];
    for (int i = 0; i < 3000; i++) buf[i] = (char)('A' + i % 26);
    printf("write: %zd\n", write(fd, buf, 3000));
    printf("lseek cur: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek set 100: %ld\n", (long)lseek(fd, 100, SEEK_SET));
    memset(buf, 0, sizeof buf);
    printf("read 10: %zd [%.10s]\n", read(fd, buf, 10), buf);
    printf("lseek cur -5: %ld\n", (long)lseek(fd, -5, SEEK_CUR));
    printf("read 5: %zd [%.5s]\n", read(fd, buf, 5), buf);
    printf("lseek end -3: %ld\n", (long)lseek(fd, -3, SEEK_END));
    printf("read 10 at end-3: %zd [%.3s]\n", read(fd, buf, 10), buf);
    printf("read at eof: %zd\n", read(fd, buf, 10));
    printf("lseek past end: %ld\n", (long)lseek(fd, 5000, SEEK_SET));
    printf("write after hole: %zd\n", write(fd, "END", 3));
    printf("fstat size: %ld\n", fstat(fd, &st) == 0 ? (long)st.st_size : -1L);
    printf("pread hole: %zd", pread(fd, buf, 8, 3500));
    for (int i = 0; i < 8; i++) printf(" %d", buf[i]);
    printf("\n");
    printf("pwrite: %zd\n", pwrite(fd, "xyz", 3, 10));
    printf("pread: %zd [%.6s]\n", pread(fd, buf, 6, 8), buf);
    printf("lseek cur unchanged by pread/pwrite: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    R("ftruncate 1234", ftruncate(fd, 1234));
    printf("size %ld\n", fsize(P("data.bin")));
    R("lseek negative", lseek(fd, -1, SEEK_SET));
    R("lseek cur after failed seek", lseek(fd, 0, SEEK_CUR));

    /* dup / dup2 share the offset */
    int d1 = dup(fd);
    lseek(fd, 20, SEEK_SET);
    printf("dup offset: %ld\n", (long)lseek(d1, 0, SEEK_CUR));
    int d2 = dup2(fd, 17);
    printf("dup2 -> %d\n", d2);
    close(d1);
    close(d2);
    close(fd);
    R("read closed fd", read(fd, buf, 1));

    /* O_APPEND */
    fd = open(P("log.txt"), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    write(fd, "first\n", 6);
    lseek(fd, 0, SEEK_SET);
    write(fd, "second\n", 7);
    close(fd);
    fd = open(P("log.txt"), O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("append file (%zd): %s", n, buf);
    R("write to O_RDONLY", write(fd, "x", 1));
    close(fd);

    /* stdio */
    FILE *f = fopen(P("notes.txt"), "w+");
    for (int i = 0; i < 50; i++) fprintf(f, "line %d: %x\n", i, i * i);
    fflush(f);
    printf("ftell after writes: %ld\n", ftell(f));
    rewind(f);
    char line[64];
    int count = 0;
    unsigned long h = 0;
    while (fgets(line, sizeof line, f)) { count++; for (char *c = line; *c; c++) h = h * 33 + (unsigned char)*c; }
    printf("fgets lines %d hash %lx\n", count, h);
    fseek(f, -9, SEEK_END);
    printf("tail: [%s", fgets(line, sizeof line, f));
    fclose(f);
    f = fopen(P("notes.txt"), "a");
    fputs("appended\n", f);
    fclose(f);
    printf("notes size %ld\n", fsize(P("notes.txt")));

    /* directories, rename, errors */
    R("mkdir sub", mkdir(P("sub"), 0755));
    R("mkdir sub again", mkdir(P("sub"), 0755));
    fd = open(P("sub/inner"), O_CREAT | O_WRONLY, 0644);
    write(fd, "12345", 5);
    close(fd);
    R("rename", rename(P("log.txt"), P("log.old")));
    R("stat renamed", fsize(P("log.old")));
    R("stat old name", fsize(P("log.txt")));
    R("open missing", open(P("missing"), O_RDONLY));
    R("open file as dir", open(P("data.bin/x"), O_RDONLY));
    R("access data.bin R_OK|W_OK", access(P("data.bin"), R_OK | W_OK));
    R("access missing", access(P("missing"), F_OK));
    list("listing");
    R("rmdir non-empty", rmdir(P("sub")));
    R("unlink dir", unlink(P("sub")));
    R("rmdir file", rmdir(P("data.bin")));
    R("unlink inner", unlink(P("sub/inner")));
    R("rmdir sub", rmdir(P("sub")));
    R("unlink data.bin", unlink(P("data.bin")));
    R("unlink data.bin again", unlink(P("data.bin")));
    list("after unlinks");

    /* unlinked but still open file stays readable */
    fd = open(P("ghost"), O_CREAT | O_RDWR, 0600);
    write(fd, "boo", 3);
    unlink(P("ghost"));
    lseek(fd, 0, SEEK_SET);
    memset(buf, 0, 8);
    printf("read unlinked open file: %zd [%s]\n", read(fd, buf, 8), buf);
    close(fd);

    unlink(P("log.old"));
    unlink(P("notes.txt"));
    list("empty");
    R("rmdir dir", rmdir(dir));
    R("stat removed dir", stat(dir, &st));
    return 0;
}
