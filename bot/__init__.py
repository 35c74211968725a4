"""CEP assistant: tells a person which Conseil en évolution professionnelle door is theirs."""

__version__ = "0.1.0"
