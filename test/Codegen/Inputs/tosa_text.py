"""Pieces of MLIR text the test generators next to this file share: TOSA
tensor types and weights as `dense_resource` blobs in the module's
`dialect_resources` section."""


def t(*shape):
    """`tensor<AxBx...xf32>`."""
    return "tensor<%sxf32>" % "x".join(map(str, shape))


def blob(values):
    """A float32 array as a resource blob: the 4-byte alignment header,
    then the little-endian values, in hex."""
    return "0x04000000" + values.astype("<f4").tobytes().hex().upper()


def resources(**arrays):
    """The `{-# dialect_resources #-}` section holding each array under its
    keyword's name (what `dense_resource<name>` refers to)."""
    entries = ",\n".join('      %s: "%s"' % (name, blob(v)) for name, v in arrays.items())
    return "{-#\n  dialect_resources: {\n    builtin: {\n%s\n    }\n  }\n#-}" % entries
