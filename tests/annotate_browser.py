"""Helpers of the annotation-page tests: the server as a subprocess, headless Chromium.

The browser is Debian's ``chromium`` driven through Debian's ``chromium-driver`` by
Selenium, with both paths given so Selenium Manager never looks for (or downloads) a
browser; ``.ci/run`` installs the two packages. Chromium resolves no host name but
127.0.0.1 (``--host-resolver-rules``), so a page that needed the network would break.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
STARTUP_SECONDS = 180


class AnnotationServer:
    """``qbench-portrait annotate ... --port 0`` in a subprocess; ``url`` once it listens."""

    def __init__(self, dataset: str, annotator: str, out: Path, *extra: str) -> None:
        command = [
            sys.executable,
            "-c",
            "from qbench_portrait_lib.cli import main; main()",
            "annotate",
            "--dataset",
            dataset,
            "--annotator",
            annotator,
            "--out",
            str(out),
            "--port",
            "0",
            *extra,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.first_line = self._read_line()
        self.url = self.first_line.rsplit(" ", 1)[-1]
        assert self.url.startswith("http://127.0.0.1:"), self.first_line

    def _read_line(self) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=STARTUP_SECONDS):
                self.kill()
                raise AssertionError(f"the annotation server printed no URL in {STARTUP_SECONDS} s")
        line = self.process.stdout.readline().strip()
        if not line:
            self.process.wait(timeout=10)
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise AssertionError(f"the annotation server exited with {self.process.returncode}: {stderr}")
        return line

    def kill(self) -> None:
        """SIGKILL, as a crash or a closed laptop would: no clean-up code runs."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def chromium() -> webdriver.Chrome:
    """Headless Chromium from the system's packages; fails (never skips) when they are missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    assert not missing, f"{missing} missing: apt-get install -y chromium chromium-driver (see .ci/run)"
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not go online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def current_id(driver: webdriver.Chrome, previous: str | None = None, timeout: float = 30) -> str:
    """The id of the question on the page, once it differs from ``previous``."""

    def shown(d: webdriver.Chrome) -> str | bool:
        value = d.find_element(By.ID, "annotate").get_attribute("data-question-id")
        return value if value and value != previous else False

    return WebDriverWait(driver, timeout).until(shown)


def wait_for_answered(driver: webdriver.Chrome, count: int, timeout: float = 30) -> None:
    """Wait until the progress bar says ``count`` questions are answered."""
    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.ID, "count").text.startswith(f"{count} / ")
    )


def resource_urls(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page loaded (document, scripts, styles, images, API calls)."""
    time.sleep(0.2)
    return driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)];"
    )
