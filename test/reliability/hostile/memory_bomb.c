/* Allocates and touches memory until it runs out. */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (size_t mb = 0;; mb++) {
    char *p = malloc(1 << 20);
    if (!p) { fprintf(stderr, "malloc failed after %zu MiB\n", mb); return 1; }
    for (size_t i = 0; i < (1 << 20); i += 4096) p[i] = 1;
  }
}
