"""Screener answers as a browser posts them (SPEC.md's field names), shared by the tests."""

# Every yes/no question answered "no".
NO_TO_EVERY_QUESTION = {
    "isotretinoin": "no",
    "radiation": "no",
    "pregnant": "no",
    "keloid": "no",
    "infection": "no",
    "open_wounds": "no",
    "cold_sores": "no",
    "previous_treatment": "no",
}

# A patient who may book straight away.
ELIGIBLE_ANSWERS = {"area": "face_neck", "concerns": ["fine_lines"], **NO_TO_EVERY_QUESTION}
