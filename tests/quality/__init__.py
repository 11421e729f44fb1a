"""Quality gates of the built site (tests/test_quality.py): the check functions, each usable on any
built site or page, so that the tests can prove every check fails on a page broken on purpose."""
