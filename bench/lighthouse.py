"""Lighthouse (mobile) on the patient pages, as production serves them: `make lighthouse`.

gunicorn with DEBUG off on a fresh SQLite database (the default configuration), then
Lighthouse from the npm registry (installed into bench/.lighthouse on first use) drives Debian's
Chromium over each page and prints, per page, the four category scores, the number of requests
and the bytes transferred. Targets: 100 in every category, at most 4 requests, under 25 KB.
A result page needs a screening in the session: the script answers the screener first and hands
Lighthouse the session cookie.
"""

import json
import os
import subprocess
import sys
from http.cookies import SimpleCookie

import httpx
from common import ELIGIBLE_ANSWERS, ROOT, RunFailed, Server, csrf_token, prepared_site, say

LIGHTHOUSE_DIR = ROOT / "bench" / ".lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MAX_REQUESTS = 4
MAX_BYTES = 25 * 1024


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        LIGHTHOUSE_DIR.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(LIGHTHOUSE_DIR), "lighthouse@12"],
            check=True,
        )


def screened_cookie(base_url: str) -> str:
    """Answer the screener (eligible) and return the session cookie that shows the result."""
    # The cookies are Secure (production settings) and this is plain HTTP on loopback, so they
    # are carried by hand.
    with httpx.Client(base_url=base_url) as client:
        page = client.get("/screener/")
        jar = cookies_of(page)
        response = client.post(
            "/screener/",
            data={**ELIGIBLE_ANSWERS, "csrfmiddlewaretoken": csrf_token(page.text)},
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
        )
        if response.status_code != 302:
            raise RunFailed(f"the screener answered {response.status_code}")
        jar.update(cookies_of(response))
        return "; ".join(f"{name}={value}" for name, value in jar.items())


def cookies_of(response: httpx.Response) -> dict[str, str]:
    jar: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def audit(url: str, cookie: str | None = None) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic "
        "--no-first-run --disable-background-networking --disable-component-update "
        "--disable-sync",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}
    )
    if done.returncode != 0:
        raise RunFailed(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    # data: URLs (an inline image in the stylesheet) are listed, but nothing crosses the network.
    requests = [
        item
        for item in report["audits"]["network-requests"]["details"]["items"]
        if not item["url"].startswith("data:")
    ]
    return {
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "requests": len(requests),
        "urls": [item["url"] for item in requests],
        "bytes": sum(item.get("transferSize", 0) for item in requests),
        "failed": [
            audit_id
            for audit_id, result in report["audits"].items()
            if result.get("score") is not None
            and result["score"] < 1
            and result.get("scoreDisplayMode") in {"binary", "numeric"}
        ],
    }


def main() -> int:
    ensure_lighthouse()
    misses = 0
    with prepared_site(database_url="sqlite") as site:
        server = Server(site, workers=2).start()
        pages = [("/", None), ("/faq/", None), ("/screener/", None), ("/aftercare/", None)]
        pages.append(("/screener/result/", screened_cookie(server.base_url)))
        say(f"{'page':<20} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'req':>4} {'KB':>6}")
        for path, cookie in pages:
            found = audit(server.base_url + path, cookie)
            scores = found["scores"]
            ok = (
                all(score == 100 for score in scores.values())
                and found["requests"] <= MAX_REQUESTS
                and found["bytes"] < MAX_BYTES
            )
            misses += not ok
            say(
                f"{path:<20} {scores['performance']:>5} {scores['accessibility']:>5} "
                f"{scores['best-practices']:>5} {scores['seo']:>5} {found['requests']:>4} "
                f"{found['bytes'] / 1024:>6.1f}  {'PASS' if ok else 'MISS'}"
            )
            if found["requests"] > MAX_REQUESTS:
                say(f"    requests: {', '.join(found['urls'])}")
            if found["failed"]:
                say(f"    below full marks: {', '.join(sorted(found['failed']))}")
    say(f"\n{misses} page(s) missed a target." if misses else "\nEvery page met every target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
