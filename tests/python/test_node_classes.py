"""Classes generated from the node registry: fxgraph.nodes for every type, fxgraph.effect
and fxgraph.filter for the faithful torchfx types; their arguments, errors, docs, stubs."""

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

import fxgraph
from fxgraph import _fxgraph
from conftest import run_cli
from audio_files import noise_signal, write_wav

TYPES = _fxgraph.node_types()


def test_every_registry_type_has_a_class_in_fxgraph_nodes():
    for entry in TYPES:
        cls = getattr(fxgraph.nodes, entry["name"])
        assert cls.__name__ == entry["name"] and cls.__module__ == "fxgraph.nodes"


def test_every_torchfx_type_has_a_class_in_its_torchfx_module():
    marked = [e for e in TYPES if e["torchfx_module"]]
    for entry in marked:
        module = {"effect": fxgraph.effect, "filter": fxgraph.filter}[entry["torchfx_module"].split(".")[0]]
        assert getattr(module, entry["name"]).__name__ == entry["name"]
    names = {e["name"] for e in marked}
    assert set(fxgraph.effect.__all__) | set(fxgraph.filter.__all__) == names
    for sub in ("iir", "fir", "biquad", "filterbank"):  # torchfx's import paths
        module = __import__(f"fxgraph.filter.{sub}", fromlist=["x"])
        assert set(module.__all__) == set(fxgraph.filter.__all__)


def test_help_lists_every_parameter_with_its_range_unit_and_default():
    for entry in TYPES:
        doc = getattr(fxgraph.nodes, entry["name"]).__doc__
        for p in entry["parameters"]:
            assert f"\n{p['name']} : " in doc
            if p["kind"] in ("real", "integer"):
                line = doc.split(f"\n{p['name']} : ")[1].split("\n")[0]
                assert "[" in line and "default" in line
                if p["unit"]:
                    assert p["unit"] in line
    lowpass = fxgraph.nodes.lowpass
    assert "cutoff : real in [1, 96000] Hz, default 1000 Hz" in lowpass.__doc__
    assert list(inspect.signature(lowpass).parameters)[:2] == ["cutoff", "order"]


def test_positional_and_keyword_arguments_fill_parameters_like_the_chain_spec():
    x = noise_signal(2, 4000)
    by_class = fxgraph.process(x, 48000, [fxgraph.nodes.lowpass(2000, order=2), fxgraph.nodes.gain(gain_db=-6)])
    by_spec = fxgraph.process(x, 48000, "lowpass(2000, order=2) | gain(gain_db=-6)")
    assert np.array_equal(by_class, by_spec)
    g = fxgraph.nodes.gain(1.5)
    assert g.gain == 1.5 and g.clamp == 0.0 and g.settings == {"gain": 1.5}
    assert repr(g) == "gain(gain=1.5)"
    assert np.array_equal(g(x, 48000), fxgraph.process(x, 48000, "gain(1.5)"))
    window = fxgraph.nodes.fir_design(numtaps=31, cutoff=1000, window="hann")
    assert window.settings["window"] == "hann"


def test_argument_mistakes_raise_the_same_errors_as_the_cli(fxgraph_cli, tmp_path):
    write_wav(tmp_path / "in.wav", noise_signal(1, 100), 48000)
    cases = [
        (lambda: fxgraph.nodes.gain(gian=2), "gain(gian=2)", fxgraph.ConfigError,
         "unknown setting 'gian' for node type 'gain'"),
        (lambda: fxgraph.nodes.gain(5000), "gain(5000)", fxgraph.ParameterError,
         "value 5000 for 'gain"),
        (lambda: fxgraph.nodes.gain(5000), "gain(5000)", fxgraph.ParameterError,
         "' is out of range: allowed [-1000, 1000]"),
        (lambda: fxgraph.nodes.gain(1, gain_db=3), "gain(1, gain_db=3)", fxgraph.ConfigError, None),
    ]
    for make, spec, error, text in cases:
        with pytest.raises(error) as e:
            make()
        cli = run_cli(fxgraph_cli, "process", str(tmp_path / "in.wav"), str(tmp_path / "o.wav"),
                      "--chain", spec, "-q")
        assert cli.returncode == 2
        core = text or str(e.value).split(" (gain(")[0]
        assert core in str(e.value) and core in cli.stderr, (str(e.value), cli.stderr)
    with pytest.raises(TypeError, match=r"gain\(\) takes at most 3 positional arguments"):
        fxgraph.nodes.gain(1, 2, 3, 4)
    with pytest.raises(TypeError, match="multiple values for argument 'gain'"):
        fxgraph.nodes.gain(1, gain=2)
    with pytest.raises(TypeError, match="must be a number"):
        fxgraph.nodes.gain(gain=object())


def test_generated_stubs_declare_every_class_with_its_parameters():
    package = Path(fxgraph.__file__).parent
    for path, entries in ((package / "nodes.pyi", TYPES),
                          (package / "effect.pyi", [e for e in TYPES if e["torchfx_module"].startswith("effect")]),
                          (package / "filter" / "__init__.pyi",
                           [e for e in TYPES if e["torchfx_module"].startswith("filter")])):
        tree = ast.parse(path.read_text())
        classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        assert set(classes) == {e["name"] for e in entries}
        for entry in entries:
            init = next(n for n in classes[entry["name"]].body if isinstance(n, ast.FunctionDef))
            assert [a.arg for a in init.args.args][1:] == [p["name"] for p in entry["parameters"]]
