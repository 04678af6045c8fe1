"""Registering a whole portfolio from a CSV or JSON Lines file: its input, the pipelined run and its report."""
