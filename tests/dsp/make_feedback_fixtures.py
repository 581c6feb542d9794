#!/usr/bin/python3
"""Generates the references of the feedback-loop tests (tests/engine/test_feedback_loops.cpp).

Run with the system Python (numpy, scipy):  /usr/bin/python3 make_feedback_fixtures.py
Deterministic (fixed seed); rerunning rewrites identical files in tests/dsp/fixtures/.

A feedback comb  y[n] = x[n] + g * y[n - D]  is scipy.signal.lfilter([1], a, x) with
a = [1, 0, ..., 0, -g] (a[D] = -g), computed in float64 on the float32 input. fxgraph
builds the same comb from a mix node and a gain node closed by a feedback edge of D
frames (mix -> gain -> mix:1, the last edge `{feedback: D}`).

Files (format: see make_fixtures.py)
  comb_input.f32          1 channel x 4096 frames: an impulse, then seeded uniform
                          noise in [-0.5, 0.5) from frame 1000 on
  comb_d<D>_g<G>.f32      the comb's output for D in 1, 3, 441 and g = 0.7 (rounded to
                          float32, the value the gain node multiplies by)
"""

import os

import numpy as np
import scipy.signal as sg

from make_fixtures import write_f32

FRAMES = 4096
SEED = 20261130
GAIN = float(np.float32(0.7))
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")


def main():
    rng = np.random.default_rng(SEED)
    x = np.zeros(FRAMES, dtype=np.float32)
    x[0] = 1.0
    x[1000:] = rng.uniform(-0.5, 0.5, FRAMES - 1000).astype(np.float32)
    write_f32(os.path.join(OUT, "comb_input.f32"), x[np.newaxis, :])
    for delay in (1, 3, 441):
        a = np.zeros(delay + 1)
        a[0] = 1.0
        a[delay] = -GAIN
        y = sg.lfilter([1.0], a, x.astype(np.float64))
        write_f32(os.path.join(OUT, f"comb_d{delay}_g07.f32"), y[np.newaxis, :])


if __name__ == "__main__":
    main()
