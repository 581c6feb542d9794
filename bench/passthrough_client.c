/* passthrough_client: the baseline of bench/soak_jack.sh — the least a JACK effect
 * client can do for the same work. Per channel, six cascaded biquads (two highpass
 * sections at 80 Hz, four lowpass sections at 8 kHz: about what graphs/guitar.yaml
 * filters), written straight into the output port. No graph, no parameter queue, no
 * smoothing: whatever fxgraph costs on top of this is the price of the engine.
 *
 * It measures itself the way RealtimeProcessor does (DSP load: the time inside the process
 * callback over the period's length; xruns: JACK's xrun callback) and prints one line
 * in the format of `fxgraph jack`'s `stats` command:
 *
 *   xruns N, blocks N, dsp load mean X %, max Y %
 *
 * Like `fxgraph jack`, it reads commands from stdin, one per line: `stats` prints that
 * line now, `quit` (or the end of input) stops. bench/soak_jack.sh drives both clients
 * with the same command sequence, so both are measured over the same window.
 *
 * Build (done by bench/soak_jack.sh; deliberately not part of the CMake build):
 *   gcc -O2 -o passthrough_client bench/passthrough_client.c -ljack -lm
 * Run:
 *   passthrough_client [-s SERVER] [-n CLIENT] [-c CHANNELS] [-d SECONDS] [--connect]
 * It prints the stats line and stops after SECONDS (default: none, i.e. only on `quit`
 * or the end of stdin), on SIGINT/SIGTERM, or when the server quits. */
#define _GNU_SOURCE
#include <jack/jack.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHANNELS 8
#define SECTIONS 6

typedef struct {
  float b0, b1, b2, a1, a2; /* normalised: a0 = 1 */
  float z1, z2;             /* transposed direct form II state */
} biquad;

static jack_port_t* in_ports[MAX_CHANNELS];
static jack_port_t* out_ports[MAX_CHANNELS];
static biquad filters[MAX_CHANNELS][SECTIONS];
static int channels = 1;
static double sample_rate = 48000;

static atomic_uint_fast64_t xruns;
static atomic_uint_fast64_t blocks;
/* Written by the process thread only; read by `stats` while it runs (hence atomic). */
static _Atomic double load_sum;
static _Atomic double load_max;
static _Atomic double window_load_max; /* since the previous stats line, as fxgraph's */
static volatile sig_atomic_t stop_requested;
static atomic_int server_gone;

