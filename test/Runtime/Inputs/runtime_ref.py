"""Independent references for the runtime tests (numpy + torch + PIL).

Reads the checkpoint format from its description in docs/runtime.md, the
IDX/CIFAR-10 files with numpy, and reimplements the fake model
(Inputs/FakeModel.cpp) and the documented preprocessing, so every number the
executables print is checked against a second implementation.
"""
import gzip
import json
import math
import os
import struct
import sys
import zlib

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"


def fail(msg):
    print("MISMATCH: " + msg)
    sys.exit(1)


def read_ckpt(path):
    b = open(path, "rb").read()
    assert b[:8] == b"NRCKPT01", "magic"
    assert b[-8:] == b"NRCKEND1", "end marker"
    (hlen,) = struct.unpack("<Q", b[8:16])
    header = json.loads(b[16:16 + hlen])
    (crc,) = struct.unpack("<I", b[-12:-8])
    assert crc == zlib.crc32(b[:-12]) & 0xFFFFFFFF, "crc"
    data = b[16 + hlen:-12]
    tensors = {}
    for t in header["tensors"]:
        a = np.frombuffer(data, "<f4", t["count"], t["offset"])
        tensors[t["name"]] = a.reshape(t["shape"])
    return header, tensors


def write_ckpt(path, tensors, optimizer="momentum", epoch=1):
    """Writes a checkpoint from the documented format (for mismatch tests)."""
    table, blob, off = [], b"", 0
    for name, (kind, a) in tensors.items():
        a = np.ascontiguousarray(a, "<f4")
        table.append({"name": name, "kind": kind, "shape": list(a.shape),
                      "offset": off, "count": int(a.size)})
        blob += a.tobytes()
        off += a.nbytes
    header = json.dumps({"format": "netrewrite-checkpoint", "version": 1,
                         "epoch": epoch, "step": 0, "rng": "0" * 16,
                         "optimizer": optimizer, "manifest_hash": "0" * 16,
                         "config": {}, "tensors": table}).encode()
    body = b"NRCKPT01" + struct.pack("<Q", len(header)) + header + blob
    open(path, "wb").write(body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF) + b"NRCKEND1")


