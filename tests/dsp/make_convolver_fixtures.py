#!/usr/bin/python3
"""Generates the convolver's reference outputs (tests/dsp/fixtures/convolver_*).

Run with the system Python (numpy, scipy):  /usr/bin/python3 make_convolver_fixtures.py
Deterministic (fixed seed); rerunning rewrites identical files.

The reference is scipy.signal.fftconvolve in float64 of the float32 input with the
float32 impulse responses, cut to the input's length. The IRs are written as 32-bit
float WAV files (what the convolver node reads through libsndfile).

Files (the .f32 format is described in make_fixtures.py)
  convolver_input.f32         2 channels x 6000 frames of seeded Gaussian noise
  convolver_ir_mono.wav       1 channel, 3001 frames of decaying noise (48 kHz)
  convolver_ir_stereo.wav     2 channels, 2500 frames (per-channel IRs)
  convolver_ir_true.wav       4 channels, 2000 frames: L->L, L->R, R->L, R->R
  convolver_mono.f32          both input channels through the mono IR
  convolver_stereo.f32        input channel c through IR channel c
  convolver_true.f32          out L = L*h0 + R*h2, out R = L*h1 + R*h3
  convolver_shaped.f32        the mono IR after 10 ms of pre-delay, cut to 50 ms
"""

import os

import numpy as np
import scipy.io.wavfile as wavfile
import scipy.signal as sg

FS = 48000
FRAMES = 6000
SEED = 20261130
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def write_f32(name, planar):
    planar = np.asarray(planar, dtype="<f4")
    channels, frames = planar.shape
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(f"FXGF1 channels={channels} frames={frames}\n".encode("ascii"))
        f.write(planar.tobytes(order="C"))


def decaying_noise(rng, channels, frames):
    decay = np.exp(-np.arange(frames) / (frames / 5.0))
    return (rng.standard_normal((channels, frames)) * 0.1 * decay).astype(np.float32)


def convolve(x, h):
    return sg.fftconvolve(x.astype(np.float64), h.astype(np.float64))[:FRAMES]


def main():
    rng = np.random.default_rng(SEED)
    x = (rng.standard_normal((2, FRAMES)) * 0.25).astype(np.float32)
    write_f32("convolver_input.f32", x)

    mono = decaying_noise(rng, 1, 3001)
    stereo = decaying_noise(rng, 2, 2500)
    true = decaying_noise(rng, 4, 2000)
    for name, ir in (("mono", mono), ("stereo", stereo), ("true", true)):
        wavfile.write(os.path.join(OUT, f"convolver_ir_{name}.wav"), FS, ir.T.copy())

    write_f32("convolver_mono.f32", [convolve(x[c], mono[0]) for c in range(2)])
    write_f32("convolver_stereo.f32", [convolve(x[c], stereo[c]) for c in range(2)])
    write_f32("convolver_true.f32", [convolve(x[0], true[0]) + convolve(x[1], true[2]),
                                     convolve(x[0], true[1]) + convolve(x[1], true[3])])
    delay, length = FS // 100, FS // 20
    shaped = np.concatenate([np.zeros(delay, np.float32), mono[0]])[:length]
    write_f32("convolver_shaped.f32", [convolve(x[c], shaped) for c in range(2)])


if __name__ == "__main__":
    main()
