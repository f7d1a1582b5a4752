/* Scheduling policies and priorities as an unprivileged or privileged process sees them alike:
 * the priority range of each policy, refusals of bad policies, priorities and targets. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s = %ld%s\n", what, r, r < 0 ? (errno == EINVAL ? " EINVAL" : errno == ESRCH ? " ESRCH" : errno == EPERM ? " EPERM" : " other") : "");
  errno = 0;
}

int main(void) {
  static const int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 6 /* SCHED_DEADLINE */, 4, -1};
  /* (not 7: SCHED_EXT exists from Linux 6.12, QVM is a 6.1 kernel) */
  char name[64];
  for (unsigned i = 0; i < sizeof policies / sizeof policies[0]; i++) {
    snprintf(name, sizeof name, "max(%d)", policies[i]);
    show(name, syscall(SYS_sched_get_priority_max, policies[i]));
    snprintf(name, sizeof name, "min(%d)", policies[i]);
    show(name, syscall(SYS_sched_get_priority_min, policies[i]));
  }
  struct sched_param p = {0};
  show("setscheduler(OTHER, 0)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p));
  show("setscheduler(42, 0)", syscall(SYS_sched_setscheduler, 0, 42, &p));
  p.sched_priority = 1;
  show("setscheduler(BATCH, 1)", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &p));
  show("setscheduler(IDLE, 1)", syscall(SYS_sched_setscheduler, 0, SCHED_IDLE, &p));
  show("getscheduler", syscall(SYS_sched_getscheduler, 0));
  show("getpriority(3, 0)", syscall(SYS_getpriority, 3, 0));
  show("getpriority(PROCESS, 0)", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show("getpriority(PROCESS, 999999)", syscall(SYS_getpriority, PRIO_PROCESS, 999999));
  show("setpriority(-1, 0, 5)", syscall(SYS_setpriority, -1, 0, 5));
  show("setpriority(PROCESS, 0, 5)", syscall(SYS_setpriority, PRIO_PROCESS, 0, 5));
  show("getpriority(PROCESS, 0) after", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  return 0;
}
