from datetime import timedelta
from tests.harness import Harness
from storage.models import Role

async def test_probe(harness: Harness) -> None:
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    for day in range(2):
        n = len(ada.messages)
        await ada.send_command("checkin")
        print("cmd", [m.text[:30] for m in ada.messages[n:]], ada.buttons())
        for label in ["3", "3", "Hviledag", "Spring over"]:
            n = len(ada.messages)
            await ada.click(label)
            print(label, [m.text[:30] for m in ada.messages[n:]], ada.buttons())
        harness.clock.advance(timedelta(days=1))
    assert 0
