"""Check a generated database with the app itself: log in as a member and an organizer and
GET each main page; every one must answer 200 and show generated content.

    python -m bench.generate_check --size small
"""

import argparse
import json
import sys
import time
from pathlib import Path

from markupsafe import escape

from cohort import create_app

from .generate_samples import DATA


def _login(client, email: str, password: str) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        sys.exit(f"login as {email} failed: HTTP {response.status_code}")


def _get_all(client, urls: dict[str, str], expect: list[str]) -> list[str]:
    """GET each page; it must answer 200 and show at least one of the generated names."""
    failures = []
    for name, url in urls.items():
        started = time.monotonic()
        response = client.get(url)
        elapsed = (time.monotonic() - started) * 1000
        body = response.get_data(as_text=True)
        shown = [text for text in expect if str(escape(text)) in body]
        print(f"  {response.status_code} {elapsed:7.0f} ms  {name:<20} {url}  shows {len(shown)}")
        if response.status_code != 200:
            failures.append(f"{name} {url}: HTTP {response.status_code}")
        elif not shown:
            failures.append(f"{name} {url}: none of the generated names shown")
    return failures


def check_pages(database_url: str, samples_path: Path) -> None:
    """Exit non-zero when a page fails; the cohort's name must appear on each page."""
    samples = json.loads(samples_path.read_text(encoding="utf-8"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    failures = []
    for email, urls in (
        (samples["member_email"], samples["member_urls"]),
        (samples["member_two_cohorts_email"], {"home": "/", "feed": "/feed"}),
        (samples["organizer_email"], samples["organizer_urls"]),
    ):
        print(f"As {email}:")
        with app.test_client() as client:
            _login(client, email, samples["password"])
            failures += _get_all(client, urls, samples["expected_texts"])
    if failures:
        sys.exit("Pages failing:\n" + "\n".join(failures))
    print("All pages answered 200.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    args = parser.parse_args()
    path = DATA / f"{args.size}.json"
    samples = json.loads(path.read_text(encoding="utf-8"))
    check_pages(samples["database_url"], path)


if __name__ == "__main__":
    main()
