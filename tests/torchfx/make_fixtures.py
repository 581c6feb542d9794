#!/usr/bin/python3
"""Writes what torchfx computes for its classes on a fixed input (tests/torchfx/fixtures/).

torchfx cannot be installed here (no PyTorch), so this script computes torchfx's
results from their definitions in torchfx's source, independently of fxgraph:

  IIR classes  torchfx designs with SciPy (butter/cheby1/cheby2/ellip, output="sos",
               Wn = cutoff / (fs / 2)) and filters with an SOS cascade; here the same
               SciPy designs run through scipy.signal.sosfilt in float64.
               Linkwitz-Riley: butter(order // 2) stacked twice, as torchfx does.
  Biquads      the RBJ Audio-EQ-Cookbook formulas, written out here from the cookbook,
               filtered with scipy.signal.lfilter in float64. Peaking and shelf gains
               follow the cookbook and torchfx's documentation (G dB gives G dB,
               A = 10^(G/40)), not torchfx's code, which doubles the dB (README,
               "Differences from torchfx").
  FIR          the taps rounded to float32 (torchfx's kernel), causal convolution in
               float64; DesignableFIR's taps from scipy.signal.firwin(scale=True).
  LogFilterBank  n_bands BiquadBPFs (0 dB peak, cookbook) at f_min * 2^(k * octaves /
               (n_bands - 1)), stacked band-major: [band 0 ch 0, band 0 ch 1, band 1 ch 0 ...].
  Gain         x * float32(factor), factor in float64 as torchfx's Python computes it.
  Reverb       y[n] = x[n] + float32(mix * decay) * x[n - delay]  (torchfx's C++ kernel).
  Delay        taps k = 1..taps at k * delay_samples, level feedback ** (k - 1), summed
               in order in float32, then torch.lerp(x, delayed, mix) in float32.
               Ping-pong (stereo): odd taps left -> right, even taps right -> left.

Run with the system Python (numpy, scipy):  /usr/bin/python3 make_fixtures.py
Deterministic (fixed seed); rerunning rewrites identical files.

Files
  input.f32     2 channels x 4096 frames of seeded Gaussian noise (sigma 0.25), float32.
  <case>.f32    the expected output of one case (2 channels x 4096 frames).
  manifest.txt  one case per line: `name class=<torchfx class> fs=<Hz> key=value ...`,
                the keys being the class's own keyword arguments (a list comma-separated).
Format of .f32 (as tests/dsp/make_fixtures.py): a header line
  "FXGF1 channels=<C> frames=<N>\\n", then C*N little-endian float32, channel by channel.
"""

import math
import os

import numpy as np
import scipy.signal as sg

FRAMES = 2048
CHANNELS = 2
SEED = 20261130
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")


def write_f32(path, planar):
    planar = np.asarray(planar, dtype="<f4")
    channels, frames = planar.shape
    with open(path, "wb") as f:
        f.write(f"FXGF1 channels={channels} frames={frames}\n".encode("ascii"))
        f.write(planar.tobytes(order="C"))


