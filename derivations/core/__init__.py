"""What every topic shares: symbols, words, rendering, claims, caching and input checks."""
