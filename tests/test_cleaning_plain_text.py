"""The plain-text cleaner's learned line classifier on page shapes beyond a single article."""

from __future__ import annotations

import numpy as np

from pipelines.cleaning.text import (
    FEATURE_NAMES, KEEP_PROBABILITY, MODEL_PATH, clean_plain_text, main_content_probabilities, page_lines,
)

MENU = "* Home\n* News\n+ World\n+ Business\n* Sport\n* Weather\n* Contact us\nSearch\n"
FOOTER = "\nAbout us\nPrivacy policy\nTerms of use\nCopyright 2025 Example Media. All rights reserved.\n"

GUIDE = MENU + """
How to repot a houseplant

Repotting gives a plant fresh soil and room for its roots to grow, and most houseplants need it every year or two.

What you will need

A pot one size larger than the old one, fresh potting mix suited to the plant, and a trowel or a large spoon.

Step by step

Water the plant a day before, so that the root ball holds together when you lift it out of the old pot.

Loosen the roots gently with your fingers and set the plant in the new pot at the same depth as before.

Fill the gaps with potting mix, press it down lightly and water the plant well until it drains.
""" + FOOTER

LISTING = MENU + """
Latest from our garden desk

Our editors test tools, plants and methods in real gardens so that you can choose with confidence.

Five shrubs that flower in winter
By Anna Berg
12 January 2025
Witch hazel, winter jasmine and three other shrubs bring colour to a garden when little else is in bloom.

The best compost bins for a small garden
By Tomas Lind
10 January 2025
We filled eight bins with kitchen waste for three months and compared how fast each one turned it into compost.

Why your tomatoes split and how to stop it
By Anna Berg
8 January 2025
Irregular watering is the usual cause, and a thick layer of mulch keeps the soil evenly moist through the summer.
""" + FOOTER

ARTICLE_WITH_COMMENTS = MENU + """
Council approves new cycle lanes

The city council approved plans on Tuesday for twelve kilometres of protected cycle lanes along the main roads into the centre.

The lanes will be built over the next two years, and the council said the work would be paid for from the regional transport budget.

Residents had asked for safer routes after a rise in accidents involving cyclists at the busiest junctions last year.

Shop owners on the main roads had opposed the plans at first, fearing the loss of parking spaces in front of their businesses, but most of them now back a version that keeps loading bays.

Officials said the first section, along the river road, would open before the end of the summer if the weather allows.

12 Comments

JohnDoe: I have been waiting for this for years and I am glad the council finally listened to the people who cycle every day.

Maria K: The money would have been better spent on buses, which many more people in this city use to get to work.
""" + FOOTER


def test_stored_weights_match_the_features_the_cleaner_computes():
    with MODEL_PATH.open("rb") as stored:
        model = np.load(stored)
        assert len(model["lines_mean"]) + 1 == len(model["lines_weights"]) == len(FEATURE_NAMES) + 1
        assert len(model["context_mean"]) + 1 == len(model["context_weights"]) > len(FEATURE_NAMES) + 1


def test_every_line_gets_a_probability_and_menus_score_below_prose():
    lines = page_lines(GUIDE)
    probability = dict(zip((line.text for line in lines), main_content_probabilities(lines)))
    assert len(probability) == len(lines)
    prose = "Loosen the roots gently with your fingers and set the plant in the new pot at the same depth as before."
    assert probability[prose] > 0.5
    assert max(probability["* Home"], probability["Privacy policy"]) < KEEP_PROBABILITY


def test_a_guide_keeps_its_steps_and_drops_menu_and_footer():
    text = clean_plain_text(GUIDE).text
    assert text.startswith("Repotting gives a plant fresh soil")
    assert text.endswith("water the plant well until it drains.")
    assert "A pot one size larger than the old one" in text
    for furniture in ("Home", "Weather", "Search", "Privacy policy", "Terms of use"):
        assert furniture not in text.splitlines()


def test_a_listing_keeps_its_items_summaries_not_only_one_of_them():
    text = clean_plain_text(LISTING).text
    for summary in ("Witch hazel, winter jasmine", "We filled eight bins", "Irregular watering is the usual cause"):
        assert summary in text
    assert "Privacy policy" not in text and "Contact us" not in text


def test_the_comment_thread_below_an_article_is_not_its_text():
    article = clean_plain_text(ARTICLE_WITH_COMMENTS)
    assert article.title == "Council approves new cycle lanes"
    assert article.text.startswith("The city council approved plans on Tuesday")
    assert article.text.endswith("before the end of the summer if the weather allows.")


DATED_STORY = (
    "Home\nNews\nHarbour ferry returns after winter repairs\n12.03.2031 09:15\n"
    "The harbour ferry returned to service on Wednesday after three months of repairs to its hull and engines. "
    "The operator said the crossing would run every half hour until the end of the season.\n"
    "Passengers who bought season tickets last year will be able to use them until the end of April.\n"
    "Read more\nShare\n"
)

RUSSIAN_STORY = (
    "Главная\nНовости\nПолитика\nПаромная переправа возобновила работу после ремонта\n12.03.2031 09:15\n"
    "ГРОДНО, 12 марта (БЕЛТА) – Паромная переправа через реку возобновила работу в среду после трехмесячного "
    "ремонта корпуса и двигателей. Как сообщил перевозчик, паром будет ходить каждые полчаса до конца сезона.\n"
    "«Мы благодарим жителей за терпение», – сказал директор предприятия журналистам.\n"
    "Читайте также\nПодписывайтесь на наш канал в Telegram\nПоделиться\nВсе права защищены.\n"
)


def test_a_date_line_under_the_headline_is_the_date_not_the_title():
    article = clean_plain_text(DATED_STORY)
    assert article.title == "Harbour ferry returns after winter repairs"
    assert str(article.published_date) == "2031-03-12"
    assert article.text.startswith("The harbour ferry returned") and "12.03.2031" not in article.text


def test_a_russian_page_loses_its_menus_and_share_lines_and_keeps_headline_date_and_dateline():
    article = clean_plain_text(RUSSIAN_STORY)
    assert article.title == "Паромная переправа возобновила работу после ремонта"
    assert str(article.published_date) == "2031-03-12"
    assert (article.dateline_place, article.outlet) == ("Гродно", "БЕЛТА")
    assert article.text.startswith("ГРОДНО, 12 марта (БЕЛТА)")
    assert article.text.endswith("сказал директор предприятия журналистам.")
    for furniture in ("Главная", "Читайте также", "Подписывайтесь на наш канал в Telegram", "Поделиться"):
        assert furniture not in article.text.splitlines()


def test_a_byline_under_the_headline_is_not_the_title_but_a_headline_opening_with_by_is():
    story = DATED_STORY.replace("12.03.2031 09:15\n", "By Mara Lindqvist\n12.03.2031 09:15\n")
    assert clean_plain_text(story).title == "Harbour ferry returns after winter repairs"
    headline = DATED_STORY.replace("Harbour ferry returns after winter repairs", "By the numbers: the harbour ferry's winter")
    assert clean_plain_text(headline).title == "By the numbers: the harbour ferry's winter"
