"""screener/questions.py is the one list of questions: the rules' input, the form, the session
and the answers shown back all agree with it."""

from dataclasses import fields
from datetime import date

from screener.eligibility import Answers, Area, Concern
from screener.forms import ScreenerForm
from screener.questions import QUESTIONS, RECHECK_QUESTIONS, answer_rows
from screener.session import answers_from_dict, answers_to_dict


def test_every_question_is_an_input_of_the_rules_and_nothing_else_is():
    names = {q.date_name or q.name for q in QUESTIONS} | {"area", "concerns"}
    assert names == {f.name for f in fields(Answers)}


def test_the_form_asks_every_question_in_the_tables_order():
    expected = ["area", "concerns"]
    for question in QUESTIONS:
        expected += [question.name] + ([question.date_name] if question.date_name else [])
    assert list(ScreenerForm(today=date(2026, 3, 10)).fields) == expected


def test_the_recheck_asks_the_questions_whose_answer_can_change_quickly():
    assert [q.name for q in RECHECK_QUESTIONS] == [
        "isotretinoin",
        "radiation",
        "pregnant",
        "infection",
        "open_wounds",
        "previous_treatment",
    ]


def test_answers_survive_the_session_and_read_back_in_words():
    answers = Answers(
        area=Area.DECOLLETAGE,
        concerns=frozenset({Concern.ACNE_SCARS}),
        pregnant=False,
        keloid=False,
        infection=True,
        open_wounds=False,
        cold_sores=True,
        radiation_date=date(2025, 8, 23),
    )
    assert answers_from_dict(answers_to_dict(answers)) == answers
    rows = dict(answer_rows(answers))
    assert rows["Area to be treated"] == "Décolletage (upper chest)"
    assert rows["What you would like to improve"] == "Acne scars"
    assert rows["Radiation therapy to the skin in the last 12 months"] == "Yes, on August 23, 2025"
    assert rows["Isotretinoin (Accutane) in the last 3 months"] == "No"
    assert rows["Ever had cold sores"] == "Yes"
    assert len(rows) == 2 + len(QUESTIONS)
