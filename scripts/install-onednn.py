#!/usr/bin/env python3
"""Installs the oneDNN trainc's CPU runtime builds against into PREFIX
(include/, lib/, lib/cmake/dnnl/): Intel's CPU build on GNU OpenMP from
PyPI (`onednn-cpu-gomp` and its headers, `onednn-devel-cpu-gomp`), the
same OpenMP runtime as the rest of the process.

  scripts/install-onednn.py PREFIX
  cmake -B build -DTRAINC_DNNL_ROOT=PREFIX

Idempotent: nothing is fetched when PREFIX already holds this version.
The wheels are pinned by version and SHA-256; only the standard library is
used (no pip). The build keeps Debian's 2.6.3 unless told otherwise:
docs/performance.md has both measured.
"""

import hashlib
import html
import io
import os
import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile

VERSION = "2023.2.0"  # oneDNN v3.2.0
WHEELS = {
    "onednn-cpu-gomp":
        "2f22a54d6a890ed14bfa185d42a4be65d8b5b1df85dc1f0f3a9abe31620416fb",
    "onednn-devel-cpu-gomp":
        "9763c69e8c907e119056bd52ad918ca84ac9ba939d130a99dfa95ccca3e5e284",
}
STAMP = ".trainc-onednn-" + VERSION


def fetch(url, attempts=3):
    last = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.read()
        except OSError as error:  # URLError and timeouts
            last = error
    sys.exit("install-onednn: cannot download %s: %s" % (url, last))


def wheel_url(name, sha256):
    """The wheel's address from PyPI's simple index (PEP 503), the one pip
    reads: the link whose fragment is the pinned digest."""
    index = fetch("https://pypi.org/simple/%s/" % name).decode()
    for href in re.findall(r'href="([^"]+)"', index):
        url, _, fragment = html.unescape(href).partition("#")
        if fragment == "sha256=" + sha256 and url.endswith(".whl"):
            return url
    sys.exit("install-onednn: PyPI's index lists no %s %s wheel with SHA-256 "
             "%s" % (name, VERSION, sha256))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: install-onednn.py PREFIX")
    prefix = os.path.abspath(sys.argv[1])
    if os.path.exists(os.path.join(prefix, STAMP)):
        return
    staging = tempfile.mkdtemp(prefix=".onednn-", dir=os.path.dirname(prefix)
                               if os.path.isdir(os.path.dirname(prefix))
                               else None)
    try:
        for name, sha256 in WHEELS.items():
            data = fetch(wheel_url(name, sha256))
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha256:
                sys.exit("install-onednn: %s %s has SHA-256 %s, expected %s" %
                         (name, VERSION, digest, sha256))
            with zipfile.ZipFile(io.BytesIO(data)) as wheel:
                for info in wheel.infolist():
                    # Files to install sit under NAME-VERSION.data/data/.
                    parts = info.filename.split("/")
                    if (len(parts) < 4 or not parts[0].endswith(".data") or
                            parts[1] != "data" or info.is_dir()):
                        continue
                    target = os.path.join(staging, *parts[2:])
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with wheel.open(info) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        # The wheels store the library's links as copies: make them links,
        # as a package would.
        lib = os.path.join(staging, "lib")
        for link, to in (("libdnnl.so", "libdnnl.so.3"),
                         ("libdnnl.so.3", "libdnnl.so.3.2")):
            path = os.path.join(lib, link)
            if os.path.exists(os.path.join(lib, to)):
                if os.path.lexists(path):
                    os.remove(path)
                os.symlink(to, path)
        open(os.path.join(staging, STAMP), "w").close()
        os.chmod(staging, 0o755)
        if os.path.lexists(prefix):
            shutil.rmtree(prefix)
        os.makedirs(os.path.dirname(prefix), exist_ok=True)
        os.rename(staging, prefix)
        staging = None
        print("install-onednn: oneDNN %s in %s" % (VERSION, prefix))
    finally:
        if staging:
            shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    main()
