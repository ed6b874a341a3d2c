"""GB/T 32150 accounting: category formulas, activity lines, results and their traces."""
