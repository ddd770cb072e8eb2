"""Import d2l before any test module imports mxnet, so that MXNet loads
with every usable core (d2l.preload), as it does in the chapter."""
import d2l  # noqa: F401
