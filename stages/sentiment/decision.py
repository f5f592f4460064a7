"""params.yaml `sentiment.evaluate`: the decision threshold on P(positive), shared by evaluate and predict."""
from stages.params import Fraction, Section


class Decision(Section):
    threshold: Fraction
