/*
 * What a static glibc program sees of its environment under QVM (test/glibc.test.ts runs it in
 * QVM only: natively the answers are the host's). Everything printed must be deterministic, and
 * the lookups that need a dynamic loader (NSS, iconv's gconv modules) must fail cleanly.
 */
#include <errno.h>
#include <grp.h>
#include <iconv.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <unistd.h>
#include <locale.h>
#include <langinfo.h>

int main(void) {
  char exe[256];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  printf("exe %s\n", exe);
  struct rlimit rl;
  getrlimit(RLIMIT_STACK, &rl);
  printf("stack rlimit %llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  getrlimit(RLIMIT_NOFILE, &rl);
  printf("nofile rlimit %llu\n", (unsigned long long)rl.rlim_cur);
  printf("nprocs %ld conf %ld page %ld\n", sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_NPROCESSORS_CONF), sysconf(_SC_PAGESIZE));
  printf("L1d %ld line %ld assoc %ld L2 %ld L3 %ld\n", sysconf(_SC_LEVEL1_DCACHE_SIZE), sysconf(_SC_LEVEL1_DCACHE_LINESIZE),
         sysconf(_SC_LEVEL1_DCACHE_ASSOC), sysconf(_SC_LEVEL2_CACHE_SIZE), sysconf(_SC_LEVEL3_CACHE_SIZE));
  printf("hwcap %lx platform %s\n", getauxval(AT_HWCAP), (const char *)getauxval(AT_PLATFORM));
  struct pollfd p[3] = {{0, POLLIN, 0}, {1, POLLOUT, 0}, {2, POLLOUT, 0}};
  int pr = poll(p, 3, 0);
  printf("poll %d revents %x %x %x\n", pr, p[0].revents, p[1].revents, p[2].revents);

  errno = 0;
  struct passwd *pw = getpwnam("root");
  printf("getpwnam(root) %s errno %d\n", pw ? pw->pw_name : "NULL", errno);
  struct passwd *me = getpwuid(getuid());
  printf("getpwuid(%d) %s\n", (int)getuid(), me ? me->pw_name : "NULL");
  struct group *gr = getgrgid(0);
  printf("getgrgid(0) %s\n", gr ? gr->gr_name : "NULL");
  struct hostent *h = gethostbyname("localhost");
  printf("gethostbyname %s\n", h ? h->h_name : "NULL");
  iconv_t cd = iconv_open("UTF-8", "ISO-8859-1");
  printf("iconv_open latin1 %s errno %s\n", cd == (iconv_t)-1 ? "failed" : "ok", cd == (iconv_t)-1 ? strerror(errno) : "-");
  iconv_t cd2 = iconv_open("UTF-8", "UTF-8");
  printf("iconv_open utf8 %s\n", cd2 == (iconv_t)-1 ? "failed" : "ok");
  const char *loc = setlocale(LC_ALL, "");
  printf("setlocale(\"\") %s codeset %s\n", loc ? loc : "NULL", nl_langinfo(CODESET));
  loc = setlocale(LC_ALL, "de_DE.UTF-8");
  printf("setlocale(de_DE) %s\n", loc ? loc : "NULL");

  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int lines = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (lines++ < 64) fputs(line, stdout);
  }
  if (f) fclose(f);
  printf("maps lines %d\n", lines);
  return 0;
}
