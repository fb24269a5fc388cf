"""The scale model: what a laptop cannot run (a thousand environments, a million requests), computed from real
measurements under Lambda's concurrency rules, and what it costs. Pure functions: no I/O, no engine.

arrivals.py (traffic shapes), measurements.py (samples from REPORT lines), scenario.py (one function's settings),
scale_model.py (``simulate``: the discrete-event run), results.py (what it returns), pricing.py (the bill),
agreement.py (scenarios small enough for the real engine too, and the comparison of the two).
"""
