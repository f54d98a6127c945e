"""Snippet assembly: fragments are joined with exactly one ellipsis between them."""

from indexer.highlight import join_fragments


def test_one_ellipsis_between_fragments_that_already_carry_one():
    assert join_fragments(["a <mark>b</mark> …", "… c d …", "… e"]) == "a <mark>b</mark> … c d … e"


def test_outer_ellipses_are_kept_and_missing_ones_added():
    assert join_fragments(["… a", "b …"]) == "… a … b …"
    assert join_fragments(["whole sentence."]) == "whole sentence."
    assert join_fragments([]) == ""
