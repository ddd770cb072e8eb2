"""Load the scripts in tools/ as modules, for tests of their functions."""
import importlib.util
import pathlib
import sys

TOOLS = pathlib.Path(__file__).resolve().parents[1] / 'tools'


def load_tool(name):
    """tools/NAME.py as a module, importing its neighbours as a script
    run from there would (e.g. generated_section)."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    spec = importlib.util.spec_from_file_location(name, TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
