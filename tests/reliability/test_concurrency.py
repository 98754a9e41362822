"""Readers keep answering while an update runs; two updates of one index are serialised by its lock."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from index.build import update_index
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus
from ui.service import AssistantService
from ui.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_readers_answer_during_an_update(tmp_path: Path) -> None:
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES[:3])
    settings = Settings(index_dir=tmp_path / "index")
    update_index(settings.index_dir, [corpus], HashEmbedder())
    slow = HashEmbedder(delay=0.3)  # every embedding batch takes a while: the update is long
    service = AssistantService(settings, slow, corpus_paths=[corpus])
    shutil.copy(SAMPLES[4], service.uploads)
    updating = threading.Thread(target=service.update)
    updating.start()
    answers = []
    while updating.is_alive() and len(answers) < 200:
        answers.append(service.ask("伊春市成立了什么仲裁机构？"))
    updating.join()
    assert len(answers) >= 3 and all(a.answerable and "伊春仲裁委员会" in a.answer for a in answers)
    assert any(c.region == "西湖区" for c in service.ask("西湖区打造了哪些调解室品牌？").citations)


_UPDATER = """
import json, sys, time
from pathlib import Path
from index.build import update_index
from tests.fakes import HashEmbedder
stamps = []
# The text stage (ingest and publish) holds the writer lock; embedding runs outside it, so only its
# stamps are compared.
update_index(Path(sys.argv[1]), [sys.argv[2]], HashEmbedder(delay=0.05),
             progress=lambda stage, done, total: stamps.append(time.time()) if stage == "reports" else None)
print(json.dumps([min(stamps), max(stamps)]))
"""


def test_two_updates_are_serialised(tmp_path: Path) -> None:
    corpora = []
    for number, chosen in enumerate((SAMPLES[:3], SAMPLES[2:])):
        corpora.append(sample_corpus(tmp_path / f"corpus{number}", chosen))
    index = tmp_path / "index"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen([sys.executable, "-c", _UPDATER, str(index), str(c)], cwd=REPO, env=env,
                                  stdout=subprocess.PIPE, text=True) for c in corpora]
    spans = []
    for process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        spans.append(json.loads(out.splitlines()[-1]))
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start  # the writing of one update never interleaves with the other's
    from index.search import SearchIndex

    final = SearchIndex.open(index, HashEmbedder())
    assert set(final.sources()) in ({p.name for p in SAMPLES[:3]}, {p.name for p in SAMPLES[2:]})
    assert final.pending_vectors == 0 and final.unit_vectors is not None  # and the last one got every vector
