#!/usr/bin/env bash
# Installs the Debian 12 packages fxgraph needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run does nothing.
# Only Debian's own archive is used (no downloads from elsewhere).
set -euo pipefail

packages=(
  # toolchain: a minimal Debian 12 has none of these
  build-essential g++ cmake pkg-config clang-format
  # libraries (see README "Dependencies")
  libboost-graph-dev     # Boost.Graph: topological sort, cycles, Graphviz
  libboost-dev           # Boost.Lockfree (header-only, part of libboost-dev)
  libjack-jackd2-dev     # JACK client library
  portaudio19-dev        # PortAudio: `fxgraph live --backend portaudio` (optional: FXGRAPH_WITH_PORTAUDIO)
  libsndfile1-dev        # audio files
  libyaml-cpp-dev        # YAML graphs
  libcli11-dev           # the fxgraph command line
  libfftw3-dev           # FFTs for partitioned convolution
  libsoxr-dev            # sample-rate conversion (file inputs, impulse responses)
  libebur128-dev         # EBU R128 loudness meter and normalisation
  catch2                 # unit tests (v2)
  libbenchmark-dev       # Google Benchmark
  liblilv-dev lv2-dev    # LV2 plugin hosting (lilv; optional: FXGRAPH_WITH_LV2)
  ladspa-sdk             # LADSPA plugin hosting (ladspa.h; optional: FXGRAPH_WITH_LADSPA)
  liblo-dev              # OSC control of live sessions (--osc; optional: FXGRAPH_WITH_OSC)
  # test-time tools
  jackd2                 # a real JACK server (dummy driver) for the JACK tests
  liblo-tools            # oscsend / oscdump: real OSC clients for the OSC session tests
  python3-scipy python3-numpy  # regenerating DSP fixtures (tests/dsp/make_fixtures.py); the Python package
  python3-dev pybind11-dev     # the Python package (python/, FXGRAPH_PYTHON)
  python3-pytest               # its tests (tests/python, run by ctest)
  python3-distributed          # Dask: fxgraph.batch.dask_map, python3 -m fxgraph.dask (and their tests)
  sox time               # bench/compare_cli.sh: the SoX anchor and /usr/bin/time
  parallel               # bench/compare_batch.sh: SoX over many files with GNU parallel -j 2
  ffmpeg                 # the loudness tests' reference meter (ebur128 filter)
  # plugins the hosting tests, benchmark and example graphs run (Debian's own)
  cmt swh-plugins tap-plugins      # LADSPA: amp_mono, artificialLatency …
  lv2-examples x42-plugins lsp-plugins-lv2 mda-lv2  # LV2: eg-amp, nodelay, fil4, dpl, compressor
  lilv-utils             # lv2ls / lv2info, to look at what is installed
  file                   # cpack -G DEB: dpkg-shlibdeps reads the binaries through it
  clang libclang-rt-14-dev  # fuzz/: libFuzzer, ASan and UBSan (the CI fuzz and sanitizer build)
)

# --with-torch (or FXGRAPH_WITH_TORCH=1): also PyTorch, so the Python package's torch
# interop test runs instead of skipping (CI asks for it; it is a large download).
if [ "${1:-}" = "--with-torch" ] || [ "${FXGRAPH_WITH_TORCH:-0}" = "1" ]; then
  packages+=(python3-torch)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
# jackd2 asks whether to enable realtime priority; answer without a prompt.
echo "jackd2 jackd/tweak_rt_limits boolean false" | "${sudo_cmd[@]}" debconf-set-selections 2>/dev/null || true
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
