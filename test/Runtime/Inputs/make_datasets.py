"""make_datasets.py OUT: writes small datasets in the formats eval reads,
plus broken variants for the error tests.

OUT/fmnist/   t10k-{images-idx3,labels-idx1}-ubyte.gz (20 grey 16x16 images),
              train-* (12 images)
OUT/cifar/    test_batch.bin (10 records of 3x32x32) and data_batch_1..5.bin
OUT/bad/...   truncated, wrong magic, mismatched counts, bad labels
"""
import gzip, os, struct, sys
import numpy as np

out = sys.argv[1]
r = np.random.default_rng(7)

def idx(images, labels, d, prefix, gz=True, truncate=0, magic=0x803):
    os.makedirs(d, exist_ok=True)
    n, h, w = images.shape
    img = struct.pack(">IIII", magic, n, h, w) + images.astype(np.uint8).tobytes()
    lab = struct.pack(">II", 0x801, len(labels)) + labels.astype(np.uint8).tobytes()
    if truncate:
        img = img[:-truncate]
    op = gzip.open if gz else open
    with op(os.path.join(d, prefix + "-images-idx3-ubyte" + (".gz" if gz else "")), "wb") as f:
        f.write(img)
    with op(os.path.join(d, prefix + "-labels-idx1-ubyte" + (".gz" if gz else "")), "wb") as f:
        f.write(lab)

H = int(sys.argv[2]) if len(sys.argv) > 2 else 16
test_x = r.integers(0, 256, (20, H, H)); test_y = r.integers(0, 10, 20)
train_x = r.integers(0, 256, (12, H, H)); train_y = r.integers(0, 10, 12)
idx(test_x, test_y, os.path.join(out, "fmnist"), "t10k")
idx(train_x, train_y, os.path.join(out, "fmnist"), "train")
# Preprocessed copies (scale 1/255, grey) for the numpy reference.
np.save(os.path.join(out, "fmnist_test_x.npy"), (test_x / 255.0).astype(np.float32)[..., None])
np.save(os.path.join(out, "fmnist_test_y.npy"), test_y)
np.save(os.path.join(out, "fmnist_train_y.npy"), train_y)

def cifar(path, n, seed, bad_label=False, truncate=0):
    rr = np.random.default_rng(seed)
    x = rr.integers(0, 256, (n, 3, 32, 32)).astype(np.uint8)
    y = rr.integers(0, 10, n).astype(np.uint8)
    if bad_label:
        y[3] = 11
    data = b"".join(bytes([y[i]]) + x[i].tobytes() for i in range(n))
    if truncate:
        data = data[:-truncate]
    open(path, "wb").write(data)
    return x, y

os.makedirs(os.path.join(out, "cifar"), exist_ok=True)
cx, cy = cifar(os.path.join(out, "cifar", "test_batch.bin"), 10, 1)
for i in range(1, 6):
    cifar(os.path.join(out, "cifar", "data_batch_%d.bin" % i), 2, 10 + i)
np.save(os.path.join(out, "cifar_test_x.npy"), (cx.transpose(0, 2, 3, 1) / 255.0).astype(np.float32))
np.save(os.path.join(out, "cifar_test_y.npy"), cy)

bad = os.path.join(out, "bad")
idx(test_x, test_y, os.path.join(bad, "truncated"), "t10k", truncate=100)
idx(test_x, test_y, os.path.join(bad, "magic"), "t10k", magic=0x1234)
idx(test_x, test_y[:5], os.path.join(bad, "count"), "t10k")
os.makedirs(os.path.join(bad, "gz"), exist_ok=True)
good = gzip.compress(struct.pack(">IIII", 0x803, 20, H, H) + test_x.astype(np.uint8).tobytes())
open(os.path.join(bad, "gz", "t10k-images-idx3-ubyte.gz"), "wb").write(good[:len(good) // 2])
with gzip.open(os.path.join(bad, "gz", "t10k-labels-idx1-ubyte.gz"), "wb") as f:
    f.write(struct.pack(">II", 0x801, 20) + test_y.astype(np.uint8).tobytes())
cifar(os.path.join(bad, "cifar_truncated.bin"), 4, 2, truncate=10)
cifar(os.path.join(bad, "cifar_label.bin"), 4, 3, bad_label=True)
os.makedirs(os.path.join(bad, "npy_nox"), exist_ok=True)
open(os.path.join(bad, "not_an_image.png"), "wb").write(b"\x89PNG\r\n\x1a\n garbage")

# PNG images (written with zlib, no imaging library needed): a 16x16 grey
# one and a 20x20 RGB one, plus their preprocessed float versions for a
# 16x16 grey model (RGB -> grey by the channel mean, 20 -> 16 bilinear is
# left to the executable; only the 16x16 grey one has an exact reference).
import zlib
def png(path, pixels):
    h, w = pixels.shape[:2]
    colour = 0 if pixels.ndim == 2 else 2
    raw = b"".join(b"\x00" + pixels[y].astype(np.uint8).tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
g = r.integers(0, 256, (H, H))
png(os.path.join(out, "grey.png"), g)
png(os.path.join(out, "rgb.png"), r.integers(0, 256, (20, 20, 3)))
batch = np.zeros((8, H, H, 1), np.float32)
batch[0, :, :, 0] = g / 255.0
np.save(os.path.join(out, "grey_png_x.npy"), batch)
