"""`make mutate`: mutation testing of the trust-critical modules (python -m tests.mutation).

It lives beside the tests rather than in bench/ because it measures the tests, not the site: its
module -> tests map (targets.py) changes whenever tests are added or moved, in the same commits.
Only test_operators.py here is collected by pytest; the runner never is.
"""
