"""The bug class of issue 13, finding 1, found by reading the code: a signal that carries a
value (``clicked(bool)``, ``triggered(bool)``, ``toggled(bool)``, ``activated(int)``...)
connected straight to a method with an optional parameter passes that value into it
(``start_training(resume_run=False)``). Connect a lambda that drops it, or a method without
optional parameters."""

from __future__ import annotations

import ast
from pathlib import Path

import tinystudio.gui

GUI = Path(tinystudio.gui.__file__).parent
VALUE_SIGNALS = {"clicked", "triggered", "toggled", "activated", "currentIndexChanged",
                 "valueChanged", "textChanged", "stateChanged", "buttonClicked", "timeout"}  # fmt: skip


def _optional_params(fn: ast.FunctionDef) -> list[str]:
    args = fn.args.args[1:]  # without self
    with_default = args[len(args) - len(fn.args.defaults):] if fn.args.defaults else []
    return [a.arg for a in with_default] + [a.arg for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d]


def wiring_problems(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    problems = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
            f = call.func
            if not (isinstance(f, ast.Attribute) and f.attr == "connect" and call.args):
                continue
            signal = f.value.attr if isinstance(f.value, ast.Attribute) else ""
            target = call.args[0]
            if (signal in VALUE_SIGNALS and isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name) and target.value.id == "self"
                    and target.attr in methods and _optional_params(methods[target.attr])):  # fmt: skip
                problems.append(f"{name}:{call.lineno}: {signal} -> {cls.name}.{target.attr}"
                                f"({', '.join(_optional_params(methods[target.attr]))}=...)")  # fmt: skip
    return problems


def test_no_value_signal_reaches_an_optional_parameter():
    problems = []
    for path in sorted(GUI.glob("*.py")):
        problems += wiring_problems(path.read_text(encoding="utf-8"), path.name)
    assert not problems, "\n".join(problems)


def test_the_check_finds_the_start_button_bug():
    """The wiring of 630ba35^ (the Start button that did nothing) is found."""
    broken = (
        "class TrainPanel:\n"
        "    def __init__(self):\n"
        "        self.start_button.clicked.connect(self.start_training)\n"
        "    def start_training(self, resume_run=None):\n"
        "        pass\n"
    )
    assert wiring_problems(broken, "train_panel.py") == [
        "train_panel.py:3: clicked -> TrainPanel.start_training(resume_run=...)"
    ]
