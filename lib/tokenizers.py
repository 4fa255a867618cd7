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
        unk = getattr(self, "unk", None)
        out = []
        for ch in text:
            i = self._id.get(ch, unk)
            if i is None:
                raise ValueError(f"character {ch!r} is not in the alphabet and there is no unk token")
            out.append(i)
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The characters of `ids`."""
        return "".join(self.tokens[int(i)] for i in ids)


class WordTokenizer(_Vocab):
    """One token per whitespace-separated word of a fixed vocabulary; unknown words map to `unk`."""

    def __init__(self, words: Sequence[str], specials: dict[str, str] | None = None):
        super().__init__(list(words), specials or {})

    def encode(self, text: str | Sequence[str]) -> list[int]:
        """Ids of the words of `text` (a string split on whitespace, or a list of words)."""
        words = text.split() if isinstance(text, str) else text
        unk = getattr(self, "unk", None)
        out = []
        for w in words:
            i = self._id.get(w, unk)
            if i is None:
                raise ValueError(f"word {w!r} is not in the vocabulary and there is no unk token")
            out.append(i)
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The words of `ids`, joined by single spaces."""
        return " ".join(self.tokens[int(i)] for i in ids)
