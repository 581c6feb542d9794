"""What process() accepts and refuses: the documented conversions, and no crash on any
input (None, empty, 0 frames, NaN, huge channel counts)."""

import numpy as np
import pytest

import fxgraph
from audio_files import noise_signal

RATE = 48000
CHAIN = "lowpass(2000) | gain(0.5)"


def reference(x):
    return fxgraph.Engine(CHAIN, RATE, 512, channels=x.shape[0]).process(x)


def test_float64_integer_transposed_and_list_inputs_give_the_float32_result():
    x = noise_signal(2, 3000)
    want = reference(x)
    engine = lambda: fxgraph.Engine(CHAIN, RATE, 512, channels=2)  # noqa: E731
    assert np.array_equal(engine().process(x.astype(np.float64)), want)
    assert np.array_equal(engine().process(np.asfortranarray(x)), want)
    assert np.array_equal(engine().process(np.ascontiguousarray(x.T).T), want)
    assert np.array_equal(engine().process(x.tolist()), want)
    ints = (x * 1000).astype(np.int32)  # converted as values, not scaled
    assert np.array_equal(engine().process(ints), reference(ints.astype(np.float32)))
    strided = np.zeros((2, 6000), dtype=np.float32)
    strided[:, ::2] = x
    assert np.array_equal(engine().process(strided[:, ::2]), want)


def test_mono_frames_only_input_is_one_channel():
    x = noise_signal(1, 2000)
    y = fxgraph.Engine(CHAIN, RATE, 512, channels=1).process(x[0])
    assert y.shape == (1, 2000) and y.dtype == np.float32
    assert np.array_equal(y, reference(x))


def test_the_output_is_a_new_c_contiguous_float32_array_and_the_input_is_untouched():
    x = noise_signal(2, 1000)
    copy = x.copy()
    y = fxgraph.process(x, RATE, CHAIN)
    assert y.dtype == np.float32 and y.flags.c_contiguous and y.shape == (2, 1000)
    assert not np.shares_memory(x, y)
    assert np.array_equal(x, copy)


def test_zero_frames_give_an_empty_result():
    engine = fxgraph.Engine(CHAIN, RATE, 512, channels=2)
    assert engine.process(np.zeros((2, 0), dtype=np.float32)).shape == (2, 0)
    assert fxgraph.process(np.zeros((3, 0)), RATE, CHAIN).shape == (3, 0)


def test_nan_and_inf_pass_through_without_a_crash():
    x = noise_signal(2, 1000)
    x[0, 10] = np.nan
    x[1, 20] = np.inf
    y = fxgraph.Engine(CHAIN, RATE, 512).process(x)
    assert y.shape == (2, 1000)
    assert np.isnan(y[0, 10:]).any()


@pytest.mark.parametrize("bad, error, message", [
    (None, TypeError, "got None"),
    ("abc", TypeError, "dtype"),
    ({"a": 1}, TypeError, "dtype"),
    (np.zeros((2, 4), dtype=np.complex64), TypeError, "dtype"),
    (np.zeros((2, 4), dtype=bool), TypeError, "dtype"),
    (np.float32(1.0), ValueError, r"expected shape \(channels, frames\) or \(frames,\), got \(\)"),
    (np.zeros((2, 2, 4), dtype=np.float32), ValueError, r"got \(2, 2, 4\)"),
    (np.zeros((0, 4), dtype=np.float32), ValueError, "at least one channel"),
    (np.zeros((100000, 2), dtype=np.float32), ValueError, "is the array \\(frames, channels\\)"),
    (np.zeros((3, 4), dtype=np.float32), ValueError, "expected 2 channel"),
])
def test_bad_inputs_raise_errors_naming_what_was_expected(bad, error, message):
    engine = fxgraph.Engine(CHAIN, RATE, 512, channels=2)
    with pytest.raises(error, match=message):
        engine.process(bad)
    engine.process(np.zeros((2, 16), dtype=np.float32))  # still usable


def test_bad_arguments_elsewhere_raise_too():
    with pytest.raises(TypeError):
        fxgraph.process(None, RATE, CHAIN)
    with pytest.raises(TypeError, match="expected a graph"):
        fxgraph.Engine(None, RATE)
    with pytest.raises(TypeError, match="expected a graph"):
        fxgraph.Engine(42, RATE)
    with pytest.raises(ValueError, match="at least one effect"):
        fxgraph.Engine([], RATE)
    with pytest.raises(TypeError, match="effect 1: expected an fxgraph effect"):
        fxgraph.Engine([fxgraph.nodes.gain(1.0), "gain"], RATE)
    with pytest.raises(ValueError, match="channels must be from 1"):
        fxgraph.Engine(CHAIN, RATE, 512, channels=0)
    with pytest.raises(ValueError, match="channels must be from 1"):
        fxgraph.Engine(CHAIN, RATE, 512, channels=1 << 30)
    with pytest.raises(ValueError, match="max_block"):
        fxgraph.Engine(CHAIN, RATE, 0)
    with pytest.raises(fxgraph.GraphError):  # a cutoff above Nyquist at this rate
        fxgraph.Engine("lowpass(30000)", RATE)
    with pytest.raises(fxgraph.GraphError, match="sample rate must be positive"):
        fxgraph.Engine(CHAIN, -1.0)
    with pytest.raises(TypeError):
        fxgraph.Engine(CHAIN, "fast")


def test_process_writes_into_a_given_out_array_and_checks_it():
    x = noise_signal(2, 3000)
    out = np.empty((2, 3000), dtype=np.float32)
    engine = fxgraph.Engine(CHAIN, RATE, 512, channels=2)
    assert engine.process(x, out=out) is out
    assert np.array_equal(out, reference(x))
    for bad, error in ((np.empty((2, 2999), dtype=np.float32), ValueError),
                       (np.empty((2, 3000), dtype=np.float64), TypeError),
                       (np.empty((3000, 2), dtype=np.float32).T, TypeError),
                       ([[0.0] * 3000] * 2, TypeError)):
        with pytest.raises(error, match=r"out: expected a writable C-contiguous float32 array of shape \(2, 3000\)"):
            engine.process(x, out=bad)
    readonly = np.empty((2, 3000), dtype=np.float32)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        engine.process(x, out=readonly)
