/* pthreads: create/join with return values, a mutex-protected shared counter, a condition
 * variable ping-pong with strict alternation (deterministic output), thread-local storage,
 * pthread_once, and a barrier-free producer/consumer queue. Output does not depend on the
 * schedule. */
#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>

#define NT 4
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 5;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void) { once_runs++; }

static void *worker(void *arg) {
    long id = (long)arg;
    pthread_once(&once, init_once);
    tls_value += id * 100;
    uint64_t h = (uint64_t)id;
    for (int i = 0; i < 2000; i++) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        pthread_mutex_lock(&mu);
        counter += (long)(h >> 60) + 1;
        pthread_mutex_unlock(&mu);
    }
    long *ret = malloc(sizeof *ret);
    *ret = tls_value * 1000 + (long)(h & 0xff);
    return ret;
}

/* ping-pong */
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int turn; /* 0: ping's turn, 1: pong's turn */
static char log_buf[4096];
static int log_len;

static void *player(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < 20; i++) {
        pthread_mutex_lock(&pm);
        while (turn != me) pthread_cond_wait(&pc, &pm);
        log_len += snprintf(log_buf + log_len, sizeof log_buf - (size_t)log_len, "%s%d ", me ? "pong" : "ping", i);
        turn = !me;
        pthread_cond_broadcast(&pc);
        pthread_mutex_unlock(&pm);
    }
    return NULL;
}

/* producer / consumer through a bounded queue */
#define QN 8
static int q[QN], qh, qt, qcount, done;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qne = PTHREAD_COND_INITIALIZER, qnf = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= 500; i++) {
        pthread_mutex_lock(&qm);
        while (qcount == QN) pthread_cond_wait(&qnf, &qm);
        q[qt] = i * i % 1009;
        qt = (qt + 1) % QN;
        qcount++;
        pthread_cond_signal(&qne);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    done = 1;
    pthread_cond_broadcast(&qne);
    pthread_mutex_unlock(&qm);
    return NULL;
}

static void *consumer(void *arg) {
    long sum = 0, n = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qm);
        while (qcount == 0 && !done) pthread_cond_wait(&qne, &qm);
        if (qcount == 0 && done) { pthread_mutex_unlock(&qm); break; }
        sum = sum * 3 + q[qh];
        sum %= 1000000007;
        n++;
        qh = (qh + 1) % QN;
        qcount--;
        pthread_cond_signal(&qnf);
        pthread_mutex_unlock(&qm);
    }
    long *r = malloc(2 * sizeof *r);
    r[0] = sum;
    r[1] = n;
    return r;
}

int main(void) {
    pthread_t th[NT];
    for (long i = 0; i < NT; i++)
        if (pthread_create(&th[i], NULL, worker, (void *)i) != 0) { printf("pthread_create failed\n"); return 1; }
    for (int i = 0; i < NT; i++) {
        void *r;
        pthread_join(th[i], &r);
        printf("worker %d returned %ld\n", i, *(long *)r);
        free(r);
    }
    printf("counter %ld once_runs %d main tls %ld\n", counter, once_runs, tls_value);

    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *)0L);
    pthread_create(&b, NULL, player, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%s\n", log_buf);

    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    void *r;
    pthread_join(p, NULL);
    pthread_join(c, &r);
    printf("consumer sum %ld count %ld\n", ((long *)r)[0], ((long *)r)[1]);
    free(r);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_destroy(&attr);
    printf("self equal %d\n", pthread_equal(pthread_self(), pthread_self()));
    return 0;
}
