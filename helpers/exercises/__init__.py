"""Exercise checks for the notebooks: ``from helpers.exercises import welcome`` then ``welcome.check_limits(...)``.

Every check prints specific feedback and returns a ``Verdict``, true when the exercise is solved. None of them ever raises: an unanswered exercise
(``...`` or None, or a function not deployed yet) is reported as "not answered yet".
"""
