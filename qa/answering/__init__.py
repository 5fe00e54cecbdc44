"""Answering: a question is analysed once (`query`: its terms, the kind of answer asked, its `scope`, the years and
numbers it names). A broad scope gets its shape from the document's structure (`broad`, `gather`); a fact question's
candidate sentences (`candidates`) become feature rows (`features`), and a learned ranker and answerability model
(`models`) choose one or abstain (`answer`). Follow-ups are resolved first (`followup`); `training` rebuilds the
models, with look-alike questions (`lookalikes`) among its unanswerable examples."""

from qa.answering.answer import AlreadySaid, AnswerContext, answer_question, combine, refused_as_unsaid

__all__ = ["AlreadySaid", "AnswerContext", "answer_question", "combine", "refused_as_unsaid"]
