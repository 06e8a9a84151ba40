"""Assembles the PTX of `trainc --target=cuda --emit=ptx` with ptxas.

Usage: check_ptx.py PTXAS FILE.ptx MAPPED.mlir ARCH...

Checks that the PTX has one entry per gpu.launch of the mapped kernel IR
(trainc-opt -train-split-gpu-sums -train-map-kernels-to-gpu of the same
model), that ptxas
assembles it for every ARCH, and counts the kernels ptxas reports
spilling: the update kernels (those of trainc_apply_update, which are the
train step's update kernels too) apart from the others, with the largest
spill. Prints a summary for FileCheck; exits 1 if ptxas fails.
"""
import re
import subprocess
import sys
import tempfile

ptxas, ptx, mapped, archs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
text = open(ptx).read()
entries = re.findall(r"^\.visible \.entry (\w+)\(", text, re.M)
launches = len(re.findall(r"\bgpu\.launch\b", open(mapped).read()))
print(f"entries {len(entries)}, launches {launches}, "
      f"{'equal' if len(entries) == launches else 'DIFFERENT'}")
print("unresolved externs:", len(re.findall(r"^\.extern \.func", text, re.M)))
failed = False
for arch in archs:
    with tempfile.NamedTemporaryFile(suffix=".cubin") as out:
        run = subprocess.run([ptxas, f"-arch={arch}", "-v", ptx, "-o", out.name],
                             capture_output=True, text=True)
    log = run.stdout + run.stderr
    if run.returncode != 0:
        print(f"{arch}: ptxas failed\n{log}")
        failed = True
        continue
    compiled = len(re.findall(r"Compiling entry function", log))
    # ptxas -v: "N bytes stack frame, N bytes spill stores, N bytes spill loads"
    spills = {m.group(1): int(m.group(2)) for m in re.finditer(
        r"Function properties for (\w+)\n\s*\d+ bytes stack frame, "
        r"(\d+) bytes spill stores", log) if int(m.group(2)) > 0}
    update = [k for k in spills if k.startswith("trainc_apply_update_kernel")]
    other = [k for k in spills if k not in update]
    print(f"{arch}: {compiled} kernels assembled, update kernels spilling: "
          f"{len(update)}" + (" (" + " ".join(sorted(update)) + ")" if update else ""))
    print(f"{arch}: other kernels spilling: {len(other)}, at most "
          f"{max([spills[k] for k in other], default=0)} bytes")
sys.exit(1 if failed else 0)
