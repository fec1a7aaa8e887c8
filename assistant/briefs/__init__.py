"""Advisory briefs: a country and a topic drafted from the corpus, every claim cited and checked.

* :mod:`.model`: what a brief is (plain data; imports nothing else of the package);
* :mod:`.draft`: :func:`~.draft.draft_brief` drafts one from what it is given
  (:class:`~.draft.BriefInputs`: the caller's searches, indicator view and citations);
* :mod:`.checker`: the check every brief passes before it is returned;
* :mod:`.render`: Markdown, Word and the chart.

This file imports none of them, so that the store can load the model without the drafter.
"""
