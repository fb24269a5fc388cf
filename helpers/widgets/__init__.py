"""The notebooks' widgets: labelled controls and a plot, redrawn by pure functions over cached measurements.

``explorer.py`` is the one piece every widget is made of. One module per notebook builds that notebook's explorers
from pure functions (in ``helpers.simulate`` and ``helpers.observe``) that the tests call too. The data plane
(``helpers.lambda_service``, ``helpers.runtime``, ...) never imports this package.
"""
