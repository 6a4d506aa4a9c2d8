"""Waktu, the time a step may take (mutu baku), as written and as meant."""
import datetime
import re
from dataclasses import dataclass

# Unit of a waktu: how the amount is counted.
MINUTE, HOUR, DAY, WORKDAY, NONE = "minute", "hour", "day", "workday", "none"
UNITS = (MINUTE, HOUR, DAY, WORKDAY, NONE)

_WORDS = {"menit": MINUTE, "jam": HOUR, "hari": DAY, "hari kerja": WORKDAY}
_PATTERN = re.compile(r"^\s*(\d+)\s*(menit|jam|hari\s+kerja|hari)\s*\.?\s*$", re.IGNORECASE)
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
        """Read "1 hari", "10 Menit", "30 menit", "2 jam", "3 hari kerja", "N/A" or ""."""
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

    def due_from(self, start: datetime.datetime) -> datetime.datetime | None:
        """When a step activated at ``start`` is due; None when the SOP sets no time.

        Calendar arithmetic; working days skip Saturdays and Sundays only (national
        holidays and cuti bersama are not known yet).
        """
        if self.unit == MINUTE:
            return start + datetime.timedelta(minutes=self.amount)
        if self.unit == HOUR:
            return start + datetime.timedelta(hours=self.amount)
        if self.unit == DAY:
            return start + datetime.timedelta(days=self.amount)
        if self.unit == WORKDAY:
            due, left = start, self.amount
            while left:
                due += datetime.timedelta(days=1)
                if due.weekday() < 5:
                    left -= 1
            return due
        return None

    def as_data(self) -> dict:
        return {"text": self.text, "amount": self.amount, "unit": self.unit}
