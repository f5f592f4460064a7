"""Stage commands and the shared logic of the four deep-learning projects."""
import os

# TensorFlow's C++ log lines bury the per-epoch progress and say nothing a user can act on: the start-up
# banner (oneDNN, CPU features), and an E0000 line about a `use_unbounded_threadpool` attribute whenever op
# determinism rewrites Keras's tf.data batching of arrays. A real failure still raises a Python exception.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
