"""The conventions of lutopt's IR, each defined once.

* `latency`: the `lutopt.latency` attribute of a pipelined module (its one reader and
  writer) and the `// latency: N cycles` comment the Verilog carries it in.
* `comb`: the comb/hw/seq ops lutopt handles at the rtl level: for each, how Verilog
  writes it, whether it is wiring (free for the pipeliner), and its NumPy semantics (what
  the interpreter runs). The `comb.icmp` / `arith.cmpi` predicates.
* `order`: a topological order of a block that is a graph region (registers break cycles).
* `names`: handing out unique names.
"""
