"""Parsing MLIR text into a module with every dialect lutopt reads (for tests and tools).

The implementation is the Python API's (`lutopt.api`); this module keeps the names the
simulation code and its tests import.

    module = parse_module('''
      func.func @f(%a: i2) -> i2 {
        %y = lut.table(%a) [0, 1, 3, 2] : (i2) -> i2
        func.return %y : i2
      }''')
"""

from lutopt.api import make_context, parse_module

__all__ = ["make_context", "parse_module"]
