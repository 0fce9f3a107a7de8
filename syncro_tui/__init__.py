"""syncro-tui: a keyboard-driven terminal client for Syncro MSP tickets."""

__version__ = "0.1.0"