def iir_sos(cls, fs, kw):
    """The SOS matrix torchfx's class computes (torchfx/filter/iir.py)."""
    # torchfx divides cutoff by 0.5·fs; a band's [low, high] as a NumPy array.
    wn = np.asarray(kw["cutoff"], dtype=np.float64) / (0.5 * fs)
    if cls in BASE_CLASSES:  # Butterworth(btype, cutoff, order=4, ...) and its siblings
        btype, family, default_order = kw["btype"], cls, 4
    else:
        btype = "lowpass" if cls.startswith("Lo") else "highpass"
        family, default_order = cls[2:], 5
    if family == "Butterworth":
        order = kw.get("order", default_order)
        if kw.get("order_scale", "linear") == "db":
            order //= 6
        return sg.butter(order, wn, btype=btype, output="sos")
    if family == "Chebyshev1":
        return sg.cheby1(kw.get("order", 4), kw.get("ripple", 0.1), wn, btype=btype, output="sos")
    if family == "Chebyshev2":
        # torchfx passes its `ripple` as cheby2's stopband attenuation.
        return sg.cheby2(kw.get("order", 4), kw.get("ripple", 0.1), wn, btype=btype, output="sos")
    if family == "Elliptic":
        return sg.ellip(kw.get("order", 4), kw.get("passband_ripple", 0.1),
                        kw.get("stopband_attenuation", 40), wn, btype=btype, output="sos")
    if family == "LinkwitzRiley":
        order = kw.get("order", 4)
        if kw.get("order_scale", "linear") == "db":
            order //= 6
        half = sg.butter(order // 2, wn, btype=btype, output="sos")
        return np.vstack([half, half])
    raise ValueError(cls)


BASE_CLASSES = ("Butterworth", "Chebyshev1", "Chebyshev2", "Elliptic", "LinkwitzRiley")


def rbj(shape, fs, f0, q, gain_db=0.0):
    """One cookbook biquad (b, a), a0-normalised."""
    w0 = 2 * math.pi * f0 / fs
    c, sn = math.cos(w0), math.sin(w0)
    alpha = sn / (2 * q)
    A = 10 ** (gain_db / 40)
    if shape == "lowpass":
        b, a = [(1 - c) / 2, 1 - c, (1 - c) / 2], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "highpass":
        b, a = [(1 + c) / 2, -(1 + c), (1 + c) / 2], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "bandpass_skirt":  # peak gain Q
        b, a = [sn / 2, 0, -sn / 2], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "bandpass_peak":  # 0 dB peak
        b, a = [alpha, 0, -alpha], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "notch":
        b, a = [1, -2 * c, 1], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "allpass":
        b, a = [1 - alpha, -2 * c, 1 + alpha], [1 + alpha, -2 * c, 1 - alpha]
    elif shape == "peaking":
        b, a = [1 + alpha * A, -2 * c, 1 - alpha * A], [1 + alpha / A, -2 * c, 1 - alpha / A]
    elif shape in ("low_shelf", "high_shelf"):
        s = 1 if shape == "low_shelf" else -1
        r = 2 * math.sqrt(A) * alpha
        b = [A * ((A + 1) - s * (A - 1) * c + r), s * 2 * A * ((A - 1) - s * (A + 1) * c),
             A * ((A + 1) - s * (A - 1) * c - r)]
        a = [(A + 1) + s * (A - 1) * c + r, -s * 2 * ((A - 1) + s * (A + 1) * c),
             (A + 1) + s * (A - 1) * c - r]
    else:
        raise ValueError(shape)
    return np.array(b) / a[0], np.array(a) / a[0]


BIQUAD_SHAPES = {
    "BiquadLPF": "lowpass", "BiquadHPF": "highpass", "BiquadBPF": "bandpass_peak",
    "BiquadBPFPeak": "bandpass_skirt", "BiquadNotch": "notch", "BiquadAllPass": "allpass",
    "Notch": "notch", "AllPass": "allpass", "ParametricEQ": "peaking", "Peaking": "peaking",
    "LoShelving": "low_shelf", "HiShelving": "high_shelf",
}


def biquad(cls, fs, kw, x):
    f0 = kw.get("frequency", kw.get("cutoff", 1000.0))
    gain_db = 0.0
    if cls == "ParametricEQ":
        gain_db = kw.get("gain", 0.0)
    elif "gain" in kw:
        g = kw["gain"]
        gain_db = g if kw.get("gain_scale", "linear") == "db" else 20 * math.log10(g)
    b, a = rbj(BIQUAD_SHAPES[cls], fs, f0, kw.get("q", 0.7071), gain_db)
    return sg.lfilter(b, a, x.astype(np.float64), axis=1)


def fir(taps, x):
    taps = np.asarray(taps, dtype=np.float32).astype(np.float64)
    return np.stack([np.convolve(ch.astype(np.float64), taps)[: x.shape[1]] for ch in x])


def designable_fir(fs, kw, x):
    taps = sg.firwin(kw.get("num_taps", 101), kw.get("cutoff", 1000.0), fs=fs,
                     pass_zero=kw.get("pass_zero", True), window=kw.get("window", "hamming"),
                     scale=True)
    return fir(taps, x)


def log_filter_bank(fs, kw, x):
    n, f_min, f_max = kw.get("n_bands", 8), kw.get("f_min", 20.0), kw.get("f_max", 20000.0)
    octaves = math.log2(f_max / f_min)
    bands = []
    for k in range(n):
        b, a = rbj("bandpass_peak", fs, f_min * 2.0 ** (k * octaves / (n - 1)), kw.get("q", 1.414))
        bands.append(sg.lfilter(b, a, x.astype(np.float64), axis=1))
    return np.concatenate(bands)


def gain(x, kw):
    g, kind = kw["gain"], kw.get("gain_type", "amplitude")
    if kind == "db":
        factor = 1.0 if g == 0 else 10 ** (g / 20)
    elif kind == "power":
        factor = 10 ** (10 * math.log10(g) / 20)
    else:
        factor = g
    y = x * np.float32(factor)
    return np.clip(y, -1, 1) if kw.get("clamp", False) else y


def reverb(x, kw):
    d, k = kw.get("delay", 4410), np.float32(kw.get("mix", 0.5) * kw.get("decay", 0.5))
    y = x.copy()
    y[:, d:] = x[:, d:] + k * x[:, :-d]
    return y


def delay(x, kw):
    d, taps = kw["delay_samples"], kw.get("taps", 3)
    fb, mix = kw.get("feedback", 0.3), np.float32(kw.get("mix", 0.2))
    wet = np.zeros_like(x)
    ping_pong = kw.get("strategy", "mono") == "ping_pong" and x.shape[0] == 2
    for k in range(1, taps + 1):
        g = np.float32(1.0 if k == 1 else fb ** (k - 1))
        shift = k * d
        if shift >= x.shape[1]:
            continue
        if ping_pong:
            dst, src = (1, 0) if k % 2 == 1 else (0, 1)
            wet[dst, shift:] = wet[dst, shift:] + x[src, :-shift] * g
        else:
            wet[:, shift:] = wet[:, shift:] + x[:, :-shift] * g
    # torch.lerp: start + w * (end - start) for |w| < 0.5, else end - (end - start) * (1 - w).
    if mix < 0.5:
        return x + mix * (wet - x)
    return wet - (wet - x) * (np.float32(1) - mix)


# (name, class, fs, keyword arguments): torchfx's test-suite settings first, then the
# seed's realtime example (HiButterworth(80), LoButterworth(8000) at 48 kHz) and more.
CASES = [
    ("lobutter_default", "LoButterworth", 44100, {"cutoff": 1000}),
    ("hibutter_100_1000", "HiButterworth", 1000, {"cutoff": 100, "order": 5}),
    ("hibutter_seed_80", "HiButterworth", 48000, {"cutoff": 80}),
    ("lobutter_seed_8000", "LoButterworth", 48000, {"cutoff": 8000}),
    ("lobutter_db_24", "LoButterworth", 44100, {"cutoff": 2000, "order": 24, "order_scale": "db"}),
    ("locheby1_100_1000", "LoChebyshev1", 1000, {"cutoff": 100, "order": 4}),
    ("hicheby1_2000", "HiChebyshev1", 44100, {"cutoff": 2000, "ripple": 0.5}),
    ("locheby2_100_1000", "LoChebyshev2", 1000, {"cutoff": 100, "ripple": 0.1}),
    ("hicheby2_100_1000", "HiChebyshev2", 1000, {"cutoff": 100, "order": 4}),
    ("hicheby2_atten40", "HiChebyshev2", 48000, {"cutoff": 500, "order": 6, "ripple": 40}),
    ("loellip_1000", "LoElliptic", 44100, {"cutoff": 1000, "order": 4}),
    ("hiellip_200", "HiElliptic", 44100, {"cutoff": 200, "order": 4}),
    ("loellip_60db", "LoElliptic", 48000,
     {"cutoff": 3000, "order": 6, "passband_ripple": 0.5, "stopband_attenuation": 60}),
    # The base classes: torchfx's own test settings (btype "low", SciPy's short name),
    # then its docstrings' band-pass/band-stop forms (cutoff as [low, high]).
    ("butter_low_100_1000", "Butterworth", 1000, {"btype": "low", "cutoff": 100, "order": 4}),
    ("cheby1_low_100_1000", "Chebyshev1", 1000,
     {"btype": "low", "cutoff": 100, "order": 4, "ripple": 0.1}),
    ("cheby2_low_100_1000", "Chebyshev2", 1000,
     {"btype": "low", "cutoff": 100, "order": 4, "ripple": 0.1}),
    ("ellip_high_100", "Elliptic", 44100, {"btype": "highpass", "cutoff": 100, "order": 3}),
    ("lr_high_crossover", "LinkwitzRiley", 44100, {"btype": "highpass", "cutoff": 2000, "order": 4}),
    ("lr_low_db", "LinkwitzRiley", 48000,
     {"btype": "low", "cutoff": 800, "order": 48, "order_scale": "db"}),
    ("butter_bp_default", "Butterworth", 44100, {"btype": "bandpass", "cutoff": [300.0, 3000.0]}),
    ("butter_bs_5", "Butterworth", 48000,
     {"btype": "bandstop", "cutoff": [1000.0, 2000.0], "order": 5}),
    ("butter_bp_wide_3", "Butterworth", 48000,
     {"btype": "band", "cutoff": [20.0, 20000.0], "order": 3}),
    ("butter_bp_db", "Butterworth", 44100,
     {"btype": "bandpass", "cutoff": [500.0, 800.0], "order": 48, "order_scale": "db"}),
    ("cheby1_bp_1db", "Chebyshev1", 44100,
     {"btype": "bandpass", "cutoff": [200.0, 5000.0], "order": 6, "ripple": 1.0}),
    ("cheby1_bs", "Chebyshev1", 48000, {"btype": "bandstop", "cutoff": [50.0, 70.0], "order": 3}),
    ("cheby2_bp_40", "Chebyshev2", 44100,
     {"btype": "bandpass", "cutoff": [1000.0, 4000.0], "order": 5, "ripple": 40.0}),
    ("cheby2_bs", "Chebyshev2", 48000,
     {"btype": "stop", "cutoff": [2000.0, 3000.0], "order": 4, "ripple": 30.0}),
    ("ellip_bp", "Elliptic", 44100, {"btype": "bandpass", "cutoff": [300.0, 3400.0]}),
    ("ellip_bs_8", "Elliptic", 48000,
     {"btype": "bandstop", "cutoff": [6000.0, 9000.0], "order": 8, "passband_ripple": 0.5,
      "stopband_attenuation": 60}),
    ("lolr_2000", "LoLinkwitzRiley", 44100, {"cutoff": 2000, "order": 4}),
    ("hilr_2000", "HiLinkwitzRiley", 44100, {"cutoff": 2000, "order": 4}),
    ("lolr_db_24", "LoLinkwitzRiley", 44100, {"cutoff": 1000, "order": 24, "order_scale": "db"}),
    ("hilr_6", "HiLinkwitzRiley", 48000, {"cutoff": 3000, "order": 6}),
    ("lolr_16", "LoLinkwitzRiley", 48000, {"cutoff": 500, "order": 16}),
    ("biquad_lpf", "BiquadLPF", 44100, {"cutoff": 1000.0, "q": 0.707}),
    ("biquad_hpf", "BiquadHPF", 44100, {"cutoff": 1000.0, "q": 0.707}),
    ("biquad_notch", "BiquadNotch", 44100, {"cutoff": 440, "q": 10.0}),
    ("biquad_bpf", "BiquadBPF", 44100, {"cutoff": 440, "q": 0.707}),
    ("biquad_bpfpeak", "BiquadBPFPeak", 44100, {"cutoff": 1000.0, "q": 2.0}),
    ("biquad_allpass", "BiquadAllPass", 44100, {"cutoff": 1000.0, "q": 0.707}),
    ("notch_50", "Notch", 48000, {"cutoff": 50, "q": 30}),
    ("allpass_3000", "AllPass", 48000, {"cutoff": 3000, "q": 1.5}),
    ("parametric_eq", "ParametricEQ", 44100, {"frequency": 1000, "q": 0.707, "gain": 6.0}),
    ("peaking_linear", "Peaking", 48000, {"cutoff": 2500, "q": 2.0, "gain": 0.5}),
    ("peaking_db", "Peaking", 48000, {"cutoff": 2500, "q": 2.0, "gain": -9.0, "gain_scale": "db"}),
    ("hishelf_db", "HiShelving", 44100, {"cutoff": 1000, "q": 0.707, "gain": 6.0, "gain_scale": "db"}),
    ("loshelf_db", "LoShelving", 44100, {"cutoff": 1000, "q": 0.707, "gain": -6.0, "gain_scale": "db"}),
    ("loshelf_linear", "LoShelving", 44100, {"cutoff": 300, "q": 0.9, "gain": 2.0}),
    ("fir_taps", "FIR", 48000, {"b": [0.5, 0.3, -0.2, 0.1, 0.05]}),
    ("fir_direct", "FIR", 48000, {"b": [0.1] * 10, "conv_mode": "direct"}),
    ("dfir_low", "DesignableFIR", 44100, {"cutoff": 2000.0, "num_taps": 101}),
    ("dfir_high_bartlett", "DesignableFIR", 44100,
     {"cutoff": 500.0, "num_taps": 63, "pass_zero": False, "window": "bartlett"}),
    ("dfir_band_blackman", "DesignableFIR", 48000,
     {"cutoff": [300.0, 3000.0], "num_taps": 129, "pass_zero": False, "window": "blackman"}),
    ("dfir_stop_flattop", "DesignableFIR", 48000,
     {"cutoff": [1000.0, 2000.0], "num_taps": 201, "window": "flattop"}),
    ("dfir_parzen", "DesignableFIR", 48000, {"cutoff": 4000.0, "num_taps": 64, "window": "parzen"}),
    ("dfir_bohman", "DesignableFIR", 48000, {"cutoff": 4000.0, "num_taps": 65, "window": "bohman"}),
    ("dfir_nuttall", "DesignableFIR", 48000,
     {"cutoff": 6000.0, "num_taps": 91, "pass_zero": False, "window": "nuttall"}),
    ("dfir_barthann", "DesignableFIR", 48000, {"cutoff": 800.0, "num_taps": 80, "window": "barthann"}),
    ("dfir_hann_boxcar", "DesignableFIR", 48000, {"cutoff": 1200.0, "num_taps": 33, "window": "boxcar"}),
    ("filterbank_default", "LogFilterBank", 48000, {"n_bands": 4}),
    ("filterbank_q", "LogFilterBank", 44100, {"n_bands": 3, "f_min": 100.0, "f_max": 5000.0, "q": 4.0}),
    ("gain_amp", "Gain", 48000, {"gain": 1.5}),
    ("gain_db", "Gain", 48000, {"gain": 6.0, "gain_type": "db"}),
    ("gain_power", "Gain", 48000, {"gain": 10.0, "gain_type": "power"}),
    ("gain_clamp", "Gain", 48000, {"gain": 5.0, "clamp": True}),
    ("reverb_1500", "Reverb", 44100, {"delay": 1500}),
    ("reverb_37", "Reverb", 48000, {"delay": 37, "decay": 0.7, "mix": 0.3}),
    ("delay_100", "Delay", 48000, {"delay_samples": 100}),
    ("delay_wet", "Delay", 48000, {"delay_samples": 61, "feedback": 0.6, "mix": 0.8, "taps": 5}),
    ("delay_pingpong", "Delay", 48000,
     {"delay_samples": 50, "feedback": 0.5, "mix": 0.5, "taps": 4, "strategy": "ping_pong"}),
]


def expected(cls, fs, kw, x):
    if cls == "Gain":
        return gain(x, kw)
    if cls == "Reverb":
        return reverb(x, kw)
    if cls == "Delay":
        return delay(x, kw)
    if cls == "FIR":
        return fir(kw["b"], x)
    if cls == "DesignableFIR":
        return designable_fir(fs, kw, x)
    if cls == "LogFilterBank":
        return log_filter_bank(fs, kw, x)
    if cls in BIQUAD_SHAPES:
        return biquad(cls, fs, kw, x)
    return sg.sosfilt(iir_sos(cls, fs, kw), x.astype(np.float64), axis=1)


BAND_FAMILIES = {"Butterworth": "butterworth", "Chebyshev1": "cheby1", "Chebyshev2": "cheby2",
                 "Elliptic": "elliptic"}
BAND_NAMES = {"bandpass": "bandpass", "band": "bandpass", "bandstop": "bandstop",
              "stop": "bandstop"}


def band_responses(path):
    """SciPy's complex response of every band case's design at 97 frequencies, for the
    design test (nodes/dsp/band_design.h against SciPy to 1e-9)."""
    lines = ["# case <name> <family> <btype> order= ripple= atten= fs= low= high=, then "
             "f re im lines (make_fixtures.py)"]
    for name, cls, fs, kw in CASES:
        if cls not in BAND_FAMILIES or kw["btype"] not in BAND_NAMES:
            continue
        order = kw.get("order", 4)
        if kw.get("order_scale", "linear") == "db":
            order //= 6
        # What torchfx's class passes SciPy as its ripple / attenuation (0 = unused).
        ripple = kw.get("passband_ripple", 0.1) if cls == "Elliptic" else (
            kw.get("ripple", 0.1) if cls == "Chebyshev1" else 0.0)
        atten = kw.get("stopband_attenuation", 40) if cls == "Elliptic" else (
            kw.get("ripple", 0.1) if cls == "Chebyshev2" else 0.0)
        low, high = kw["cutoff"]
        lines.append(f"case {name} {BAND_FAMILIES[cls]} {BAND_NAMES[kw['btype']]} order={order} "
                     f"ripple={ripple!r} atten={atten!r} fs={fs} low={low!r} high={high!r}")
        freqs = np.concatenate([np.geomspace(5.0, fs / 2 * 0.999, 90), [low, high],
                                np.sqrt(low * high) * np.array([0.5, 0.9, 1.0, 1.1, 2.0])])
        _, h = sg.sosfreqz(iir_sos(cls, fs, kw), worN=freqs, fs=fs)
        lines += [f"{f!r} {v.real!r} {v.imag!r}" for f, v in zip(freqs, h)]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def text(value):
    """A keyword argument's value in the manifest: lists comma-separated, bools lower-case."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(repr(v) for v in value)
    return str(value)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    x = (rng.standard_normal((CHANNELS, FRAMES)) * 0.25).astype(np.float32)
    write_f32(os.path.join(OUT, "input.f32"), x)
    lines = ["# name class=<torchfx class> fs=<Hz> <keyword>=<value> ... (make_fixtures.py)"]
    for name, cls, fs, kw in CASES:
        write_f32(os.path.join(OUT, name + ".f32"), expected(cls, fs, kw, x))
        args = " ".join(f"{k}={text(v)}" for k, v in kw.items())
        lines.append(f"{name} class={cls} fs={fs} {args}".rstrip())
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    band_responses(os.path.join(OUT, "band_responses.txt"))


if __name__ == "__main__":
    main()
