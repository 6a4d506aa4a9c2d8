"""Waktu, the time a step may take (mutu baku), as written and as meant."""
import re
from dataclasses import dataclass

# Unit of a waktu: how the amount is counted (worktime.calendar does the counting). Minutes
# and hours are working minutes and hours; "hari" is a working day, as a government office
# means it ("day" and "workday" alike); only "hari kalender" counts calendar days.
MINUTE, HOUR, DAY, WORKDAY, CALENDAR_DAY, NONE = "minute", "hour", "day", "workday", "calendar_day", "none"
UNITS = (MINUTE, HOUR, DAY, WORKDAY, CALENDAR_DAY, NONE)

_WORDS = {"menit": MINUTE, "jam": HOUR, "hari": DAY, "hari kerja": WORKDAY, "hari kalender": CALENDAR_DAY}
_PATTERN = re.compile(r"^\s*(\d+)\s*(menit|jam|hari\s+kerja|hari\s+kalender|hari)\s*\.?\s*$", re.IGNORECASE)
_NO_LIMIT = {"", "n/a", "na", "-"}


class WaktuUnreadable(ValueError):
    pass


@dataclass(frozen=True)
class Waktu:
    text: str
    amount: int | None = None
    unit: str = NONE

    @classmethod
    def parse(cls, text: str) -> "Waktu":
        """Read "1 hari", "10 Menit", "30 menit", "2 jam", "3 hari kerja", "2 hari kalender", "N/A" or ""."""
        if text.strip().lower() in _NO_LIMIT:
            return cls(text=text)
        match = _PATTERN.match(text)
        if not match:
            raise WaktuUnreadable(text)
        word = re.sub(r"\s+", " ", match.group(2).lower())
        return cls(text=text, amount=int(match.group(1)), unit=_WORDS[word])

    @property
    def has_limit(self) -> bool:
        return self.unit != NONE

    def as_data(self) -> dict:
        return {"text": self.text, "amount": self.amount, "unit": self.unit}
