"""The serving process collects garbage between requests, never in the middle of one."""
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import gc
from wsgi import app
assert not gc.isenabled(), "automatic collection is off in the serving process"
client = app.test_client()

class Node:
    pass

@app.get("/cycles")
def cycles():
    for _ in range(5000):
        a, b = Node(), Node()
        a.other, b.other = b, a  # garbage only a collection frees
    return "ok"

before = len(gc.get_objects())
for _ in range(3):
    assert client.get("/cycles").status_code == 200
assert gc.get_count()[0] < 700, gc.get_count()
assert len(gc.get_objects()) < before + 5000, "the cycles were collected after the requests"
print("ok")
"""


def test_garbage_is_collected_after_each_request_not_during(database_url):
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
