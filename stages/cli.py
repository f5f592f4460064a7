"""Command-line plumbing shared by every stage: one clear line for an expected failure."""
import logging
import sys


class StageError(Exception):
    """A failure the user can fix (bad params, missing or corrupt input): reported without a traceback."""


def run(main):
    """Run a stage's main(), turning a StageError into one line on stderr and exit status 2."""
    # Only our own loggers: TensorFlow's has a handler of its own.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("stages")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        main()
    except StageError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
