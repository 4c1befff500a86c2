"""The package's shape: imports go one way, with no cycles, and the text layer stays light."""

from __future__ import annotations

import subprocess
import sys
from graphlib import CycleError, TopologicalSorter

import grimp


def test_no_module_imports_itself_back_through_others() -> None:
    """grimp reads every import statement, lazy ones inside functions included."""
    graph = grimp.build_graph("assistant", include_external_packages=False)
    sorter = TopologicalSorter(
        {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    )
    try:
        sorter.prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_the_text_layer_loads_neither_chromadb_nor_torch() -> None:
    probe = (
        "import sys, assistant.text.terms, assistant.text.names_figures, "
        "assistant.text.sentences, assistant.text.markers, assistant.text.token_count; "
        "print(sorted(m for m in ('chromadb', 'torch', 'bm25s', 'langchain_core') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
