"""Take docs/annotate-page.png: the annotation page on the embedded sample, in headless Chromium.

Run ``python tools/annotate_screenshot.py [OUT.png]`` with Debian's ``chromium`` and
``chromium-driver`` installed and the ``test`` extra (Selenium). It starts
``qbench-portrait annotate`` on a free loopback port with a throw-away answer file,
answers the first three questions with the keyboard, opens a multiple-choice question,
ticks two options and saves a 1400x860 screenshot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys


def start_server(out: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-c", "from qbench_portrait_lib.cli import main; main()", "annotate"]
    command += ["--dataset", "sample", "--annotator", "ann1", "--out", str(out), "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip().rsplit(" ", 1)[-1]


def main(target: str = "docs/annotate-page.png") -> None:
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,860"):
        options.add_argument(argument)
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_server(Path(folder) / "ann1.jsonl")
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(url)
            time.sleep(1.5)
            for keys in (("b", Keys.ENTER), ("c", Keys.ENTER), ("t", Keys.ENTER), ("a", "c")):
                ActionChains(driver).send_keys(*keys).perform()
                time.sleep(0.8)
            driver.save_screenshot(target)
        finally:
            driver.quit()
            process.kill()
            process.wait()
    print(f"wrote {target}")


if __name__ == "__main__":
    main(*sys.argv[1:])
