"""torchfx's effects (Gain, Normalize, Reverb, Delay, …) as fxgraph node types.

The classes are generated from the node registry (every type marked as a faithful
torchfx effect), so `from torchfx.effect import Gain` becomes `from fxgraph.effect import
Gain` with the same arguments. help(fxgraph.effect.Gain) lists the parameters with
their ranges and units.
"""

from fxgraph._node_classes import Effect, torchfx_classes

globals().update(torchfx_classes("effect", __name__))
__all__ = sorted(name for name in globals() if name[:1].isupper() and name != "Effect")
