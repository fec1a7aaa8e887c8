"""Answers computed a few at a time per process, the others served in order of arrival."""

import threading
import time

from assistant.config import Settings
from assistant.service import Assistant
from assistant.turns import Turns


def _run_together(turns: Turns, n: int, hold: float = 0.05) -> tuple[int, list[int]]:
    """``n`` threads each taking a turn (started one after another, so they arrive in order):
    the most that held one at once, and the order they got them in."""
    lock = threading.Lock()
    now = [0]
    peak = [0]
    served: list[int] = []

    def work(i: int) -> None:
        with turns.turn():
            with lock:
                served.append(i)
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            time.sleep(hold)
            with lock:
                now[0] -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.005)  # arrivals in a known order
    for t in threads:
        t.join()
    return peak[0], served


def test_at_most_the_setting_at_once_and_in_order_of_arrival() -> None:
    peak, served = _run_together(Turns(2), 10)
    assert peak == 2
    assert served == list(range(10))


def test_no_limit_when_zero() -> None:
    peak, _ = _run_together(Turns(0), 6, hold=0.2)
    assert peak == 6


def test_a_thread_holding_a_turn_takes_none_again() -> None:
    turns = Turns(1)
    done = threading.Event()

    def nested() -> None:
        with turns.turn(), turns.turn():
            done.set()

    t = threading.Thread(target=nested)
    t.start()
    t.join(timeout=5)
    assert done.is_set()
    peak, _ = _run_together(turns, 3)  # the turn was given back once, not twice or never
    assert peak == 1


def test_the_assistants_answers_take_turns(settings: Settings, monkeypatch) -> None:
    """Every answer goes through the process's turns (``RAG_ANSWER_CONCURRENCY``)."""
    from assistant.answering import pipeline

    lock = threading.Lock()
    now, peak = [0], [0]

    def answering(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1

    monkeypatch.setattr(pipeline, "answer", answering)
    assistant = Assistant(settings.model_copy(update={"answer_concurrency": 3}))
    threads = [threading.Thread(target=assistant.answer, args=("q",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 3
