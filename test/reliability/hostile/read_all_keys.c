/*
 * "fill FROM TO" writes keys K<FROM>..K<TO-1>; "readall" lists /qvm/db and reads every key,
 * emitting how many keys and bytes it read.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "construct") == 0) return 0;
  if (argc >= 4 && strcmp(argv[1], "fill") == 0) {
    for (long i = atol(argv[2]); i < atol(argv[3]); i++) printf("DBW=K%ld=value%ld\n", i, i);
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "readall") == 0) {
    DIR *d = opendir("/qvm/db");
    if (!d) { perror("opendir"); return 1; }
    long keys = 0, bytes = 0;
    struct dirent *e;
    char path[300], buf[256];
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      snprintf(path, sizeof path, "/qvm/db/%s", e->d_name);
      int fd = open(path, O_RDONLY);
      if (fd < 0) { perror(path); return 1; }
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) bytes += n;
      close(fd);
      keys++;
    }
    printf("OUT=keys %ld bytes %ld\n", keys, bytes);
    return 0;
  }
  fprintf(stderr, "usage: fill FROM TO | readall\n");
  return 2;
}
