"""The package itself: a light import, torch interop, GIL release."""

import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import fxgraph


def run_python(code):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)


def test_import_fxgraph_loads_neither_numpy_nor_the_generated_classes():
    # What keeps `import fxgraph` fast (bench/python_bench.py measures it): NumPy and the
    # registry-generated modules load on first use.
    result = run_python("import sys, fxgraph; "
                        "print(sorted(m for m in ('numpy', 'fxgraph.effect', 'fxgraph.filter', "
                        "'fxgraph.nodes', 'fxgraph.realtime') if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    result = run_python("import fxgraph; from fxgraph.realtime import RealtimeProcessor; "
                        "print(fxgraph.effect.__name__, fxgraph.nodes.gain.__name__)")
    assert result.stdout.split() == ["fxgraph.effect", "gain"], result.stderr


def test_torch_tensors_in_give_torch_tensors_out():
    torch = pytest.importorskip("torch", reason="python3-torch is not installed")
    x = torch.from_numpy(np.random.default_rng(1).standard_normal((2, 1000)).astype(np.float32))
    y = fxgraph.process(x, 48000, "lowpass(2000) | gain(0.5)")
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32 and tuple(y.shape) == (2, 1000)
    assert np.array_equal(y.numpy(), fxgraph.process(x.numpy(), 48000, "lowpass(2000) | gain(0.5)"))
    engine = fxgraph.Engine("gain(2)", 48000, 512, channels=2)
    z = engine.process(x.requires_grad_(True))
    assert isinstance(z, torch.Tensor) and torch.equal(z, 2 * x.detach())


def test_processing_releases_the_gil():
    # While one thread is inside a long process() call, another thread keeps running
    # Python code: with the GIL held it could not tick until the call returned.
    x = np.zeros((2, 48000 * 30), dtype=np.float32)  # long enough on a fast, idle machine
    engine = fxgraph.Engine("reverb(room_size=0.8) | lowpass(3000)", 48000, 4096)
    ticks, done = [], threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.01)
    start = time.monotonic()
    engine.process(x)
    end = time.monotonic()
    done.set()
    thread.join()
    during = [t for t in ticks if start < t < end]
    assert end - start > 0.02  # long enough for the question to mean something
    assert len(during) >= 5
