"""The pages' words: every key in every language with the same fields, and the language a browser asks for."""

from __future__ import annotations

import string

import pytest
from ipledger.web._i18n import WEB_MESSAGES, negotiate_lang


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_language_has_every_key_with_the_same_fields() -> None:
    english = WEB_MESSAGES["en"]
    for lang, messages in WEB_MESSAGES.items():
        assert set(messages) == set(english), lang
        for key, template in messages.items():
            assert _fields(template) == _fields(english[key]), (lang, key)


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,de;q=0.9", None),
        ("fr;q=0.9,zh-TW;q=0.95", "zh-Hant"),
        ("zh-TW;q=0,en", "en"),
        ("", None),
        (None, None),
    ],
)
def test_accept_language(header: str | None, lang: str | None) -> None:
    assert negotiate_lang(header) == lang
