"""Effect classes generated from the node registry at import time.

A node type appears in Python with no binding code of its own: fxgraph.nodes has a
class for every registry type (named as the type: fxgraph.nodes.highpass), and
fxgraph.effect / fxgraph.filter have one for every type the registry marks as a
faithful torchfx class (NodeType::torchfx_module), named as in torchfx.

An instance holds validated settings, not a running node: each Engine or processor it
goes into builds a node of its own. Positional arguments fill the type's parameters in
table order and keywords name parameters or construction options, exactly as the CLI's
--chain reads `gain(1.5)` and `gain(gain_db=-3)`; mistakes raise the CLI's errors
(ConfigError for an unknown setting, listing the valid ones; ParameterError for a value
out of range, naming it).
"""

import functools
import inspect

from fxgraph import _fxgraph


@functools.lru_cache(maxsize=None)
def node_types():
    """The registry's type tables (a tuple of dicts), read once."""
    return tuple(_fxgraph.node_types())


class Effect:
    """Base of the generated classes: one node type with validated settings."""

    __slots__ = ("_spec",)
    _type = ""
    _parameters = ()

    def __init__(self, *args, **kwargs):
        self._spec = _fxgraph.NodeSpec(self._type, type(self).__name__, args, kwargs)

    @property
    def settings(self):
        """The settings given (parameters and options), as {name: value}."""
        return self._spec.settings

    def __getattr__(self, name):
        # Parameter values as attributes (Gain(1.5).gain), torchfx style.
        if name.startswith("_"):
            raise AttributeError(name)
        settings = self._spec.settings
        if name in settings:
            return settings[name]
        for parameter in type(self)._parameters:
            if parameter["name"] == name:
                return parameter["default"]
        raise AttributeError(f"{type(self).__name__} has no parameter or setting {name!r}")

    def __call__(self, x, sample_rate):
        """This effect alone over x, from fresh state (fxgraph.process)."""
        return _fxgraph.process(x, sample_rate, [self])

    def __repr__(self):
        return repr(self._spec)


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _default_text(parameter):
    """A parameter's default as a user writes it: a number, or a choice's name."""
    if parameter["kind"] == "choice" and parameter["choices"]:
        return repr(parameter["choices"][int(parameter["default"])])
    return _number(parameter["default"])


def _docstring(entry, class_name):
    call = ", ".join(p["name"] + "=" + _default_text(p) for p in entry["parameters"])
    lines = [f"{class_name}({call})", ""]
    if entry["summary"]:
        lines += [entry["summary"], ""]
    lines.append(f"fxgraph node type '{entry['name']}'.")
    lines.append("Positional arguments fill the parameters in this order; keywords name "
                 "parameters or options.")
    if entry["parameters"]:
        lines += ["", "Parameters", "----------"]
        for p in entry["parameters"]:
            unit = f" {p['unit']}" if p["unit"] else ""
            if p["kind"] == "choice":
                kind = "one of " + ", ".join(p["choices"])
                default = p["choices"][int(p["default"])] if p["choices"] else _number(p["default"])
            else:
                kind = f"{p['kind']} in [{_number(p['min'])}, {_number(p['max'])}]{unit}"
                default = _number(p["default"]) + unit
            lines.append(f"{p['name']} : {kind}, default {default}")
            if p["description"]:
                lines.append(f"    {p['description']}")
    if entry["options"]:
        lines += ["", "Options", "-------"]
        for o in entry["options"]:
            default = f", default {o['default']}" if o["default"] else ""
            lines.append(f"{o['name']}{default}")
            if o["description"]:
                lines.append(f"    {o['description']}")
    return "\n".join(lines)


def _signature(entry):
    parameters = []
    for p in entry["parameters"]:
        default = p["default"]
        if p["kind"] == "choice" and p["choices"]:
            default = p["choices"][int(default)]
        elif p["kind"] in ("integer", "toggle"):
            default = int(default)
        parameters.append(inspect.Parameter(p["name"], inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=default))
    parameters.append(inspect.Parameter("options", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(parameters)


def make_class(entry, class_name, module):
    """A subclass of Effect for one registry entry."""
    cls = type(class_name, (Effect,), {
        "__slots__": (),
        "__doc__": _docstring(entry, class_name),
        "__module__": module,
        "_type": entry["name"],
        "_parameters": tuple(entry["parameters"]),
        "__signature__": _signature(entry),  # help() and inspect show the parameters
    })
    return cls


def torchfx_classes(torchfx_module, module):
    """{class name: class} for the types marked with this torchfx module ("effect",
    "filter"; a dotted mark such as "filter.iir" counts for its first part)."""
    classes = {}
    for entry in node_types():
        mark = entry["torchfx_module"]
        if mark and mark.split(".")[0] == torchfx_module:
            classes[entry["name"]] = make_class(entry, entry["name"], module)
    return classes


def all_classes(module):
    """{type name: class} for every registry type."""
    return {entry["name"]: make_class(entry, entry["name"], module) for entry in node_types()}
