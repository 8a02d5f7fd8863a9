"""iCalendar (RFC 5545) for the mobile consultation rota: one weekly (or fortnightly) recurring event per session.

Written by hand (the format is simple text): CRLF line ends, lines folded at 75 octets without splitting a UTF-8
character, TEXT values escaped, local times in Europe/Berlin with its VTIMEZONE so calendar apps place the
sessions right across daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd

PRODID = "-//Sozialraum-Dashboard//Mobile Beratung//DE"
TZID = "Europe/Berlin"
VTIMEZONE = (
    "BEGIN:VTIMEZONE", f"TZID:{TZID}",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (continuations start with a space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space of a continuation counts
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(day: date, hhmm: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    return f"{day:%Y%m%d}T{h:02d}{m:02d}00"


def rota_ics(sessions: pd.DataFrame, *, first_week: date, rhythm: str = "weekly", until: date | None = None,
             name: str = "Mobile Beratung", stamp: datetime | None = None, note: str = "") -> str:
    """The calendar text. ``sessions``: day (0 = Monday), start, end ('HH:MM'), venue_id, venue, villages,
    people. The series begins in the week of ``first_week``; ``rhythm`` 'weekly' or 'fortnightly'."""
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    monday = first_week - timedelta(days=first_week.weekday())
    interval = 2 if rhythm == "fortnightly" else 1
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", *VTIMEZONE]
    for r in sessions.itertuples(index=False):
        day = monday + timedelta(days=int(r.day))
        rule = f"RRULE:FREQ=WEEKLY;INTERVAL={interval}"
        if until is not None:
            rule += f";UNTIL={until:%Y%m%d}T235959Z"
        people = "" if pd.isna(r.people) else f"≈ {int(r.people)} Personen der Zielgruppe erreichbar. "
        desc = f"Erreichbar aus: {r.villages}. {people}{note}".strip()
        lines += ["BEGIN:VEVENT",
                  f"UID:rota-{escape_text(r.venue_id)}-{int(r.day)}-{r.start.replace(':', '')}@sozialraum",
                  f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                  f"DTSTART;TZID={TZID}:{_local(day, r.start)}", f"DTEND;TZID={TZID}:{_local(day, r.end)}", rule,
                  f"SUMMARY:{escape_text('Sprechstunde ' + str(r.venue))}", f"LOCATION:{escape_text(r.venue)}",
                  f"DESCRIPTION:{escape_text(desc)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
