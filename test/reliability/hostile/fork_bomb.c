/* Forks until fork fails; QVM runs one process, so the first fork already fails. */
#include <string.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (int n = 0;; n++) {
    pid_t p = fork();
    if (p < 0) { fprintf(stderr, "fork failed after %d forks\n", n); return 1; }
    if (p == 0) continue;
  }
}
