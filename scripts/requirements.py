"""Print the pinned requirements of pyproject.toml (with the extras named), for `pip install -r /dev/stdin`.

The project itself is not installed into the virtualenv: it runs from its checkout (manage.py, celery -A config,
gunicorn config.wsgi), so a second checkout beside it never imports the first one's code.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
lines = list(project["dependencies"])
for extra in sys.argv[1:]:
    lines += project["optional-dependencies"][extra]
print("\n".join(lines))
