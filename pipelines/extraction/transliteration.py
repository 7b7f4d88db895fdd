"""Cyrillic names in Latin letters, as English-language news spells them, so that the Russian and
English names of one person, place or organisation can be compared."""

from __future__ import annotations

import polars as pl

# Letters to Latin as English-language news spells Russian names (BGN/PCGN without diacritics):
# "Хренин" -> "Khrenin", "Шойгу" -> "Shoigu", "Дмитрий" -> "Dmitry", "Евгений" -> "Yevgeny". "ё" after a
# consonant is "e", as those papers write "Горбачёв", "Королёв" and "Щёголев": "Gorbachev", "Korolev",
# "Shchegolev" (first names that keep "yo", "Пётр" -> "Pyotr", are in russian_given_names.txt).
LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}
VOWELS = "аеёиоуыэюяъь"


def latin(text: pl.Expr) -> pl.Expr:
    """`text` in Latin letters as English-language news writes Russian names: "е" is "ye" at the
    start of a word and after a vowel or a soft sign, "ё" "e" after a consonant, "-ий"/"-ый" end in
    "y"; text already in Latin letters stays as it is."""
    lower = (text.str.replace_all(r"(^|[\s\-])Е", "${1}Ye").str.replace_all(r"(^|[\s\-])е", "${1}ye")
             .str.replace_all(f"([{VOWELS}])е", "${1}ye").str.replace_all(r"([иы])й\b", "y")
             .str.replace_all(f"([^{VOWELS}\\W])ё", "${1}e").str.replace_all(r"Ё", "Yo"))
    upper = {k.upper(): v.capitalize() for k, v in LETTERS.items() if v}
    return lower.str.replace_many(list(LETTERS) + list(upper), list(LETTERS.values()) + list(upper.values()))
