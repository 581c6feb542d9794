/* core_round_trip: how long a cache line takes to go from one core to another and back
 * on this machine — the price of every hand-over between threads of a parallel block
 * (engine/step_schedule.h). Two threads pinned to CPUs A and B take turns writing a
 * counter the other waits for; the time per turn is the round trip.
 *
 * On the project VM it is 93–170 ns when the host places the two vCPUs close (one CCX) and
 * 330–730 ns when it places them apart, and the host moves them while the VM runs: run
 * this beside a parallel benchmark to know which placement its figures had.
 *
 * Build and run:
 *   gcc -O2 -pthread -o core_round_trip bench/core_round_trip.c
 *   ./core_round_trip [CPU_A CPU_B]     (default 0 1)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kTurns = 200000 };

static _Alignas(64) atomic_int ping;
static _Alignas(64) atomic_int pong;

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
    fprintf(stderr, "core_round_trip: cannot run on CPU %d\n", cpu);
    exit(2);
  }
}

static void* answer(void* cpu) {
  pin(*(int*)cpu);
  for (int i = 1; i <= kTurns; ++i) {
    while (atomic_load_explicit(&ping, memory_order_acquire) != i) {
    }
    atomic_store_explicit(&pong, i, memory_order_release);
  }
  return NULL;
}

int main(int argc, char** argv) {
  int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
  pthread_t other;
  if (pthread_create(&other, NULL, answer, &b) != 0) return 2;
  pin(a);
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 1; i <= kTurns; ++i) {
    atomic_store_explicit(&ping, i, memory_order_release);
    while (atomic_load_explicit(&pong, memory_order_acquire) != i) {
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  pthread_join(other, NULL);
  const double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
  printf("CPU %d <-> CPU %d: round trip %.0f ns\n", a, b, ns / kTurns);
  return 0;
}
