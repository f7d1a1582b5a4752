/*
 * Tries to learn or touch the host from inside QVM and prints what it got, one fact a line.
 * test/sandbox.test.ts checks each line against the sandbox claims in docs/security.md and runs
 * the probe twice, under different host conditions, to show nothing of the host leaks in.
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void try_open(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { printf("open %s: %s\n", path, strerror(errno)); return; }
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) n = 0;
  buf[n] = 0;
  for (ssize_t i = 0; i < n; i++) if (buf[i] == '\n' || buf[i] == 0) buf[i] = ' ';
  printf("open %s: ok \"%.40s\"\n", path, buf);
}

static void try_write(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { printf("create %s: %s\n", path, strerror(errno)); return; }
  ssize_t n = write(fd, "x", 1);
  close(fd);
  printf("create %s: %s\n", path, n == 1 ? "ok" : strerror(errno));
}

static void try_socket(const char *name, int domain, int type) {
  int s = socket(domain, type, 0);
  if (s < 0) { printf("socket %s: %s\n", name, strerror(errno)); return; }
  printf("socket %s: ok\n", name);
  close(s);
}

int main(int argc, char **argv) {
  const char *mounted = argc > 1 ? argv[1] : 0;
  /* host files */
  try_open("/etc/passwd");
  try_open("/etc/hostname");
  try_open("/root/.bashrc");
  try_open("/proc/1/environ");
  try_open("/proc/self/environ");
  try_open("/proc/cpuinfo");
  try_open("/proc/meminfo");
  try_open("/sys/class/net/eth0/address");
  try_write("/etc/qvm-probe");
  try_write("/tmp/qvm-probe");
  if (mounted) {
    char p[512];
    snprintf(p, sizeof p, "%s/secret.txt", mounted);
    try_open(p);
    snprintf(p, sizeof p, "%s/new.txt", mounted);
    try_write(p);
  }
  DIR *d = opendir("/");
  printf("ls /:");
  struct dirent *e;
  while (d && (e = readdir(d))) printf(" %s", e->d_name);
  printf("\n");
  /* network */
  try_socket("inet tcp", AF_INET, SOCK_STREAM);
  try_socket("inet udp", AF_INET, SOCK_DGRAM);
  try_socket("inet6 tcp", AF_INET6, SOCK_STREAM);
  try_socket("unix", AF_UNIX, SOCK_STREAM);
  try_socket("netlink", 16, SOCK_RAW);
  /* identity, time, environment, CPU */
  struct utsname u;
  uname(&u);
  printf("uname: %s %s %s %s\n", u.sysname, u.nodename, u.release, u.machine);
  printf("pid %d ppid %d uid %d gid %d\n", (int)getpid(), (int)getppid(), (int)getuid(), (int)getgid());
  printf("time %ld\n", (long)time(0));
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  printf("monotonic below 1 s: %s\n", ts.tv_sec < 1 ? "yes" : "no");
  printf("cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
  unsigned a, b, c, dd;
  __cpuid(0, a, b, c, dd);
  char vendor[13];
  memcpy(vendor, &b, 4); memcpy(vendor + 4, &dd, 4); memcpy(vendor + 8, &c, 4); vendor[12] = 0;
  printf("cpuid vendor %s\n", vendor);
  unsigned brand[12];
  for (unsigned i = 0; i < 3; i++) __cpuid(0x80000002 + i, brand[4 * i], brand[4 * i + 1], brand[4 * i + 2], brand[4 * i + 3]);
  printf("cpuid brand %.48s\n", (char *)brand);
  printf("environ:");
  for (char **v = environ; *v; v++) printf(" %s", *v);
  printf("\n");
  char *args[] = {"/bin/sh", "-c", "id", 0};
  execve("/bin/sh", args, environ);
  printf("execve /bin/sh: %s\n", strerror(errno));
  return 0;
}
