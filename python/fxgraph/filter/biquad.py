"""torchfx.filter.biquad's import path: every fxgraph.filter class (see fxgraph.filter)."""

from fxgraph.filter import *  # noqa: F401,F403
from fxgraph.filter import __all__  # noqa: F401
