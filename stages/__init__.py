"""Stage commands and the shared logic of the four deep-learning projects."""
import os

# TensorFlow's C++ start-up banner (oneDNN, CPU features) buries the per-epoch progress lines.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
