"""Acronyms learned from the corpus: "Committee of Experts on Public Administration (CEPA)",
"CEPA: Committee of Experts …" glossary lines and tables of acronyms, each kept with the
documents that define it.

Like the keyword index this is derived data, rebuilt from the store's passages whenever the
catalogue's generation moves on (:func:`assistant.storage.keyword.rebuild_from_store` feeds both)
and saved as ``acronyms.json`` in the data folder. Answering uses it to read "cepa", "WSIS" or
"intosai" in a question as the names the documents write out: the search looks for both, and the
check that every name a question uses is in the evidence accepts either.

Many documents write a name out and never give its acronym (the CEPA report says "Committee of
Experts on Public Administration" throughout): for an acronym no document defines, the index
also keeps the capitalised names the documents use, and the most frequent name that spells the
acronym stands for it (three letters at least; two-letter acronyms are too ambiguous).

A definition counts only when the acronym is spelled by the words before it (or after it, in a
glossary line): each word gives a prefix of itself, in order ("International Organization of
Supreme Audit Institutions" spells INTOSAI), small words ("of", "the", "on") may give nothing.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.countries import compound_parts
from assistant.text import fold, stems

# Words that may be skipped when spelling an acronym from its expansion.
_SMALL = frozenset("of the on for and in to a an de la des du et by with at".split())
# An acronym as written: capitals (and digits) of 2-10 characters, perhaps one lower-case letter
# inside or a final "s" ("SIDS", "LDCs", "UNDESA", "ICTs", "eGov" is not one).
_ACRONYM = r"[A-Z][A-Z0-9&]{1,9}(?:[a-z][A-Z]{1,4})?"
_IN_PARENS = re.compile(rf"\(\s*({_ACRONYM})s?\s*\)")
_GLOSSARY = re.compile(
    rf"(?m)^\s*({_ACRONYM})s?\s*(?::|–|—|-|=|\t| {{2,}})\s*([A-Z][^\n]{{3,120}})$"
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
# A capitalised name: capitalised words, perhaps joined by up to two small words.
_NAME = re.compile(
    r"\b[A-Z][a-z][\w'’-]*(?:\s+(?:(?:of|the|on|for|and|in|to|de|la|des|du|et)\s+){0,2}[A-Z][\w'’-]+){1,7}"
)


# An acronym more than this share of the passages use needs no expansion (the documents use it
# as it is: "UN", "SDGs"), and is a name, not a topic word (answering/documents.absent_topic).
COMMON_ACRONYM_SHARE = 0.01


def _spells(letters: str, words: list[str], *, small_letters: bool = True) -> bool:
    """Whether ``words`` in order spell ``letters``, each word by a prefix of itself (small
    words may give nothing; every other word gives at least its first letter). With
    ``small_letters`` false, small words give nothing at all."""

    def go(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j].lower().replace("-", "")
        if word in _SMALL:
            if go(i, j + 1):
                return True
            if not small_letters:
                return False
        for size in range(1, min(len(word), len(letters) - i) + 1):
            if word[:size] != letters[i : i + size]:
                break
            if go(i + size, j + 1):
                return True
        return False

    return len(words) <= 2 * len(letters) + 2 and go(0, 0)


def in_order(letters: str, text: str) -> bool:
    """Whether ``letters`` occur in ``text`` in order (not necessarily together): what any
    spelling of them by ``text``'s words needs."""
    rest = iter(text)
    return all(letter in rest for letter in letters)