def read_idx(split, limit):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(f"{FASHION}/{prefix}-images-idx3-ubyte.gz") as f:
        raw = f.read()
    n, h, w = struct.unpack(">III", raw[4:16])
    x = np.frombuffer(raw, np.uint8, n * h * w, 16).reshape(n, h, w, 1)
    with gzip.open(f"{FASHION}/{prefix}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x[:limit], y[:limit].astype(np.int64)


def metrics(logits, y):
    logits = logits.astype(np.float64)
    m = logits.max(1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(1)) + m[:, 0]
    loss = float(np.mean(lse - logits[np.arange(len(y)), y]))
    acc = float(np.mean(logits.argmax(1) == y))
    return acc, loss


def baked_weights(d, k):
    i = np.arange(d * k, dtype=np.float32)
    return (np.float32(0.01) * np.sin(np.float32(0.37) * i)).reshape(d, k)


def torch_resize(x, h, w):
    """Bilinear, half-pixel centres, no antialiasing: NHWC float32."""
    import torch
    t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    r = torch.nn.functional.interpolate(t, size=(h, w), mode="bilinear",
                                        align_corners=False)
    return r.numpy().transpose(0, 2, 3, 1)


def cmd_check_eval(args):
    """check-eval CKPT EVAL_JSON LIMIT: eval --weights vs numpy."""
    ckpt, out, limit = args[0], args[1], int(args[2])
    _, t = read_ckpt(ckpt)
    x, y = read_idx("test", limit)
    logits = (x.reshape(len(x), -1).astype(np.float32) / np.float32(255)) @ t["dense/kernel"] + t["dense/bias"]
    acc, loss = metrics(logits, y)
    got = json.loads(open(out).read())
    if got["images"] != limit:
        fail(f"images {got['images']} != {limit}")
    if abs(got["accuracy"] - acc) > 1e-9 or abs(got["loss"] - loss) > 1e-4:
        fail(f"accuracy/loss {got['accuracy']}/{got['loss']} vs numpy {acc}/{loss}")
    print(f"OK eval accuracy {acc:.4f} loss {loss:.4f}")


def lr_at(step, epoch, lr, schedule, warmup, total, decay=0.1, every=1):
    v = lr
    if schedule == "step":
        v *= decay ** (epoch // every)
    elif schedule == "cosine":
        t = min(1.0, max(0.0, (step - warmup) / max(1, total - warmup)))
        v *= 0.5 * (1 + math.cos(math.pi * t))
    if step < warmup:
        v *= (step + 1) / warmup
    return np.float32(v)


def cmd_check_sgd(args):
    """check-sgd CKPT CSV EPOCHS LR MOM WD SCHEDULE WARMUP: one full batch
    of 8 images per epoch, so the shuffle does not matter."""
    ckpt, csv = args[0], args[1]
    epochs, lr, mom, wd = int(args[2]), float(args[3]), np.float32(args[4]), np.float32(args[5])
    schedule, warmup = args[6], int(args[7])
    x, y = read_idx("train", 8)
    x = x.reshape(8, -1).astype(np.float32) / np.float32(255)
    onehot = np.eye(10, dtype=np.float32)[y]
    w = baked_weights(784, 10)
    b = np.zeros(10, np.float32)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    losses = []
    for s in range(epochs):
        z = (x.astype(np.float64) @ w.astype(np.float64) + b).astype(np.float32)
        zz = z.astype(np.float64)
        p = np.exp(zz - zz.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        losses.append(float(np.mean(-np.log(p[np.arange(8), y]))))
        dz = (p - onehot) / 8
        gw = (x.astype(np.float64).T @ dz).astype(np.float32)
        gb = dz.sum(0).astype(np.float32)
        a = lr_at(s, s, lr, schedule, warmup, epochs)
        vw = mom * vw + gw + wd * w
        w = w - a * vw
        vb = mom * vb + gb
        b = b - a * vb
    h, t = read_ckpt(ckpt)
    for name, ref in [("dense/kernel", w), ("dense/bias", b),
                      ("momentum/dense/kernel", vw), ("momentum/dense/bias", vb)]:
        err = np.max(np.abs(t[name] - ref)) / max(1e-12, np.max(np.abs(ref)))
        if err > 1e-4:
            fail(f"{name}: relative error {err}")
    if t["steps"][0] != epochs or h["step"] != epochs or h["epoch"] != epochs:
        fail(f"step counters {t['steps']} {h['step']} {h['epoch']}")
    rows = [l.split(",") for l in open(csv).read().split("\n")[1:] if l]
    for r, ref in zip(rows, losses):
        if abs(float(r[1]) - ref) > 1e-4 * max(1, abs(ref)):
            fail(f"loss {r[1]} vs numpy {ref}")
    print(f"OK {epochs} steps, losses " + " ".join(f"{l:.5f}" for l in losses))


def cmd_same_ckpt(args):
    """same-ckpt A B: same tensors, epoch, step and RNG state."""
    ha, ta = read_ckpt(args[0])
    hb, tb = read_ckpt(args[1])
    for k in ("epoch", "step", "rng", "optimizer"):
        if ha[k] != hb[k]:
            fail(f"{k}: {ha[k]} vs {hb[k]}")
    if sorted(ta) != sorted(tb):
        fail("tensor names differ")
    for k in ta:
        if not np.array_equal(ta[k], tb[k]):
            fail(f"tensor {k} differs")
    print(f"OK identical checkpoints at epoch {ha['epoch']} step {ha['step']}")


def cmd_same_csv(args):
    """same-csv A B: equal except the timing columns."""
    def rows(p):
        return [l.split(",")[:5] for l in open(p).read().split("\n") if l]
    a, b = rows(args[0]), rows(args[1])
    if a != b:
        fail(f"{a} vs {b}")
    print(f"OK {len(a) - 1} identical epochs")


def cmd_make_cifar(args):
    """make-cifar DIR N: random images, labels 0..9, test_batch.bin and
    data_batch_1.bin; also writes DIR/ref.npz with the HWC images."""
    d, n = args[0], int(args[1])
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    for name in ("data_batch_1.bin", "test_batch.bin"):
        imgs = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        recs = np.concatenate([labels[:, None], imgs.reshape(n, -1)], 1)
        open(os.path.join(d, name), "wb").write(recs.tobytes())
        if name == "test_batch.bin":
            np.savez(os.path.join(d, "ref.npz"), x=imgs.transpose(0, 2, 3, 1), y=labels)


def forward_fake_logits(x):
    """The forward-only fake model: 12x12x3 inputs, baked weights."""
    return (x.reshape(len(x), -1).astype(np.float64) @ baked_weights(432, 10).astype(np.float64)).astype(np.float32)


def cmd_check_cifar_eval(args):
    """check-cifar-eval DIR EVAL_JSON: resize 32->12 with torch, then the
    baked linear model."""
    ref = np.load(os.path.join(args[0], "ref.npz"))
    x = torch_resize(ref["x"].astype(np.float32) / np.float32(255), 12, 12)
    acc, loss = metrics(forward_fake_logits(x), ref["y"].astype(np.int64))
    got = json.loads(open(args[1]).read())
    if got["images"] != len(x) or abs(got["accuracy"] - acc) > 1e-9 or abs(got["loss"] - loss) > 1e-4:
        fail(f"{got} vs numpy accuracy {acc} loss {loss}")
    print(f"OK cifar eval of {len(x)} images: accuracy {acc:.4f} loss {loss:.4f}")


def cmd_check_preprocess(args):
    """check-preprocess X.npy LIMIT MEAN STD: Fashion-MNIST test images,
    grey -> RGB, resized to 12x12 by torch, normalised."""
    got = np.load(args[0])
    limit, mean, std = int(args[1]), float(args[2]), float(args[3])
    x, _ = read_idx("test", limit)
    x = np.repeat(x.astype(np.float32), 3, axis=3)
    ref = (torch_resize(x, 12, 12) * np.float32(1 / 255) - np.float32(mean)) / np.float32(std)
    if got.shape != ref.shape:
        fail(f"shape {got.shape} vs {ref.shape}")
    err = np.max(np.abs(got - ref))
    if err > 1e-4:
        fail(f"max abs error {err}")
    print(f"OK preprocess {got.shape} max error {err:.2e}")


def cmd_check_predict(args):
    """check-predict X.npy Y.npy: predict --input/--output vs numpy."""
    x, y = np.load(args[0]), np.load(args[1])
    ref = forward_fake_logits(x)
    err = np.max(np.abs(y - ref))
    if y.shape != ref.shape or err > 1e-4:
        fail(f"shape {y.shape} error {err}")
    print(f"OK predict {y.shape} max error {err:.2e}")


def cmd_make_images(args):
    """make-images DIR: grey PNG, RGB JPEG-free PNG, RGBA PNG, a broken file;
    DIR/ref.npy holds the first two (RGB, 12x12) for predict checks."""
    from PIL import Image
    d = args[0]
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(3)
    grey = rng.integers(0, 256, (12, 12), dtype=np.uint8)
    rgb = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
    rgba = rng.integers(0, 256, (12, 12, 4), dtype=np.uint8)
    Image.fromarray(grey, "L").save(os.path.join(d, "grey.png"))
    Image.fromarray(rgb, "RGB").save(os.path.join(d, "rgb.png"))
    Image.fromarray(rgba, "RGBA").save(os.path.join(d, "rgba.png"))
    Image.fromarray(rgb, "RGB").resize((24, 20)).save(os.path.join(d, "big.jpg"), quality=95)
    open(os.path.join(d, "broken.png"), "wb").write(b"\x89PNG\r\n\x1a\nnot really")
    ref = np.stack([np.repeat(grey[:, :, None], 3, 2), rgb, rgba[:, :, :3]]).astype(np.float32) / np.float32(255)
    np.save(os.path.join(d, "ref.npy"), ref)


def cmd_check_predict_images(args):
    """check-predict-images DIR JSON: top-3 of grey/rgb/rgba vs numpy."""
    ref = np.load(os.path.join(args[0], "ref.npy"))
    z = forward_fake_logits(ref).astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    got = json.loads(open(args[1]).read())
    for i in range(3):
        order = np.argsort(-p[i], kind="stable")[:3]
        top = got[i]["top"]
        if [t["class"] for t in top] != list(order):
            fail(f"image {i}: classes {[t['class'] for t in top]} vs {list(order)}")
        for t in top:
            if abs(t["probability"] - p[i, t["class"]]) > 1e-5:
                fail(f"image {i}: probability {t}")
    print("OK predict top-3 of 3 images")


def cmd_make_npy_dir(args):
    """make-npy-dir DIR N: float images 12x12x3 in [0,1) and class ids."""
    d, n = args[0], int(args[1])
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(5)
    np.save(os.path.join(d, "images.npy"), rng.random((n, 12, 12, 3), dtype=np.float32))
    np.save(os.path.join(d, "labels.npy"), rng.integers(0, 10, n).astype(np.float32))


def cmd_check_npy_eval(args):
    d = args[0]
    x = np.load(os.path.join(d, "images.npy"))
    y = np.load(os.path.join(d, "labels.npy")).astype(np.int64)
    acc, loss = metrics(forward_fake_logits(x), y)
    got = json.loads(open(args[1]).read())
    if got["images"] != len(x) or abs(got["accuracy"] - acc) > 1e-9 or abs(got["loss"] - loss) > 1e-4:
        fail(f"{got} vs numpy accuracy {acc} loss {loss}")
    print(f"OK npy eval of {len(x)} images")


if __name__ == "__main__":
    globals()["cmd_" + sys.argv[1].replace("-", "_")](sys.argv[2:])
