"""Every fxgraph node type as a class named like the type: fxgraph.nodes.highpass(80),
fxgraph.nodes.gain(gain_db=-3). Generated from the node registry; arguments as in the
CLI's --chain (positional values fill the parameters in order)."""

from fxgraph._node_classes import Effect, all_classes

globals().update(all_classes(__name__))
__all__ = sorted(name for name in globals() if not name.startswith("_") and name != "Effect"
                 and name not in ("all_classes",))
