/* Unbounded recursion. */
#include <stdio.h>
#include <string.h>
static int down(volatile int n) { volatile char pad[256]; pad[0] = (char)n; return down(n + 1) + pad[0]; }
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  printf("%d\n", down(0));
  return 0;
}
