#!/usr/bin/python3
"""Writes the reference for the held cutoff automation test (fixtures/).

Run with the system Python (numpy, scipy):  /usr/bin/python3 make_automation_fixture.py
Deterministic: rerunning rewrites an identical file.

The case: white noise (uniform in [-0.5, 0.5], float32) through an RBJ cookbook
low-pass biquad (Q 0.7071) at 48 kHz whose cutoff is held at 300 Hz, then jumps to
1200 Hz at 0.0101 s, 5000 Hz at 0.0337 s and 700 Hz at 0.061 s (frames 485, 1618 and
2928: round(seconds * rate)). The reference runs scipy.signal.sosfilt segment by segment
on the float64 input, each segment with its own coefficients (the cookbook formulas,
written out here) and the state `zi` carried over from the segment before: exactly what
"the cutoff changes on that sample and the filter keeps its state" means for a
transposed direct form II biquad.

Format (text, '#' lines are comments):
  rate <R>
  q <Q>
  points <K>      then K lines: seconds cutoff_hz
  frames <N>      then N lines: input output (%.17g)
"""

import os

import numpy as np
import scipy.signal as sg

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "held_cutoff_lowpass.txt")
RATE = 48000.0
Q = 0.7071
POINTS = [(0.0, 300.0), (0.0101, 1200.0), (0.0337, 5000.0), (0.061, 700.0)]
FRAMES = 4800


def rbj_lowpass(f0, q, fs):
    w0 = 2.0 * np.pi * f0 / fs
    alpha = np.sin(w0) / (2.0 * q)
    c = np.cos(w0)
    b = np.array([(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0])
    a = np.array([1.0 + alpha, -2.0 * c, 1.0 - alpha])
    return np.concatenate([b / a[0], a / a[0]])[np.newaxis, :]


def main():
    rng = np.random.default_rng(20261130)
    x = rng.uniform(-0.5, 0.5, FRAMES).astype(np.float32).astype(np.float64)
    starts = [int(round(t * RATE)) for t, _ in POINTS] + [FRAMES]
    zi = np.zeros((1, 2))
    y = np.empty(FRAMES)
    for k, (_, cutoff) in enumerate(POINTS):
        lo, hi = starts[k], starts[k + 1]
        y[lo:hi], zi = sg.sosfilt(rbj_lowpass(cutoff, Q, RATE), x[lo:hi], zi=zi)
    with open(OUT, "w") as f:
        f.write("# written by make_automation_fixture.py; see its docstring\n")
        f.write(f"rate {RATE:.17g}\nq {Q:.17g}\npoints {len(POINTS)}\n")
        for t, v in POINTS:
            f.write(f"{t:.17g} {v:.17g}\n")
        f.write(f"frames {FRAMES}\n")
        for a, b in zip(x, y):
            f.write(f"{a:.17g} {b:.17g}\n")


if __name__ == "__main__":
    main()
