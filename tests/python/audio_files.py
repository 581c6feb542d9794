"""32-bit float WAV files for the tests, written and read with the standard library
only (the package itself is what is under test)."""

import struct

import numpy as np


def write_wav(path, audio, sample_rate):
    """Writes (channels, frames) audio as a 32-bit float WAV (format 3)."""
    audio = np.asarray(audio, dtype=np.float32)
    channels, frames = audio.shape
    data = audio.T.astype("<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, channels, int(sample_rate), int(sample_rate) * channels * 4,
                      channels * 4, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def read_wav(path):
    """(audio (channels, frames) float32, sample_rate) of a float32 or PCM16 WAV file."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:4] == b"RIFF" and blob[8:12] == b"WAVE", f"{path} is not a WAV file"
    at, fmt, data = 12, None, None
    while at + 8 <= len(blob):
        chunk, size = blob[at:at + 4], struct.unpack("<I", blob[at + 4:at + 8])[0]
        body = blob[at + 8:at + 8 + size]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif chunk == b"data":
            data = body
        at += 8 + size + (size & 1)
    code, channels, sample_rate, _, _, bits = fmt
    if code in (3, 0xFFFE) and bits == 32:
        samples = np.frombuffer(data, dtype="<f4")
    elif bits == 16:
        samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    else:
        raise AssertionError(f"{path}: unexpected WAV format {code}/{bits} bits")
    return samples.reshape(-1, channels).T.astype(np.float32), sample_rate


def noise_signal(channels, frames, seed=1):
    """Deterministic noise at about -12 dBFS, as float32 (channels, frames)."""
    rng = np.random.default_rng(seed)
    return (0.25 * rng.standard_normal((channels, frames))).astype(np.float32)
