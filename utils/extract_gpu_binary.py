#!/usr/bin/env python3
"""Writes the first object of `gpu.binary @NAME` in an MLIR file to OUT.

usage: extract_gpu_binary.py MODULE.mlir NAME OUT
MLIR prints the object as a string literal with \\XX hex escapes; this decodes
it so tests can inspect the real cubin/fatbin/PTX bytes.
"""
import re
import sys

text = open(sys.argv[1], encoding="latin-1").read()
m = re.search(r"gpu\.binary @" + re.escape(sys.argv[2]) + r"\s+\[#gpu\.object<#nvvm\.target<[^>]*>"
              r"(?:, properties = \{[^}]*\})?, (?:\w+ = )?\"", text)
if not m:
    sys.exit(f"no gpu.binary @{sys.argv[2]} in {sys.argv[1]}")
i = m.end()
out = bytearray()
while text[i] != '"':
    c = text[i]
    if c == "\\":
        nxt = text[i + 1]
        if nxt in '\\"':
            out.append(ord(nxt))
            i += 2
        elif nxt == "n":
            out.append(10)
            i += 2
        elif nxt == "t":
            out.append(9)
            i += 2
        else:
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
    else:
        out.append(ord(c))
        i += 1
open(sys.argv[3], "wb").write(bytes(out))
print(f"{len(out)} bytes")
