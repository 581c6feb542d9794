/* rt_alloc_counter: an LD_PRELOAD library for bench/soak_jack.sh that counts heap
 * allocations made by realtime threads (SCHED_FIFO or SCHED_RR: a JACK client's process
 * thread and fxgraph's --threads workers) inside a time window, so a soak shows "zero
 * allocations on the audio thread" for the client as it really runs, not only in unit
 * tests. It works the same for any client (fxgraph or the C baseline).
 *
 *   RT_ALLOC_FROM=5 RT_ALLOC_UNTIL=305 LD_PRELOAD=./rt_alloc_counter.so CLIENT ...
 *
 * The window is in seconds since the library was loaded; outside it, and on threads
 * without a realtime policy, allocations are only passed on. A client's own start-up and
 * shut-down (libjack's thread set-up, deactivation) fall outside it. At exit it prints
 *   rt_alloc_counter: N allocations on realtime threads in [FROM, UNTIL) s (first by THREAD)
 * on stderr. Wrapped: malloc, calloc, realloc, free (for completeness: it counts nothing),
 * posix_memalign, aligned_alloc, memalign, valloc; C++'s operator new calls malloc.
 * glibc's __libc_* entry points are called directly, so no dlsym and no recursion.
 *
 * Build (done by bench/soak_jack.sh; a measuring tool, not part of the CMake build):
 *   gcc -O2 -shared -fPIC -o rt_alloc_counter.so bench/rt_alloc_counter.c */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);
extern void __libc_free(void* ptr);
extern void* __libc_memalign(size_t alignment, size_t size);

static double g_from = 0.0;
static double g_until = 1e300;
static double g_loaded;
static atomic_long g_counted;
static atomic_int g_named; /* the first counted thread's name is recorded once */
static char g_first_thread[17];

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Counts one allocation if this thread is realtime and the window is open. The policy is
 * asked each time (a syscall, off the realtime path in a correct client): JACK raises a
 * thread to SCHED_FIFO after it starts, so a cached answer would be stale. */
static void note_allocation(void) {
  const double t = now_seconds() - g_loaded;
  if (t < g_from || t >= g_until) return;
  const int policy = sched_getscheduler(0);
  if (policy != SCHED_FIFO && policy != SCHED_RR) return;
  atomic_fetch_add(&g_counted, 1);
  int expected = 0;
  if (atomic_compare_exchange_strong(&g_named, &expected, 1))
    prctl(PR_GET_NAME, g_first_thread, 0, 0, 0);
}

static double env_seconds(const char* name, double fallback) {
  const char* text = getenv(name);
  return text && *text ? strtod(text, NULL) : fallback;
}

__attribute__((constructor)) static void start(void) {
  g_loaded = now_seconds();
  g_from = env_seconds("RT_ALLOC_FROM", 0.0);
  g_until = env_seconds("RT_ALLOC_UNTIL", 1e300);
}

__attribute__((destructor)) static void report(void) {
  const long counted = atomic_load(&g_counted);
  fprintf(stderr, "rt_alloc_counter: %ld allocations on realtime threads in [%g, %g) s",
          counted, g_from, g_until);
  if (counted > 0) fprintf(stderr, " (first by thread \"%s\")", g_first_thread);
  fputc('\n', stderr);
}

void* malloc(size_t size) {
  note_allocation();
  return __libc_malloc(size);
}

void* calloc(size_t count, size_t size) {
  note_allocation();
  return __libc_calloc(count, size);
}

void* realloc(void* ptr, size_t size) {
  note_allocation();
  return __libc_realloc(ptr, size);
}

void free(void* ptr) { __libc_free(ptr); }

void* memalign(size_t alignment, size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}

void* valloc(size_t size) {
  note_allocation();
  return __libc_memalign(4096, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  note_allocation();
  void* p = __libc_memalign(alignment, size);
  if (!p && size != 0) return ENOMEM;
  *out = p;
  return 0;
}
