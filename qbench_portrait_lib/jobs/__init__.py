"""The jobs behind the CLI commands: score a file, compare files, the demo.

An edge room that wires the cores and the other edges together; each CLI command calls one
function here or in a core. May import every room but the CLI.
"""