/* RBJ cookbook sections (Q = 1/sqrt(2): each section a 2nd-order Butterworth). */
static biquad design(int highpass, double cutoff, double rate) {
  const double w = 2.0 * M_PI * cutoff / rate;
  const double alpha = sin(w) / (2.0 * M_SQRT1_2);
  const double c = cos(w);
  const double a0 = 1.0 + alpha;
  biquad q = {0};
  if (highpass) {
    q.b0 = (float)((1.0 + c) / 2.0 / a0);
    q.b1 = (float)(-(1.0 + c) / a0);
  } else {
    q.b0 = (float)((1.0 - c) / 2.0 / a0);
    q.b1 = (float)((1.0 - c) / a0);
  }
  q.b2 = q.b0;
  q.a1 = (float)(-2.0 * c / a0);
  q.a2 = (float)((1.0 - alpha) / a0);
  return q;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int process(jack_nframes_t frames, void* arg) {
  (void)arg;
  const double started = now_seconds();
  for (int ch = 0; ch < channels; ++ch) {
    const float* in = jack_port_get_buffer(in_ports[ch], frames);
    float* out = jack_port_get_buffer(out_ports[ch], frames);
    memcpy(out, in, sizeof(float) * frames);
    for (int s = 0; s < SECTIONS; ++s) {
      biquad* q = &filters[ch][s];
      float z1 = q->z1, z2 = q->z2;
      for (jack_nframes_t i = 0; i < frames; ++i) {
        const float x = out[i];
        const float y = q->b0 * x + z1;
        z1 = q->b1 * x - q->a1 * y + z2;
        z2 = q->b2 * x - q->a2 * y;
        out[i] = y;
      }
      /* Flush denormals in the state (silence decays into them), as fxgraph does. */
      q->z1 = fabsf(z1) < 1e-30f ? 0.0f : z1;
      q->z2 = fabsf(z2) < 1e-30f ? 0.0f : z2;
    }
  }
  const double load = (now_seconds() - started) * sample_rate / (double)frames;
  atomic_store_explicit(&load_sum, atomic_load_explicit(&load_sum, memory_order_relaxed) + load,
                        memory_order_relaxed);
  if (load > atomic_load_explicit(&load_max, memory_order_relaxed))
    atomic_store_explicit(&load_max, load, memory_order_relaxed);
  double window = atomic_load_explicit(&window_load_max, memory_order_relaxed);
  while (load > window && !atomic_compare_exchange_weak_explicit(&window_load_max, &window, load,
                                                                 memory_order_relaxed,
                                                                 memory_order_relaxed)) {
  }
  atomic_fetch_add(&blocks, 1);
  return 0;
}

static int on_xrun(void* arg) {
  (void)arg;
  atomic_fetch_add(&xruns, 1);
  return 0;
}

static void on_shutdown(void* arg) {
  (void)arg;
  atomic_store(&server_gone, 1);
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void print_stats(void) {
  const uint64_t n = atomic_load(&blocks);
  printf("xruns %llu, blocks %llu, dsp load mean %.2f %%, max %.2f %% (since the last stats "
         "%.2f %%)\n",
         (unsigned long long)atomic_load(&xruns), (unsigned long long)n,
         n ? 100.0 * atomic_load(&load_sum) / (double)n : 0.0, 100.0 * atomic_load(&load_max),
         100.0 * atomic_exchange(&window_load_max, 0.0));
  fflush(stdout);
}

/* Reads a byte of stdin (polled readable first): 1 to go on, 0 on `quit`, -1 at EOF. */
static int handle_stdin(void) {
  static char line[256];
  static size_t used;
  char c;
  const ssize_t n = read(STDIN_FILENO, &c, 1);
  if (n <= 0) return -1;
  if (c != '\n') {
    if (used + 1 < sizeof line) line[used++] = c;
    return 1;
  }
  line[used] = '\0';
  used = 0;
  if (strcmp(line, "quit") == 0) return 0;
  if (strcmp(line, "stats") == 0) print_stats();
  return 1;
}

static void usage(void) {
  fprintf(stderr,
          "usage: passthrough_client [-s SERVER] [-n CLIENT] [-c CHANNELS] [-d SECONDS] "
          "[--connect]\n");
  exit(2);
}

int main(int argc, char** argv) {
  const char* server = NULL;
  const char* name = "passthrough";
  double seconds = 0.0; /* 0: until `quit` or the end of stdin */
  int connect = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--connect") == 0) {
      connect = 1;
    } else if (i + 1 < argc && strcmp(argv[i], "-s") == 0) {
      server = argv[++i];
    } else if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
      name = argv[++i];
    } else if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
      channels = atoi(argv[++i]);
      if (channels < 1 || channels > MAX_CHANNELS) usage();
    } else if (i + 1 < argc && strcmp(argv[i], "-d") == 0) {
      seconds = atof(argv[++i]);
    } else {
      usage();
    }
  }

  jack_status_t status;
  jack_options_t options = JackNoStartServer | (server ? JackServerName : JackNullOption);
  jack_client_t* client = jack_client_open(name, options, &status, server);
  if (!client) {
    fprintf(stderr, "passthrough_client: cannot connect to JACK server '%s' (status 0x%x)\n",
            server ? server : "default", (unsigned)status);
    return 2;
  }
  sample_rate = jack_get_sample_rate(client);
  for (int ch = 0; ch < channels; ++ch) {
    char port[32];
    snprintf(port, sizeof port, "in_%d", ch + 1);
    in_ports[ch] = jack_port_register(client, port, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    snprintf(port, sizeof port, "out_%d", ch + 1);
    out_ports[ch] = jack_port_register(client, port, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!in_ports[ch] || !out_ports[ch]) {
      fprintf(stderr, "passthrough_client: cannot register ports\n");
      return 1;
    }
    for (int s = 0; s < SECTIONS; ++s)
      filters[ch][s] = design(s < 2, s < 2 ? 80.0 : 8000.0, sample_rate);
  }
  jack_set_process_callback(client, process, NULL);
  jack_set_xrun_callback(client, on_xrun, NULL);
  jack_on_shutdown(client, on_shutdown, NULL);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  if (jack_activate(client) != 0) {
    fprintf(stderr, "passthrough_client: cannot activate the client\n");
    return 1;
  }
  /* As `fxgraph jack` does once its client runs: lock what is mapped now, so both
   * clients are measured on the same footing. */
  if (mlockall(MCL_CURRENT) != 0) perror("passthrough_client: mlockall (playing on)");
  if (connect) {
    for (int ch = 0; ch < channels; ++ch) {
      char port[64];
      snprintf(port, sizeof port, "system:capture_%d", ch + 1);
      jack_connect(client, port, jack_port_name(in_ports[ch]));
      snprintf(port, sizeof port, "system:playback_%d", ch + 1);
      jack_connect(client, jack_port_name(out_ports[ch]), port);
    }
  }

  /* Like `fxgraph jack`'s session: the main thread sleeps in poll() on stdin, waking
   * every 10 ms to notice a signal, the deadline or a lost server. With -d, the end of
   * stdin does not stop it (so `-d 10 </dev/null` runs 10 s, as before). */
  const double deadline = seconds > 0 ? now_seconds() + seconds : 0;
  int input_open = 1;
  while (!stop_requested && !atomic_load(&server_gone) &&
         (deadline == 0 || now_seconds() < deadline)) {
    struct pollfd fd = {STDIN_FILENO, POLLIN, 0};
    if (poll(&fd, input_open ? 1 : 0, 10) > 0 && (fd.revents & (POLLIN | POLLHUP | POLLERR))) {
      const int more = handle_stdin();
      if (more == 0 || (more < 0 && deadline == 0)) break; /* quit; EOF without -d */
      if (more < 0) input_open = 0;                        /* EOF with -d: run it out */
    }
  }
  const int gone = atomic_load(&server_gone);
  if (!gone) jack_deactivate(client);
  if (seconds > 0) print_stats();
  jack_client_close(client);
  if (gone) {
    fprintf(stderr, "passthrough_client: JACK server shut down\n");
    return 1;
  }
  return 0;
}
