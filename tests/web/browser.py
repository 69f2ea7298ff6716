"""Headless Chromium for the console's browser tests: Debian's `chromium` and `chromium-driver`
driven by Selenium with both paths given, so Selenium Manager never downloads anything.

Selenium is blocking; every call runs in a worker thread so the console (served on this event
loop) keeps answering. Waiting for the page is polling the page, never a sleep.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
T = TypeVar("T")


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def require_browser() -> None:
    """Skip with a notice only outside CI; in CI a missing browser is a failure."""
    if browser_available():
        return
    message = (
        f"headless Chromium not installed ({CHROMIUM}, {CHROMEDRIVER}): "
        "apt-get install chromium chromium-driver"
    )
    if os.environ.get("CI") or os.environ.get("FREMAD_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


class Browser:
    def __init__(self, screenshots: Path, width: int = 1280, height: int = 900) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a thing
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            f"--window-size={width},{height}",
            "--lang=da",
        ):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(
            service=Service(executable_path=CHROMEDRIVER), options=options
        )
        self.screenshots = screenshots
        screenshots.mkdir(parents=True, exist_ok=True)

    async def run(self, work: Callable[[], T]) -> T:
        return await asyncio.to_thread(work)

    async def get(self, url: str) -> None:
        await self.run(lambda: self.driver.get(url))

    async def wait(self, condition: Callable[[Any], Any], timeout: float = 20) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return await self.run(lambda: WebDriverWait(self.driver, timeout).until(condition))

    async def element(self, css: str, timeout: float = 20) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return await self.wait(ec.presence_of_element_located((By.CSS_SELECTOR, css)), timeout)

    async def text_in(self, css: str, text: str, timeout: float = 20) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        await self.wait(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout)

    async def click(self, css: str) -> None:
        found = await self.element(css)
        await self.run(found.click)

    async def click_text(self, css: str, label: str) -> None:
        """Clicks the element matching `css` whose visible text is `label`."""
        from selenium.webdriver.common.by import By

        def pick() -> Any:
            for candidate in self.driver.find_elements(By.CSS_SELECTOR, css):
                if candidate.text.strip() == label:
                    return candidate
            return False

        found = await self.wait(lambda _driver: pick())
        await self.run(found.click)

    async def screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        await self.run(lambda: self.driver.save_screenshot(str(path)))
        return path

    def close(self) -> None:
        self.driver.quit()
