/* Memory management system calls: brk/sbrk growth and shrink, anonymous mmap (private, with
 * contents zeroed), munmap, mremap growth preserving contents, mprotect, MAP_FIXED over an
 * existing mapping, madvise, and reading /dev/zero. Prints contents and results, never addresses
 * (only differences between addresses where Linux defines them). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* musl's sbrk() refuses non-zero increments, so talk to the brk system call directly */
static char *brk_(char *addr) { return (char *)syscall(SYS_brk, addr); }

static uint64_t hash(const unsigned char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

int main(void) {
    /* brk */
    char *b0 = brk_(0);
    char *b2 = brk_(b0 + 65536);
    printf("brk grow delta %ld\n", (long)(b2 - b0));
    char *b1 = b0;
    memset(b1, 0x5a, 65536);
    printf("brk hash %016llx\n", (unsigned long long)hash((unsigned char *)b1, 65536));
    printf("brk shrink delta %ld\n", (long)(brk_(b0 + 32768) - b0));
    printf("brk query delta %ld\n", (long)(brk_(0) - b0));
    printf("brk regrow delta %ld\n", (long)(brk_(b0 + 65536) - b0));
    int zeros = 1;
    /* re-grown memory that was released: Linux gives zeros again */
    for (int i = 32768; i < 65536; i++) if (b1[i] != 0) { zeros = 0; break; }
    printf("regrown zero %d, kept %d\n", zeros, b1[100] == 0x5a);
    printf("brk below start refused %d\n", brk_(b0 - 1000000) == brk_(0));

    /* anonymous mmap */
    size_t len = 1 << 20;
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    printf("page aligned %d zeroed hash %016llx\n", ((uintptr_t)m & 4095) == 0, (unsigned long long)hash(m, len));
    for (size_t i = 0; i < len; i += 4096) m[i] = (unsigned char)(i >> 12);
    printf("touched hash %016llx\n", (unsigned long long)hash(m, len));

    /* mremap grow */
    unsigned char *m2 = mremap(m, len, 4 * len, MREMAP_MAYMOVE);
    if (m2 == MAP_FAILED) { printf("mremap failed %d\n", errno); return 1; }
    int kept = 1;
    for (size_t i = 0; i < len; i += 4096) if (m2[i] != (unsigned char)(i >> 12)) kept = 0;
    printf("mremap kept %d new part zero %d\n", kept, m2[len + 12345] == 0 && m2[4 * len - 1] == 0);

    /* munmap part of it, then mmap MAP_FIXED into the hole */
    printf("munmap middle %d\n", munmap(m2 + len, len));
    unsigned char *f = mmap(m2 + len, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at requested %d\n", f == m2 + len);
    f[0] = 7;
    /* MAP_FIXED over existing data replaces it with zeros */
    unsigned char *g = mmap(m2, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed over existing: same %d zero %d next page kept %d\n", g == m2, g[0] == 0 && g[4095] == 0,
           m2[4096] == 1);

    /* mprotect read-only, then back */
    printf("mprotect ro %d\n", mprotect(m2, 8192, PROT_READ));
    printf("read ro %d\n", m2[4096]);
    printf("mprotect rw %d\n", mprotect(m2, 8192, PROT_READ | PROT_WRITE));
    m2[4096] = 9;
    printf("before madvise %d\n", m2[2 * 4096]);
    int mr = madvise(m2 + 2 * 4096, 4096, MADV_DONTNEED);
    printf("madvise dontneed %d zero after %d\n", mr, m2[2 * 4096] == 0);
    int u1 = munmap(m2, 4 * len);
    int u2 = munmap(f, 4096); /* already gone with the range above: still succeeds */
    printf("munmap all %d %d\n", u1, u2);

    /* invalid requests */
    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap len 0 -> failed %d EINVAL %d\n", bad == MAP_FAILED, errno == EINVAL);
    errno = 0;
    int r = munmap((void *)4097, 4096);
    printf("munmap unaligned -> %d EINVAL %d\n", r, errno == EINVAL);

    /* many small mappings */
    unsigned char *maps[64];
    uint64_t h = 0;
    for (int i = 0; i < 64; i++) {
        maps[i] = mmap(NULL, 4096 * (size_t)(1 + i % 3), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(maps[i], i, 100);
    }
    for (int i = 0; i < 64; i++) { h = h * 31 + hash(maps[i], 200); munmap(maps[i], 4096 * (size_t)(1 + i % 3)); }
    printf("small maps hash %016llx\n", (unsigned long long)h);

    /* /dev/zero and /dev/null */
    int fd = open("/dev/zero", O_RDONLY);
    unsigned char buf[256];
    memset(buf, 0xff, sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    printf("/dev/zero read %zd all zero %d\n", n, hash(buf, 256) == hash((unsigned char[256]){0}, 256));
    close(fd);
    fd = open("/dev/null", O_RDWR);
    ssize_t w = write(fd, buf, 100);
    printf("/dev/null write %zd read %zd\n", w, read(fd, buf, 100));
    close(fd);
    return 0;
}
