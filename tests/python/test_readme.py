"""The README's Python example runs as written (its JACK part against a dummy server)."""

import os
import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_python_example_runs(jack_server, tmp_path, monkeypatch):
    section = README.read_text().split("## Python\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    from audio_files import noise_signal, write_wav

    write_wav(tmp_path / "large_podcast.wav", noise_signal(2, 100000), 48000)
    monkeypatch.chdir(tmp_path)
    os.symlink(README.parent / "graphs", tmp_path / "graphs")
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["processor"].effects[0].gain == 0.8  # the StreamProcessor's Gain
    assert (tmp_path / "normalized_podcast.wav").exists()
    assert namespace["engine"].get_parameter("1.gain_db") == -3.0
    assert isinstance(namespace["y"], np.ndarray) and namespace["y"].shape == (2, 48000)
