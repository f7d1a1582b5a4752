/* Two threads each wait for the other forever: QVM ends the run with reason "deadlock". */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;

static void *t1(void *x) {
    (void)x;
    pthread_mutex_lock(&b);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&a);
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_barrier_init(&bar, NULL, 2);
    pthread_mutex_lock(&a);
    pthread_create(&t, NULL, t1, NULL);
    pthread_barrier_wait(&bar);
    printf("locking\n");
    fflush(stdout);
    pthread_mutex_lock(&b);
    pthread_join(t, NULL);
    return 0;
}
