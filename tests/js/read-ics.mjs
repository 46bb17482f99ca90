// Read calendar invitations with ical.js, Thunderbird's iCalendar parser, as a calendar
// client would. Used by tests/delivery/test_calendar.py.
//
// Usage: node read-ics.mjs < invitations.jsonl
// Each input line is a JSON string holding one .ics file; each output line is
// {"method": ..., "start": "YYYY-MM-DDTHH:MM:SSZ", "end": ..., "minutes": n, "attendees": n,
//  "organizer": bool} or {"error": "..."}.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = [];
for (const line of readFileSync(0, "utf8").split("\n")) {
  if (!line.trim()) continue;
  try {
    const root = new ICAL.Component(ICAL.parse(JSON.parse(line)));
    for (const zone of root.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    }
    const vevent = root.getFirstSubcomponent("vevent");
    const event = new ICAL.Event(vevent);
    // times as ical.js's own UTC strings (a JS Date would put the years 1-99 in 1900-1999)
    const utc = (time) => time.convertToZone(ICAL.Timezone.utcTimezone).toString();
    out.push(
      JSON.stringify({
        method: root.getFirstPropertyValue("method"),
        start: utc(event.startDate),
        end: utc(event.endDate),
        minutes: event.endDate.subtractDateTz(event.startDate).toSeconds() / 60,
        attendees: vevent.getAllProperties("attendee").length,
        organizer: vevent.hasProperty("organizer"),
      }),
    );
    for (const zone of root.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.remove(zone.getFirstPropertyValue("tzid"));
    }
  } catch (error) {
    out.push(JSON.stringify({ error: String(error) }));
  }
}
process.stdout.write(out.join("\n") + "\n");
