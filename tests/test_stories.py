"""One entry per story, over real files: the seeds stay five stories (002 and 004 cover one
meeting in different words), a re-published copy of a seed joins its story, search collapses
copies and lists them as versions, incremental builds keep story ids right, and on copies of
real Reuters stories the grouping holds its measured precision and recall."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from webfixtures import SEEDS

from indexer import generations as gens
from indexer import stories
from indexer.build import build_index
from indexer.config import Config, SearchConfig
from indexer.document import doc_id
from indexer.live import LiveIndex
from indexer.search import BadRequest, parse_request, search
from webapp import create_app

VOA = "002_366b9a06e0d49ebc.txt"
BQT = "004_d29238495a4c473e.txt"
SCMP = "001_09996429d7cfd6fc.txt"
COPY = "republished/voa-copy.txt"


def _table(index: Path) -> stories.StoryTable:
    table = stories.load(index / gens.read_pointer(index))
    assert table is not None
    return table


def republish(corpus: Path) -> str:
    """Seed 002's article as another site prints it: the SCMP seed's chrome lines around it,
    the forum chrome gone, one paragraph dropped and the headline changed."""
    paras = [p for p in (SEEDS / VOA).read_text(encoding="utf-8").split("\n\n") if p.strip()]
    article = paras[paras.index("October 01, 2023 3:05 AM") + 1 : -1]
    del article[5]
    chrome = (SEEDS / SCMP).read_text(encoding="utf-8").splitlines()
    text = "\n\n".join(
        [chrome[0], "Seoul and Tokyo seek steadier ties with Beijing", *chrome[4:7], *article]
    )
    target = corpus / COPY
    target.parent.mkdir(exist_ok=True)
    target.write_text(text + "\n\nAdvertisement\n", encoding="utf-8")
    return COPY


def test_the_seeds_are_five_stories_and_002_004_stay_apart(seed_index):
    table = _table(seed_index)
    of = table.story_of()
    assert len(set(of.values())) == 5
    assert of[VOA] != of[BQT]
    assert all(of[s] == doc_id(s) for s in of)  # a story of one is named by its document


def test_a_republished_copy_joins_its_story(corpus, tmp_path):
    copy = republish(corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    of = _table(index).story_of()
    assert of[copy] == of[VOA] == min(doc_id(VOA), doc_id(copy))
    assert len(set(of.values())) == 5
    assert of[BQT] != of[VOA]


def test_incremental_builds_keep_story_ids_right(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index)
    assert _table(index).story_of()[VOA] == doc_id(VOA)

    copy = republish(corpus)  # a copy is added: it joins the original's story
    report = build_index(corpus, index)
    assert report.added == 1 and not report.full
    joined = min(doc_id(VOA), doc_id(copy))
    assert _table(index).story_of()[copy] == _table(index).story_of()[VOA] == joined

    (corpus / VOA).unlink()  # the original goes: the copy is a story of its own
    build_index(corpus, index)
    of = _table(index).story_of()
    assert VOA not in of and of[copy] == doc_id(copy)

    shutil.copy(SEEDS / VOA, corpus / VOA)  # back again, then the copy goes
    build_index(corpus, index)
    assert _table(index).story_of()[VOA] == joined
    (corpus / copy).unlink()
    build_index(corpus, index)
    of = _table(index).story_of()
    assert copy not in of and of[VOA] == doc_id(VOA) and len(of) == 5


def test_a_lost_stories_file_is_rebuilt_from_the_index(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index)
    (index / gens.read_pointer(index) / stories.STORIES_FILE).unlink()
    copy = republish(corpus)
    build_index(corpus, index)
    of = _table(index).story_of()
    assert len(of) == 6 and of[copy] == of[VOA]


def test_search_lists_one_entry_per_story(corpus, tmp_path):
    copy = republish(corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    limits = SearchConfig()
    searcher = LiveIndex(index).searcher()
    collapsed = search(searcher, parse_request({"q": "trilateral summit"}, limits), limits)
    every = search(
        searcher, parse_request({"q": "trilateral summit", "collapse": "false"}, limits), limits
    )
    assert collapsed.total == every.total  # total still counts documents
    assert collapsed.stories == every.stories == collapsed.total - 1
    assert len(collapsed.results) == len(every.results) - 1
    ids = {hit.id for hit in every.results}
    assert {doc_id(VOA), doc_id(copy)} <= ids
    shown = [h for h in collapsed.results if h.id in (doc_id(VOA), doc_id(copy))]
    assert len(shown) == 1  # the best-ranked copy only
    other = ({doc_id(VOA), doc_id(copy)} - {shown[0].id}).pop()
    assert shown[0].versions == [other] and shown[0].story == min(doc_id(VOA), doc_id(copy))
    # The copy that is shown is the one ranked higher when every copy is listed.
    order = [h.id for h in every.results]
    assert order.index(shown[0].id) < order.index(other)


def test_api_and_page_show_versions(corpus, tmp_path):
    copy = republish(corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    client = create_app(Config(corpus_dir=corpus, index_dir=index), TESTING=True).test_client()
    body = client.get("/api/search", query_string={"q": "trilateral summit"}).get_json()
    assert body["total"] == body["stories"] + 1
    with_versions = [h for h in body["results"] if h["versions"]]
    assert len(with_versions) == 1
    assert set(with_versions[0]["versions"]) | {with_versions[0]["id"]} == {
        doc_id(VOA),
        doc_id(copy),
    }
    flat = client.get(
        "/api/search", query_string={"q": "trilateral summit", "collapse": "false"}
    ).get_json()
    assert len(flat["results"]) == len(body["results"]) + 1
    page = client.get("/search", query_string={"q": "trilateral summit"}).get_data(as_text=True)
    assert "1 other version:" in page
    assert f"/doc/{with_versions[0]['versions'][0]}" in page
    bad = client.get("/api/search", query_string={"q": "korea", "collapse": "maybe"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_collapse"


def test_collapse_must_be_true_or_false():
    with pytest.raises(BadRequest):
        parse_request({"q": "korea", "collapse": "sometimes"}, SearchConfig())
    assert parse_request({"q": "korea"}, SearchConfig()).collapse is True
    assert parse_request({"q": "korea", "collapse": "FALSE"}, SearchConfig()).collapse is False


def test_signatures_estimate_shingle_jaccard_on_the_seeds():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]
    sigs = np.stack([stories.signature(t) for t in texts])
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            sa, sb = stories.shingles(a), stories.shingles(b)
            true = len(sa & sb) / len(sa | sb)
            estimate = float((sigs[i] == sigs[j]).mean())
            assert abs(estimate - true) < 0.2
    assert not stories.signature("").any()  # no words: no signature, a story of its own
    assert stories.group(np.zeros((3, stories.NUM_PERM), dtype=np.uint32)).tolist() == [0, 1, 2]


def test_grouping_of_real_reuters_copies(tmp_path):
    """bench/story_eval.py on a small set: precision and recall at the default threshold."""
    from shared_data import require_shared
    from story_eval import build_set, scores

    require_shared("reuters21578")
    require_shared("wcxb-dev")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    truth = build_set(40, corpus)
    build_index(corpus, index)
    table = _table(index)
    precision, recall, _, _ = scores(table.story_of(), {s: truth[s] for s in table.sources})
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_cli_search_names_sites_and_versions(corpus, tmp_path):
    from click.testing import CliRunner

    from indexer.cli import cli

    republish(corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    runner = CliRunner()
    base = ["search", "trilateral summit", "--index", str(index)]
    out = runner.invoke(cli, base)
    assert out.exit_code == 0, out.output
    assert "1 other version" in out.output
    every = runner.invoke(cli, [*base, "--all-copies", "--json"])
    collapsed = runner.invoke(cli, [*base, "--json"])
    assert (
        len(json.loads(every.output)["results"]) == len(json.loads(collapsed.output)["results"]) + 1
    )
    scmp = runner.invoke(cli, ["search", "korea", "--index", str(index), "--site", "SCMP"])
    assert scmp.exit_code == 0 and "SCMP  001_09996429d7cfd6fc.txt" in scmp.output


def test_compact_signatures_group_as_a_dict_of_arrays_does(corpus):
    """The build's row-block Signatures (set one by one, or a worker's share at once, a source
    set again replacing its row) give the table a dict of one array per source gives."""
    republish(corpus)
    files = [p for p in corpus.rglob("*") if p.is_file()]
    texts = {p.relative_to(corpus).as_posix(): p.read_text("utf-8", "replace") for p in files}
    sigs = {s: stories.signature(t) for s, t in sorted(texts.items(), reverse=True)}
    compact = stories.Signatures()
    names = list(sigs)
    compact[names[0]] = np.zeros(stories.NUM_PERM, dtype=np.uint32)  # replaced below
    compact.add_rows(names[:2], np.stack([sigs[s] for s in names[:2]]))
    for s in names[2:]:
        compact[s] = sigs[s]
    want, got = stories.build_table(sigs), stories.build_table(compact)
    assert got.sources == want.sources and got.story == want.story
    assert np.array_equal(got.signatures, want.signatures)
    assert got.story_of()[COPY] == got.story_of()[VOA]  # the copy joined: a real grouping
    old = stories.build_table({s: sigs[s] for s in names[1:]})
    again = stories.updated(old, {VOA}, compact)
    assert again.story == stories.updated(old, {VOA}, sigs).story


def test_search_time_load_skips_the_signatures(seed_index):
    folder = seed_index / gens.read_pointer(seed_index)
    full, light = stories.load(folder), stories.load(folder, signatures=False)
    assert light.sources == full.sources and light.story == full.story
    assert full.signatures.shape == (5, stories.NUM_PERM) and light.signatures.size == 0


def test_signatures_and_bands_are_datasketchs():
    """stories.py computes datasketch's MinHash and LSH parameters without importing it."""
    import zlib

    from datasketch import MinHash, MinHashLSH

    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.rglob("*.*"))]
    template = MinHash(
        num_perm=stories.NUM_PERM, seed=stories._SEED, hashfunc=zlib.crc32, scheme="affine32"
    )
    for text in [*texts, "", "one two three", "word " * 5000]:
        found = stories.shingles(text)
        m = template.copy()
        m.update_batch(found)
        expected = m.hashvalues if found else np.zeros(stories.NUM_PERM, dtype=np.uint32)
        assert stories.signature(text).dtype == np.uint32
        assert np.array_equal(stories.signature(text), expected)
    for threshold in (0.3, 0.5, 0.7, 0.9):
        lsh = MinHashLSH(threshold=threshold, num_perm=stories.NUM_PERM)
        assert stories.bands(threshold) == (lsh.b, lsh.r)
