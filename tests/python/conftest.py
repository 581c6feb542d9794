"""Fixtures for the Python package's tests: the fxgraph command (for comparisons with
the C++ engine), a private dummy JACK server, temporary files."""

import fcntl
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import fxgraph  # noqa: E402
from fxgraph import _fxgraph  # noqa: E402

_server_numbers = itertools.count()


@pytest.fixture(scope="session")
def fxgraph_cli():
    """Path of the fxgraph command built with the package (FXGRAPH_CLI from ctest)."""
    path = os.environ.get("FXGRAPH_CLI", "")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("FXGRAPH_CLI does not name the fxgraph command (run through ctest)")
    return path


def run_cli(cli, *args):
    """Runs the fxgraph command; returns the CompletedProcess (text output)."""
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=120)


def _spawn_jackd(name, realtime, log):
    # PR_SET_PDEATHSIG through preexec: the server must not outlive the tests.
    def die_with_parent():
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)

    return subprocess.Popen(
        ["jackd", "-n", name, "-R" if realtime else "-r", "-d", "dummy", "-r", "48000", "-p", "64"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent)


@pytest.fixture
def jack_server(monkeypatch, tmp_path):
    """A dummy JACK server of its own (48 kHz, 64-frame periods) for one test, as the
    C++ tests start theirs (tests/support/jack_server.*): a unique name, the same lock
    file (JACK's registry holds 8 servers), JACK_DEFAULT_SERVER pointing at it and
    JACK_NO_START_SERVER=1; stopped by PID. Yields the server name."""
    if not _fxgraph.WITH_JACK:
        pytest.skip("fxgraph was built without JACK")
    lock = open("/tmp/fxgraph-jack-tests.lock", "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    name = f"fxgraph-test-{os.getpid()}-py{next(_server_numbers)}"
    log = open(tmp_path / "jackd.log", "w")
    process = None
    try:
        for realtime in (True, False):  # -R fails without realtime permission
            process = _spawn_jackd(name, realtime, log)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                if _fxgraph.jack_available(name):
                    break
                time.sleep(0.05)
            if process.poll() is None:
                break
        if process.poll() is not None or not _fxgraph.jack_available(name):
            raise RuntimeError(f"jackd {name} did not start: {(tmp_path / 'jackd.log').read_text()}")
        monkeypatch.setenv("JACK_DEFAULT_SERVER", name)
        monkeypatch.setenv("JACK_NO_START_SERVER", "1")
        yield name
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def jack_command(server, *args, timeout=30):
    """Runs a JACK tool (jack_connect, jack_rec …) against `server`."""
    env = dict(os.environ, JACK_DEFAULT_SERVER=server, JACK_NO_START_SERVER="1")
    return subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=timeout)
