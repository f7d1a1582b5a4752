/* Opens files until open fails (the descriptor limit) and reports how many were open at once. */
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  int n = 0;
  for (;;) {
    char name[64];
    snprintf(name, sizeof name, "/tmp/f%d", n);
    if (open(name, O_RDWR | O_CREAT, 0600) < 0) break;
    n++;
    if (n > 100000) break;
  }
  printf("OUT=open files %d\n", n);
  return 0;
}
