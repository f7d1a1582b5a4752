/* Writes plain (non-instruction) lines to stdout forever. */
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  static char buf[1 << 16];
  memset(buf, 'x', sizeof buf);
  buf[sizeof buf - 1] = '\n';
  for (;;) if (write(1, buf, sizeof buf) < 0) return 1;
}
