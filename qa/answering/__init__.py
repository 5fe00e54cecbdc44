"""Answering: a question is analysed once (`query`), its candidate sentences (`candidates`) become feature rows
(`features`), a learned ranker and answerability model (`models`) choose one or abstain (`answer`).
Follow-ups are resolved first (`followup`); `training` rebuilds the models."""

from qa.answering.answer import AlreadySaid, AnswerContext, answer_question, combine

__all__ = ["AlreadySaid", "AnswerContext", "answer_question", "combine"]
