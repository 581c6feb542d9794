#!/usr/bin/python3
"""Writes the true-peak reference the limiter tests measure with (fixtures/).

Run with the system Python (numpy, scipy):  /usr/bin/python3 make_true_peak_fixture.py
Deterministic: rerunning rewrites an identical file.

The reference is SciPy's own 4x oversampler, scipy.signal.resample_poly(x, 4, 1) with
its default filter (firwin of 2*10*4+1 taps, Kaiser window beta 5, cutoff at the
input's Nyquist frequency, gain 4). The C++ test cannot call SciPy, so this file gives
it the filter's taps, plus a probe signal and what resample_poly makes of it: the test
first checks that its convolution with the taps reproduces resample_poly exactly (to
float rounding), then measures the limiter's output with it.

Format (text, one item per line, '#' lines are comments):
  taps <N>        then N lines: the filter taps (float64, %.17g)
  probe <M>       then M lines: probe input samples
  upsampled <4M>  then 4M lines: resample_poly(probe, 4, 1)
"""

import os

import numpy as np
import scipy.signal as sg

UP = 4
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "resample_poly_4x.txt")


def default_taps(up):
    # scipy.signal.resample_poly's default design (window=('kaiser', 5.0), down=1).
    max_rate = up
    f_c = 1.0 / max_rate
    half_len = 10 * max_rate
    return sg.firwin(2 * half_len + 1, f_c, window=("kaiser", 5.0)) * up


def main():
    taps = default_taps(UP)
    rng = np.random.default_rng(20261130)
    n = 64
    # A fs/4 tone at 45 degrees (samples at 1/sqrt(2) of its true peak) plus noise.
    probe = (np.sin(np.pi / 2 * np.arange(n) + np.pi / 4) * 0.5
             + rng.uniform(-0.4, 0.4, n)).astype(np.float32).astype(np.float64)
    up = sg.resample_poly(probe, UP, 1)
    # The taps really are resample_poly's: its output equals the plain convolution.
    zero_stuffed = np.zeros(n * UP)
    zero_stuffed[::UP] = probe
    full = np.convolve(zero_stuffed, taps)
    delay = (len(taps) - 1) // 2
    assert np.allclose(full[delay:delay + n * UP], up, atol=1e-12)
    with open(OUT, "w") as f:
        f.write("# scipy.signal.resample_poly(x, 4, 1) default filter; see "
                "make_true_peak_fixture.py\n")
        for name, values in (("taps", taps), ("probe", probe), ("upsampled", up)):
            f.write(f"{name} {len(values)}\n")
            for v in values:
                f.write(f"{v:.17g}\n")


if __name__ == "__main__":
    main()
