/* Never ends: stopped by gas. */
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (volatile unsigned long i = 0;; i++) {}
}
