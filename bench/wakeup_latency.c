/* wakeup_latency: how late a SCHED_FIFO thread wakes on this machine, with no JACK
 * involved — the floor under bench/soak_jack.sh's xruns. It sleeps to absolute
 * deadlines one period apart (default 1333 us: 64 frames at 48 kHz) and counts the
 * wake-ups later than 100 us, 500 us and 1 ms. A wake-up more than a period late is
 * what an xrun is made of, for jackd's dummy driver and for any client alike.
 *
 * Build and run (root, or rtprio allowed; pin with taskset to compare placements):
 *   gcc -O2 -o wakeup_latency bench/wakeup_latency.c
 *   taskset -c 1 yes > /dev/null & ./wakeup_latency 10 1333; kill %1
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? atoi(argv[1]) : 10;
  const int period_us = argc > 2 ? atoi(argv[2]) : 1333;
  if (seconds <= 0 || period_us <= 0) {
    fprintf(stderr, "usage: wakeup_latency [SECONDS [PERIOD_US]]\n");
    return 2;
  }
  /* jackd -R's driver thread runs at SCHED_FIFO 10: the same here. */
  struct sched_param param = {.sched_priority = 10};
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) perror("wakeup_latency: SCHED_FIFO");
  if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) perror("wakeup_latency: mlockall");
  long long next = now_ns();
  const long long end = next + seconds * 1000000000LL;
  long wakeups = 0, over100 = 0, over500 = 0, over1000 = 0;
  long long worst = 0;
  while (next < end) {
    next += period_us * 1000LL;
    const struct timespec t = {next / 1000000000LL, next % 1000000000LL};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
    const long long late = now_ns() - next;
    ++wakeups;
    if (late > worst) worst = late;
    over100 += late > 100000;
    over500 += late > 500000;
    over1000 += late > 1000000;
  }
  printf("wakeups %ld, late >100us %ld, >500us %ld, >1ms %ld, max %.0f us\n", wakeups, over100,
         over500, over1000, (double)worst / 1000.0);
  return 0;
}
