"""The safety cap for tests that judge what the work limits give.

Every solve is bounded by work (nodes, iterations); the time limit is only a
safety cap, and when it bites the plan may differ on another machine. A test
of a plan, a figure or a status must not depend on how busy the machine is,
so it passes a cap that a work-limited solve of its small case never reaches,
even with every core busy. Tests of the cap itself (what a capped run says)
set their own small caps.
"""

NO_CAP_SECONDS = 900.0
NO_CAP = "900"  # the same, for the command line's --time-limit
