"""Checks the bucket plan in `trainc --emit=train` output against the rules
of train-bucket-gradients and train-plan-memory.

usage: check_buckets.py TRAIN.mlir CAP_BYTES FIRST_BYTES

- every parameter of @forward is in exactly one bucket;
- bucket 0 holds at most FIRST_BYTES, every other at most CAP_BYTES, unless it
  is a single tensor larger than that; a bucket closes only when the next
  tensor would not fit (so no two neighbours could have been one);
- buckets tile the parameter arena from 0: bucket i+1 starts where i ends,
  and each parameter's train.offset lies inside its bucket's range;
- backward order: the classifier's parameters (the last layer of forward)
  are in bucket 0, and buckets follow the reverse of the forward order of
  their first parameter.
"""

import re
import sys

text = open(sys.argv[1]).read()
cap, first = int(sys.argv[2]), int(sys.argv[3])

m = re.search(r"train\.buckets = \[(.*?)\]\}\]", text, re.S)
assert m, "no train.buckets on the module"
buckets = []
for b in re.finditer(r"\{bytes = (\d+) : i64, offset = (\d+) : i64, "
                     r"params = \[([^\]]*)\]", m.group(0)):
    names = re.findall(r'"([^"]*)"', b.group(3))
    buckets.append((int(b.group(1)), int(b.group(2)), names))

fwd = text[text.index("func.func @forward("):]
fwd = fwd[:fwd.index(") -> ")]
params = re.findall(r'tensor<([^>]*)> \{[^}]*train\.offset = (\d+) : i64, '
                    r'train\.param = "([^"]*)"', fwd)
order = [p[2] for p in params]
offset = {p[2]: int(p[1]) for p in params}

def size(shape):
    n = 4
    for d in shape.split("x")[:-1]:
        n *= int(d)
    return (n + 63) // 64 * 64

sizes = {p[2]: size(p[0]) for p in params}
seen = [n for _, _, names in buckets for n in names]
assert sorted(seen) == sorted(order), "parameters and bucket members differ"
assert len(seen) == len(set(seen)), "a parameter is in two buckets"
end = 0
for i, (nbytes, start, names) in enumerate(buckets):
    limit = first if i == 0 else cap
    assert start == end, f"bucket {i} starts at {start}, not {end}"
    assert nbytes == sum(sizes[n] for n in names), f"bucket {i} size"
    assert nbytes <= limit or len(names) == 1, f"bucket {i} over its cap"
    for n in names:
        assert start <= offset[n] < start + nbytes, f"{n} outside bucket {i}"
    if i + 1 < len(buckets):
        nxt = buckets[i + 1][2][0]
        assert nbytes + sizes[nxt] > limit, \
            f"bucket {i} closed although {nxt} would fit"
    end = start + nbytes
assert order[-1] in buckets[0][2], "the last layer is not in bucket 0"
firsts = [order.index(names[0]) for _, _, names in buckets]
assert firsts == sorted(firsts, reverse=True), "buckets not in backward order"
print(f"{len(buckets)} buckets, {len(order)} parameters, "
      f"{end} bytes: plan consistent")
