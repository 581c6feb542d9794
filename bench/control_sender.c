/* control_sender: the control traffic of bench/soak_jack.sh's CONTROL=1 mode — MIDI
 * control changes through JACK and OSC messages through liblo, each at RATE per second,
 * for the whole run, as a musician's controller and an OSC surface would send them
 * (faster than either, to find what breaks).
 *
 *   control_sender -s SERVER -m DEST_MIDI_PORT -o OSC_PORT -p OSC_PATH [-r RATE]
 *                  [-c CC] [-d SECONDS]
 *
 * MIDI: a JACK client "control_sender" with one MIDI output port, connected to
 * DEST_MIDI_PORT (e.g. soak_fx:midi_in); its process callback writes controller CC on
 * channel 1 at RATE events per second, spread evenly over the periods, sweeping 0..127
 * and back. OSC: `/fxgraph/set ,sf OSC_PATH value` to 127.0.0.1:OSC_PORT RATE times a
 * second from the main thread, the value sweeping within [0.5, 2].
 * At the end it prints "sent midi N osc M" on stdout.
 *
 * Build (done by bench/soak_jack.sh; a measuring tool, not part of the CMake build):
 *   gcc -O2 -o control_sender bench/control_sender.c -ljack -llo -lm */
#define _GNU_SOURCE
#include <jack/jack.h>
#include <jack/midiport.h>
#include <lo/lo.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static jack_port_t* g_port;
static double g_rate = 1000.0;
static double g_sample_rate = 48000.0; /* the server's, read once it is open */
static double g_due;         /* events owed, fractional (process thread only) */
static int g_cc = 7;
static int g_step;           /* position of the sweep (process thread only) */
static atomic_long g_midi_sent;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static int sweep_value(int step) { /* 0..127..0 */
  const int phase = step % 254;
  return phase < 127 ? phase : 254 - phase;
}

static int process(jack_nframes_t frames, void* arg) {
  (void)arg;
  void* buffer = jack_port_get_buffer(g_port, frames);
  jack_midi_clear_buffer(buffer);
  g_due += g_rate * frames / g_sample_rate;
  const int events = (int)g_due;
  g_due -= events;
  for (int i = 0; i < events; ++i) {
    jack_midi_data_t* data =
        jack_midi_event_reserve(buffer, (jack_nframes_t)((long)i * frames / events), 3);
    if (!data) break;
    data[0] = 0xB0; /* control change, channel 1 */
    data[1] = (jack_midi_data_t)g_cc;
    data[2] = (jack_midi_data_t)sweep_value(g_step++);
    atomic_fetch_add(&g_midi_sent, 1);
  }
  return 0;
}

int main(int argc, char** argv) {
  const char* server = NULL;
  const char* dest = NULL;
  const char* osc_port = NULL;
  const char* osc_path = "drive.gain";
  double seconds = 0;
  int opt;
  while ((opt = getopt(argc, argv, "s:m:o:p:r:c:d:")) != -1) {
    switch (opt) {
      case 's': server = optarg; break;
      case 'm': dest = optarg; break;
      case 'o': osc_port = optarg; break;
      case 'p': osc_path = optarg; break;
      case 'r': g_rate = atof(optarg); break;
      case 'c': g_cc = atoi(optarg); break;
      case 'd': seconds = atof(optarg); break;
      default:
        fprintf(stderr, "usage: control_sender -s SERVER -m DEST_MIDI_PORT -o OSC_PORT "
                        "-p OSC_PATH [-r RATE] [-c CC] [-d SECONDS]\n");
        return 2;
    }
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  jack_client_t* client = NULL;
  if (dest) {
    jack_status_t status;
    client = jack_client_open("control_sender", server ? JackServerName : JackNullOption,
                              &status, server);
    if (!client) {
      fprintf(stderr, "control_sender: cannot open a JACK client (status 0x%x)\n", status);
      return 1;
    }
    g_sample_rate = jack_get_sample_rate(client);
    g_port = jack_port_register(client, "midi_out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(client, process, NULL);
    if (jack_activate(client) != 0 ||
        jack_connect(client, jack_port_name(g_port), dest) != 0) {
      fprintf(stderr, "control_sender: cannot connect to %s\n", dest);
      return 1;
    }
  }
  lo_address osc = osc_port ? lo_address_new("127.0.0.1", osc_port) : NULL;

  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  const long interval_ns = (long)(1e9 / g_rate);
  const double start = next.tv_sec + next.tv_nsec * 1e-9;
  long osc_sent = 0;
  while (!g_stop) {
    if (osc) {
      const float value = 0.5f + 1.5f * (float)sweep_value((int)osc_sent) / 127.0f;
      if (lo_send(osc, "/fxgraph/set", "sf", osc_path, value) >= 0) ++osc_sent;
    }
    next.tv_nsec += interval_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      ++next.tv_sec;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    if (seconds > 0 && next.tv_sec + next.tv_nsec * 1e-9 - start >= seconds) break;
  }
  if (client) jack_client_close(client);
  if (osc) lo_address_free(osc);
  printf("sent midi %ld osc %ld\n", atomic_load(&g_midi_sent), osc_sent);
  return 0;
}
