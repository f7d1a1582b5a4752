/* Maps 1 GiB regions (never touched) until mmap fails. */
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (int n = 0;; n++) {
    void *p = mmap(0, 1ul << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { fprintf(stderr, "mmap failed after %d GiB\n", n); return 1; }
  }
}
