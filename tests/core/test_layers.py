"""Architecture rule: the core never imports Qt."""

import subprocess
import sys


def test_core_and_cli_import_without_qt():
    code = (
        "import sys\n"
        "import tinystudio.core.data, tinystudio.core.pipeline, tinystudio.core.modelio\n"
        "import tinystudio.core.evaluate, tinystudio.core.training.loop, tinystudio.commands\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
