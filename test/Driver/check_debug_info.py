"""Checks an executable's DWARF against the ONNX graph it was compiled from.

Usage: check_debug_info.py EXE MODEL.onnx

Every inlined subroutine train-add-debug-info made must name a node of the
graph (as read by the onnx package) and sit at the call line that is the
node's position in the graph (1-based). Prints the compile unit and which
op types have code attributed to them, for FileCheck.
"""
import re
import subprocess
import sys

import onnx

exe, model = sys.argv[1], sys.argv[2]
dump = subprocess.run(["llvm-dwarfdump", "--debug-info", exe],
                      capture_output=True, text=True, check=True).stdout
graph = onnx.load(model).graph
line_of, type_of = {}, {}
for index, node in enumerate(graph.node):
    name = node.name or f"{node.op_type}#{index}"
    line_of[name] = index + 1
    type_of[name] = node.op_type

# Only trainc's compile unit: the runtime linked in may carry its own.
cus = dump.split("DW_TAG_compile_unit")
dump = "".join("DW_TAG_compile_unit" + cu for cu in cus[1:]
               if re.search(r'DW_AT_producer\s+\("trainc"\)', cu))
units = re.findall(r'DW_TAG_compile_unit\s+DW_AT_producer\s+\("([^"]*)"\)'
                   r'(?:\s+DW_AT_\w+\s+\([^\n]*\))*?\s+DW_AT_name\s+\("([^"]*)"\)',
                   dump)
for producer, name in units:
    print(f"unit {name} producer {producer}")

bad = 0
seen = set()
inlined_functions = set()
# One DIE per blank-line separated block.
for die in dump.split("\n\n"):
    if "DW_TAG_inlined_subroutine" not in die:
        continue
    origin = re.search(r'DW_AT_abstract_origin\s+\(0x[0-9a-f]+ "([^"]*)"\)', die)
    call_line = re.search(r"DW_AT_call_line\s+\((\d+)\)", die)
    call_file = re.search(r'DW_AT_call_file\s+\("([^"]*)"\)', die)
    if not origin or not call_line:
        print(f"error: inlined subroutine without origin or call line:\n{die}")
        bad += 1
        continue
    name, line = origin.group(1), int(call_line.group(1))
    # A generated function inlined into another (an entry point's body
    # into its wrapper) is called from glue code, line 0.
    if line == 0 and name not in line_of:
        inlined_functions.add(name)
        continue
    if name not in line_of:
        print(f"error: '{name}' is not a node of the graph")
        bad += 1
    elif line_of[name] != line:
        print(f"error: '{name}' at line {line}, but it is node {line_of[name]}")
        bad += 1
    elif not call_file or call_file.group(1) != units[0][1]:
        print(f"error: '{name}' is not called from the model's file")
        bad += 1
    else:
        seen.add(name)

print("inlined functions:", " ".join(sorted(inlined_functions)) or "none")
print(f"nodes with code: {len(seen)} of {len(line_of)}")
print("op types with code:", " ".join(sorted({type_of[n] for n in seen})))
print("op types without code:",
      " ".join(sorted({type_of[n] for n in line_of} -
                      {type_of[n] for n in seen})) or "none")
print(f"mismatches: {bad}")
sys.exit(1 if bad else 0)
