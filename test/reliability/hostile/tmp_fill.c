/* Fills /tmp with 1 MiB files until a write fails. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  static char buf[1 << 20];
  memset(buf, 't', sizeof buf);
  for (int n = 0;; n++) {
    char name[64];
    snprintf(name, sizeof name, "/tmp/fill%d", n);
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { fprintf(stderr, "open failed after %d MiB\n", n); return 1; }
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) { fprintf(stderr, "write failed after %d MiB\n", n); return 1; }
    close(fd);
  }
}
