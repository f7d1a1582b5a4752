/* Timers and waiting for signals: alarm + pause, a periodic ITIMER_REAL with sigsuspend,
 * getitimer, and sleeping threads woken in deadline order. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_alarm(int sig) { (void)sig; hits++; }

static char order[16];
static int norder;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *sleeper(void *arg) {
    long ms = (long)arg;
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&mu);
    order[norder++] = (char)('0' + ms / 50);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    pause();
    printf("woken by alarm: hits %d\n", (int)hits);

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    while (hits < 6) sigsuspend(&old);
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    printf("periodic: hits %d interval %ld us\n", (int)hits, (long)cur.it_interval.tv_usec);
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &cur);
    printf("disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);

    pthread_t t[4];
    long ms[4] = { 200, 50, 150, 100 };
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, sleeper, (void *)ms[i]);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    order[norder] = 0;
    printf("wake order %s\n", order);
    return 0;
}
