"""A local extractive summarizer for English and Chinese: no model, no network, no dependency.

Sentences are cut at Chinese and Western full stops, exclamation and question marks (and at line
ends: paragraphs, list items); terms are English words (lower-cased, common words dropped) and, for
Chinese, character bigrams (Chinese has no spaces to split words on; bigrams of a run of Han
characters approximate its words well enough to weigh sentences). A sentence scores the mean
frequency of its terms in the whole text, with a small bonus for the opening sentences; the best
few, no two nearly alike, are returned in reading order.
"""

import re
from collections import Counter

_SENTENCE = re.compile(r"[^。！？!?\n]+?(?:[。！？!?]+[”’」』）)]*|\.+(?=\s|$)|$)|[^\n]+", re.S)  # noqa: RUF001
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9'\u2019-]*[a-z0-9]|[a-z]")
_ENGLISH_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just let me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves one two use used using get gets make makes like way
    may might must shall much many well even still yet""".split()  # noqa: SIM905 - a word list reads better
)
# Characters that make a bigram a function-word pair rather than a term.
_CHINESE_STOP = frozenset("的了是在和也就都而与着或这那我你他她它们个一不有为上中到说要会对能以及把被让从向之其所")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace collapsed, in order."""
    sentences = []
    for match in _SENTENCE.finditer(text):
        sentence = " ".join(match.group(0).split())
        if sentence:
            sentences.append(sentence)
    return sentences


def terms(sentence: str) -> list[str]:
    """English words (no common words) and Chinese character bigrams of `sentence`."""
    lowered = sentence.lower()
    found = []
    for run in _HAN_RUN.findall(lowered):
        if len(run) == 1:
            if run not in _CHINESE_STOP:
                found.append(run)
            continue
        found.extend(
            run[i : i + 2]
            for i in range(len(run) - 1)
            if run[i] not in _CHINESE_STOP and run[i + 1] not in _CHINESE_STOP
        )
    for word in _WORD.findall(_HAN_RUN.sub(" ", lowered)):
        word = word.replace("\u2019", "'").removesuffix("'s")
        if word in _ENGLISH_STOP or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def _long_enough(sentence: str, found: list[str]) -> bool:
    han = sum(len(run) for run in _HAN_RUN.findall(sentence))
    return han >= 8 or len(found) >= 4


def _alike(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) > 0.6


def key_points(text: str, *, minimum: int = 3, maximum: int = 5) -> list[str]:
    """The `minimum` to `maximum` most representative sentences of `text`, in reading order (fewer when
    the text has fewer; none for a text without sentences of substance)."""
    sentences = split_sentences(text)
    candidates = []
    for position, sentence in enumerate(sentences):
        found = terms(sentence)
        if _long_enough(sentence, found):
            candidates.append((position, sentence, found))
    if not candidates:
        return []
    frequency = Counter(term for _position, _sentence, found in candidates for term in found)
    top = max(frequency.values())
    scored = []
    for rank, (position, sentence, found) in enumerate(candidates):
        score = sum(frequency[t] / top for t in found) / len(found) if found else 0.0
        if rank < 2:
            score *= 1.15  # openings usually say what the text is about
        if len(sentence) > 300:
            score *= 0.7  # a wall of text makes a poor key point
        scored.append((score, position, sentence, set(found)))
    wanted = minimum if len(candidates) < 15 else (maximum - 1 if len(candidates) < 40 else maximum)
    chosen: list[tuple[int, str, set[str]]] = []
    for _score, position, sentence, found in sorted(scored, key=lambda item: (-item[0], item[1])):
        if any(_alike(found, other) for _p, _s, other in chosen):
            continue
        chosen.append((position, sentence, found))
        if len(chosen) == wanted:
            break
    return [_trim(sentence) for _position, sentence, _found in sorted(chosen)]


def _trim(sentence: str, limit: int = 280) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
