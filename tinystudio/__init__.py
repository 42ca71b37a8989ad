"""TinyStudio: train, test and shrink tiny text models on your own CSV."""

__version__ = "0.1.0"
