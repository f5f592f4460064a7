"""encoding.py's review -> word ids as TensorFlow ops, so that the exported model takes raw review strings.

Python's str.lower, \\w and \\s follow Python's Unicode tables, TensorFlow's lowercasing (ICU) and
regular expressions (RE2) their own, and the two disagree on a few thousand characters (letters
added in recent Unicode versions, NUL). So the character classes below are listed from Python's
own tables, and the letters ICU lowercases differently are lowercased Python's way first. Every
character on its own then tokenizes exactly as in Python (tests/test_export.py checks them all), and so
does any text of the characters ICU knows (Unicode 13). The one difference left: a Greek capital sigma
beside a letter added in Unicode 14 (e.g. U+2C2F) may become the other of σ and ς, as ICU does not
know that letter is cased.
"""
import sys

import tensorflow as tf

from stages.sentiment.encoding import OOV_ID, PADDING_ID, TRUNCATING_SIDES


def _character_class(predicate):
    """The body of an RE2 character class matching exactly the characters where predicate(char) holds."""
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        inside = code <= sys.maxunicode and predicate(chr(code))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"\\x{{{start:x}}}" if start == code - 1 else f"\\x{{{start:x}}}-\\x{{{code - 1:x}}}")
            start = None
    return "".join(ranges)


def _lowercase_differences():
    """{char: Python's lowercase} for the characters TensorFlow's ICU lowercases otherwise."""
    changed = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).lower() != chr(code)]
    lowered = tf.strings.lower([char.encode("utf-8") for char in changed], encoding="utf-8")
    return {char: char.lower() for char, icu in zip(changed, lowered.numpy()) if icu.decode("utf-8") != char.lower()}


class ReviewEncoder:
    """encoding.encode(texts, word_index, maxlen, truncating) for a string tensor of reviews, in the graph."""

    def __init__(self, word_index, maxlen, truncating):
        if truncating not in TRUNCATING_SIDES:
            raise ValueError(f"truncating must be one of {TRUNCATING_SIDES}, got {truncating!r}")
        self.maxlen, self.truncating = maxlen, truncating
        self.table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(list(word_index)), tf.constant(list(word_index.values()), dtype=tf.int32)
            ),
            default_value=OOV_ID,
        )
        whitespace = _character_class(str.isspace)
        self.lowercase_first = _lowercase_differences()
        self.line_break = f"<br[{whitespace}]*/?>"
        # What standardise() turns into spaces ([^\w\s]|_) and str.split() then splits on ([\s]):
        # every character but Python's letters and digits.
        self.separators = f"[^{_character_class(str.isalnum)}]+"

    def words(self, reviews):
        """The words of each review (a ragged string tensor), as encoding.tokenize finds them."""
        # ICU stops at a NUL; \x01 is, like NUL, neither a letter, a space nor cased.
        text = tf.strings.regex_replace(reviews, "\\x00", "\x01")
        for char, lowered in self.lowercase_first.items():
            text = tf.strings.regex_replace(text, f"\\x{{{ord(char):x}}}", lowered)
        text = tf.strings.lower(text, encoding="utf-8")
        text = tf.strings.regex_replace(text, self.line_break, " ")
        text = tf.strings.regex_replace(text, "['\u2019]", "")
        return tf.strings.split(tf.strings.regex_replace(text, self.separators, " "))

    def __call__(self, reviews):
        """int32 word ids (len(reviews), maxlen): the last (pre) or first (post) maxlen words, zeros after."""
        ids = tf.ragged.map_flat_values(self.table.lookup, self.words(reviews))
        ids = ids[:, -self.maxlen:] if self.truncating == "pre" else ids[:, : self.maxlen]
        return ids.to_tensor(default_value=PADDING_ID, shape=[None, self.maxlen])