def _expansion_before(acronym: str, before: str) -> str | None:
    """The shortest run of words ending ``before`` that spells ``acronym``."""
    letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
    words = _WORD.findall(before[-300:])
    for size in range(1, min(len(words), 2 * len(letters) + 2) + 1):
        run = words[-size:]
        if run[0].lower() in _SMALL or (len(run) == 1 and not run[0][0].isupper()):
            continue
        if _spells(letters, run):
            return " ".join(run)
    return None


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, expansion) pairs defined in ``text``."""
    found: list[tuple[str, str]] = []
    for match in _IN_PARENS.finditer(text):
        acronym = match.group(1)
        expansion = _expansion_before(acronym, text[: match.start()])
        if expansion:
            found.append((acronym, expansion))
    for match in _GLOSSARY.finditer(text):
        acronym, rest = match.group(1), match.group(2)
        words = _WORD.findall(rest)
        letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
        for size in range(1, min(len(words), 2 * len(letters) + 2) + 1):
            if _spells(letters, words[:size]):
                found.append((acronym, " ".join(words[:size])))
                break
    return found


def find_names(text: str) -> list[str]:
    """The capitalised multi-word names in ``text`` ("Committee of Experts on Public
    Administration"), spaces single."""
    return [" ".join(m.group(0).split()) for m in _NAME.finditer(text)]


def _spelling_run(letters: str, name: str) -> tuple[str, bool] | None:
    """The run of ``name``'s words that spells ``letters`` (starting at a capitalised word),
    and whether it does so by initials alone; None when no run does."""
    words = name.split()
    spelled = _run_spelling(letters, words, list(range(len(words))), words)
    if spelled is None or not spelled[1]:
        # the parts of a compound give their own initials, hyphened or closed ("Asia-Pacific
        # Forum on Sustainable Development": APFSD; "E-Participation Index": EPI, by initials;
        # "Peacebuilding Fund": PBF); the run is still of whole words of the name
        parts = [(i, part) for i, word in enumerate(words) for part in compound_split(word)]
        if len(parts) > len(words):
            owner = [i for i, _ in parts]
            by_parts = _run_spelling(letters, [part for _, part in parts], owner, words)
            if by_parts is not None and (spelled is None or by_parts[1]):
                spelled = by_parts
    return spelled


# Words a name read from text may come with before it: the words that lead into it in the
# sentence ("In the …", "According to the …", "Through the …"), or whose it is ("Singapore's …")
_LEAD_IN = frozenset(
    "a an the in on at by for from of to with through according under as and".split()
)


def _without_lead_in(name: str) -> str:
    """``name`` without the words a sentence may lead into it with ("In the Government
    Technology Agency", "Singapore's Government Technology Agency")."""
    words = name.split()
    while len(words) > 1 and (words[0].lower() in _LEAD_IN or words[0].endswith(("'s", "’s"))):
        words = words[1:]
    return " ".join(words)


def compound_split(word: str) -> list[str]:
    """``word``'s parts: those between its hyphens, or the two English words a closed compound
    is written as (:func:`assistant.countries.compound_parts`); else the word alone."""
    if "-" in word:
        return [part for part in word.split("-") if part] or [word]
    if word[:1].isupper():
        return compound_parts(word.strip("'’")) or [word]
    return [word]


def _run_spelling(
    letters: str, words: list[str], owner: list[int], name: list[str]
) -> tuple[str, bool] | None:
    """:func:`_spelling_run` over ``words``: the words of ``name``, or their parts, ``owner``
    giving the word of ``name`` each is (of); a run starts and ends at whole words."""
    for start, word in enumerate(words):
        if word[0].lower() != letters[0] or not word[0].isupper():
            continue
        if start and owner[start] == owner[start - 1]:
            continue  # not the first part of its word
        for end in range(len(words), start, -1):
            if end < len(words) and owner[end] == owner[end - 1]:
                continue  # not the last part of its word
            run = words[start:end]
            if run[-1].lower() in _SMALL:
                continue  # a name ends with a content word, never "... Institutions and"
            # a name a document defines no acronym for spells one by its content words only:
            # "Conference of the Parties (COP)" is learned where it is defined, but a typed
            # "govts" is not "Governments to Strengthen"
            if _spells(letters, run, small_letters=False):
                content = [w for w in run if w.lower() not in _SMALL]
                shown = name[owner[start] : owner[end - 1] + 1]
                return " ".join(shown), len(content) == len(letters)
    return None


def count_stems(df: dict[str, Counter[str]], passages: Counter[str], scope: str, text: str) -> None:
    """Add one passage of ``scope`` to the word-frequency counts."""
    df.setdefault(scope, Counter()).update(stems(text))
    passages[scope] += 1


# A name is read as what a typed word of three letters stands for, when no document defines
# that word as its acronym, only if the documents name it at least this many times: three
# letters are the initials of some rarely named thing by chance ("pls": Porfirio Lobo Sosa,
# named twice).
SPELLED_NAME_MIN_USES = 3

# The fewest letters an acronym typed with a slip has for the slip to be read (see
# AcronymIndex._slipped): shorter ones are too often other acronyms.
SLIPPED_ACRONYM_LETTERS = 4


class AcronymIndex:
    """Acronym -> its expansions, with the documents that define each (``acronyms.json``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.generation = -1
        # folded acronym -> expansion -> doc ids (with how often each defines it)
        self._entries: dict[str, dict[str, Counter[str]]] = {}
        # capitalised name -> doc ids (with how often each uses it)
        self._names: dict[str, Counter[str]] = {}
        # access scope -> word stem -> in how many passages; and passages per scope
        self._df: dict[str, Counter[str]] = {}
        self._passages: Counter[str] = Counter()
        self._spelled: dict[str, list[tuple[bool, str, Counter[str]]]] = {}
        # first letter -> the names with a capitalised word starting with it (built on first use)
        self._by_initial: dict[str, list[str]] | None = None

    def build(
        self,
        pairs: Iterable[tuple[str, str, str]],
        generation: int,
        names: Iterable[tuple[str, str]] = (),
        df: dict[str, Counter[str]] | None = None,
        passages: Counter[str] | None = None,
    ) -> int:
        """Replace the index with ``(doc_id, acronym, expansion)`` definitions, ``(doc_id,
        name)`` uses of names, and per access scope the passages using each word stem (``df``) and
        the passages (see :func:`count_stems`); saves it. Returns the number of acronyms defined."""
        entries: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        for doc_id, acronym, expansion in pairs:
            entries[fold(acronym).replace(" ", "")][" ".join(expansion.split())][doc_id] += 1
        used: dict[str, Counter[str]] = defaultdict(Counter)
        for doc_id, name in names:
            used[name][doc_id] += 1
        with self._lock:
            self._entries = {a: dict(e) for a, e in entries.items()}
            self._names = dict(used)
            self._df, self._passages = dict(df or {}), passages or Counter()
            self._spelled, self._by_initial = {}, None
            self.generation = generation
            self._save()
        return len(self._entries)

    def _save(self) -> None:
        data = {
            "generation": self.generation,
            "acronyms": {
                a: {exp: dict(docs) for exp, docs in e.items()} for a, e in self._entries.items()
            },
            "names": {name: dict(docs) for name, docs in self._names.items()},
            "df": {scope: dict(counts) for scope, counts in self._df.items()},
            "passages": dict(self._passages),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    def load(self) -> bool:
        """Read the saved index; False when there is none or it cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = {
                a: {exp: Counter(docs) for exp, docs in e.items()}
                for a, e in data["acronyms"].items()
            }
            names = {name: Counter(docs) for name, docs in data["names"].items()}
            df = {scope: Counter(counts) for scope, counts in data["df"].items()}
            passages = Counter(data["passages"])
            generation = int(data["generation"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False
        with self._lock:
            self._entries, self._names, self.generation = entries, names, generation
            self._df, self._passages = df, passages
            self._spelled, self._by_initial = {}, None
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def expand(self, acronym: str, visible: Callable[[str], bool]) -> str | None:
        """The expansion the visible documents give ``acronym`` most often, or None.

        Failing a definition, a name the documents use whose letters spell it (by initials
        first) is read as what it stands for. Three letters spell some name by chance: they
        are read by a name's initials only ("pls" is no PLurinational State), and from a name
        the documents give often enough (SPELLED_NAME_MIN_USES: "pls" is no Porfirio Lobo Sosa,
        "etc" no Emergency Telecommunications Cluster, "ngo" no New Guinea's Online)."""
        key = fold(acronym).replace(" ", "")
        defined = self._most_defined(key if key in self._entries else key.rstrip("s"), visible)
        if defined:
            return defined
        if len(key) < 3:
            return None
        least = SPELLED_NAME_MIN_USES if len(key) == 3 else 1
        ranked: tuple[bool, int, str] | None = None
        for by_initials, name, docs in self._spelling(key):
            if len(key) == 3 and not by_initials:
                continue  # three letters found inside a name's words spell nearly any name
            count = sum(n for doc, n in docs.items() if visible(doc))
            if count >= least and (ranked is None or (by_initials, count, name) > ranked):
                ranked = (by_initials, count, name)
        if ranked:
            return ranked[2]
        slipped = self._slipped(key)
        return self._most_defined(slipped, visible) if slipped else None

    def _most_defined(self, key: str, visible: Callable[[str], bool]) -> str | None:
        """The expansion the visible documents give the acronym ``key`` most often, or None."""
        best: tuple[int, str] | None = None
        for expansion, docs in self._entries.get(key, {}).items():
            count = sum(n for doc, n in docs.items() if visible(doc))
            if count and (best is None or (count, expansion) > best):
                best = (count, expansion)
        return best[1] if best else None

    def _slipped(self, key: str) -> str | None:
        """The one acronym the documents define that ``key`` (four letters or more, defined by
        none) types with a slip: two letters swapped, one dropped or one doubled ("esacp",
        "escp", "esscap" for ESCAP); a letter changed makes another acronym ("UNEP", "UNDP"), so
        it is not read as a slip."""
        from rapidfuzz.distance import OSA

        if len(key) < SLIPPED_ACRONYM_LETTERS:
            return None
        near = [
            other
            for other in self._entries
            if abs(len(other) - len(key)) <= 1
            and OSA.distance(key, other) == 1
            and (len(other) != len(key) or sorted(other) == sorted(key))
        ]
        return near[0] if len(near) == 1 else None

    def _spelling(self, key: str) -> list[tuple[bool, str, Counter[str]]]:
        """The names that spell ``key``: (by initials alone, the run that spells it, docs)."""
        with self._lock:
            cached = self._spelled.get(key)
            if cached is not None:
                return cached
            if self._by_initial is None:
                by_initial: dict[str, list[str]] = defaultdict(list)
                for name in self._names:
                    for initial in {w[0].lower() for w in name.split() if w[0].isupper()}:
                        by_initial[initial].append(name)
                self._by_initial = dict(by_initial)
            found: dict[str, tuple[bool, Counter[str]]] = {}
            for name in self._by_initial.get(key[0], ()):
                if not in_order(key, name.lower()):
                    continue  # cheap first: a name spells only letters it has, in order
                docs = self._names[name]
                spelled = _spelling_run(key, name)
                if spelled is None:
                    continue
                run, by_initials = spelled
                if not by_initials and " " in run and not _without_lead_in(name).startswith(run):
                    # letters taken from inside several words spell a part of a longer name
                    # by chance ("Approaches in Creating ICT", of a paper's title, for
                    # APCICT): a run of words spelled so must open the name (one word
                    # shortened, "admin", "telecom", is read as before)
                    continue
                old = found.get(run)
                merged = (old[1] + docs) if old else Counter(docs)
                found[run] = (by_initials, merged)
            result = [(b, run, docs) for run, (b, docs) in found.items()]
            if len(self._spelled) > 512:
                self._spelled.clear()
            self._spelled[key] = result
            return result

    def frequency(self, stem: str, scopes: Callable[[str], bool]) -> tuple[int, int]:
        """(passages using the word stem ``stem``, all passages), in the access scopes that
        ``scopes`` accepts."""
        seen = [s for s in self._df if scopes(s)]
        return sum(self._df[s][stem] for s in seen), sum(self._passages[s] for s in seen)

    def defined(self, visible: Callable[[str], bool]) -> list[tuple[str, str, int]]:
        """(acronym, expansion, definitions) the visible documents give, most defined first."""
        found = []
        for key, options in self._entries.items():
            for expansion, docs in options.items():
                count = sum(n for doc, n in docs.items() if visible(doc))
                if count:
                    found.append((key.upper(), expansion, count))
        return sorted(found, key=lambda item: (-item[2], item[0]))

    def sources(self, acronym: str) -> dict[str, list[str]]:
        """Every expansion of ``acronym`` and the documents that define it."""
        key = fold(acronym).replace(" ", "")
        return {exp: sorted(docs) for exp, docs in (self._entries.get(key) or {}).items()}
