import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "blog_site" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_every_setting_variable_is_documented_in_readme_and_env_example():
    names = _variables_read_by_settings()
    assert "DATABASE_URL" in names
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert not {n for n in names if f"`{n}`" not in readme}, "undocumented in README"
    assert not {n for n in names if not re.search(rf"^{n}=", example, re.M)}, "missing from .env.example"


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text()[:300]
    assert head.index("make run") < head.index("make test")
