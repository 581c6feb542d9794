"""torchfx's filters (LoButterworth, HiButterworth, Biquad*, FIR, …) as fxgraph node types.

Generated from the node registry (every type marked as a faithful torchfx filter).
torchfx's submodule imports work too: fxgraph.filter.iir, .fir, .biquad and .filterbank
each offer every filter class, so `from torchfx.filter.iir import LoButterworth` needs
only the package name changed.
"""

from fxgraph._node_classes import Effect, torchfx_classes

globals().update(torchfx_classes("filter", __name__))
__all__ = sorted(name for name in globals() if name[:1].isupper() and name != "Effect")
