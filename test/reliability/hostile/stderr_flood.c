/* Writes to stderr forever. */
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  static char buf[1 << 16];
  memset(buf, 'e', sizeof buf);
  for (;;) if (write(2, buf, sizeof buf) < 0) return 1;
}
