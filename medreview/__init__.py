"""medreview: compliance review for medical and health blog posts."""

__version__ = "0.1.0"
