#!/usr/bin/env python3
"""Checks the host side of a CUDA executable against its kernels.

Usage: check_launches.py MODEL.ll KERNELS.ptx

MODEL.ll is `trainc --target=cuda --emit=llvm` (the embedded image, the
kernel-name table and every trainc_rt_launch call); KERNELS.ptx is
`--emit=ptx` of the same model. Every launch must name a kernel of the table
that the PTX defines, with as many argument slots as that kernel has
parameters (cuLaunchKernel reads one per parameter); the image must be a
fatbin. Prints a summary that FileCheck reads.
"""
import re
import sys


def llvm_string(text):
    """The bytes of an LLVM IR c"..." literal (or of a prefix of one)."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\":
            if i + 3 > len(text):
                break  # a prefix of the literal, cut inside an escape
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(ord(text[i]))
            i += 1
    return bytes(out)


def main():
    ir = open(sys.argv[1], encoding="latin-1").read()
    ptx = open(sys.argv[2]).read()

    names = re.search(r'@trainc\.gpu_kernels = private constant \[\d+ x i8\] c"([^"]*)"', ir)
    image = re.search(r'@trainc\.gpu_image = private constant \[(\d+) x i8\] c"([^"]{0,64})', ir)
    arch = re.search(r'@trainc\.gpu_arch = private constant \[\d+ x i8\] c"([^"]*)"', ir)
    if not names or not image or not arch:
        print("missing image, kernel table or arch")
        return 1
    table = llvm_string(names.group(1)).split(b"\0")
    assert table[-2:] == [b"", b""], "the table ends in an empty name"
    table = [n.decode() for n in table[:-2]]
    magic = llvm_string(image.group(2))[:4]
    print("image: %s, %s bytes" % ("fatbin" if magic == b"\x50\xed\x55\xba" else
                                   "not a fatbin " + magic.hex(), image.group(1)))
    print("arch: " + llvm_string(arch.group(1)).rstrip(b"\0").decode())

    params = {}
    for entry in re.finditer(r"\.entry (\w+)\((.*?)\)", ptx, re.S):
        params[entry.group(1)] = len(re.findall(r"\.param", entry.group(2)))

    launches = re.findall(
        r"call void @trainc_rt_launch\(ptr [^,]+, i32 (\d+), (?:i64 [^,]+, ){6}"
        r"i32 [^,]+, ptr [^,]+, i32 (\d+)\)", ir)
    bad = []
    used = set()
    for kernel, count in launches:
        k = int(kernel)
        name = table[k] if k < len(table) else None
        used.add(k)
        if name not in params:
            bad.append("launch of kernel %d: no such kernel in the PTX" % k)
        elif params[name] != int(count):
            bad.append("%s: %s slots, %d parameters" % (name, count, params[name]))
    print("kernels in the table %d, in the PTX %d, launched %d" %
          (len(table), len(params), len(used)))
    print("launches %d, argument mismatches %d" % (len(launches), len(bad)))
    for line in bad[:10]:
        print("  " + line)
    print("module loads per launch: %d" % len(re.findall(r"@mgpu\w+", ir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
