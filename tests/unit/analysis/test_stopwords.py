"""Our copy of scikit-learn's English stop words is still scikit-learn's list."""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.stopwords import _word_list, function_words


def test_the_english_list_is_scikit_learns():
    assert _word_list("stopwords_en.txt") == set(ENGLISH_STOP_WORDS)


def test_both_languages_are_in():
    words = function_words()
    assert {"the", "which", "le", "les", "nous"} <= words
    assert "écoute" not in words
