#!/usr/bin/env python3
"""Lists the CUDA fatbins embedded in an executable (or any file) and writes
their cubins out, so tests can inspect the device code of an executable that
netrewrite-compile --target=cuda built, without cuobjdump.

usage: gpu_kernels_in_executable.py FILE [OUTDIR]

For every fatbin (magic 0xBA55ED50) it prints one line such as
  fatbin #0 at 0x9900: 7392 bytes: elf sm_90 6424 bytes; ptx sm_90 824 bytes (compressed)
and, given OUTDIR, writes each ELF image as OUTDIR/kernel_<fatbin>_<entry>.cubin.
Layout of the fatbin and its entry headers: kind u16 (1 PTX, 2 ELF),
version u16, header size u32, payload size u64, ..., arch u32 at offset 28,
flags u64 at offset 40 (0x2000 or 0x8000: compressed payload; CUDA 12+
fatbinary compresses PTX with zstd, never the cubins checked here).
"""
import os
import struct
import sys

MAGIC = struct.pack("<I", 0xBA55ED50)
KINDS = {1: "ptx", 2: "elf"}

data = open(sys.argv[1], "rb").read()
outdir = sys.argv[2] if len(sys.argv) > 2 else None
if outdir:
    os.makedirs(outdir, exist_ok=True)
count = 0
pos = data.find(MAGIC)
while pos >= 0:
    version, header, size = struct.unpack_from("<HHQ", data, pos + 4)
    if version != 1 or header != 16 or pos + header + size > len(data):
        pos = data.find(MAGIC, pos + 4)
        continue
    entries = []
    p, end = pos + header, pos + header + size
    while p + 48 <= end:
        kind, _, ehs, esize = struct.unpack_from("<HHIQ", data, p)
        arch, = struct.unpack_from("<I", data, p + 28)
        flags, = struct.unpack_from("<Q", data, p + 40)
        if kind not in KINDS or ehs < 48 or p + ehs + esize > end:
            break
        payload = data[p + ehs:p + ehs + esize]
        text = "%s sm_%d %d bytes" % (KINDS[kind], arch, esize)
        if flags & 0xA000:
            text += " (compressed)"
        elif kind == 2:
            machine, = struct.unpack_from("<H", payload, 18)
            if payload[:4] != b"\x7fELF" or machine != 190:
                sys.exit("fatbin #%d: entry %d is not an ELF for EM_CUDA (190)"
                         % (count, len(entries)))
            if outdir:
                name = os.path.join(outdir, "kernel_%d_%d.cubin" % (count, len(entries)))
                open(name, "wb").write(payload)
        entries.append(text)
        p += ehs + esize
    print("fatbin #%d at 0x%x: %d bytes: %s" % (count, pos, size, "; ".join(entries)))
    count += 1
    pos = data.find(MAGIC, end)
if count == 0:
    sys.exit("%s: no CUDA fatbin found" % sys.argv[1])
