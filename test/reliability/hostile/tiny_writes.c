/* 10^6 one-byte writes, each a system call. */
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (int i = 0; i < 1000000; i++) if (write(1, "x", 1) != 1) return 1;
  return 0;
}
