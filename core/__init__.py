"""The vocabulary every layer shares, with no dependency beyond the standard library: statuses,
the China clock, the error base and the manifest's declaration types."""
