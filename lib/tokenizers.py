"""Tokenizers for the book's GPT, kept apart from the model: character level and word level (whitespace split)."""
from __future__ import annotations

from typing import Iterable, Sequence


class _Vocab:
    def __init__(self, tokens: Sequence[str], specials: dict[str, str]):
        if len(set(tokens)) != len(tokens):
            dup = sorted({t for t in tokens if list(tokens).count(t) > 1})
            raise ValueError(f"duplicate tokens in the vocabulary: {dup[:5]}")
        self.tokens = list(tokens)
        self._id = {t: i for i, t in enumerate(self.tokens)}
        for role, tok in specials.items():  # pad / eos / bos / unk -> ids
            if tok not in self._id:
                raise ValueError(f"special token {tok!r} ({role}) is not in the vocabulary")
            setattr(self, role, self._id[tok])

    def __len__(self) -> int:
        return len(self.tokens)

    def _lookup(self, items: Iterable[str], what: str, where: str) -> list[int]:
        """Ids of `items`; an unknown item maps to `unk` if defined, else raises ValueError naming it."""
        unk = getattr(self, "unk", None)
        out = []
        for item in items:
            i = self._id.get(item, unk)
            if i is None:
                raise ValueError(f"{what} {item!r} is not in the {where} and there is no unk token")
            out.append(i)
        return out

    def id(self, token: str) -> int:
        """The id of one token (KeyError naming it if unknown)."""
        try:
            return self._id[token]
        except KeyError:
            raise KeyError(f"token {token!r} is not in the vocabulary") from None


class CharTokenizer(_Vocab):
    """One token per character of `alphabet`; `specials` maps roles (pad, eos, bos, unk) to characters in it."""

    def __init__(self, alphabet: str, specials: dict[str, str] | None = None):
        super().__init__(list(alphabet), specials or {})

    def encode(self, text: str) -> list[int]:
        """Ids of the characters; an unknown character maps to `unk` if defined, else raises ValueError."""
        return self._lookup(text, "character", "alphabet")

    def decode(self, ids: Iterable[int]) -> str:
        """The characters of `ids`."""
        return "".join(self.tokens[int(i)] for i in ids)


class WordTokenizer(_Vocab):
    """One token per whitespace-separated word of a fixed vocabulary; unknown words map to `unk`."""

    def __init__(self, words: Sequence[str], specials: dict[str, str] | None = None):
        super().__init__(list(words), specials or {})

    def encode(self, text: str | Sequence[str]) -> list[int]:
        """Ids of the words of `text` (a string split on whitespace, or a list of words)."""
        return self._lookup(text.split() if isinstance(text, str) else text, "word", "vocabulary")

    def decode(self, ids: Iterable[int]) -> str:
        """The words of `ids`, joined by single spaces."""
        return " ".join(self.tokens[int(i)] for i in ids)
