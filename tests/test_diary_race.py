"""No double booking, ever: twenty patients confirming one time at once make one appointment.

The race runs in a subprocess of its own against a database of its own (a SQLite file, or a
PostgreSQL database when the suite runs on PostgreSQL), twenty threads each with its own
connection, so the database's own locking is what is tested.
"""

import json
import sys

from tests.test_outbox_overlap import outbox_env, run  # noqa: F401 (fixture)

ROUNDS = 5


def test_twenty_patients_confirming_one_time_make_exactly_one_appointment(outbox_env):  # noqa: F811
    output = run([sys.executable, "tests/diary/race.py", "20", str(ROUNDS)], outbox_env)
    rounds = json.loads(output.splitlines()[-1])
    assert len(rounds) == ROUNDS
    for result in rounds:
        assert result["outcomes"] == ["booked"] + ["taken"] * 19, result
        assert result["appointments"] == 1
