/* A SIGUSR1 handler that raises SIGUSR1 again inside itself (SA_NODEFER): signals nest until the stack is gone. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
static volatile long depth;
static void handler(int sig) { depth++; raise(sig); }
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR1, &sa, 0);
  raise(SIGUSR1);
  printf("depth %ld\n", depth);
  return 0;
}
