/* Creates threads that never end until pthread_create fails. */
#include <string.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void *spin(void *arg) { (void)arg; for (;;) pause(); return 0; }
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  for (int n = 0;; n++) {
    pthread_t t;
    if (pthread_create(&t, 0, spin, 0) != 0) { fprintf(stderr, "pthread_create failed after %d threads\n", n); return 1; }
  }
}
